"""CompactExactIndex returns exactly what a float32 brute-force search returns."""
from __future__ import annotations

import numpy as np
import pytest

from praxis.index.compact import CompactExactIndex


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def brute_force(ids: np.ndarray, vectors: np.ndarray, query: np.ndarray, k: int, allowed=None) -> list[int]:
    scores = vectors @ query
    keep = np.ones(len(ids), bool) if allowed is None else np.isin(ids, allowed)
    order = np.lexsort((ids[keep], -scores[keep]))[:k]
    return [int(i) for i in ids[keep][order]]


@pytest.fixture(scope="module")
def clustered() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectors bunched around a few centres, like a sentence model's (scores close together:
    the hard case for a quantised first pass)."""
    rng = np.random.default_rng(3)
    centres = unit(rng.standard_normal((8, 64)))
    vectors = unit(centres[rng.integers(0, 8, 5000)] + 0.05 * rng.standard_normal((5000, 64)))
    ids = np.arange(5000, dtype=np.int64) * 7 + 1  # gaps: ids are not positions
    queries = unit(centres[rng.integers(0, 8, 25)] + 0.05 * rng.standard_normal((25, 64)))
    return ids, vectors, queries


@pytest.mark.parametrize("k", [1, 10, 100])
def test_same_ids_and_order_as_brute_force(clustered, k: int) -> None:
    ids, vectors, queries = clustered
    index = CompactExactIndex(ids, vectors)
    for query in queries:
        found = index.search(query, k)
        assert [pid for pid, _ in found] == brute_force(ids, vectors, query, k)
        assert np.allclose([s for _, s in found], np.sort(vectors @ query)[::-1][:k], atol=1e-6)


def test_filtered_search_is_exact_and_stays_inside_the_filter(clustered) -> None:
    ids, vectors, queries = clustered
    index = CompactExactIndex(ids, vectors)
    allowed = ids[::13]
    for query in queries[:10]:
        found = [pid for pid, _ in index.search(query, 50, allowed)]
        assert found == brute_force(ids, vectors, query, 50, allowed)


def test_memory_mapped_vectors_give_the_same_answer(clustered, tmp_path) -> None:
    ids, vectors, queries = clustered
    path = tmp_path / "vectors.f32"
    vectors.tofile(path)
    mapped = np.memmap(path, dtype=np.float32, mode="r", shape=vectors.shape)
    assert CompactExactIndex(ids, mapped).search(queries[0], 20) == CompactExactIndex(ids, vectors).search(queries[0], 20)


def test_codes_take_a_quarter_of_float32(clustered) -> None:
    ids, vectors, _ = clustered
    assert CompactExactIndex(ids, vectors).resident_bytes < vectors.nbytes / 3


def test_edge_cases() -> None:
    vectors = unit(np.eye(4, dtype=np.float32) + 0.01)
    ids = np.array([2, 4, 6, 8])
    index = CompactExactIndex(ids, vectors)
    assert [pid for pid, _ in index.search(vectors[1], 10)][0] == 4  # k larger than the index
    assert index.search(vectors[1], 3, np.array([], dtype=np.int64)) == []
    assert index.search(vectors[1], 3, np.array([5, 7])) == []  # ids the index does not hold
    assert CompactExactIndex(np.zeros(0, np.int64), np.zeros((0, 4), np.float32)).search(vectors[0], 3) == []
    with pytest.raises(ValueError):
        CompactExactIndex(np.array([3, 1]), vectors[:2])
