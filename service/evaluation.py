"""Retrieval metrics for Praxis's labelled sets, in the style of beir's EvaluateRetrieval.

A *run* is ``{query id: {doc id: score}}`` (what a system returned) and *qrels* are
``{query id: {doc id: graded relevance}}`` (what a person judged). Doc ids are PDF file
names in corpus/; for mentor evaluation they are city names. Every metric returns one
value per query so callers can slice results (by language, by language pair...) before
averaging. Only the two loaders touch the file system.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

Run = Mapping[str, Mapping[str, float]]
Number = TypeVar("Number", int, float)
Qrels = Mapping[str, Mapping[str, int]]

# A document counts as relevant from this grade on; grade 0 marks a judged non-answer
# (e.g. the mentee city's own practice sheets), which must not earn credit.
RELEVANT = 1


# --- loaders -----------------------------------------------------------------------------

def load_jsonl(path: str | Path) -> list[dict]:
    """Read one JSON object a line, skipping blank lines; name the line when one is bad."""
    records: list[dict] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error}") from error
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            records.append(record)
    return records


def load_queries(path: str | Path) -> list[dict]:
    """The labelled search set: dicts with id, query, language and relevant {file: grade}."""
    return load_jsonl(path)


def load_mentee_cases(path: str | Path) -> list[dict]:
    """The mentee set: dicts with id, language, needs, city, mentors [...] and practices {file: grade}."""
    return load_jsonl(path)


# --- turning labelled sets into qrels ----------------------------------------------------

def qrels_from_queries(queries: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """Search qrels: query id -> {file name: grade}."""
    return {q["id"]: dict(q.get("relevant", {})) for q in queries}


def practice_qrels(cases: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """Practice-recommendation qrels: case id -> {file name: grade}."""
    return {c["id"]: dict(c.get("practices", {})) for c in cases}


def mentor_qrels(
    cases: Iterable[Mapping], canonical: Callable[[str], str] | None = None
) -> dict[str, dict[str, int]]:
    """Mentor qrels: the first listed mentor is the best answer (2), the others good ones (1).

    Grading by position lets nDCG reward putting the documented mentor first while
    recall still credits the other justified mentors. Labels use the catalogue's
    spelling ("Ghent"); pass ``canonical`` (e.g. a gazetteer lookup) when the system
    names cities differently ("Gent"), so spelling is not scored as a wrong answer.
    """
    name = canonical or (lambda city: city)
    qrels: dict[str, dict[str, int]] = {}
    for case in cases:
        graded: dict[str, int] = {}
        for i, city in enumerate(case.get("mentors", [])):
            # setdefault: if two labels map to one name, the better (earlier) grade stays.
            graded.setdefault(name(city), 2 if i == 0 else 1)
        qrels[case["id"]] = graded
    return qrels


def publications_from_catalogue(entries: Iterable[Mapping]) -> dict[str, str]:
    """File name -> publication id: a translation (catalogue `translation_of`) joins its original."""
    return {e["file"]: e["translation_of"] for e in entries if e.get("translation_of")}


def fold_publications(per_query: Mapping[str, Mapping[str, Number]], publication_of: Mapping[str, str]) -> dict[str, dict[str, Number]]:
    """A run or qrels per publication: its language versions become one id, with the best
    version's score (a run) or grade (qrels).

    The search page shows a publication once, with its versions, so scoring versions as
    separate results would let one card fill two of the ten places.
    """
    folded: dict[str, dict[str, Number]] = {}
    for query_id, values in per_query.items():
        merged: dict[str, Number] = {}
        for doc, value in values.items():
            key = publication_of.get(doc, doc)
            merged[key] = max(value, merged.get(key, value))
        folded[query_id] = merged
    return folded


def language_groups(records: Iterable[Mapping]) -> dict[str, str]:
    """Record id -> its language, for summarise(groups=...)."""
    return {r["id"]: r.get("language") or "?" for r in records}


def is_cross_lingual(query: Mapping, doc_languages: Mapping[str, str]) -> bool:
    """True when no directly answering (grade 2) document is in the query's language."""
    best = [doc for doc, rel in query.get("relevant", {}).items() if rel >= 2]
    return bool(best) and all(doc_languages.get(doc) != query.get("language") for doc in best)


def language_pair_groups(queries: Iterable[Mapping], doc_languages: Mapping[str, str]) -> dict[str, str]:
    """Query id -> "cross-lingual" or "same-language", for summarise(groups=...)."""
    return {
        q["id"]: "cross-lingual" if is_cross_lingual(q, doc_languages) else "same-language"
        for q in queries
    }


# --- per-query metrics -------------------------------------------------------------------

def ranked(run_for_query: Mapping[str, float]) -> list[str]:
    """Doc ids by score, highest first; ties broken by doc id so results never depend on dict order."""
    return sorted(run_for_query, key=lambda doc: (-run_for_query[doc], doc))


