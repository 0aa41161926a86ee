"""Cross-lingual search report: the figures issue 11 is judged on, per language and per held-out half.

`praxis eval` prints the whole picture; this prints what a cross-lingual change is decided on,
in one run: hybrid / dense / lexical nDCG@10 and recall@10 over all, cross-lingual and
same-language queries; hybrid per query language (all, and its cross-lingual queries); and
hybrid on two seeded halves of the queries (a stratified split by query language), so that a
change chosen on one half can be checked on the other. `--json FILE` also writes the
per-query figures, for before/after comparisons.

    .venv/bin/python eval/xling_report.py --data data [--modes hybrid] [--json after.json]
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from praxis.service import evaluation as ev
from praxis.service.eval_runner import MODES, search_run
from praxis.service.wiring import open_library

HERE = Path(__file__).resolve().parent
SEED = 11  # the number: any fixed seed does, it only has to repeat


def seeded_halves(queries: list[dict], seed: int = SEED) -> dict[str, str]:
    """{query id: "A" or "B"}: within each query language, a seeded shuffle cut in two."""
    by_language: dict[str, list[str]] = {}
    for q in sorted(queries, key=lambda q: q["id"]):
        by_language.setdefault(q["language"], []).append(q["id"])
    rng = random.Random(seed)
    half: dict[str, str] = {}
    for language in sorted(by_language):
        ids = by_language[language]
        rng.shuffle(ids)
        for i, qid in enumerate(ids):
            half[qid] = "A" if i % 2 == 0 else "B"
    return half


def per_query(library, queries: list[dict], mode: str, publication_of: dict[str, str]) -> dict[str, dict[str, float]]:
    qrels = ev.fold_publications(ev.qrels_from_queries(queries), publication_of)
    run = ev.fold_publications(search_run(library, queries, mode), publication_of)
    ndcg, recall = ev.ndcg_at_k(run, qrels), ev.recall_at_k(run, qrels)
    return {qid: {"ndcg": ndcg[qid], "recall": recall[qid]} for qid in ndcg}


def row(scores: dict[str, dict[str, float]], ids: list[str]) -> str:
    ids = [i for i in ids if i in scores]
    if not ids:
        return "    -      -      0"
    ndcg = sum(scores[i]["ndcg"] for i in ids) / len(ids)
    recall = sum(scores[i]["recall"] for i in ids) / len(ids)
    return f"{ndcg:7.3f} {recall:7.3f} {len(ids):4d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--json", help="write per-query figures here")
    args = parser.parse_args()
    library = open_library(args.data)
    queries = ev.load_queries(HERE / "queries.jsonl")
    publication_of = ev.publications_from_catalogue(ev.load_jsonl(HERE.parent / "corpus" / "catalogue.jsonl"))
    languages = dict(library.store.conn.execute("SELECT source, language FROM documents").fetchall())
    crossing = ev.language_pair_groups(queries, languages)
    half = seeded_halves(queries)
    cross = [q["id"] for q in queries if crossing.get(q["id"]) == "cross-lingual"]
    same = [q["id"] for q in queries if crossing.get(q["id"]) == "same-language"]
    everything = [q["id"] for q in queries]
    results = {mode: per_query(library, queries, mode, publication_of) for mode in args.modes.split(",")}
    print(f"{'':28s}  ndcg@10 recall@10  n")
    for mode, scores in results.items():
        for name, ids in (("", everything), (" cross-lingual", cross), (" same-language", same)):
            print(f"{mode + name:28s} {row(scores, ids)}")
    if "hybrid" in results:
        scores = results["hybrid"]
        print("\nhybrid by query language   all (ndcg recall n)   cross-lingual (ndcg recall n)")
        for language in sorted({q["language"] for q in queries}):
            ids = [q["id"] for q in queries if q["language"] == language]
            print(f"  {language:4s} {row(scores, ids)}   {row(scores, [i for i in ids if i in cross])}")
        print(f"\nhybrid on seeded halves (seed {SEED})   cross-lingual   same-language")
        for name in ("A", "B"):
            print(f"  half {name}  {row(scores, [i for i in cross if half[i] == name])}   "
                  f"{row(scores, [i for i in same if half[i] == name])}")
    if args.json:
        Path(args.json).write_text(json.dumps({"half": half, "crossing": crossing, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
