"""The dense index: a faiss cache of the vectors stored in SQLite.

The file name carries the store's generation (`dense-g42.faiss`), so a stale or missing
file is noticed on open and rebuilt. Writes go to a temporary file that is renamed into
place: a process killed mid-write leaves at worst a stray temp file, never a torn index.
A checksum of the file's bytes (size and CRC-32) is recorded in SQLite (`meta.dense_checksum` =
"<generation>:<hex>") before the rename and checked on load, so a well-formed file with the
right name and count but other vectors is rebuilt, not trusted. The loaded file is
memory-mapped, not copied (see `DenseIndex`).
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import hashlib
import sqlite3

import faiss
import numpy as np

from praxis.index.cache_files import cache_directory, checked_files, file_checksum
from praxis.index.compact import CompactExactIndex
from praxis.index.rerank import LanguageCentroids
from praxis.index.store import Store

log = logging.getLogger(__name__)
# One query at a time is faster on one thread (measured: 10 vs 14 ms at 100k passages), and
# the cores are better left to the web server's other requests and to the embedder.
faiss.omp_set_num_threads(1)
try:  # the same for numpy's BLAS: its threads spin after every product, and a search makes many
    # small ones (rescoring the dense candidates, MMR, the bridge's floors). Measured at 100k
    # passages, in process: 91 ms of CPU per search with two BLAS threads, 49 ms with one,
    # and the wall time fell too (p50 42 -> 35 ms): the spinning thread held the model's core.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")
except ImportError:  # a declared dependency; without it searches only cost more CPU
    pass


class DenseIndex:
    """Exact inner-product search (vectors are unit length, so this is cosine similarity).

    The float32 vectors stay in the cache file: it is memory-mapped (faiss IO_FLAG_MMAP_IFC),
    so they are shared page cache, not this process's memory, and read only for the
    candidates. The search scans 8-bit codes of them (`CompactExactIndex`: a quarter of the
    memory traffic, exact by its error bound) and rescores the candidates with the float32
    rows. A write followed in memory (`update`) is an overlay until the next `save`: removed
    ids are masked out of the codes' scan, added vectors are searched by a plain product.
    """

    def __init__(self, index: faiss.Index, generation: int, codes: "dict[str, np.ndarray] | None" = None) -> None:
        self.generation = generation
        # faiss releases the GIL while it searches: readers take the state under this lock,
        # then search without it; writers replace the state, never change it in place.
        self._lock = threading.Lock()
        # Per-language centroids of these vectors, saved with the codes (`rerank.LanguageCentroids`):
        # computing them took 0.26 s of every process's first search at 100k passages.
        self.centroids: dict[str, np.ndarray] | None = None
        if codes is not None and "centroids" in codes:
            self.centroids = dict(zip(codes["centroid_languages"].tolist(), np.asarray(codes["centroids"], np.float32)))
        self._set_base(index, codes)

    def _set_base(self, index: faiss.Index, codes: "dict[str, np.ndarray] | None" = None) -> None:
        """The saved (or freshly built) vectors, with their codes (encoded here unless given); no overlay."""
        ids = faiss.vector_to_array(index.id_map).astype(np.int64) if index.ntotal else np.zeros(0, np.int64)
        sub = faiss.downcast_index(index.index)
        dimension = int(index.d)
        vectors = (faiss.rev_swig_ptr(sub.get_xb(), index.ntotal * dimension).reshape(-1, dimension)
                   if index.ntotal else np.zeros((0, dimension), np.float32))
        if len(ids) and not bool(np.all(np.diff(ids) > 0)):  # not in id order (a file from before): sorted copy
            order = np.argsort(ids, kind="stable")
            ids, vectors, codes = ids[order], np.ascontiguousarray(vectors[order]), None
        self._index = index  # owns (or maps) the memory `vectors` points into
        self._d = dimension
        self._compact = CompactExactIndex(ids, vectors, codes)
        self._removed = np.zeros(len(ids), dtype=bool)
        self._added_ids = np.zeros(0, dtype=np.int64)
        self._added = np.zeros((0, dimension), dtype=np.float32)

    @property
    def size(self) -> int:
        return self._compact.size - int(np.count_nonzero(self._removed)) + len(self._added_ids)

    @property
    def resident_bytes(self) -> int:
        """What this index holds in this process's own memory (the mapped vectors excluded)."""
        return self._compact.resident_bytes + self._removed.nbytes + self._added.nbytes + self._added_ids.nbytes

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, dimension: int, generation: int) -> "DenseIndex":
        return cls(flat_index(ids, vectors, dimension), generation)

    def update(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        """Follow one committed write without rebuilding from SQLite."""
        with self._lock:
            base_removed, added_ids, added_vectors = self._removed, self._added_ids, self._added
            if removed:
                gone = np.asarray(removed, dtype=np.int64)
                base_removed = base_removed | self._compact.mask_of(gone)
                keep = ~np.isin(added_ids, gone)
                added_ids, added_vectors = added_ids[keep], added_vectors[keep]
            if added:
                added_ids = np.concatenate([added_ids, np.asarray(added, dtype=np.int64)])
                added_vectors = np.vstack([added_vectors, np.asarray(vectors, dtype=np.float32).reshape(len(added), self._d)])
            self._removed, self._added_ids, self._added = base_removed, added_ids, added_vectors
            self.generation = generation
            self.centroids = None  # of the saved vectors: computed again until the next save

    def search(self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top k (passage id, cosine), ties by id; `allowed_ids` restricts the search."""
        if k <= 0:
            return []
        with self._lock:
            compact, removed, added_ids, added = self._compact, self._removed, self._added_ids, self._added
        query = np.asarray(query, dtype=np.float32).reshape(-1)
        mask = None
        if allowed_ids is not None:
            allowed_ids = np.asarray(allowed_ids, dtype=np.int64)
            if len(allowed_ids) == 0:
                return []
            mask = compact.mask_of(allowed_ids)
        if removed.any():
            mask = ~removed if mask is None else mask & ~removed
        hits = compact.search(query, k, allowed_mask=mask) if compact.size else []
        if len(added_ids):
            keep = np.ones(len(added_ids), bool) if allowed_ids is None else np.isin(added_ids, allowed_ids)
            scores = added[keep] @ query
            hits = hits + [(int(i), float(s)) for i, s in zip(added_ids[keep], scores)]
            hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return hits[:k]

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of `ids`, in order; a zero row for an id this index does not hold
        (a passage committed or removed by a writer after the reader's snapshot began)."""
        with self._lock:
            compact, removed, added_ids, added = self._compact, self._removed, self._added_ids, self._added
        out = np.zeros((len(ids), self._d), np.float32)
        if not ids:
            return out
        wanted = np.asarray(ids, dtype=np.int64)
        if compact.size:
            at = np.clip(np.searchsorted(compact.ids, wanted), 0, compact.size - 1)
            hit = (compact.ids[at] == wanted) & ~removed[at]
            if hit.any():
                out[hit] = compact.vectors[at[hit]]
        if len(added_ids):
            latest = {int(pid): row for row, pid in enumerate(added_ids)}
            for row, pid in enumerate(wanted.tolist()):
                if pid in latest:
                    out[row] = added[latest[pid]]
        return out

    def contents(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) in id order."""
        with self._lock:
            compact, removed, added_ids, added = self._compact, self._removed, self._added_ids, self._added
        keep = ~removed
        ids = np.concatenate([compact.ids[keep], added_ids])
        vectors = np.vstack([np.asarray(compact.vectors[keep], dtype=np.float32), added]) if len(ids) else added
        order = np.argsort(ids, kind="stable")
        return ids[order], np.ascontiguousarray(vectors[order], dtype=np.float32)

    def checksum(self) -> str:
        ids, vectors = self.contents()
        return checksum_of(ids, vectors)

    # -- persistence ----------------------------------------------------------

    @staticmethod
    def _directory(store: Store) -> Path:
        return cache_directory(store, "dense")

    @staticmethod
    def recorded_checksum(store: Store, generation: int) -> str | None:
        recorded = (store.meta("dense_checksum") or "").split(":", 1)
        return recorded[1] if len(recorded) == 2 and recorded[0] == str(generation) else None

    def is_saved(self, store: Store) -> bool:
        target = self._directory(store) / f"dense-g{self.generation}.faiss"
        return target.exists() and self.recorded_checksum(store, self.generation) is not None

    def save(self, store: Store) -> Path:
        """Write the current vectors (overlay merged, in id order) and their 8-bit codes, and map
        this index onto the file. Two files, one checksum over both."""
        directory = self._directory(store)
        target = directory / f"dense-g{self.generation}.faiss"
        codes_target = codes_path(target)
        with checked_files(store, [target, codes_target], "dense_checksum", str(self.generation), "dense-save") as temps:
            with self._lock:
                overlay = bool(self._removed.any() or len(self._added_ids))
                base, compact = self._index, self._compact
            if overlay or not is_id_ordered(base):
                ids, vectors = self.contents()
                base, compact = flat_index(ids, vectors, self._d), CompactExactIndex(ids, vectors)
            faiss.write_index(base, str(temps[0]))
            centroids = LanguageCentroids.from_index(store, self.vectors, self.generation).centroids
            languages = sorted(centroids)
            with open(temps[1], "wb") as f:
                np.savez(f, **compact.parts(), centroid_languages=np.array(languages, dtype=str),
                         centroids=np.array([centroids[lang] for lang in languages], np.float32).reshape(len(languages), self._d))
        for stale in [*directory.glob("dense-g*.faiss"), *directory.glob("dense-g*.codes")]:
            if stale not in (target, codes_target):
                stale.unlink(missing_ok=True)
        self._map(target, compact)
        self.centroids = centroids
        return target

    def _map(self, path: Path, compact: CompactExactIndex) -> None:
        """Serve from the saved file from now on (the float32 rows leave this process's memory)."""
        mapped = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        with self._lock:
            self._index = mapped
            if mapped.ntotal:  # same rows, same order: only where the rescoring reads them from changes
                sub = faiss.downcast_index(mapped.index)
                compact.vectors = faiss.rev_swig_ptr(sub.get_xb(), mapped.ntotal * self._d).reshape(-1, self._d)
            self._compact = compact
            self._removed = np.zeros(compact.size, dtype=bool)
            self._added_ids = np.zeros(0, dtype=np.int64)
            self._added = np.zeros((0, self._d), dtype=np.float32)

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
        for temp in cls._directory(store).glob(".writing-*"):
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
        recorded = cls.recorded_checksum(store, generation)
        codes = codes_path(path)
        if recorded is None or not codes.exists() or recorded != file_checksum(path, codes):
            log.warning("dense index cache %s does not match its recorded checksum; rebuilding", path.name)
            return None
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
            if index.ntotal != store.passage_count() or index.d != int(store.meta("dimension") or index.d):
                log.warning("dense index cache %s disagrees with the store; rebuilding", path.name)
                return None
            with np.load(codes) as saved:
                return cls(index, generation, {key: saved[key] for key in saved.files})
        except Exception as error:  # noqa: BLE001 - faiss raises RuntimeError on torn or foreign files
            log.warning("dense index cache %s is unreadable (%s); rebuilding", path.name, error)
            return None


def codes_path(faiss_file: Path) -> Path:
    """The 8-bit codes saved beside a cache file (`CompactExactIndex.parts`)."""
    return faiss_file.with_suffix(".codes")


def flat_index(ids: np.ndarray, vectors: np.ndarray, dimension: int) -> faiss.Index:
    """The cache file's structure: faiss IndexIDMap2 over IndexFlatIP, rows in id order."""
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
    return index


def is_id_ordered(index: faiss.Index) -> bool:
    ids = faiss.vector_to_array(index.id_map) if index.ntotal else np.zeros(0, np.int64)
    return bool(np.all(np.diff(ids) > 0))




def checksum_of(ids: np.ndarray, vectors: np.ndarray) -> str:
    """BLAKE2 of the ids and vectors in id order (0.1 s for 100k x 384 floats)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(ids, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()
