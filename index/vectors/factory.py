"""Pick the vector backend from settings (PRAXIS_INDEX_BACKEND, PRAXIS_QDRANT_URL)."""
from __future__ import annotations

from praxis.index.store import Store
from praxis.index.vectors.base import VectorIndex

# "embedded": faiss + FTS5 in the data directory (the default); "qdrant": a server or cluster
# at PRAXIS_QDRANT_URL, or Qdrant's local mode in the data directory when no URL is set.
BACKENDS = ("embedded", "qdrant")


class UnknownBackend(ValueError):
    pass


def check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise UnknownBackend(f"unknown index backend '{backend}' (choose from: {', '.join(BACKENDS)})")
    return backend


def make_vector_index(backend: str, store: Store, collection: object | None = None) -> VectorIndex:
    """The vector index for `backend`; Qdrant needs the library's collection (shared with keywords)."""
    if check_backend(backend) == "qdrant":
        from praxis.index.vectors.qdrant import QdrantVectors  # qdrant-client: the optional `scale` extra

        return QdrantVectors.open(collection)  # type: ignore[arg-type]
    from praxis.index.vectors.faiss_index import FaissVectors

    return FaissVectors.open(store)
