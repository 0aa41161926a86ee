"""The embedded keyword backend: SQLite FTS5 with BM25 (index/lexical.py), written in the
same transaction as the document, so it never needs to follow writes."""
from __future__ import annotations

from collections.abc import Iterable

from praxis.index.filters import Filters
from praxis.index.keywords.base import KeywordIndex
from praxis.index.lexical import lexical_search
from praxis.index.store import Store


class Fts5Keywords(KeywordIndex):
    name = "fts5"

    def __init__(self, store: Store) -> None:
        self.store = store

    def search(
        self, query: str, k: int, filters: Filters | None = None, extra_terms: Iterable[str] = ()
    ) -> list[tuple[int, float]]:
        return lexical_search(self.store, query, k, filters, extra_terms)
