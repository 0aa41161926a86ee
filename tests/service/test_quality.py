"""Quality floors on the whole sample library: a change that loses quality fails CI.

Each floor sits a little under the figure `praxis eval` gives on `corpus/` (README, Quality),
so noise from the 4-bit model's threads does not fail the build but a real regression does.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from praxis.service import evaluation as ev
from praxis.service.recommend.evidence import search_status
from praxis.service.eval_runner import abstention_metrics, recommendation_metrics, search_metrics, search_status_metrics

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval"
CATALOGUE = ROOT / "corpus" / "catalogue.jsonl"

# Today's figures (README) minus a margin of about 0.02. The search set grew from 57 to 80
# queries (issue 11: 23 more cross-lingual ones in the weakest languages), so the floors follow
# the 80-query figures (hybrid 0.753, cross-lingual recall 0.725, same-language 0.902 since the
# term spellings and the query's topics in its own language; were 0.739, 0.711, 0.901).
# Then 104 queries (q81-q104: 24 more same-language ones as a control, harder than the first
# 26): hybrid 0.738 (was 0.753 on 80), cross-lingual recall 0.725 (same 54 queries),
# same-language 0.799 (was 0.902 on 26; the 24 new ones alone about 0.69). Same set change,
# not a ranking change: the overall and same-language floors follow the 104-query figures.
# Then topic profiles in document search (weight 0.02, chosen held out): hybrid 0.753,
# cross-lingual nDCG@10 0.682 -> 0.710 (a floor of its own now), recall 0.725 -> 0.721,
# same-language 0.799 unchanged.
SEARCH_FLOORS = {
    ("hybrid", "ndcg@10"): 0.73,
    ("hybrid cross-lingual", "ndcg@10"): 0.69,
    ("hybrid cross-lingual", "recall@10"): 0.70,
    ("hybrid same-language", "ndcg@10"): 0.78,
}
# today 1.000 (one miss of 28 is 0.964), 0.652, 0.613
RECOMMENDATION_FLOORS = {"mentor hit@3": 0.96, "practice ndcg@10": 0.63, "per file ndcg@10": 0.59}


@pytest.fixture(scope="module")
def publication_of() -> dict[str, str]:
    return ev.publications_from_catalogue(ev.load_jsonl(CATALOGUE))


def test_search_quality_floors(sample_library, publication_of) -> None:
    overall, _ = search_metrics(sample_library, ev.load_queries(EVAL / "queries.jsonl"), publication_of)
    below = {key: overall[key[0]][key[1]] for key, floor in SEARCH_FLOORS.items() if overall[key[0]][key[1]] < floor}
    assert below == {}, f"below the floors {SEARCH_FLOORS}"


def test_recommendation_quality_floors(sample_library, publication_of) -> None:
    rows = recommendation_metrics(sample_library, ev.load_mentee_cases(EVAL / "mentee_cases.jsonl"), publication_of)
    below = {m: rows["all"][m] for m, floor in RECOMMENDATION_FLOORS.items() if rows["all"][m] < floor}
    assert below == {}, f"below the floors {RECOMMENDATION_FLOORS}"


def test_abstention_floors(sample_library) -> None:
    """Praxis declines what the library cannot answer (100% today) and not the answerable cases (0%)."""
    rows, answered_anyway = abstention_metrics(sample_library, ev.load_jsonl(EVAL / "abstention.jsonl"))
    assert rows["all"]["declined"] >= 0.9, answered_anyway
    mentee = recommendation_metrics(sample_library, ev.load_mentee_cases(EVAL / "mentee_cases.jsonl"), {})
    assert mentee["all"]["declined"] <= 0.05


def test_search_reports_what_it_cannot_answer(sample_library) -> None:
    """Today 103 of the 104 labelled queries are reported answered, none of the 26 abstention
    texts searched as queries."""
    rows = search_status_metrics(sample_library, ev.load_queries(EVAL / "queries.jsonl"),
                                 ev.load_jsonl(EVAL / "abstention.jsonl"))
    assert rows["labelled queries"]["answered"] >= 0.95
    assert rows["abstention texts"]["answered"] <= 0.05
    searcher = sample_library.searcher
    query = "LED street lighting replacement for the ring road"
    assert search_status(sample_library, searcher, query, searcher.search(query, k=10))[0] == "gap"
