"""Metrics checked against values worked out by hand, and the labelled sets checked for shape."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pytest

from praxis.service import evaluation as ev

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
QUERIES = ROOT / "eval" / "queries.jsonl"
MENTEES = ROOT / "eval" / "mentee_cases.jsonl"

# One query, three judged documents; the system ranks a (unjudged), b (2), c (1) and misses d (1).
RUN = {"q1": {"a": 3.0, "b": 2.0, "c": 1.0}}
QRELS = {"q1": {"b": 2, "c": 1, "d": 1}}


# --- metrics -----------------------------------------------------------------------------

def test_ranked_orders_by_score_then_doc_id():
    assert ev.ranked({"x": 1.0, "a": 1.0, "m": 2.0, "b": 0.5}) == ["m", "a", "x", "b"]


def test_ndcg_uses_exponential_gain_log2_discount_and_qrels_ideal():
    # DCG: a=0, b=(2^2-1)/log2(3), c=(2^1-1)/log2(4); ideal ranks grades 2, 1, 1.
    dcg = 3 / math.log2(3) + 1 / 2
    idcg = 3 / 1 + 1 / math.log2(3) + 1 / 2
    assert ev.ndcg_at_k(RUN, QRELS, k=10)["q1"] == pytest.approx(dcg / idcg)
    assert ev.ndcg_at_k(RUN, QRELS, k=10)["q1"] == pytest.approx(0.57924, abs=1e-5)


def test_ndcg_cut_at_k():
    # Only a is in the top 1 and it is not relevant; the ideal top 1 is b.
    assert ev.ndcg_at_k(RUN, QRELS, k=1)["q1"] == 0.0
    perfect = {"q1": {"b": 3.0, "c": 2.0, "d": 1.0}}
    assert ev.ndcg_at_k(perfect, QRELS, k=10)["q1"] == pytest.approx(1.0)


def test_recall_counts_every_grade_from_one():
    assert ev.recall_at_k(RUN, QRELS, k=2)["q1"] == pytest.approx(1 / 3)
    assert ev.recall_at_k(RUN, QRELS, k=10)["q1"] == pytest.approx(2 / 3)


def test_mrr_is_cut_at_k():
    assert ev.mrr(RUN, QRELS, k=10)["q1"] == pytest.approx(1 / 2)
    assert ev.mrr(RUN, QRELS, k=1)["q1"] == 0.0
    late = {"q1": {f"n{i:02d}": 100.0 - i for i in range(10)} | {"d": 1.0}}
    assert ev.mrr(late, QRELS, k=10)["q1"] == 0.0
    assert ev.mrr(late, QRELS, k=11)["q1"] == pytest.approx(1 / 11)


def test_hit_at_k():
    assert ev.hit_at_k(RUN, QRELS, k=1)["q1"] == 0.0
    assert ev.hit_at_k(RUN, QRELS, k=3)["q1"] == 1.0


def test_grade_zero_is_not_relevant():
    qrels = {"q1": {"a": 0, "c": 1}}
    assert ev.mrr(RUN, qrels)["q1"] == pytest.approx(1 / 3)
    assert ev.recall_at_k(RUN, qrels)["q1"] == 1.0
    assert ev.recall_at_k(RUN, qrels, k=2)["q1"] == 0.0  # a is judged, but judged useless
    assert ev.ndcg_at_k(RUN, qrels)["q1"] == pytest.approx(1 / 2)  # 1/log2(4) over 1/log2(2)


def test_empty_qrels_are_skipped_and_unanswered_queries_score_zero():
    qrels = {"q1": QRELS["q1"], "empty": {}, "only-zero": {"a": 0}, "unanswered": {"z": 2}}
    for metric in (ev.ndcg_at_k, ev.recall_at_k, ev.mrr, ev.hit_at_k):
        scores = metric(RUN, qrels)
        assert set(scores) == {"q1", "unanswered"}
        assert scores["unanswered"] == 0.0


def test_mean():
    assert ev.mean({"a": 1.0, "b": 0.0, "c": 0.5}) == pytest.approx(0.5)
    assert ev.mean({}) == 0.0


def test_summarise_overall_and_per_group():
    run = {"q1": RUN["q1"], "q2": {"z": 1.0, "y": 0.5}, "q3": {"y": 1.0}}
    qrels = {"q1": QRELS["q1"], "q2": {"y": 2}, "q3": {"y": 1}, "q4": {}}
    summary = ev.summarise(run, qrels, groups={"q1": "sv", "q2": "sv", "q3": "el"}, k=10)
    assert list(summary) == ["all", "el", "sv"]
    q1_ndcg = (3 / math.log2(3) + 1 / 2) / (3 + 1 / math.log2(3) + 1 / 2)
    q2_ndcg = (3 / math.log2(3)) / 3
    assert summary["sv"]["n"] == 2
    assert summary["sv"]["ndcg@10"] == pytest.approx((q1_ndcg + q2_ndcg) / 2)
    assert summary["sv"]["mrr@10"] == pytest.approx(0.5)
    assert summary["el"] == {"ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "n": 1}
    assert summary["all"]["n"] == 3
    assert summary["all"]["recall@10"] == pytest.approx((2 / 3 + 1 + 1) / 3)
    assert set(ev.summarise(run, qrels, k=5)["all"]) == {"ndcg@5", "recall@5", "mrr@5", "n"}


def test_format_table_aligns_columns():
    rows = {"all": {"ndcg@10": 0.5, "n": 48}, "cross-lingual": {"ndcg@10": 0.25, "n": 7}}
    text = ev.format_table(rows, "Search")
    lines = text.splitlines()
    assert lines[0] == "Search"
    header, first, second = lines[2], lines[4], lines[5]
    assert first.startswith("all ") and second.startswith("cross-lingual ")
    assert "0.500" in first and "0.250" in second and first.endswith(" 48")
    # Right-aligned numbers end at the same column as their header.
    assert header.index("ndcg@10") + len("ndcg@10") == first.index("0.500") + len("0.500")
    assert len(first) == len(second) == len(header)


def test_mentor_qrels_grade_by_position():
    cases = [{"id": "m1", "mentors": ["Fuenlabrada", "Amsterdam"]}]
    assert ev.mentor_qrels(cases) == {"m1": {"Fuenlabrada": 2, "Amsterdam": 1}}
    spelled = {"Fuenlabrada": "FUENLABRADA", "Amsterdam": "FUENLABRADA"}
    assert ev.mentor_qrels(cases, canonical=spelled.get) == {"m1": {"FUENLABRADA": 2}}


def test_cross_lingual_looks_at_grade_two_documents_only():
    langs = {"a-en.pdf": "en", "b-sv.pdf": "sv"}
    assert ev.is_cross_lingual({"language": "sv", "relevant": {"a-en.pdf": 2, "b-sv.pdf": 1}}, langs)
    assert not ev.is_cross_lingual({"language": "sv", "relevant": {"a-en.pdf": 2, "b-sv.pdf": 2}}, langs)


def test_loader_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "q1"}\n\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":3:"):
        ev.load_queries(path)


# --- the labelled sets -------------------------------------------------------------------

@lru_cache(maxsize=1)
def _catalogue() -> list[dict]:
    with open(CORPUS / "catalogue.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _catalogue_cities() -> set[str]:
    names: set[str] = set()
    for entry in _catalogue():
        for city in entry.get("cities", []):
            names.add(city if isinstance(city, str) else city["name"])
    return names


@lru_cache(maxsize=1)
def _corpus_text() -> str:
    # Only read when a mentor is missing from the catalogue: extraction is the slow part.
    from pypdf import PdfReader

    return "\n".join(
        page.extract_text() or "" for pdf in sorted(CORPUS.glob("*.pdf")) for page in PdfReader(pdf).pages
    )


def _check_grades(record: dict, field: str) -> None:
    judged = record[field]
    assert judged, f"{record['id']}: empty {field}"
    for name, grade in judged.items():
        assert (CORPUS / name).is_file(), f"{record['id']}: {name} is not in corpus/"
        assert grade in (0, 1, 2), f"{record['id']}: grade {grade!r} for {name}"
    assert 2 in judged.values(), f"{record['id']}: nothing answers it directly"


def test_queries_file_shape():
    queries = ev.load_queries(QUERIES)
    doc_languages = {entry["file"]: entry.get("language") for entry in _catalogue()}
    assert len(queries) >= 40
    assert len({q["id"] for q in queries}) == len(queries)
    for query in queries:
        assert {"id", "query", "language", "relevant"} <= set(query), query.get("id")
        assert query["query"].strip()
        _check_grades(query, "relevant")
    assert len({q["language"] for q in queries}) >= 6
    cross = [q for q in queries if ev.is_cross_lingual(q, doc_languages)]
    assert len(cross) >= 20


def test_mentee_cases_file_shape():
    cases = ev.load_mentee_cases(MENTEES)
    known = _catalogue_cities()
    assert len(cases) >= 20
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({c["language"] for c in cases}) >= 5
    for case in cases:
        assert {"id", "language", "needs", "city", "mentors", "practices"} <= set(case), case.get("id")
        assert case["needs"].strip() and case["mentors"]
        assert case["city"] not in case["mentors"], f"{case['id']}: a mentee cannot mentor itself"
        _check_grades(case, "practices")
        for mentor in case["mentors"]:
            assert mentor in known or mentor in _corpus_text(), f"{case['id']}: unknown mentor {mentor}"


def test_labelled_sets_turn_into_qrels():
    queries = ev.load_queries(QUERIES)
    cases = ev.load_mentee_cases(MENTEES)
    assert len(ev.qrels_from_queries(queries)) == len(queries)
    assert set(ev.practice_qrels(cases)) == set(ev.mentor_qrels(cases)) == {c["id"] for c in cases}
    # A run that returns exactly the judgements is perfect on every query.
    qrels = ev.qrels_from_queries(queries)
    oracle = {qid: {doc: float(rel) for doc, rel in judged.items()} for qid, judged in qrels.items()}
    assert ev.summarise(oracle, qrels)["all"]["ndcg@10"] == pytest.approx(1.0)


def test_language_versions_count_as_one_publication():
    publication_of = ev.publications_from_catalogue(
        [{"file": "a-sv.pdf", "translation_of": "a-en.pdf"}, {"file": "a-en.pdf"}, {"file": "b.pdf"}]
    )
    assert publication_of == {"a-sv.pdf": "a-en.pdf"}
    run = ev.fold_publications({"q": {"a-en.pdf": 0.5, "a-sv.pdf": 0.9, "b.pdf": 0.7}}, publication_of)
    assert run == {"q": {"a-en.pdf": 0.9, "b.pdf": 0.7}}
    qrels = ev.fold_publications({"q": {"a-sv.pdf": 2, "a-en.pdf": 1, "c.pdf": 1}}, publication_of)
    assert qrels == {"q": {"a-en.pdf": 2, "c.pdf": 1}}
    # Folded, the pair fills one of the top two places and b.pdf gets the other.
    assert ev.recall_at_k(run, {"q": {"a-en.pdf": 1, "b.pdf": 1}}, k=2) == {"q": 1.0}


def test_praxis_eval_prints_every_mode_on_a_real_library(library_copy: Path) -> None:
    from praxis.service.wiring import open_library
    from praxis.service.eval_runner import run_evaluation

    report = run_evaluation(open_library(library_copy), ROOT / "eval", only="search", catalogue=CORPUS / "catalogue.jsonl")
    rows = {line.split("  ")[0].strip(): line.split()[-4:] for line in report.splitlines() if line[:1].isalpha()}
    for mode in ("hybrid", "dense", "lexical", "hybrid cross-lingual", "hybrid same-language"):
        ndcg, recall, mrr_, n = rows[mode]
        assert all(0.0 <= float(v) <= 1.0 for v in (ndcg, recall, mrr_)) and int(n) > 0
    assert float(rows["hybrid"][0]) > 0.0  # the small library holds answers to some queries
