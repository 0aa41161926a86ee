"""The term bridge's vector index, saved beside the library so that no reader trains it.

Term vectors live in SQLite (`term_vectors`); this is the derived, 8-bit faiss index over
them that the bridge searches (see `quantised_index`). Past IVF_FROM terms it is clustered,
and training the clusters and assigning every term cost 19-40 s under load at 191k terms
(100k passages): paid before on every reload (serve start-up, after each ingest, in every
process). Now:

- the writer's ``terms`` step (`index/library.py`) saves the index for the terms version it
  reflects, in ``DATA/bridge/terms-v<version>.{faiss,npz}``; readers load it (0.1-0.3 s at 191k
  terms) and never train;
- after an ingest the saved index is *updated*: the terms that left are removed, the new ones
  added into the existing clusters; clusters are retrained only when the vocabulary has
  doubled or halved since they were trained (RETRAIN_GROWTH), and below IVF_FROM terms the
  index is rebuilt whole (cheap, and exactly what a fresh build gives);
- crash safety as the faiss cache (`index/dense.py`): written to temp files renamed into
  place; a checksum of both files (sizes and CRC-32) is recorded in ``meta.bridge_checksum`` as
  "<terms version>:<hex>" before the renames, so a torn, stale or foreign file is rebuilt,
  never trusted. Labels are the terms' rowids in `term_vectors`, so an update knows which
  codes to drop; a removal whose vector is no longer at hand (a job killed half way)
  falls back to a full rebuild.

The index also carries the sum and Gram matrix of the term vectors (float64), from which the
bridge takes the vocabulary's mean and covariance without a pass over the vectors.
"""
from __future__ import annotations

import array
import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from praxis.index.cache_files import cache_directory, checked_files, file_checksum
from praxis.index.store import Store

log = logging.getLogger(__name__)

IVF_FROM = 50_000  # terms: from here the term index is clustered (approximate), see quantised_index
NPROBE = 32  # clusters scanned per word (of √terms: 437 at 191k terms, so ~7% of the terms)
RETRAIN_GROWTH = 2.0  # retrain the clusters when the terms have grown (or shrunk) this much since training
CHECKSUM_KEY = "bridge_checksum"
READ_CHUNK = 500  # rowids per statement


def train_index(index: faiss.Index, sample: np.ndarray) -> None:
    """The one place the bridge trains faiss (tests count the calls)."""
    index.train(sample)


