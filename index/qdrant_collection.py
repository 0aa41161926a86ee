"""One Qdrant collection per library: dense vectors (int8-quantised) and sparse BM25 vectors
(Qdrant's IDF modifier) per passage, with the payload `Filters` are applied to.

SQLite stays the record of what was ingested. The collection follows each committed write
(delete the document's old points, upsert the new ones), and a small state file in the data
directory records the store generation it reflects and the token totals BM25's avgdl comes
from. On open, a state that disagrees with SQLite (a crash between the SQLite commit and the
Qdrant write, another process's write, a new collection) means a rebuild from SQLite.

Without a URL the client runs Qdrant's local mode in `<data>/qdrant` (in-process, exact
search, one process at a time: the directory is locked), so the backend can be tried and
tested without a server.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from praxis.index.filters import Condition, Filters, passage_payloads
from praxis.index.keywords.sparse import Lengths, bm25_vector, passage_terms
from praxis.index.store import Store

log = logging.getLogger(__name__)
DENSE, SPARSE = "dense", "keywords"
# Points per upsert when rebuilding: bounds the request size (384 floats + ~150 sparse terms a point).
BATCH = 256
# Payload fields and their index types (tenants filter on these; see Filters.conditions).
PAYLOAD_INDEXES = {
    "document_id": "integer", "language": "keyword", "city_ids": "integer", "countries": "keyword",
    "topics": "keyword", "networks": "keyword", "year": "integer",
}
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


@atexit.register
def _close_clients() -> None:
    """Close while Python can still import: local mode flushes and unlocks its directory."""
    with _clients_lock:
        for client in _clients.values():
            client.close()  # type: ignore[attr-defined]
        _clients.clear()


def _client(url: str | None, local_path: Path, api_key: str | None = None):
    """One client per server or local directory per process (local mode locks its directory)."""
    from qdrant_client import QdrantClient

    key = url or f"path:{local_path.resolve()}"
    with _clients_lock:
        if key not in _clients:
            if url == ":memory:":
                _clients[key] = QdrantClient(":memory:")
            elif url:
                _clients[key] = QdrantClient(url=url, api_key=api_key, timeout=60)
            else:
                local_path.mkdir(parents=True, exist_ok=True)
                _clients[key] = QdrantClient(path=str(local_path))
        return _clients[key]


def collection_name(store: Store) -> str:
    """A collection per library: named after the data directory's absolute path, so several
    libraries can share one cluster (moving a directory means a rebuild from SQLite)."""
    digest = hashlib.sha1(str(store.data_dir.resolve()).encode("utf-8")).hexdigest()[:12]
    return f"praxis-{digest}"


@dataclass
class CollectionState:
    generation: int = -1
    points: int = 0
    tokens: int = 0  # text + title tokens of every point: avgdl = tokens / points

    @property
    def avgdl(self) -> float:
        return self.tokens / self.points if self.points else 0.0


class QdrantCollection:
    """The library's collection; QdrantVectors and QdrantKeywords both read it."""

    def __init__(self, store: Store, url: str | None = None, api_key: str | None = None, exact: bool | None = None) -> None:
        from qdrant_client import models

        self.models = models
        self.store = store
        self.url = url
        self.client = _client(url, store.data_dir / "qdrant", api_key)
        self.name = collection_name(store)
        self.local = not url or url == ":memory:"
        # Local mode is always exact; on a server, HNSW unless exact search is asked for (tests).
        self.exact = bool(exact) if exact is not None else False
        self._state_path = store.data_dir / "qdrant" / f"{self.name}.json"
        self.state = self._read_state()
        self.lock = threading.Lock()

    # -- state ---------------------------------------------------------------

    def _read_state(self) -> CollectionState:
        try:
            return CollectionState(**json.loads(self._state_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return CollectionState()

    def _write_state(self) -> None:
        """Atomically (temp file + rename): a torn state file would claim a generation it lacks."""
        self._state_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self._state_path.parent, prefix=".writing-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as f:
                json.dump(asdict(self.state), f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, self._state_path)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    def is_current(self) -> bool:
        """Does the collection hold exactly what SQLite holds?"""
        if self.state.generation != self.store.generation or not self.client.collection_exists(self.name):
            return False
        return self.count() == self.store.passage_count() == self.state.points

    def count(self) -> int:
        return int(self.client.count(self.name, exact=True).count)

    # -- building --------------------------------------------------------------

    def _create(self, dimension: int) -> None:
        m = self.models
        if self.client.collection_exists(self.name):
            self.client.delete_collection(self.name)
        self.client.create_collection(
            self.name,
            vectors_config={DENSE: m.VectorParams(size=dimension, distance=m.Distance.DOT, on_disk=True)},
            sparse_vectors_config={SPARSE: m.SparseVectorParams(modifier=m.Modifier.IDF)},
            # int8 copies in RAM, originals on disk for rescoring: 4x less memory (Qdrant's sizing guide).
            quantization_config=m.ScalarQuantization(
                scalar=m.ScalarQuantizationConfig(type=m.ScalarType.INT8, quantile=0.99, always_ram=True)
            ),
            replication_factor=None if self.local else 2,
        )
        if not self.local:  # local mode has no payload indexes (it warns)
            for field, kind in PAYLOAD_INDEXES.items():
                self.client.create_payload_index(self.name, field, field_schema=kind)

    def rebuild(self) -> None:
        """The whole collection again from SQLite, in batches."""
        with self.lock:
            generation = self.store.generation
            ids, vectors = self.store.passage_vectors()
            dimension = int(self.store.meta("dimension") or (vectors.shape[1] if vectors.size else 384))
            self._create(dimension)
            rows = self._texts([int(i) for i in ids])
            terms = {pid: passage_terms(text, title) for pid, (text, title) in rows.items()}
            self.state = CollectionState(
                generation=-1, points=len(terms), tokens=sum(length.total for _w, length in terms.values())
            )
            for start in range(0, len(ids), BATCH):
                chunk = [int(i) for i in ids[start : start + BATCH]]
                self._upsert(chunk, vectors[start : start + BATCH], terms)
            self.state.generation = generation
            self._write_state()

    def _texts(self, passage_ids: list[int]) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(passage_ids), 5000):
            chunk = passage_ids[start : start + 5000]
            for r in self.store.select_in(
                "SELECT p.id, p.text, d.title FROM passages p JOIN documents d ON d.id = p.document_id "
                "WHERE p.id IN ({ids})", chunk,
            ):
                found[r[0]] = (r[1], r[2])
        return found

    def _upsert(self, passage_ids: list[int], vectors: np.ndarray, terms: dict[int, tuple[dict[str, float], Lengths]]) -> None:
        m = self.models
        payloads = passage_payloads(self.store, passage_ids)
        points = []
        for pid, vector in zip(passage_ids, vectors):
            weighted, length = terms[pid]
            indices, values = bm25_vector(weighted, length.total, self.state.avgdl)
            point_vectors: dict[str, object] = {DENSE: np.asarray(vector, dtype=np.float32).tolist()}
            if indices:
                point_vectors[SPARSE] = m.SparseVector(indices=indices, values=values)
            points.append(m.PointStruct(id=pid, vector=point_vectors, payload={**payloads[pid], "tokens": length.total}))
        if points:
            self.client.upsert(self.name, points=points, wait=True)

    # -- following writes -----------------------------------------------------------

    def follow(self, removed: list[int], added: list[int], vectors: np.ndarray, generation: int) -> None:
        """One committed document write: its old points out, its new points in, then the state.

        avgdl moves with the library; points written earlier keep the avgdl of their time
        until a rebuild (`praxis reindex --backend qdrant`), as FTS5's would not. The
        measured effect on rankings is nil while the library grows by less than ~20%.
        """
        with self.lock:
            if removed:
                gone = self.client.retrieve(self.name, removed, with_payload=["tokens"], with_vectors=False)
                self.state.points -= len(gone)
                self.state.tokens -= sum(int((p.payload or {}).get("tokens", 0)) for p in gone)
                self.client.delete(self.name, points_selector=self.models.PointIdsList(points=removed), wait=True)
            if added:
                rows = self._texts(added)
                terms = {pid: passage_terms(*rows[pid]) for pid in added}
                self.state.points += len(added)
                self.state.tokens += sum(length.total for _w, length in terms.values())
                for start in range(0, len(added), BATCH):
                    self._upsert(added[start : start + BATCH], vectors[start : start + BATCH], terms)
            self.state.generation = generation
            self._write_state()

    def set_generation(self, generation: int) -> None:
        with self.lock:
            self.state.generation = generation
            self._write_state()

    # -- reading -------------------------------------------------------------------

    def query_filter(self, filters: Filters | None):
        """`Filters.conditions()` as a Qdrant filter; None when a condition can match nothing."""
        m = self.models
        must = []
        for field, op, value in (filters.conditions() if filters else []):
            must.append(self._condition(m, field, op, value))
        if any(c is None for c in must):
            return None
        return m.Filter(must=must) if must else m.Filter()

    @staticmethod
    def _condition(m, field: str, op: str, value: object):
        if op == "eq":
            return m.FieldCondition(key=field, match=m.MatchValue(value=value))
        if op == "any":
            values = list(value)  # type: ignore[arg-type]
            return m.FieldCondition(key=field, match=m.MatchAny(any=values)) if values else None
        low, high = value  # type: ignore[misc]
        return m.FieldCondition(key=field, range=m.Range(gte=low, lte=high))

    def query(self, vector, using: str, k: int, filters: Filters | None) -> list[tuple[int, float]]:
        m = self.models
        if k <= 0:
            return []
        query_filter = self.query_filter(filters)
        if query_filter is None:
            return []
        # Local mode is always exact (brute force) and warns about search parameters.
        params = None if self.local else m.SearchParams(exact=self.exact, quantization=m.QuantizationSearchParams(rescore=True))
        found = self.client.query_points(
            self.name, query=vector, using=using, query_filter=query_filter if query_filter.must else None,
            limit=k, search_params=params, with_payload=False, with_vectors=False,
        ).points
        return sorted(((int(p.id), float(p.score)) for p in found), key=lambda hit: (-hit[1], hit[0]))

    def vectors(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, int(self.store.meta("dimension") or 384)), np.float32)
        points = {int(p.id): p for p in self.client.retrieve(self.name, ids, with_vectors=[DENSE], with_payload=False)}
        return np.vstack([np.asarray(points[i].vector[DENSE], dtype=np.float32) for i in ids])

