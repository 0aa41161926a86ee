"""The embedded vector backend: today's faiss cache (index/dense.py) behind the seam."""
from __future__ import annotations

import numpy as np

from praxis.index.dense import DenseIndex
from praxis.index.filters import Filters
from praxis.index.store import Store
from praxis.index.vectors.base import VectorIndex


class FaissVectors(VectorIndex):
    """faiss `IndexFlatIP` (exact); filters become an id selector computed by SQLite."""

    name = "faiss"

    def __init__(self, store: Store, dense: DenseIndex) -> None:
        self.store = store
        self.dense = dense

    @classmethod
    def open(cls, store: Store) -> "FaissVectors":
        return cls(store, DenseIndex.load_or_rebuild(store))

    @classmethod
    def rebuild(cls, store: Store) -> "FaissVectors":
        return cls(store, DenseIndex.rebuild(store))

    @property
    def generation(self) -> int:  # type: ignore[override]
        return self.dense.generation

    @generation.setter
    def generation(self, value: int) -> None:
        self.dense.generation = value

    @property
    def size(self) -> int:
        return self.dense.size

    def search(self, query: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        allowed = None if filters is None or filters.is_empty() else filters.passage_ids(self.store)
        return self.dense.search(query, k, allowed)

    def vectors(self, ids: list[int]) -> np.ndarray:
        return self.dense.vectors(ids)

    def update(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        self.dense.update(removed, added, vectors, generation)

    def is_saved(self, store: Store) -> bool:
        """Whether the cache file on disk holds exactly this index (its generation and checksum)."""
        return self.dense.is_saved(store)

    def persist(self) -> None:
        if not self.dense.is_saved(self.store):  # the cache file already holds this generation
            self.dense.save(self.store)
