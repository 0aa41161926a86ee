"""Any sentence-transformers model, by name or local path (needs the optional extra)."""
from __future__ import annotations

import os
import threading

import numpy as np

from praxis.index.embedders.base import Embedder, normalise


class SentenceTransformersEmbedder(Embedder):
    def __init__(
        self,
        model: str,
        identifier: str | None = None,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
    ) -> None:
        # Weights must be local: never reach for a hub at run time.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        dimension_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension_of())
        self.identifier = identifier or f"sentence-transformers:{os.path.basename(os.path.normpath(model))}"
        # e5-family models were trained with these prefixes and lose quality without them.
        is_e5 = "e5" in os.path.basename(os.path.normpath(model)).lower()
        self._query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self._passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode([prefix + t for t in texts], batch_size=32, show_progress_bar=False)
        return normalise(vectors)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prefix)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prefix)
