"""Embedders behind one small interface; `make_embedder` picks one from a spec string."""
from praxis.index.embedders.base import Embedder, EmbedderMismatch
from praxis.index.embedders.factory import make_embedder

__all__ = ["Embedder", "EmbedderMismatch", "make_embedder"]
