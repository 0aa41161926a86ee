"""Held-out tuning of the search constants that the cross-lingual work touched.

The labelled queries are split in two halves, alternately within each query language (sorted
by id, so the split is reproducible and both halves hold every language). For each half, the
grid point with the best cross-lingual nDCG@10 on that half (among those whose same-language
nDCG@10 on that half stays within 0.01 of today's constants) is chosen, and reported on the
*other* half. Today's constants are reported on both halves alongside. `--seeds N` repeats
the choice over N seeded splits (stratified by language, `xling_report.seeded_halves`), both
directions, and counts how often the chosen point gains on the held-out half.

    .venv/bin/python eval/tune_search.py --data data          # about a minute per grid point cold
    .venv/bin/python eval/tune_search.py --data data --grid topic_profile_weight --seeds 40
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from praxis.index import rerank, search, term_bridge
from praxis.index.library import Library
from praxis.service import evaluation as ev
from praxis.service.eval_runner import search_run
from praxis.service.wiring import open_library

sys.path.insert(0, str(Path(__file__).resolve().parent))
from xling_report import seeded_halves  # noqa: E402 - a script beside this one

HERE = Path(__file__).resolve().parent
GRID = {  # name -> (module, attribute, values); the first value of each is the reference
    "rrf_k": (search, "RRF_K", [10, 30]),
    "lexical_weight": (search, "LEXICAL_WEIGHT", [0.3, 0.5]),
    "topic_boost": (rerank, "TOPIC_BOOST", [0.05, 0.1]),
    "min_standout": (term_bridge, "MIN_STANDOUT", [4.0, 5.0]),
    # Not in the default grid: the reference is without topic profiles (issue 11's fourth round).
    "topic_profile_weight": (search, "TOPIC_PROFILE_WEIGHT", [0.0, 0.005, 0.01, 0.02, 0.03, 0.04]),
}
DEFAULT_GRID = ["rrf_k", "lexical_weight", "topic_boost", "min_standout"]
SAME_LANGUAGE_SLACK = 0.01  # a point may cost the tuning half's same-language queries this much (--slack)


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


def choose(
    results: list[tuple[dict, dict]], tune: set[str], crossing: dict[str, str], slack: float = SAME_LANGUAGE_SLACK,
    guard: set[str] | None = None,
) -> tuple[dict, dict]:
    """The point with the best cross-lingual nDCG@10 on `tune` among those whose same-language
    nDCG@10 stays within `slack` of the reference on `guard` (default: `tune`; ties: the
    earlier point)."""
    guard = tune if guard is None else guard
    base = summary(results[0][1], guard, crossing)
    admissible = [r for r in results
                  if summary(r[1], guard, crossing)["same-language ndcg"] >= base["same-language ndcg"] - slack - 1e-12]
    order = {id(r[0]): i for i, r in enumerate(results)}
    return max(admissible, key=lambda r: (summary(r[1], tune, crossing)["cross-lingual ndcg"], -order[id(r[0])]))


def report_halves(
    results: list[tuple[dict, dict]], queries: list[dict], crossing: dict[str, str], slack: float,
    guard: set[str] | None,
) -> None:
    a, b = halves(queries)
    for tune, report, label in ((a, b, "tune on A, report on B"), (b, a, "tune on B, report on A")):
        best, per = choose(results, tune, crossing, slack, guard)
        print(f"{label}: chose {best}")
        for name, point_per in (("reference", results[0][1]), ("chosen", per)):
            s = summary(point_per, report, crossing)
            print(f"  {name:9s} held-out cross-lingual nDCG@10 {s['cross-lingual ndcg']:.3f} recall@10 "
                  f"{s['cross-lingual recall']:.3f} (n {s['cross-lingual n']}), same-language nDCG@10 "
                  f"{s['same-language ndcg']:.3f} (n {s['same-language n']})")


def report_seeded(
    results: list[tuple[dict, dict]], queries: list[dict], crossing: dict[str, str], seeds: int, slack: float,
    guard: set[str] | None,
) -> None:
    """Over `seeds` seeded splits, both directions: how often the chosen point gains on the
    held-out cross-lingual queries, and keeps its same-language ones within the slack."""
    gains, kept, chosen = [], [], []
    for seed in range(1, seeds + 1):
        half = seeded_halves(queries, seed)
        for tune_name, report_name in (("A", "B"), ("B", "A")):
            tune = {q for q, h in half.items() if h == tune_name}
            report = {q for q, h in half.items() if h == report_name}
            best, per = choose(results, tune, crossing, slack, guard)
            before, after = summary(results[0][1], report, crossing), summary(per, report, crossing)
            gains.append(after["cross-lingual ndcg"] - before["cross-lingual ndcg"])
            kept.append(after["same-language ndcg"] - before["same-language ndcg"])
            chosen.append(str(best))
    n = len(gains)
    print(f"{seeds} seeded splits x 2 directions: held-out cross-lingual gain > 0 in {sum(g > 0 for g in gains)}/{n} "
          f"(mean {sum(gains) / n:+.4f}), same-language within 0.01 in "
          f"{sum(k >= -0.01 for k in kept)}/{n} (mean {sum(kept) / n:+.4f})")
    for point in sorted(set(chosen)):
        print(f"  chosen {chosen.count(point):3d} times: {point}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data")
    parser.add_argument("--grid", default=",".join(DEFAULT_GRID), help=f"constants to tune, of {', '.join(GRID)}")
    parser.add_argument("--seeds", type=int, default=0, help="also choose on this many seeded splits")
    parser.add_argument("--slack", default=str(SAME_LANGUAGE_SLACK),
                        help="same-language nDCG@10 a point may cost the tuning half (comma-separated: each reported)")
    parser.add_argument("--guard", choices=["half", "all"], default="half",
                        help="same-language queries the slack is checked on: the tuning half's, or all of them "
                             "(the cross-lingual choice is still made on the tuning half and reported on the other)")
    args = parser.parse_args()
    library = open_library(args.data)  # wired as the service is: query topics, topic profiles
    library.refresh()  # derived state current (topic profiles embedded) before anything is measured
    # Every grid point asks for the same query vectors: the library keeps them (QueryVectors),
    # so each query is encoded once.
    queries = ev.load_queries(HERE / "queries.jsonl")
    publication_of = ev.publications_from_catalogue(ev.load_jsonl(HERE.parent / "corpus" / "catalogue.jsonl"))
    languages = dict(library.store.conn.execute("SELECT source, language FROM documents").fetchall())
    crossing = ev.language_pair_groups(queries, languages)
    names = args.grid.split(",")
    today = {name: getattr(GRID[name][0], GRID[name][1]) for name in names}
    points = [dict(zip(names, values)) for values in itertools.product(*(GRID[n][2] for n in names))]
    results = []
    for point in points:
        apply(point)
        results.append((point, scores(library, queries, publication_of)))
        everything = summary(results[-1][1], set(results[-1][1]), crossing)
        print(f"{point}: cross-lingual nDCG@10 {everything['cross-lingual ndcg']:.3f} recall@10 "
              f"{everything['cross-lingual recall']:.3f}, same-language {everything['same-language ndcg']:.3f} "
              f"(n {everything['cross-lingual n']} / {everything['same-language n']})", flush=True)
    guard = {q["id"] for q in queries} if args.guard == "all" else None
    for slack in (float(x) for x in args.slack.split(",")):
        print(f"-- slack {slack}: a point may cost the same-language nDCG@10 of the {args.guard} queries this much")
        report_halves(results, queries, crossing, slack, guard)
        if args.seeds:
            report_seeded(results, queries, crossing, args.seeds, slack, guard)
    apply(today)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