def _judged(qrels: Qrels) -> Iterable[tuple[str, Mapping[str, int]]]:
    """Queries that have at least one relevant document; the others cannot be scored."""
    for query_id, judgements in qrels.items():
        if any(rel >= RELEVANT for rel in judgements.values()):
            yield query_id, judgements


def _top(run: Run, query_id: str, k: int) -> list[str]:
    # A query the system did not answer ranks nothing and scores 0, rather than vanishing.
    return ranked(run.get(query_id, {}))[:k]


def _dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain with gain 2**rel - 1 and a log2(rank + 1) discount."""
    return sum((2 ** max(rel, 0) - 1) / math.log2(rank + 2) for rank, rel in enumerate(grades))


def ndcg_at_k(run: Run, qrels: Qrels, k: int = 10) -> dict[str, float]:
    """nDCG@k per query; the ideal ranking is built from the qrels, not from the run."""
    scores: dict[str, float] = {}
    for query_id, judgements in _judged(qrels):
        gained = _dcg(judgements.get(doc, 0) for doc in _top(run, query_id, k))
        ideal = _dcg(sorted(judgements.values(), reverse=True)[:k])
        scores[query_id] = gained / ideal
    return scores


def recall_at_k(run: Run, qrels: Qrels, k: int = 10) -> dict[str, float]:
    """Share of the relevant documents (grade >= 1) found in the top k."""
    scores: dict[str, float] = {}
    for query_id, judgements in _judged(qrels):
        relevant = {doc for doc, rel in judgements.items() if rel >= RELEVANT}
        found = relevant.intersection(_top(run, query_id, k))
        scores[query_id] = len(found) / len(relevant)
    return scores


def mrr(run: Run, qrels: Qrels, k: int = 10) -> dict[str, float]:
    """MRR@k: 1 / rank of the first relevant document, 0 when none is in the top k.

    Cut at k because a user reads a page of results; an answer at rank 40 is a miss.
    """
    scores: dict[str, float] = {}
    for query_id, judgements in _judged(qrels):
        scores[query_id] = 0.0
        for rank, doc in enumerate(_top(run, query_id, k), start=1):
            if judgements.get(doc, 0) >= RELEVANT:
                scores[query_id] = 1.0 / rank
                break
    return scores


def hit_at_k(run: Run, qrels: Qrels, k: int = 3) -> dict[str, float]:
    """1.0 when at least one relevant document is in the top k, else 0.0."""
    return {query_id: float(score > 0) for query_id, score in mrr(run, qrels, k).items()}


def mean(per_query: Mapping[str, float]) -> float:
    """Macro average over queries; 0.0 for no queries so tables never show NaN."""
    return sum(per_query.values()) / len(per_query) if per_query else 0.0


# --- reporting ---------------------------------------------------------------------------

def _row(per_metric: Mapping[str, Mapping[str, float]], ids: Iterable[str]) -> dict[str, float]:
    ids = list(ids)
    row: dict[str, float] = {
        name: mean({i: scores[i] for i in ids}) for name, scores in per_metric.items()
    }
    row["n"] = len(ids)
    return row


def summarise(run: Run, qrels: Qrels, groups: Mapping[str, str] | None = None, k: int = 10) -> dict:
    """Mean nDCG@k, recall@k and MRR@k with the number of scored queries, overall and per group.

    ``groups`` maps query id -> group name (e.g. its language or "sv→en"); queries
    without a group only count towards "all". Groups come out sorted by name.
    """
    per_metric = {
        f"ndcg@{k}": ndcg_at_k(run, qrels, k),
        f"recall@{k}": recall_at_k(run, qrels, k),
        f"mrr@{k}": mrr(run, qrels, k),
    }
    scored = list(per_metric[f"ndcg@{k}"])
    summary = {"all": _row(per_metric, scored)}
    by_group: dict[str, list[str]] = {}
    for query_id in scored:
        if groups and query_id in groups:
            by_group.setdefault(groups[query_id], []).append(query_id)
    for name in sorted(by_group):
        summary[name] = _row(per_metric, by_group[name])
    return summary


def _cell(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def format_table(rows: Mapping[str, Mapping[str, float]], title: str) -> str:
    """An aligned plain-text table: one line per row, columns in first-seen order."""
    columns: list[str] = []
    for values in rows.values():
        columns.extend(c for c in values if c not in columns)
    header = [""] + columns
    body = [[name] + [_cell(values.get(c, "")) for c in columns] for name, values in rows.items()]
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        # Names align left, numbers right, so decimal points line up.
        first = cells[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(cells[1:], widths[1:])]
        return "  ".join([first] + rest).rstrip()

    rule = "-" * len(render(header))
    return "\n".join([title, rule, render(header), rule] + [render(line) for line in body])