def quantised_index(matrix: np.ndarray) -> faiss.Index:
    """Inner-product index over 8-bit codes (per-dimension range): 4x smaller than float32;
    the scores move by less than 0.001 against the bridge's MARGIN of 0.01. Labels are given
    by the caller (`add_with_ids`).

    Up to IVF_FROM terms every code is scanned (exact order). Past it the terms are split into
    √n clusters and a word scans the NPROBE nearest clusters: at 191k terms (100k passages) the
    full scan costs about what the float32 product did (`benchmarks/bridge_bench.py`), the
    clustered one a few per cent of it. Clusters are trained on a seeded sample (40 per cluster).
    """
    dimension = max(matrix.shape[1] if matrix.ndim == 2 else 0, 1)
    count = len(matrix)
    if count < IVF_FROM:
        index = faiss.IndexIDMap2(
            faiss.IndexScalarQuantizer(dimension, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT))
        trainable = index
    else:
        lists = int(np.sqrt(count))
        coarse = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFScalarQuantizer(coarse, dimension, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        index.nprobe = min(NPROBE, lists)
        index.cp.seed = 0
        index.cp.niter = 8  # faiss defaults to 25; the clusters only route the search (measured: 3x faster load)
        trainable = index
    if count:
        data = np.ascontiguousarray(matrix, dtype=np.float32)
        sample = data
        if count >= IVF_FROM:
            rows = np.random.default_rng(0).choice(count, size=min(count, 40 * index.nlist), replace=False)
            sample = data[np.sort(rows)]
        train_index(trainable, sample)
    return index


def is_clustered(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIVF)


class PackedTerms(Sequence[str]):
    """Sorted terms as one UTF-8 blob and offsets: 4 MiB at 191k terms, where a list of str
    costs ~20 MiB in every reader. Indexable, `in` by binary search."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        # Where each term starts, and one past the blob's end: term i is [starts[i], starts[i+1] - 1).
        breaks = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10) if blob else np.zeros(0, np.int64)
        # An array.array, not numpy: indexing it gives Python ints, 10x faster per term read.
        starts = np.concatenate([[0], breaks + 1, [len(blob) + 1]]) if blob else np.zeros(1)
        self._starts = array.array("q", starts.astype(np.int64).tobytes())

    @classmethod
    def of(cls, terms: list[str]) -> "PackedTerms":
        return cls("\n".join(terms).encode("utf-8"))

    @property
    def blob(self) -> bytes:
        return self._blob

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, row):  # type: ignore[override]
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._blob[self._starts[row] : self._starts[row + 1] - 1].decode("utf-8")

    def many(self, rows: list[int]) -> list[str]:
        """The terms at these positions (valid ones): a search decodes a few hundred, and the
        checks of `__getitem__` cost more than the decoding."""
        blob, starts = self._blob, self._starts
        return [blob[starts[row] : starts[row + 1] - 1].decode("utf-8") for row in rows]

    def position(self, term: str) -> int | None:
        at = bisect.bisect_left(self, term)
        return at if at < len(self) and self[at] == term else None

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.position(term) is not None

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (list, PackedTerms)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


@dataclass
class TermIndex:
    """The term vectors' faiss index and what the bridge needs beside it, in term order."""

    index: faiss.Index  # labels: rowids of term_vectors
    labels: np.ndarray  # int64, aligned with `terms`
    terms: PackedTerms  # sorted as SQLite sorts them (byte order of UTF-8 = code point order)
    total: np.ndarray  # float64 (d,): sum of the term vectors
    gram: np.ndarray  # float64 (d, d): sum of their outer products
    trained_for: int  # terms when the clusters were trained (= len(terms) for a full build)

    def __post_init__(self) -> None:
        if not isinstance(self.terms, PackedTerms):
            self.terms = PackedTerms.of(list(self.terms))
        self.labels = np.asarray(self.labels, dtype=np.int64)
        self._order = np.argsort(self.labels, kind="stable").astype(np.int32 if len(self.labels) < 2**31 else np.int64)
        self._sorted = self.labels[self._order]
        if is_clustered(self.index):
            self.index.nprobe = min(NPROBE, self.index.nlist)
            lists = faiss.downcast_InvertedLists(self.index.invlists)
            if isinstance(lists, faiss.OnDiskInvertedLists):
                # Mapped lists: faiss starts 32 threads per search to prefetch them, for files on
                # slow disks; here they are page cache. Measured at 191k terms, 12 words: 8.4 ms
                # with prefetching, 5.1 ms without (4.2 ms with the lists copied into memory).
                lists.prefetch_nthread = 0

    # -- what the bridge reads -------------------------------------------------------

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def mean_and_covariance(self) -> tuple[np.ndarray, np.ndarray]:
        count = max(len(self.terms), 1)
        mean = self.total / count
        return mean, self.gram / count - np.outer(mean, mean)

    def positions(self, labels: np.ndarray) -> np.ndarray:
        """Positions in `terms` of faiss labels (-1 stays -1)."""
        labels = np.asarray(labels, dtype=np.int64)
        if not len(self._sorted):
            return np.full(labels.shape, -1, dtype=np.int64)
        found = np.clip(np.searchsorted(self._sorted, labels), 0, len(self._sorted) - 1)
        return np.where((labels >= 0) & (self._sorted[found] == labels), self._order[found], -1)

    @property
    def code_bytes(self) -> int:
        return int(self.index.sa_code_size()) * len(self.terms)

    # -- building ----------------------------------------------------------------------

    @classmethod
    def build(cls, labels: np.ndarray, terms: list[str], matrix: np.ndarray, dimension: int | None = None) -> "TermIndex":
        """Trained on `matrix` (rows in the order of `terms`) and filled with it."""
        dimension = matrix.shape[1] if matrix.ndim == 2 and matrix.shape[1] else (dimension or 1)
        matrix = np.ascontiguousarray(matrix, dtype=np.float32).reshape(len(terms), dimension)
        index = quantised_index(matrix)
        labels = np.asarray(labels, dtype=np.int64)
        if len(terms):
            index.add_with_ids(matrix, labels)
        total = matrix.sum(axis=0, dtype=np.float64)
        gram = (matrix.T @ matrix).astype(np.float64)
        return cls(index, labels, list(terms), total, gram, len(terms))

    @classmethod
    def from_store(cls, store: Store) -> "TermIndex":
        """Built (trained) from every term vector in SQLite."""
        rows = store.conn.execute("SELECT rowid, term, vector FROM term_vectors ORDER BY term").fetchall()
        dimension = int(store.meta("dimension") or 0) or 1
        matrix = (np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
                  if rows else np.zeros((0, dimension), dtype=np.float32))
        return cls.build(np.array([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows], matrix, dimension)

    def needs_training(self, count: int) -> bool:
        """Whether `count` terms call for a fresh build rather than an update of these clusters."""
        if not is_clustered(self.index) or count < IVF_FROM:
            return True  # below IVF_FROM a full build is cheap and exact
        return not (self.trained_for / RETRAIN_GROWTH <= count <= self.trained_for * RETRAIN_GROWTH)

    def updated(self, store: Store, removed_vectors: dict[str, np.ndarray]) -> "TermIndex | None":
        """This index brought to SQLite's current terms without retraining, or None when it
        cannot be (clusters due for training, or a removed term's vector no longer at hand).
        `removed_vectors`: the vectors of terms removed since, read before they were deleted."""
        listing = store.conn.execute("SELECT rowid, term FROM term_vectors ORDER BY term").fetchall()
        if self.needs_training(len(listing)):
            return None
        before = dict(zip(self.labels.tolist(), self.terms))
        now = {int(r[0]): r[1] for r in listing}
        removed = [label for label, term in before.items() if now.get(label) != term]
        added = [label for label, term in now.items() if before.get(label) != term]
        if any(before[label] not in removed_vectors for label in removed):
            return None
        dimension = self.dimension
        if removed:
            gone = np.array([removed_vectors[before[label]] for label in removed], dtype=np.float32).reshape(-1, dimension)
            self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(removed, dtype=np.int64)))
            self.total -= gone.sum(axis=0, dtype=np.float64)
            self.gram -= (gone.T @ gone).astype(np.float64)
        if added:
            vectors = term_vectors_by_rowid(store, added, dimension)
            self.index.add_with_ids(vectors, np.asarray(added, dtype=np.int64))
            self.total += vectors.sum(axis=0, dtype=np.float64)
            self.gram += (vectors.T @ vectors).astype(np.float64)
        return TermIndex(self.index, np.array([r[0] for r in listing], dtype=np.int64), [r[1] for r in listing],
                         self.total, self.gram, self.trained_for)

    # -- persistence (see the module doc) ------------------------------------------------

    @staticmethod
    def directory(store: Store) -> Path:
        return cache_directory(store, "bridge")

    @staticmethod
    def _paths(directory: Path, version: str) -> tuple[Path, Path]:
        return directory / f"terms-v{version}.faiss", directory / f"terms-v{version}.npz"

    def save(self, store: Store, version: str) -> None:
        directory = self.directory(store)
        targets = self._paths(directory, version)
        with checked_files(store, targets, CHECKSUM_KEY, version, "bridge-save") as temps:
            faiss.write_index(self.index, str(temps[0]))
            with open(temps[1], "wb") as f:
                np.savez(f, labels=self.labels, terms=np.frombuffer(self.terms.blob, dtype=np.uint8),
                         total=self.total, gram=self.gram, trained_for=np.array([self.trained_for]))
        for stale in directory.glob("terms-v*"):
            if stale not in targets:
                stale.unlink(missing_ok=True)

    @classmethod
    def saved_version(cls, store: Store) -> str | None:
        recorded = (store.meta(CHECKSUM_KEY) or "").split(":", 1)
        return recorded[0] if len(recorded) == 2 else None

    @classmethod
    def load(cls, store: Store, version: str | None = None, mapped: bool = False) -> "TermIndex | None":
        """The saved index for `version` (default: whichever was saved last), if its checksum holds.
        `mapped`: the codes stay in the file, memory-mapped (shared page cache, not this process's
        memory: 73 MiB at 191k terms); for readers, since a mapped index cannot be updated."""
        recorded = (store.meta(CHECKSUM_KEY) or "").split(":", 1)
        if len(recorded) != 2 or (version is not None and recorded[0] != version):
            return None
        paths = cls._paths(cls.directory(store), recorded[0])
        if not all(p.exists() for p in paths):
            return None
        if file_checksum(*paths) != recorded[1]:
            log.warning("term index %s does not match its recorded checksum; rebuilding", paths[0].name)
            return None
        try:
            index = faiss.read_index(str(paths[0]), mapping_flag(paths[0]) if mapped else 0)
            with np.load(paths[1]) as side:
                terms = PackedTerms(side["terms"].tobytes())
                loaded = cls(index, side["labels"], terms, side["total"], side["gram"], int(side["trained_for"][0]))
        except Exception as error:  # noqa: BLE001 - faiss raises RuntimeError on torn or foreign files
            log.warning("term index %s is unreadable (%s); rebuilding", paths[0].name, error)
            return None
        if loaded.index.ntotal != len(loaded.terms) or len(loaded.labels) != len(loaded.terms):
            log.warning("term index %s is inconsistent; rebuilding", paths[0].name)
            return None
        return loaded


