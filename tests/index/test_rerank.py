"""Topic agreement in the dense corrections: a rare shared topic counts more than a common one."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from praxis.index.rerank import LanguageCentroids, rescore, topic_idf
from praxis.index.store import Store, text_hash
from praxis.ingest.models import Document, Passage

DIMENSION = 8


def _store(tmp_path: Path) -> Store:
    """Four one-passage documents: every passage carries "reception", one also "health"."""
    store = Store(tmp_path / "data")
    rng = np.random.default_rng(0)
    for i, topics in enumerate([["reception"], ["reception"], ["reception"], ["reception", "health"]]):
        text = f"passage {i}"
        doc = Document(source=f"d{i}.pdf", path=f"d{i}.pdf", sha256=str(i).ljust(64, "0"), pages=1, title=f"T{i}",
                       language="en", passages=[Passage(text, 1, 1, "en", [], topics)])
        vector = rng.normal(size=DIMENSION).astype(np.float32)
        store.write_document(doc, [text_hash(text)], {text_hash(text): vector / np.linalg.norm(vector)})
    return store


def test_topic_idf_is_lower_for_the_common_topic(tmp_path: Path) -> None:
    weights = topic_idf(_store(tmp_path))
    assert weights["reception"] == pytest.approx(np.log(5 / 5))
    assert weights["health"] == pytest.approx(np.log(5 / 2))


def test_the_rare_shared_topic_wins_a_tie(tmp_path: Path) -> None:
    store = _store(tmp_path)
    ids = [int(r[0]) for r in store.conn.execute("SELECT id FROM passages ORDER BY id")]
    centroids = LanguageCentroids.from_store(store)
    query = np.zeros(DIMENSION, dtype=np.float32)  # no language offset: only the topics decide
    hits = [(pid, 0.5) for pid in ids]
    ranked = rescore(store, centroids, ["reception", "health"], query, hits, by_rarity=True)
    assert ranked[0][0] == ids[3]  # the only passage sharing "health"
    # Without the statistics every topic weighs 1, as before issue 11: still first, by a smaller margin.
    plain = rescore(store, LanguageCentroids(centroids.generation, centroids.centroids), ["reception", "health"], query, hits)
    assert plain[0][0] == ids[3]
    assert ranked[0][1] - ranked[1][1] > plain[0][1] - plain[1][1]
