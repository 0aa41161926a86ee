"""The Qdrant keyword backend: sparse BM25 vectors (index/keywords/sparse.py) scored with
Qdrant's IDF modifier, in the same collection as the dense vectors (which writes them)."""
from __future__ import annotations

from collections.abc import Iterable

from praxis.index.filters import Filters
from praxis.index.keywords.base import KeywordIndex
from praxis.index.keywords.sparse import query_terms, term_index
from praxis.index.qdrant_collection import SPARSE, QdrantCollection


class QdrantKeywords(KeywordIndex):
    name = "qdrant"

    def __init__(self, collection: QdrantCollection) -> None:
        self.collection = collection

    def search(
        self, query: str, k: int, filters: Filters | None = None, extra_terms: Iterable[str] = ()
    ) -> list[tuple[int, float]]:
        terms = query_terms(query, extra_terms)
        if not terms or k <= 0:
            return []
        indices = sorted({term_index(t) for t in terms})
        sparse = self.collection.models.SparseVector(indices=indices, values=[1.0] * len(indices))
        return self.collection.query(sparse, SPARSE, k, filters)
