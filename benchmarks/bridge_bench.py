"""Term bridge benchmark: the float32 product it used to do against its 8-bit faiss index.

A vocabulary of N terms (Heaps' law: ~191k at 100k passages) of random unit vectors of
dimension 384, and 12 query words (the bridge's MAX_WORDS). The two ways are timed
alternately in one run on the same vectors, so machine load hits both alike:

- float32: the matrix product of the words with every term and a partial sort (before);
- SQ8 every code: the exact 8-bit scan (the bridge below IVF_FROM terms);
- SQ8 clustered: `TermBridge.index.search` past IVF_FROM terms (now).

Random vectors have no cluster structure, so this measures time, not how often the clustered
search misses a nearest term (that is checked on the real library, see term_bridge.py).

Encoding the words is not included (the same for both). Prints figures only.

    .venv/bin/python benchmarks/bridge_bench.py [--terms 191000] [--rounds 30] [--threads 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import apply_thread_limit, machine_line, percentile

THREADS = apply_thread_limit(sys.argv)

import numpy as np

import faiss

from praxis.index.term_bridge import DEPTH, IVF_FROM, MAX_WORDS, TermBridge, QueryVectors


def exact_index(matrix: np.ndarray) -> faiss.Index:
    index = faiss.IndexScalarQuantizer(matrix.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    index.train(matrix)
    index.add(matrix)
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=191_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--threads", default=None)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((args.terms, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    float32_mib = matrix.nbytes / 2**20
    started = time.perf_counter()
    bridge = TermBridge("bench", [f"t{i}" for i in range(args.terms)], matrix.copy(), QueryVectors())
    build_s = time.perf_counter() - started
    exact = exact_index(matrix) if args.terms >= IVF_FROM else bridge.index
    timings: dict[str, list[float]] = {"float32 product + argpartition (before)": [], "faiss SQ8, every code": [], "faiss SQ8, clustered (now)": []}
    for _ in range(args.rounds):
        words = rng.standard_normal((MAX_WORDS, 384), dtype=np.float32)
        words /= np.linalg.norm(words, axis=1, keepdims=True)
        t = time.perf_counter()
        similarities = words @ matrix.T
        np.argpartition(-similarities, DEPTH - 1, axis=1)[:, :DEPTH]
        timings["float32 product + argpartition (before)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        bridge.index.search(words, DEPTH)
        timings["faiss SQ8, clustered (now)"].append(time.perf_counter() - t)
        t = time.perf_counter()
        exact.search(words, DEPTH)
        timings["faiss SQ8, every code"].append(time.perf_counter() - t)
    print(machine_line(), THREADS)
    print(f"{args.terms} terms x 384, {MAX_WORDS} words a query, {args.rounds} rounds")
    for label, values in timings.items():
        ms = [v * 1000 for v in values]
        print(f"  {label:42s} p50 {percentile(ms, 50):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms")
    print(f"  memory: float32 matrix {float32_mib:.0f} MiB, SQ8 index + covariance {bridge.memory_bytes / 2**20:.0f} MiB;"
          f" index build at load {build_s:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
