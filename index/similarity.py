"""Document-level similarity: translations of one publication, and similar documents.

Both work on passage embeddings, so they cross languages: a Swedish info sheet and its
English original align passage by passage, while two documents that merely share a
topic have a similar centroid but no passage-to-passage alignment.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from praxis.index.store import Store

# Measured on the sample library with multilingual-e5-small: translated passages align at
# ~0.9 cosine, same-topic documents by the same city stay around 0.8-0.85.
TRANSLATION_CENTROID_MIN = 0.88
TRANSLATION_ALIGNMENT_MIN = 0.88
TRANSLATION_LENGTH_RATIO_MIN = 0.6


def passage_vectors_by_document(store: Store) -> dict[int, np.ndarray]:
    ids, vectors = store.passage_vectors()
    owners = dict(store.conn.execute("SELECT id, document_id FROM passages").fetchall())
    grouped: dict[int, list[int]] = defaultdict(list)
    for row, passage_id in enumerate(ids):
        grouped[owners[int(passage_id)]].append(row)
    return {doc: vectors[rows] for doc, rows in grouped.items()}


def document_centroids(store: Store, by_document: dict[int, np.ndarray] | None = None) -> dict[int, np.ndarray]:
    centroids = {}
    for doc, vectors in (by_document if by_document is not None else passage_vectors_by_document(store)).items():
        centroid = vectors.mean(axis=0)
        centroids[doc] = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
    return centroids


def alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Mean best-match cosine of each passage of the shorter document in the longer one."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return float((short @ long.T).max(axis=1).mean())


def find_translations(store: Store) -> list[tuple[int, int, float]]:
    """Pairs of documents in different languages that say the same thing passage by passage."""
    centroids = document_centroids(store)
    return find_translations_of(store, sorted(centroids), centroids)


def find_translations_of(
    store: Store, changed: list[int], centroids: dict[int, np.ndarray]
) -> list[tuple[int, int, float]]:
    """The translation pairs that involve a document of `changed` (each pair once, a < b).

    Only changed x all centroids are compared, and passage vectors are read only for the
    candidate pairs, so one upload costs O(documents), not a documents x documents pass.
    """
    changed = [d for d in changed if d in centroids]
    docs = sorted(centroids)
    if not changed or len(docs) < 2:
        return []
    languages = dict(store.conn.execute("SELECT id, language FROM documents").fetchall())
    sizes = dict(store.conn.execute("SELECT document_id, count(*) FROM passages GROUP BY document_id").fetchall())
    similarity = np.vstack([centroids[d] for d in changed]) @ np.vstack([centroids[d] for d in docs]).T
    candidates: set[tuple[int, int]] = set()
    for i, j in zip(*np.nonzero(similarity >= TRANSLATION_CENTROID_MIN)):
        a, b = sorted((changed[i], docs[j]))
        if a == b or languages.get(a) == languages.get(b):
            continue
        small, large = sorted((sizes.get(a, 0), sizes.get(b, 0)))
        if large and small / large >= TRANSLATION_LENGTH_RATIO_MIN:
            candidates.add((a, b))
    vectors = store.vectors_of_documents(sorted({d for pair in candidates for d in pair}))
    pairs = []
    for a, b in sorted(candidates):
        score = alignment(vectors[a], vectors[b])
        if score >= TRANSLATION_ALIGNMENT_MIN:
            pairs.append((a, b, round(score, 4)))
    return pairs


def translation_ids(store: Store, document_id: int) -> list[int]:
    """The other language versions of a document."""
    rows = store.conn.execute(
        "SELECT CASE WHEN document_a = ? THEN document_b ELSE document_a END FROM translations "
        "WHERE document_a = ? OR document_b = ? ORDER BY 1",
        (document_id,) * 3,
    )
    return [r[0] for r in rows]


def similar_documents(
    store: Store, document_id: int, centroids: dict[int, np.ndarray], k: int = 10
) -> list[tuple[int, float]]:
    """Documents nearest by centroid (see `Library.document_centroids`), excluding its translations."""
    if document_id not in centroids:
        return []
    excluded = {document_id, *translation_ids(store, document_id)}
    target = centroids[document_id]
    scored = [(doc, float(vec @ target)) for doc, vec in centroids.items() if doc not in excluded]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return [(doc, round(score, 4)) for doc, score in scored[:k]]
