"""Vector search behind one interface; `make_vector_index` picks the backend."""
from praxis.index.vectors.base import VectorIndex
from praxis.index.vectors.factory import BACKENDS, make_vector_index

__all__ = ["BACKENDS", "VectorIndex", "make_vector_index"]
