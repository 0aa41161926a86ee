"""The dense index: a faiss cache of the vectors stored in SQLite.

The file name carries the store's generation (`dense-g42.faiss`), so a stale or missing
file is noticed on open and rebuilt. Writes go to a temporary file that is renamed into
place: a process killed mid-write leaves at worst a stray temp file, never a torn index.
A checksum of the ids and vectors the file was built from is recorded in SQLite
(`meta.dense_checksum` = "<generation>:<hex>") and checked on load, so a well-formed file
with the right name and count but other vectors is rebuilt, not trusted.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from pathlib import Path

import hashlib
import sqlite3

import faiss
import numpy as np

from praxis.index.pause import pause_point
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
        """The stored vectors of `ids`, in order; a zero row for an id this index does not hold
        (a passage committed or removed by a writer after the reader's snapshot began)."""
        out = np.zeros((len(ids), self._index.d), np.float32)
        with self._lock:
            for row, i in enumerate(ids):
                try:
                    out[row] = self._index.reconstruct(int(i))
                except RuntimeError:  # faiss: "key not found"
                    pass
        return out

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) in id order."""
        with self._lock:
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            vectors = self._index.index.reconstruct_n(0, self._index.ntotal) if self._index.ntotal else np.zeros((0, self._index.d), np.float32)
        order = np.argsort(ids, kind="stable")
        return ids[order], np.ascontiguousarray(vectors[order], dtype=np.float32)

    def checksum(self) -> str:
        ids, vectors = self.contents()
        return checksum_of(ids, vectors)

    # -- persistence ----------------------------------------------------------

    @staticmethod
    def _directory(store: Store) -> Path:
        path = store.data_dir / "dense"
        path.mkdir(exist_ok=True)
        return path

    @staticmethod
    def recorded_checksum(store: Store, generation: int) -> str | None:
        recorded = (store.meta("dense_checksum") or "").split(":", 1)
        return recorded[1] if len(recorded) == 2 and recorded[0] == str(generation) else None

    def is_saved(self, store: Store) -> bool:
        target = self._directory(store) / f"dense-g{self.generation}.faiss"
        return target.exists() and self.recorded_checksum(store, self.generation) is not None

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
            # Recorded before the rename: a file without its checksum is never trusted.
            store.set_meta("dense_checksum", f"{self.generation}:{self.checksum()}")
            pause_point("dense-save")
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
        except (OSError, sqlite3.Error) as error:  # a read-only data directory still serves searches
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
        loaded = cls(index, generation)
        recorded = cls.recorded_checksum(store, generation)
        if recorded is None or recorded != loaded.checksum():
            log.warning("dense index cache %s does not match its recorded checksum; rebuilding", path.name)
            return None
        return loaded


def checksum_of(ids: np.ndarray, vectors: np.ndarray) -> str:
    """BLAKE2 of the ids and vectors in id order (0.1 s for 100k x 384 floats)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(ids, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()
