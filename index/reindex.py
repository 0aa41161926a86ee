"""Re-embed a whole library with another embedder (the text stays; only vectors change).

The switch is one transaction (a reader sees the old space or the new one, never a mix)
under the writer lock; then the library's derived steps (dense cache, term vectors,
translations) are refreshed as after any write. A server using the directory notices the
new embedder on its next search and switches to it (503 meanwhile).
"""
from __future__ import annotations

from pathlib import Path

from praxis.index.embedders import make_embedder
from praxis.index.library import Library, WriterLock, embedding_input
from praxis.index.store import Store, text_hash


def reembed(data_dir: str | Path, spec: str, batch: int = 64) -> int:
    store = Store(data_dir)
    embedder = make_embedder(spec)
    with WriterLock(store.data_dir).hold():  # no document may change while the space is swapped
        count = _reembed(store, embedder, spec, batch)
    store.close()
    Library(data_dir, spec).refresh()
    return count


def _reembed(store: Store, embedder, spec: str, batch: int) -> int:
    rows = store.conn.execute(
        "SELECT p.id, p.text, d.title FROM passages p JOIN documents d ON d.id = p.document_id ORDER BY p.id"
    ).fetchall()
    passage_hashes: dict[int, str] = {}
    inputs: dict[str, str] = {}
    for row in rows:
        text = embedding_input(row["title"], row["text"])
        passage_hashes[row["id"]] = text_hash(text)
        inputs[passage_hashes[row["id"]]] = text
    hashes = list(inputs)
    vectors = {}
    for start in range(0, len(hashes), batch):
        chunk = hashes[start : start + batch]
        vectors.update(zip(chunk, embedder.encode_passages([inputs[h] for h in chunk])))
    store.replace_all_vectors(embedder.identifier, embedder.dimension, passage_hashes, vectors, spec)
    return len(rows)


def rebuild_backend(data_dir: str | Path, backend: str, qdrant_url: str | None = None, api_key: str | None = None) -> int:
    """(Re)build a backend's index from SQLite, the record of what was ingested; no re-embedding."""
    from praxis.index.vectors.factory import check_backend

    store = Store(data_dir)
    if check_backend(backend) == "qdrant":
        from praxis.index.qdrant_collection import QdrantCollection

        QdrantCollection(store, qdrant_url, api_key).rebuild()
    else:
        DenseIndex.rebuild(store)
    return store.passage_count()
