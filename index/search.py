"""Hybrid retrieval: dense + keyword search (index/vectors/, index/keywords/: faiss and FTS5 by
default, or Qdrant), fused by reciprocal rank.

Passages are retrieved, then grouped into their document (best passage shown, the others
counted), translations of a shown publication are folded into it, and MMR keeps the
page from filling with documents that say the same thing.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from praxis.index.dense import DenseIndex
from praxis.index.embedders.base import Embedder
from praxis.index.filters import Filters
from praxis.index.keywords import KeywordIndex
from praxis.index.keywords.fts5 import Fts5Keywords
from praxis.index.passage_table import PassageTable
from praxis.index.rerank import CANDIDATES, LanguageCentroids, discount_generic, rescore
from praxis.index import catalog
from praxis.index.store import Store
from praxis.index.term_bridge import TermBridge
from praxis.index.topic_profiles import TopicProfiles
from praxis.index.vectors import VectorIndex
from praxis.index.vectors.faiss_index import FaissVectors

Mode = Literal["hybrid", "dense", "lexical"]
RRF_K = 10  # lower than the usual 60: the first ranks of each list matter most here (measured)
LEXICAL_WEIGHT = 0.3  # BM25 crosses languages only through the term bridge: its votes count less (measured)
MMR_LAMBDA = 0.75  # relevance vs. novelty when choosing the next document
#: Times the cosine of the query's and a passage's topic profiles (`topic_profiles.py`), added
#: to its dense score in document search. Measurements: README, issue 11.
TOPIC_PROFILE_WEIGHT = 0.02
BRIDGED_KEPT = 4096  # queries whose bridged terms are kept (a request asks twice; repeats are common)


@dataclass
class PassageHit:
    passage_id: int
    document_id: int
    score: float


@dataclass
class SearchResult:
    document_id: int
    source: str
    title: str
    language: str | None
    page: int
    page_end: int
    score: float
    snippet: str
    passage_id: int
    matched_passages: int
    cities: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    translations: list[dict[str, object]] = field(default_factory=list)


def reciprocal_rank_fusion(
    rankings: list[list[tuple[int, float]]], weights: list[float] | None = None, k: int = RRF_K
) -> dict[int, float]:
    fused: dict[int, float] = defaultdict(float)
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, (item, _score) in enumerate(ranking):
            fused[item] += weight / (k + rank + 1)
    return dict(fused)


def snippet_of(text: str, limit: int = 360) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + " …"


class Searcher:
    def __init__(
        self, store: Store, embedder: Embedder, dense: VectorIndex | DenseIndex, centroids: LanguageCentroids | None = None,
        bridge: TermBridge | None = None, query_topics: Callable[[str], Sequence[str]] | None = None,
        keywords: KeywordIndex | None = None, passages: PassageTable | None = None,
        topic_profiles: TopicProfiles | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        # A bare faiss cache (benchmarks, tests) is the embedded backend.
        self.dense: VectorIndex = FaissVectors(store, dense) if isinstance(dense, DenseIndex) else dense
        self.keywords = keywords or Fts5Keywords(store)
        self.centroids = centroids or LanguageCentroids.from_store(store)
        self.bridge = bridge or TermBridge.from_store(store)
        # Topics of a query, from the ingest side's multilingual taxonomy (wired by the service:
        # index does not import ingest's analysers). None: no topic agreement.
        self.query_topics = query_topics or (lambda _query: ())
        self._bridged: dict[str, list[str]] = {}  # a request asks for them twice: search and answer
        # Passages' documents and languages in memory (None: asked of SQLite), used by a search
        # whose snapshot is of the table's generation (`_table`).
        self.passages = passages
        self.topic_profiles = topic_profiles  # None: no profile agreement (see `_dense_ranking`)

    # -- passages ---------------------------------------------------------------

    def search_passages(
        self, query: str, k: int = 50, filters: Filters | None = None, mode: Mode = "hybrid",
        query_vector: np.ndarray | None = None, generic_penalty: float = 0.0, document_search: bool = False,
    ) -> list[PassageHit]:
        """Top k passages (fused score), ties broken by passage id so results repeat.

        `generic_penalty` > 0 discounts passages that are generic within their language (see
        `rerank.discount_generic`): for long, general queries such as a mentee's needs.
        `document_search`: a shared topic counts by its idf (`rerank.rescore`; cross-lingual
        recall@10 0.673 -> 0.693 on eval/) and topic profiles must agree (`_dense_ranking`).
        A mentee's needs use neither: both cost recommendation quality (README, issue 11).
        """
        with self.store.snapshot():
            return self._search_passages(
                query, k, filters or Filters(), mode, query_vector, generic_penalty, document_search)

    def _search_passages(
        self, query: str, k: int, filters: Filters, mode: Mode, query_vector: np.ndarray | None, generic_penalty: float,
        document_search: bool = False,
    ) -> list[PassageHit]:
        rankings: list[list[tuple[int, float]]] = []
        weights: list[float] = []
        table = None
        if mode in ("hybrid", "dense"):
            vector = query_vector if query_vector is not None else self._encode(query, mode)
            table = self._table()  # after the model: the snapshot starts with this statement
            rankings.append(self._dense_ranking(query, vector, k, filters, generic_penalty, document_search, table))
            weights.append(1.0)
        else:
            table = self._table()
        if mode in ("hybrid", "lexical"):
            rankings.append(self.keywords.search(query, k, filters, self.bridged_terms(query)))
            weights.append(LEXICAL_WEIGHT)
        fused = sorted(reciprocal_rank_fusion(rankings, weights).items(), key=lambda item: (-item[1], item[0]))
        # The dense index may be a write ahead of this search's snapshot (another thread of this
        # process committed since): passages the snapshot does not hold are dropped here.
        owners = self._owners([pid for pid, _ in fused], table)
        return [PassageHit(pid, owners[pid], score) for pid, score in fused if pid in owners][:k]

    def _dense_ranking(
        self, query: str, vector: np.ndarray, k: int, filters: Filters, generic_penalty: float, document_search: bool,
        table: PassageTable | None,
    ) -> list[tuple[int, float]]:
        """Dense candidates with the language-neutral corrections (`rerank.rescore`), and, for
        document search, the query's and each passage's topic profiles' agreement
        (`topic_profiles.py`; weight and measurements at `TOPIC_PROFILE_WEIGHT`)."""
        candidates = self.dense.search(vector, max(k, CANDIDATES), filters)
        profiled = document_search and self.topic_profiles is not None and TOPIC_PROFILE_WEIGHT > 0
        vectors = self.dense.vectors([pid for pid, _ in candidates]) if candidates and (generic_penalty or profiled) else None
        if generic_penalty and vectors is not None:
            candidates = discount_generic(self.store, self.centroids, vectors, candidates, generic_penalty,
                                          table.languages_of if table is not None else None)
        bonus = None
        if profiled and vectors is not None:
            bonus = TOPIC_PROFILE_WEIGHT * self.topic_profiles.agreement(vector, vectors)
        return rescore(
            self.store, self.centroids, self.query_topics(query), vector, candidates, document_search,
            table.languages_of if table is not None else None, table.topics_of if table is not None else None,
            bonus)[:k]

    def _encode(self, query: str, mode: Mode) -> np.ndarray:
        """The query vector; for hybrid search, with the bridge's new words in the same model call.
        Kept with the words' vectors: the same query comes back with another filter or page (the
        web page's facets), and the model is not asked again (13-20 ms a search at 100k passages)."""
        vector = self.bridge.query_vectors.get(query)
        if vector is not None:
            return vector
        if mode == "hybrid" and query not in self._bridged:
            return self.encode_queries([query])[0]
        vector = self.embedder.encode_query(query)
        self.bridge.query_vectors.add({query: vector})
        return vector

    def encode_queries(self, queries: list[str]) -> np.ndarray:
        """Several queries' vectors (a mentee's needs): the new ones in one model call with their
        new bridge words, all kept, so that their hybrid searches ask the model nothing more
        (was one call for the needs and one more per need for its words)."""
        cache = self.bridge.query_vectors
        known = {query: vector for query in queries if (vector := cache.get(query)) is not None}
        missing = [query for query in dict.fromkeys(queries) if query not in known]
        if missing:
            encoded = dict(zip(missing, self.bridge.encode_with_words(missing, self.embedder)))
            cache.add(encoded)
            known.update(encoded)
        return np.array([known[query] for query in queries], dtype=np.float32).reshape(len(queries), -1)

    def bridged_terms(self, query: str) -> list[str]:
        """Library terms in other languages that lexical search also looks for (shown to users)."""
        terms = self._bridged.get(query)
        if terms is None:
            terms = self.bridge.expand(query, self.embedder)
            if len(self._bridged) >= BRIDGED_KEPT:  # a long-running server sees endless queries
                self._bridged.clear()
            self._bridged[query] = terms
        return terms

    def _table(self) -> PassageTable | None:
        """The passage table, if this search's snapshot is of its generation (one short
        statement, inside the snapshot). A snapshot of another generation (a write committed
        since the table was read) asks SQLite instead: the same answers."""
        if self.passages is not None and self.store.generation == self.passages.generation:
            return self.passages
        return None

    def _owners(self, passage_ids: list[int], table: PassageTable | None = None) -> dict[int, int]:
        """Each passage's document; a passage this search's snapshot does not hold has none."""
        if table is not None:
            return table.owners(passage_ids)
        rows = self.store.select_in("SELECT id, document_id FROM passages WHERE id IN ({ids})", passage_ids)
        return {r[0]: r[1] for r in rows}

    # -- documents ----------------------------------------------------------------

    def search(self, query: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid") -> list[SearchResult]:
        """Documents, best first. A fixed number of SQL statements whatever k and the library's
        size, all in one read transaction (one version of the library from start to finish)."""
        with self.store.snapshot():
            return self._search(query, k, filters, mode)

    def _search(self, query: str, k: int, filters: Filters | None, mode: Mode) -> list[SearchResult]:
        hits = self.search_passages(query, max(100, 10 * k), filters, mode, document_search=True)
        best, counts = self._group_by_document(hits)
        translations = catalog.translations_of_documents(self.store, [h.document_id for h in best])
        chosen = self._diversify(self._fold_translations(best, translations), k)
        return self._results(chosen, counts, translations)

    @staticmethod
    def _group_by_document(hits: list[PassageHit]) -> tuple[list[PassageHit], dict[int, int]]:
        """The best passage of each document (in score order), and how many passages each matched."""
        best: dict[int, PassageHit] = {}
        counts: dict[int, int] = defaultdict(int)
        for hit in hits:  # already in score order
            counts[hit.document_id] += 1
            best.setdefault(hit.document_id, hit)
        return list(best.values()), counts

    @staticmethod
    def _fold_translations(best: list[PassageHit], translations: dict[int, list]) -> list[PassageHit]:
        """A translation of a document already shown is a language version of it, not a new result."""
        shown: set[int] = set()
        grouped = []
        for hit in best:
            if shown & {t["document_id"] for t in translations.get(hit.document_id, [])}:
                continue
            shown.add(hit.document_id)
            grouped.append(hit)
        return grouped

    def _diversify(self, hits: list[PassageHit], k: int) -> list[PassageHit]:
        """Maximal marginal relevance over the best passage of each document."""
        if len(hits) <= 1 or self.dense.size == 0:
            return hits[:k]
        vectors = self.dense.vectors([h.passage_id for h in hits])
        top = max(h.score for h in hits)
        relevance = np.array([h.score / top for h in hits])
        chosen: list[int] = []
        remaining = list(range(len(hits)))
        while remaining and len(chosen) < k:
            if chosen:
                redundancy = (vectors[remaining] @ vectors[chosen].T).max(axis=1)
            else:
                redundancy = np.zeros(len(remaining))
            gains = MMR_LAMBDA * relevance[remaining] - (1 - MMR_LAMBDA) * redundancy
            pick = remaining[int(np.argmax(gains))]  # argmax takes the first: ties keep rank order
            chosen.append(pick)
            remaining.remove(pick)
        return [hits[i] for i in chosen]

    def _results(self, hits: list[PassageHit], counts: dict[int, int], translations: dict[int, list]) -> list[SearchResult]:
        """The shown results, assembled in two batched statements (passages with their documents'
        topics, cities)."""
        documents = [h.document_id for h in hits]
        rows = {r["passage_id"]: r for r in catalog.passages_with_documents(self.store, [h.passage_id for h in hits])}
        cities = catalog.cities_of_documents(self.store, documents)
        results = []
        for hit in hits:
            row = rows.get(hit.passage_id)
            if row is None:  # cannot happen inside one snapshot; never a 500 if it does
                continue
            doc = row["document_id"]
            results.append(SearchResult(
                document_id=doc, source=row["source"], title=row["title"], language=row["language"],
                page=row["page_start"], page_end=row["page_end"], score=round(hit.score, 6),
                snippet=snippet_of(row["text"]), passage_id=hit.passage_id, matched_passages=counts[doc],
                cities=[c["name"] for c in cities.get(doc, [])], topics=catalog.topic_list(row["topics"]),
                translations=[
                    {"document_id": t["document_id"], "source": t["source"], "title": t["title"], "language": t["language"]}
                    for t in sorted(translations.get(doc, []), key=lambda t: t["document_id"])
                ],
            ))
        return results
