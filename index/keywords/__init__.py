"""Keyword search behind one interface; `make_keyword_index` picks the backend."""
from praxis.index.keywords.base import KeywordIndex
from praxis.index.keywords.factory import make_keyword_index

__all__ = ["KeywordIndex", "make_keyword_index"]
