"""Exact top-k inner-product search over 8-bit codes: a quarter of the memory traffic of float32.

A single query against N float32 vectors is memory-bound (N x 1.5 KiB read per query at
dimension 384), so faiss `IndexFlatIP` and a numpy product cost about the same. Here the
scan runs over 8-bit codes (faiss `IndexScalarQuantizer`, one uniform range, 1 byte a
component), keeps a few times k candidates, and rescores them with the float32 vectors.

It stays *exact*, not approximate: at build time the largest reconstruction error of every
component is measured over the stored vectors, so for a query q no vector's code score is
further than `sum_i |q_i| * err_i` from its true score. After rescoring, if the k-th exact
score clears the best score a vector left out could possibly have, the answer is proven;
otherwise the candidate set doubles and the check repeats (rare: measured in
`benchmarks/compare_bench.py`, which reports recall against exact search, 1.0 by design).

The float32 vectors are only read for candidates, so they may be a `numpy.memmap`: then the
resident cost is the codes (N x dimension bytes: 37 MiB at 100k passages of dimension 384)
plus the pages the candidates touch. Self-contained: ids and vectors in, (id, score) out.
"""
from __future__ import annotations

import faiss
import numpy as np

OVERSAMPLE = 4  # candidates per wanted hit on the first pass; a wider heap costs little, a second scan a lot
MIN_CANDIDATES = 32
FLOAT_SLACK = 1e-5  # float32 rounding in faiss's and numpy's sums (dimension 384, unit vectors)


class CompactExactIndex:
    """Immutable exact inner-product search; rebuild (cheap: about 0.3 s at 100k) after a change."""

    def __init__(self, ids: np.ndarray, vectors: np.ndarray, saved: "dict[str, np.ndarray] | None" = None) -> None:
        """`saved`: what `parts()` returned for these ids and vectors (codes, error bounds), so
        nothing is encoded again (0.44 s at 100k passages under load, at every open)."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) != len(vectors):
            raise ValueError("one id per vector")
        order = np.argsort(ids, kind="stable")
        if not np.array_equal(order, np.arange(len(ids))):
            raise ValueError("ids must be in increasing order (as Store.passage_vectors returns them)")
        self.ids = ids
        self.vectors = vectors  # float32 (n, d), in RAM or memory-mapped: read only for candidates
        self.dimension = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        self._codes = faiss.IndexScalarQuantizer(
            max(self.dimension, 1), faiss.ScalarQuantizer.QT_8bit_uniform, faiss.METRIC_INNER_PRODUCT
        )
        self._error = np.zeros(max(self.dimension, 1), dtype=np.float32)
        if saved is not None:
            self._codes = faiss.deserialize_index(np.asarray(saved["codes"], dtype=np.uint8))
            self._error = np.asarray(saved["error"], dtype=np.float32)
            if self._codes.ntotal != len(ids) or self._codes.d != max(self.dimension, 1):
                raise ValueError("saved codes do not fit these vectors")
        elif len(ids):
            self._encode(vectors)

    def parts(self) -> dict[str, np.ndarray]:
        """The codes and error bounds, to save beside the vectors."""
        return {"codes": faiss.serialize_index(self._codes), "error": self._error}

    def _encode(self, vectors: np.ndarray, block: int = 16384) -> None:
        """Train the range, add the codes, and measure the worst reconstruction error per component."""
        # QT_8bit_uniform trains one range, min to max: the two extreme rows below fix it, so a
        # small sample does (a copy of every vector would cost 146 MiB at 100k passages).
        sample = np.ascontiguousarray(vectors[:: max(1, len(vectors) // 1024)], dtype=np.float32)
        # The range must cover every vector, not only the sample: clamped components would
        # break the error bound, so the extremes are taken over all of them.
        low = min(float(np.min(vectors[i : i + block])) for i in range(0, len(vectors), block))
        high = max(float(np.max(vectors[i : i + block])) for i in range(0, len(vectors), block))
        sample = np.vstack([sample, np.full((1, self.dimension), low, np.float32), np.full((1, self.dimension), high, np.float32)])
        self._codes.train(sample)
        for start in range(0, len(vectors), block):
            chunk = np.ascontiguousarray(vectors[start : start + block], dtype=np.float32)
            self._codes.add(chunk)
            decoded = self._codes.sa_decode(self._codes.sa_encode(chunk))
            np.maximum(self._error, np.abs(chunk - decoded).max(axis=0), out=self._error)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def resident_bytes(self) -> int:
        """Memory this index holds itself (codes, ids, error bounds), not the float32 vectors."""
        return int(self._codes.ntotal) * self._codes.code_size + self.ids.nbytes + self._error.nbytes

    def search(
        self, query: np.ndarray, k: int, allowed_ids: np.ndarray | None = None, allowed_mask: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """Top k (id, score) by exact inner product, ties by id; `allowed_ids` (ids) or
        `allowed_mask` (one bool per position, as `ids`) restricts the search."""
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        selector, allowed = self._selector(allowed_ids) if allowed_mask is None else self._bitmap(allowed_mask)
        k = min(k, allowed)
        if k <= 0:
            return []
        bound = float(np.abs(query[0]) @ self._error) + FLOAT_SLACK
        wanted = max(int(OVERSAMPLE * k), MIN_CANDIDATES)
        while True:
            wanted = min(wanted, allowed)
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
            approx, found = self._codes.search(query, wanted, params=params)
            valid = found[0] >= 0
            positions, approx = found[0][valid], approx[0][valid]
            if len(positions) == 0:
                return []
            exact = np.asarray(self.vectors[np.sort(positions)], dtype=np.float32) @ query[0]
            positions = np.sort(positions)
            order = np.lexsort((self.ids[positions], -exact))[:k]
            kth = float(exact[order[-1]])
            # A vector outside the candidates scores at most the lowest candidate's code score + bound.
            if len(positions) >= allowed or wanted >= allowed or kth >= float(approx[-1]) + bound:
                return [(int(self.ids[positions[i]]), float(exact[i])) for i in order]
            wanted *= 4

    def _selector(self, allowed_ids: np.ndarray | None) -> tuple[faiss.IDSelector | None, int]:
        """A bitmap over positions (one bit per vector): a constant-time test inside the scan."""
        if allowed_ids is None:
            return None, self.size
        return self._bitmap(self.mask_of(allowed_ids))

    def mask_of(self, allowed_ids: np.ndarray) -> np.ndarray:
        """One bool per position: whether its id is among `allowed_ids`."""
        mask = np.zeros(self.size, dtype=bool)
        allowed = np.asarray(allowed_ids, dtype=np.int64)
        found = np.searchsorted(self.ids, allowed)
        inside = found < self.size
        found, allowed = found[inside], allowed[inside]
        mask[found[self.ids[found] == allowed]] = True
        return mask

    def _bitmap(self, mask: np.ndarray) -> tuple[faiss.IDSelector, int]:
        count = int(np.count_nonzero(mask))
        bitmap = np.packbits(mask, bitorder="little")
        selector = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bitmap))
        selector.bitmap_array = bitmap  # faiss keeps a raw pointer: the array must live as long as the selector
        return selector, count
