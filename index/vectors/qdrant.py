"""The Qdrant vector backend: dense search in the library's collection (index/qdrant_collection.py),
filters applied as payload filters inside Qdrant."""
from __future__ import annotations

import numpy as np

from praxis.index.filters import Filters
from praxis.index.qdrant_collection import DENSE, QdrantCollection
from praxis.index.vectors.base import VectorIndex


class QdrantVectors(VectorIndex):
    """Writes carry the sparse keyword vectors too: one collection, one write per document."""

    name = "qdrant"

    def __init__(self, collection: QdrantCollection) -> None:
        self.collection = collection

    @classmethod
    def open(cls, collection: QdrantCollection) -> "QdrantVectors":
        if not collection.is_current():
            collection.rebuild()
        return cls(collection)

    @property
    def generation(self) -> int:  # type: ignore[override]
        return self.collection.state.generation

    @generation.setter
    def generation(self, value: int) -> None:
        self.collection.set_generation(value)

    @property
    def size(self) -> int:
        return self.collection.state.points

    def search(self, query: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        vector = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        return self.collection.query(vector, DENSE, k, filters)

    def vectors(self, ids: list[int]) -> np.ndarray:
        return self.collection.vectors(ids)

    def update(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        self.collection.follow(removed, added, vectors, generation)

    def persist(self) -> None:
        """Every write is already durable in Qdrant and in the state file."""