def mapping_flag(path: Path) -> int:
    """faiss maps a flat index's codes (IxM2: the ID map over the scalar quantiser) and a
    clustered index's inverted lists with different flags, and refuses the other's."""
    with open(path, "rb") as f:
        return faiss.IO_FLAG_MMAP_IFC if f.read(4) == b"IxM2" else faiss.IO_FLAG_MMAP


def term_vectors_by_rowid(store: Store, rowids: list[int], dimension: int) -> np.ndarray:
    """The vectors of these term_vectors rows, in this order."""
    found: dict[int, bytes] = {}
    for start in range(0, len(rowids), READ_CHUNK):
        chunk = rowids[start : start + READ_CHUNK]
        for rowid, vector in store.select_in("SELECT rowid, vector FROM term_vectors WHERE rowid IN ({ids})", chunk):
            found[rowid] = vector
    return np.frombuffer(b"".join(found[r] for r in rowids), dtype=np.float32).reshape(len(rowids), dimension).copy()


def refresh_term_index(store: Store, removed_vectors: dict[str, np.ndarray] | None = None) -> TermIndex:
    """Bring the saved term index to SQLite's current terms (updated in place when the clusters
    allow it, else built) and save it under the current terms version. The writer's step."""
    version = store.meta("terms_version") or "0"
    previous = TermIndex.load(store)
    if previous is not None and TermIndex.saved_version(store) == version:
        return previous
    current = previous.updated(store, removed_vectors or {}) if previous is not None else None
    if current is None:
        current = TermIndex.from_store(store)
    current.save(store, version)
    return current
