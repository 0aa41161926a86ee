"""The vector index seam: one small base class, one implementation per backend.

Praxis asks a vector index for the top k passages of a query vector under filters, for
stored vectors (MMR, the generic-passage discount), and tells it about every committed write.
Calibration, fusion and grouping happen above it (index/search.py) and do not know which
backend runs. SQLite stays the record of what was ingested: every backend can be rebuilt
from it, and notices on open (by the store's generation) when it has to be.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from praxis.index.filters import Filters


class VectorIndex(ABC):
    """Exact or approximate inner-product search over the library's unit-length passage vectors."""

    name: str = "base"
    generation: int  # the store generation this index reflects

    @property
    @abstractmethod
    def size(self) -> int:
        """How many passages the index holds."""

    @abstractmethod
    def search(self, query: np.ndarray, k: int, filters: Filters | None = None) -> list[tuple[int, float]]:
        """Top k (passage id, cosine), best first; `filters` are applied inside the backend."""

    @abstractmethod
    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of these passages, in this order."""

    @abstractmethod
    def update(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        """Follow one committed write (`vectors` are those of `added`, in order)."""

    @abstractmethod
    def persist(self) -> None:
        """Make the current state durable (after a batch of writes)."""
