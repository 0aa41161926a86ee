"""Topic profiles: how strongly a text leans towards each topic, read from its embedding.

The keyword taxonomy tags a query only when it uses one of the taxonomy's words, and the
tags are all or nothing. A topic profile is the soft, language-neutral counterpart: each
topic has a prototype in the model's space (the mean embedding of the topic's keyword list
in every language, less the mean over topics, so what all topics share cancels), and a
vector's profile is its similarity to each prototype, standardised over the library's
passages (how much more than a typical passage it leans that way). Two texts on the same
subject have similar profiles whatever their languages, since the prototypes average the
languages out; document search adds a small multiple of the query's and the passage's profile
agreement (cosine) to the dense score (`Searcher`, `TOPIC_PROFILE_WEIGHT`).

The descriptions are embedded once per library by the writer (derived step
``topic_profiles``) and kept in the content-addressed `embeddings` table; readers average
them (2 ms). The standardisation (over a sample of passages) is saved by the same step for
each library generation, in the meta table (34 numbers): a one-off `praxis search` does not
redo it (it cost ~40 ms of one at 100k passages); a reader computes it only when the writer
has not yet.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from praxis.index.store import Store, text_hash

#: Passages the standardisation reads (evenly spread over ids): the standard error of a
#: topic's mean over 2,048 passages is 2% of its spread, far below what the weight can feel;
#: reading them costs ~10 ms once per library version at 100k passages (4,096: ~19).
STATISTICS_SAMPLE = 2048

#: {topic: its description in each language}: what `ingest.topics.topic_descriptions` returns.
Descriptions = Mapping[str, Sequence[str]]
#: Meta key of the saved standardisation: {"generation", "descriptions" (their digest), "mean", "spread"}.
STATISTICS_KEY = "topic_profiles:statistics"


@dataclass(frozen=True)
class TopicProfiles:
    generation: int
    prototypes: np.ndarray  # (topics, dimension), unit rows
    mean: np.ndarray  # each topic's mean similarity over the library's passages
    spread: np.ndarray  # ...and its standard deviation

    def profiles(self, vectors: np.ndarray) -> np.ndarray:
        """Unit-length standardised profiles, one row per vector."""
        z = (np.atleast_2d(vectors).astype(np.float32) @ self.prototypes.T - self.mean) / self.spread
        return z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)

    def agreement(self, query_vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Cosine between the query's profile and each vector's, in [-1, 1]."""
        if len(vectors) == 0:
            return np.zeros(0, dtype=np.float32)
        return self.profiles(vectors) @ self.profiles(query_vector)[0]

    @classmethod
    def from_store(
        cls, store: Store, descriptions: Descriptions, vectors: Callable[[list[int]], np.ndarray], generation: int,
        saved: str | None = None,
    ) -> "TopicProfiles | None":
        """The profiles for this library, or None while its descriptions are not embedded yet
        (the writer's derived step does it) or it holds too few passages to standardise over.
        `saved`: the meta value under STATISTICS_KEY, used when it is for this generation."""
        prototypes = _prototypes(store, descriptions)
        if prototypes is None:
            return None
        statistics = _saved_statistics(saved, generation, descriptions)
        if statistics is None:
            statistics = _statistics(store, prototypes, vectors)
        if statistics is None:
            return None
        return cls(generation, prototypes, *statistics)

    def save_statistics(self, store: Store, descriptions: Descriptions) -> None:
        store.set_meta(STATISTICS_KEY, json.dumps({
            "generation": self.generation, "descriptions": _digest(descriptions),
            "mean": self.mean.tolist(), "spread": self.spread.tolist()}))


def embed_descriptions(store: Store, descriptions: Descriptions, encode: Callable[[list[str]], np.ndarray]) -> int:
    """Embed the descriptions the store does not hold yet (as passages); returns how many."""
    texts = sorted({text for texts in descriptions.values() for text in texts})
    known = store.known_vectors(text_hash(t) for t in texts)
    missing = [t for t in texts if text_hash(t) not in known]
    if missing:
        store.add_vectors({text_hash(t): v for t, v in zip(missing, encode(missing))})
    return len(missing)


def _statistics(
    store: Store, prototypes: np.ndarray, vectors: Callable[[list[int]], np.ndarray],
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each topic's mean similarity and spread over a sample of the library's passages."""
    ids = _sample_ids(store, STATISTICS_SAMPLE)
    if len(ids) < 2:
        return None
    similarities = vectors(ids).astype(np.float32) @ prototypes.T
    return similarities.mean(axis=0), np.maximum(similarities.std(axis=0), 1e-6)


def _saved_statistics(
    saved: str | None, generation: int, descriptions: Descriptions,
) -> tuple[np.ndarray, np.ndarray] | None:
    try:
        values = json.loads(saved) if saved else None
        if values and values["generation"] == generation and values["descriptions"] == _digest(descriptions):
            return np.array(values["mean"], dtype=np.float32), np.array(values["spread"], dtype=np.float32)
    except (ValueError, KeyError, TypeError):  # damaged or from another version: computed again
        pass
    return None


def _digest(descriptions: Descriptions) -> str:
    return hashlib.sha256(json.dumps({t: list(v) for t, v in sorted(descriptions.items())}).encode("utf-8")).hexdigest()


def _prototypes(store: Store, descriptions: Descriptions) -> np.ndarray | None:
    known = store.known_vectors(text_hash(t) for texts in descriptions.values() for t in texts)
    means = []
    for topic in sorted(descriptions):
        hashes = [text_hash(t) for t in descriptions[topic]]
        if not hashes or any(h not in known for h in hashes):
            return None
        means.append(np.mean([known[h] for h in hashes], axis=0))
    if len(means) < 2:
        return None
    centred = np.array(means, dtype=np.float64)
    centred -= centred.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    return centred.astype(np.float32)


def _sample_ids(store: Store, limit: int) -> list[int]:
    """Up to `limit` passage ids spread evenly over the id range: looked up by id, because
    reading every id walks the whole passage table (52 ms at 100k passages, a third of a
    one-off `praxis search`; this takes ~5). Ids are mostly dense (deletions leave gaps), so
    the sample is close to `limit`; a sparse range falls back to every id."""
    low, high = store.passage_id_range()
    if high < low:
        return []
    if high - low + 1 <= limit:
        return store.passage_ids()
    wanted = np.unique(np.linspace(low, high, limit).astype(np.int64)).tolist()
    found = store.existing_passage_ids(wanted)
    return found if len(found) >= limit // 2 else store.passage_ids()

