"""The dense index: a faiss cache of the vectors stored in SQLite.

The file name carries the store's generation (`dense-g42.faiss`), so a stale or missing
file is noticed on open and rebuilt. Writes go to a temporary file that is renamed into
place: a process killed mid-write leaves at worst a stray temp file, never a torn index.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import faiss
import numpy as np

from praxis.index.store import Store

log = logging.getLogger(__name__)
# One query at a time is faster on one thread (measured: 10 vs 14 ms at 100k passages), and
# the cores are better left to the web server's other requests and to the embedder.
faiss.omp_set_num_threads(1)


class DenseIndex:
    """Exact inner-product search (vectors are unit length, so this is cosine similarity)."""

    def __init__(self, index: faiss.Index, generation: int) -> None:
        self._index = index
        self.generation = generation
        # faiss releases the GIL while it searches: a write must not change the index under a reader.
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, dimension: int, generation: int) -> "DenseIndex":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        if len(ids):
            index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids.astype(np.int64))
        return cls(index, generation)

    def update(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        """Follow one committed write without rebuilding from SQLite."""
        with self._lock:
            if removed:
                self._index.remove_ids(faiss.IDSelectorBatch(np.asarray(removed, dtype=np.int64)))
            if added:
                self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(added, dtype=np.int64))
            self.generation = generation

    def search(self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top k (passage id, cosine); `allowed_ids` restricts the search inside faiss."""
        if self.size == 0 or k <= 0:
            return []
        params = None
        if allowed_ids is not None:
            if len(allowed_ids) == 0:
                return []
            # Bound to a name for the whole call: faiss keeps only a raw pointer to it.
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_ids, dtype=np.int64))
            params = faiss.SearchParameters(sel=selector)
            k = min(k, len(allowed_ids))
        k = min(k, self.size)
        with self._lock:
            scores, ids = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def vectors(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self._index.d), np.float32)
        with self._lock:
            return np.vstack([self._index.reconstruct(int(i)) for i in ids])

    # -- persistence ----------------------------------------------------------

    @staticmethod
    def _directory(store: Store) -> Path:
        path = store.data_dir / "dense"
        path.mkdir(exist_ok=True)
        return path

    def save(self, store: Store) -> Path:
        directory = self._directory(store)
        target = directory / f"dense-g{self.generation}.faiss"
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".writing-", suffix=".faiss")
        os.close(handle)
        try:
            with self._lock:
                faiss.write_index(self._index, temp)
            with open(temp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
        for stale in directory.glob("dense-g*.faiss"):
            if stale != target:
                stale.unlink(missing_ok=True)
        return target

    @classmethod
    def load_or_rebuild(cls, store: Store) -> "DenseIndex":
        """The cached index if it matches SQLite, else a fresh one built from SQLite (and saved)."""
        generation = store.generation
        cached = cls._load_cached(store, generation)
        if cached is not None:
            return cached
        return cls.rebuild(store)

    @classmethod
    def _sweep_abandoned(cls, store: Store, older_than_s: float = 600) -> None:
        """Temp files of writers killed mid-save; a fresh one may belong to a live writer."""
        now = time.time()
        for temp in cls._directory(store).glob(".writing-*.faiss"):
            try:
                if now - temp.stat().st_mtime > older_than_s:
                    temp.unlink()
            except FileNotFoundError:
                pass

    @classmethod
    def rebuild(cls, store: Store) -> "DenseIndex":
        cls._sweep_abandoned(store)
        generation = store.generation
        ids, vectors = store.passage_vectors()
        dimension = int(store.meta("dimension") or (vectors.shape[1] if vectors.size else 384))
        dense = cls.build(ids, vectors, dimension, generation)
        try:
            dense.save(store)
        except OSError as error:  # a read-only data directory still serves searches
            log.warning("could not save the dense index cache: %s", error)
        return dense

    @classmethod
    def _load_cached(cls, store: Store, generation: int) -> "DenseIndex | None":
        path = cls._directory(store) / f"dense-g{generation}.faiss"
        if not path.exists():
            return None
        try:
            index = faiss.read_index(str(path))
        except Exception as error:  # faiss raises RuntimeError on torn or foreign files
            log.warning("dense index cache %s is unreadable (%s); rebuilding", path.name, error)
            return None
        if index.ntotal != store.passage_count() or index.d != int(store.meta("dimension") or index.d):
            log.warning("dense index cache %s disagrees with the store; rebuilding", path.name)
            return None
        return cls(index, generation)
