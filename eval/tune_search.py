"""Held-out tuning of the search constants that the cross-lingual work touched.

The labelled queries are split in two halves, alternately within each query language (sorted
by id, so the split is reproducible and both halves hold every language). For each half, the
grid point with the best cross-lingual nDCG@10 on that half (among those whose same-language
nDCG@10 on that half stays within 0.01 of today's constants) is chosen, and reported on the
*other* half. Today's constants are reported on both halves alongside.

    .venv/bin/python eval/tune_search.py --data data          # about a minute per grid point cold
"""
from __future__ import annotations

import argparse
import functools
import itertools
import sys
from pathlib import Path

from praxis.index import rerank, search, term_bridge
from praxis.index.library import Library
from praxis.service import evaluation as ev
from praxis.service.eval_runner import search_run

HERE = Path(__file__).resolve().parent
GRID = {  # name -> (module, attribute, values); the first value of each is today's
    "rrf_k": (search, "RRF_K", [10, 30]),
    "lexical_weight": (search, "LEXICAL_WEIGHT", [0.3, 0.5]),
    "topic_boost": (rerank, "TOPIC_BOOST", [0.05, 0.1]),
    "min_standout": (term_bridge, "MIN_STANDOUT", [4.0, 5.0]),
}


def halves(queries: list[dict]) -> tuple[set[str], set[str]]:
    a: set[str] = set()
    b: set[str] = set()
    by_language: dict[str, list[str]] = {}
    for q in sorted(queries, key=lambda q: q["id"]):
        by_language.setdefault(q["language"], []).append(q["id"])
    for ids in by_language.values():
        for i, qid in enumerate(ids):
            (a if i % 2 == 0 else b).add(qid)
    return a, b


def apply(point: dict[str, object]) -> None:
    for name, value in point.items():
        module, attribute, _ = GRID[name]
        setattr(module, attribute, value)
    search.reciprocal_rank_fusion.__defaults__ = (None, search.RRF_K)  # its k default is bound at import


def scores(library: Library, queries: list[dict], publication_of: dict[str, str]) -> dict[str, dict[str, float]]:
    """Per query: nDCG@10 and recall@10 of hybrid search, and whether it is cross-lingual."""
    qrels = ev.fold_publications(ev.qrels_from_queries(queries), publication_of)
    run = ev.fold_publications(search_run(library, queries, "hybrid"), publication_of)
    ndcg, recall = ev.ndcg_at_k(run, qrels), ev.recall_at_k(run, qrels)
    return {qid: {"ndcg": ndcg[qid], "recall": recall[qid]} for qid in ndcg}


def summary(per_query: dict[str, dict[str, float]], ids: set[str], crossing: dict[str, str]) -> dict[str, float]:
    out = {}
    for group in ("cross-lingual", "same-language"):
        chosen = [per_query[i] for i in ids if crossing.get(i) == group and i in per_query]
        out[f"{group} ndcg"] = sum(r["ndcg"] for r in chosen) / max(len(chosen), 1)
        out[f"{group} recall"] = sum(r["recall"] for r in chosen) / max(len(chosen), 1)
        out[f"{group} n"] = len(chosen)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data")
    args = parser.parse_args()
    library = Library(args.data)
    # Every grid point asks for the same query vectors: encode each query once.
    library.embedder.encode_query = functools.lru_cache(maxsize=None)(library.embedder.encode_query)  # type: ignore[method-assign]
    queries = ev.load_queries(HERE / "queries.jsonl")
    publication_of = ev.publications_from_catalogue(ev.load_jsonl(HERE.parent / "corpus" / "catalogue.jsonl"))
    languages = dict(library.store.conn.execute("SELECT source, language FROM documents").fetchall())
    crossing = ev.language_pair_groups(queries, languages)
    names = list(GRID)
    points = [dict(zip(names, values)) for values in itertools.product(*(GRID[n][2] for n in names))]
    today = points[0]
    results = []
    for point in points:
        apply(point)
        results.append((point, scores(library, queries, publication_of)))
        print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    a, b = halves(queries)
    for tune, report, label in ((a, b, "tune on A, report on B"), (b, a, "tune on B, report on A")):
        base_tune = summary(results[0][1], tune, crossing)
        admissible = [
            (point, per) for point, per in results
            if summary(per, tune, crossing)["same-language ndcg"] >= base_tune["same-language ndcg"] - 0.01
        ]
        best, per = max(admissible, key=lambda r: (summary(r[1], tune, crossing)["cross-lingual ndcg"], -points.index(r[0])))
        print(f"{label}: chose {best}")
        for name, point_per in (("today", results[0][1]), ("chosen", per)):
            s = summary(point_per, report, crossing)
            print(f"  {name:7s} held-out cross-lingual nDCG@10 {s['cross-lingual ndcg']:.3f} recall@10 "
                  f"{s['cross-lingual recall']:.3f} (n {s['cross-lingual n']}), same-language nDCG@10 "
                  f"{s['same-language ndcg']:.3f} (n {s['same-language n']})")
    apply(today)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
