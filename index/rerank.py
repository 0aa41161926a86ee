"""Language-neutral corrections to dense scores.

A multilingual model scores a query higher against passages in the query's own language,
whatever they say (a Swedish question finds Swedish pages first). Two corrections,
measured on the labelled set (`praxis eval`):

- language calibration: every passage's score is lowered by β times the query's
  similarity to the centroid of the passages in that passage's language, which takes off
  the share of the score that comes from "sounds like my language";
- topic agreement: topics found in the query by the multilingual taxonomy are matched
  against the passage's and its document's topics; a topic is the same slug in every
  language, so this signal does not care which language either side is in. Each topic
  counts by its rarity among the library's passages (idf): sharing "reception", which most
  passages of an integration library carry, says less than sharing "health". Measured on
  the 80 labelled queries (issue 11): cross-lingual nDCG@10 0.653 -> 0.656, recall@10
  0.673 -> 0.693, same-language 0.898 -> 0.901; no weight tuned, both seeded halves gain.

For long, general queries (a mentee's needs) there is a third, `discount_generic`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
import math
from dataclasses import dataclass, field

import numpy as np

from praxis.index.store import Store, blob_to_vector

LANGUAGE_CALIBRATION = 0.5  # β
TOPIC_BOOST = 0.05  # added per share of the query's topics that the passage carries
MIN_TOPIC_WEIGHT = 1e-3  # the idf floor (the experiment's; any small positive value)
CANDIDATES = 300  # dense candidates re-scored; the corrections are small next to this margin


@dataclass
class LanguageCentroids:
    """Library statistics the dense corrections need, recomputed when the library changes:
    each language's centroid, and each topic's idf among passages (`topic_weights`)."""

    generation: int
    centroids: dict[str, np.ndarray]
    topic_weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store) -> "LanguageCentroids":
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = defaultdict(int)
        rows = store.conn.execute(
            "SELECT coalesce(p.language, d.language, '?'), e.vector FROM passages p "
            "JOIN documents d ON d.id = p.document_id JOIN embeddings e ON e.text_hash = p.text_hash"
        )
        for language, blob in rows:
            vector = blob_to_vector(blob)
            sums[language] = sums[language] + vector if language in sums else vector.astype(np.float64)
            counts[language] += 1
        centroids = {lang: (total / counts[lang]).astype(np.float32) for lang, total in sums.items()}
        return cls(store.generation, centroids, topic_idf(store))

    @classmethod
    def from_index(cls, store: Store, vectors: Callable[[list[int]], np.ndarray], generation: int,
                   block: int = 16384) -> "LanguageCentroids":
        """The same centroids, summed from the dense index's vectors (`vectors(ids)`: in memory
        or mapped) instead of every vector blob read from SQLite: 0.47 -> 0.15 s at 100k
        passages, a third of a CLI search's start. Ids the index does not hold (a write
        after its generation) come back as zero rows and are not counted."""
        rows = store.conn.execute(
            "SELECT p.id, coalesce(p.language, d.language, '?') FROM passages p "
            "JOIN documents d ON d.id = p.document_id ORDER BY p.id").fetchall()
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = defaultdict(int)
        for start in range(0, len(rows), block):
            chunk = rows[start : start + block]
            matrix = vectors([r[0] for r in chunk])
            held = np.any(matrix != 0, axis=1)
            languages = np.array([r[1] for r in chunk])
            for language in dict.fromkeys(languages.tolist()):
                mask = (languages == language) & held
                if mask.any():
                    part = matrix[mask].sum(axis=0, dtype=np.float64)
                    sums[language] = sums[language] + part if language in sums else part
                    counts[language] += int(mask.sum())
        centroids = {lang: (total / counts[lang]).astype(np.float32) for lang, total in sums.items()}
        return cls(generation, centroids, topic_idf(store))

    def offsets(self, query_vector: np.ndarray) -> dict[str, float]:
        return {lang: float(centroid @ query_vector) for lang, centroid in self.centroids.items()}


def rescore(
    store: Store, centroids: LanguageCentroids, query_topics: Collection[str], query_vector: np.ndarray,
    hits: list[tuple[int, float]], by_rarity: bool = False,
    languages_of: Callable[[list[int]], dict[int, str]] | None = None,
    topics_of: Callable[[list[int]], dict[int, set[str]] | None] | None = None,
    bonus: np.ndarray | None = None,
) -> list[tuple[int, float]]:
    """Dense hits with both corrections applied, best first (ties by passage id).

    `query_topics` are the taxonomy's topics found in the query (see `Searcher.query_topics`).
    `by_rarity`: each shared topic counts by its idf (document search); else every topic counts
    alike (a mentee's needs: with idf weights mentor hit@3 fell 0.964 -> 0.893 on eval/).
    `languages_of`, `topics_of`: the passages' languages and topics from memory (`PassageTable`),
    instead of SQLite (`topics_of` may answer None: then SQLite is asked). `bonus`: added to
    each hit's score, in the hits' order (the topic profiles' agreement).
    """
    if not hits:
        return []
    ids = [pid for pid, _ in hits]
    languages = languages_of(ids) if languages_of is not None else passage_languages(store, ids)
    offsets = centroids.offsets(query_vector)
    wanted = set(query_topics)
    carried = {}
    if wanted:
        held = topics_of(ids) if topics_of is not None else None
        carried = held if held is not None else _topics_of(store, ids)
    weight = _weigher(centroids.topic_weights if by_rarity else {})
    total = sum(weight(t) for t in wanted)
    scored = []
    for i, (pid, score) in enumerate(hits):
        score -= LANGUAGE_CALIBRATION * offsets.get(languages.get(pid, "?"), 0.0)
        if bonus is not None:
            score += float(bonus[i])
        if wanted:
            score += TOPIC_BOOST * sum(weight(t) for t in wanted & carried.get(pid, set())) / total
        scored.append((pid, score))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored


def discount_generic(
    store: Store, centroids: LanguageCentroids, vectors: np.ndarray, hits: list[tuple[int, float]], penalty: float,
    languages_of: Callable[[list[int]], dict[int, str]] | None = None,
) -> list[tuple[int, float]]:
    """Dense hits lowered by `penalty` times how generic each passage is within its language.

    Overviews and introductions sit near the centre of their language's passages and match
    any general text about integration. Generic = similarity to the language centroid minus
    that language's average (which is |centroid|²), so no language is favoured.
    `vectors` are the hits' passage vectors, in order; `languages_of` as in `rescore`.
    """
    ids = [pid for pid, _ in hits]
    languages = languages_of(ids) if languages_of is not None else passage_languages(store, ids)
    discounted = []
    for (pid, score), vector in zip(hits, vectors):
        centroid = centroids.centroids.get(languages.get(pid, "?"))
        generic = float(vector @ centroid - centroid @ centroid) if centroid is not None else 0.0
        discounted.append((pid, score - penalty * generic))
    return discounted


def topic_idf(store: Store) -> dict[str, float]:
    """ln((passages + 1) / (passages carrying the topic, itself or through its document, + 1))."""
    passages = int(store.conn.execute("SELECT count(*) FROM passages").fetchone()[0])
    rows = store.conn.execute(
        "SELECT topic, count(*) FROM (SELECT passage_id, topic FROM passage_topics UNION "
        "SELECT p.id, t.topic FROM passages p JOIN document_topics t ON t.document_id = p.document_id) GROUP BY topic"
    ).fetchall()
    return {str(topic): math.log((passages + 1) / (int(n) + 1)) for topic, n in rows}


def _weigher(weights: dict[str, float]) -> Callable[[str], float]:
    """A topic's weight: its idf, floored so that a topic every passage carries still counts a
    little; a topic no passage carries weighs as the rarest one; every topic weighs 1 when the
    statistics are missing (a LanguageCentroids made by hand)."""
    if not weights:
        return lambda _topic: 1.0
    unseen = max(max(weights.values()), MIN_TOPIC_WEIGHT)
    return lambda topic: max(weights.get(topic, unseen), MIN_TOPIC_WEIGHT)


def passage_languages(store: Store, ids: list[int]) -> dict[int, str]:
    return {r[0]: r[1] for r in store.select_in(
        "SELECT p.id, coalesce(p.language, d.language, '?') FROM passages p JOIN documents d ON d.id = p.document_id "
        "WHERE p.id IN ({ids})", ids,
    )}


def _topics_of(store: Store, ids: list[int]) -> dict[int, set[str]]:
    from praxis.index.catalog import passage_topics

    return passage_topics(store, ids)
