"""SQLite storage: one writer, many readers, WAL mode.

Every document is written in one transaction, so a process killed at any moment leaves
the library exactly as it was after the last whole document. Each write bumps the
`generation` counter that tells derived caches (faiss file, term vectors, translations,
centroids) whether they are stale; each derived step records the generation it is current
for (`derived:<step>` in `meta`, see `index/library.py`), and the documents whose
translations are still to be computed are listed in `pending_translations`, written in the
document's own transaction. Which lock protects what is documented in `index/library.py`.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from praxis.index import practices as practice_table
from praxis.index.embedders.base import EmbedderMismatch
from praxis.ingest.models import City, Document

SCHEMA = (Path(__file__).parent / "schema.sql").read_text(encoding="utf-8")
DB_NAME = "praxis.sqlite3"
# Columns added after a library may have been created: (table, column, definition).
ADDED_COLUMNS = [
    ("cities", "aliases", "TEXT NOT NULL DEFAULT ''"),
    ("cities", "name_source", "TEXT NOT NULL DEFAULT 'gazetteer'"),
    ("term_vectors", "spelling", "TEXT"),
]


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def blob_to_vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


class Store:
    """The library's source of truth inside one data directory."""

    def __init__(self, data_dir: str | Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.files_dir = self.data_dir / "files"
        self.files_dir.mkdir(exist_ok=True)
        self.path = self.data_dir / DB_NAME
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._connect() as conn:
            conn.executescript(SCHEMA)
            self._add_missing_columns(conn)
        practice_table.migrate(self.conn)

    @staticmethod
    def _add_missing_columns(conn: sqlite3.Connection) -> None:
        """Older libraries get the new columns (SQLite has no ADD COLUMN IF NOT EXISTS)."""
        for table, column, definition in ADDED_COLUMNS:
            present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")

    # -- connections -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """A connection for this thread (readers never block each other in WAL mode)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    @contextmanager
    def transaction(self, counter: str | None = "generation") -> Iterator[sqlite3.Connection]:
        """One write: BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

        The commit bumps `counter`: "generation" for changes to documents or vectors, which
        every derived cache follows; other caches have their own counter; None bumps nothing
        (a derived step recording what it is current for).
        """
        with self._write_lock:
            conn = self.conn
            if conn.in_transaction:  # a reader's snapshot on this thread must not hide the write
                raise RuntimeError("a write inside a read snapshot")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if counter is not None:
                    self._bump(conn, counter)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every statement inside sees the same version of the library,
        whatever writers commit meanwhile (WAL). Re-entrant on a thread; the snapshot starts at
        the first read inside it."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    @staticmethod
    def _bump(conn: sqlite3.Connection, counter: str) -> None:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            (counter,),
        )

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- meta ----------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    @property
    def generation(self) -> int:
        return int(self.meta("generation") or 0)

    def counters(self) -> dict[str, str]:
        """Every version counter and derived-state marker at once (one statement): what a reader
        compares its caches with (`meta` holds a few dozen short rows)."""
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def mark_derived(self, step: str, generation: int) -> None:
        """Record that derived step `step` is current for `generation` (bumps no counter)."""
        with self.transaction(counter=None) as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (f"derived:{step}", str(generation)))

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction(counter=None) as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES(?, ?)", (key, value))

    def check_embedder(self, identifier: str, dimension: int, spec: str | None = None) -> None:
        """Refuse to mix vector spaces: an index answers only to the embedder that built it."""
        built_with = self.meta("embedder")
        if built_with is not None and built_with != identifier:
            raise EmbedderMismatch(
                f"the library in {self.data_dir} was built with embedder '{built_with}', "
                f"not '{identifier}'. Use the same embedder (PRAXIS_EMBEDDER), or re-embed it with "
                f"`praxis reindex --data {self.data_dir} --embedder <spec>`."
            )
        if built_with is None:
            with self.transaction() as conn:
                conn.execute("INSERT OR REPLACE INTO meta VALUES('embedder', ?)", (identifier,))
                conn.execute("INSERT OR REPLACE INTO meta VALUES('dimension', ?)", (str(dimension),))
                if spec:
                    conn.execute("INSERT OR REPLACE INTO meta VALUES('embedder_spec', ?)", (spec,))

    # -- documents: reads ------------------------------------------------------

    def document_by_source(self, source: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE source = ?", (source,)).fetchone()

    def document(self, document_id: int) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.conn.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "passages": one("SELECT count(*) FROM passages"),
            "practices": one("SELECT count(*) FROM practices"),
            "cities": one("SELECT count(DISTINCT geonameid) FROM document_cities"),
        }

    def select_in(self, sql: str, ids: Sequence[int], params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Run `sql` with every `{ids}` replaced by placeholders for `ids`, bound before `params`."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.conn.execute(sql.replace("{ids}", marks), [*ids] * sql.count("{ids}") + list(params)).fetchall()

    def known_vectors(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Vectors already computed for these texts (by content hash)."""
        found: dict[str, np.ndarray] = {}
        unique = sorted(set(hashes))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE text_hash IN ({marks})", chunk
            ):
                found[row["text_hash"]] = blob_to_vector(row["vector"])
        return found

    def passage_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All (passage ids, vectors) in id order: what the dense index is built from."""
        rows = self.conn.execute(
            "SELECT p.id, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash ORDER BY p.id"
        ).fetchall()
        dimension = int(self.meta("dimension") or 0)
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, dimension), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        return ids, vectors

    def vectors_of_documents(self, document_ids: Sequence[int]) -> dict[int, np.ndarray]:
        """Each document's passage vectors (in passage order), for the given documents only."""
        grouped: dict[int, list[bytes]] = {}
        for start in range(0, len(document_ids), 500):
            for doc, blob in self.select_in(
                "SELECT p.document_id, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash "
                "WHERE p.document_id IN ({ids}) ORDER BY p.document_id, p.id", list(document_ids[start : start + 500]),
            ):
                grouped.setdefault(doc, []).append(blob)
        return {doc: np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1) for doc, blobs in grouped.items()}

    def pending_translations(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT document_id FROM pending_translations ORDER BY 1")]

    def passage_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM passages").fetchone()[0])

    def passage_ids(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT id FROM passages ORDER BY id")]

    def passage_id_range(self) -> tuple[int, int]:
        """(lowest, highest) passage id; (0, -1) for an empty library."""
        low, high = self.conn.execute("SELECT min(id), max(id) FROM passages").fetchone()
        return (0, -1) if low is None else (int(low), int(high))

    def existing_passage_ids(self, ids: Sequence[int]) -> list[int]:
        found: list[int] = []
        for start in range(0, len(ids), 500):
            found += [r[0] for r in self.select_in("SELECT id FROM passages WHERE id IN ({ids})", ids[start : start + 500])]
        return sorted(found)

    # -- documents: writes -----------------------------------------------------

    def write_document(
        self, doc: Document, passage_hashes: list[str], new_vectors: dict[str, np.ndarray]
    ) -> tuple[int, list[int], list[int]]:
        """Insert or replace one document and everything derived from it, atomically.

        Returns (document id, passage ids removed, passage ids added) for the dense cache.
        """
        removed: list[int] = []
        with self.transaction() as conn:
            old = conn.execute("SELECT id FROM documents WHERE source = ?", (doc.source,)).fetchone()
            released: set[str] = set()
            if old is not None:
                released = self._hashes_of(conn, old["id"])
                removed = self._delete_rows(conn, old["id"])
            document_id = self._insert_document(conn, doc, old["id"] if old else None)
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings(text_hash, vector) VALUES (?, ?)",
                [(h, vector_to_blob(v)) for h, v in new_vectors.items()],
            )
            passage_ids = self._insert_passages(conn, document_id, doc, passage_hashes)
            self._insert_cities(conn, document_id, doc, passage_ids)
            self._insert_topics(conn, document_id, doc, passage_ids)
            self._insert_practices(conn, document_id, doc, passage_ids)
            self._drop_orphan_embeddings(conn, released - set(passage_hashes))
            conn.execute("INSERT OR IGNORE INTO pending_translations VALUES (?)", (document_id,))
        return document_id, removed, passage_ids

    def delete_document(self, document_id: int) -> list[int] | None:
        """Remove a document; returns its passage ids, or None when there was no such document."""
        with self.transaction() as conn:
            row = conn.execute("SELECT stored_path FROM documents WHERE id = ?", (document_id,)).fetchone()
            if row is None:
                return None
            released = self._hashes_of(conn, document_id)
            removed = self._delete_rows(conn, document_id)
            conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            self._drop_orphan_embeddings(conn, released)
        return removed

    def replace_translations(
        self, documents: Sequence[int] | None, pairs: list[tuple[int, int, float]], generation: int,
        before_commit: "Callable[[], None] | None" = None,
    ) -> None:
        """The translation pairs of `documents` (None: of every document), their pending marks
        cleared and the step marked current for `generation`, in one transaction."""
        with self.transaction(counter="translations_version") as conn:
            if documents is None:
                conn.execute("DELETE FROM translations")
                conn.execute("DELETE FROM pending_translations")
            else:
                marks = ",".join("?" * len(documents))
                conn.execute(f"DELETE FROM translations WHERE document_a IN ({marks}) OR document_b IN ({marks})",
                             [*documents, *documents])
                conn.execute(f"DELETE FROM pending_translations WHERE document_id IN ({marks})", list(documents))
            conn.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?)",
                [(min(a, b), max(a, b), s) for a, b, s in pairs],
            )
            conn.execute("INSERT OR REPLACE INTO meta VALUES('derived:translations', ?)", (str(generation),))
            if before_commit is not None:
                before_commit()

    def add_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        """Vectors of texts no passage holds (by content hash; a passage's text may later share
        one). Bumps no counter: nothing a search caches changes until a reader asks for them."""
        with self.transaction(counter=None) as conn:
            conn.executemany("INSERT OR IGNORE INTO embeddings(text_hash, vector) VALUES (?, ?)",
                             [(h, vector_to_blob(v)) for h, v in vectors.items()])

    def add_term_vectors(self, rows: Iterable[tuple[str, bytes, str | None]]) -> None:
        """(term, vector, spelling or None) rows."""
        with self.transaction(counter="terms_version") as conn:
            conn.executemany("INSERT OR REPLACE INTO term_vectors(term, vector, spelling) VALUES (?, ?, ?)", rows)

    def remove_term_vectors(self, terms: list[str]) -> None:
        with self.transaction(counter="terms_version") as conn:
            conn.executemany("DELETE FROM term_vectors WHERE term = ?", [(t,) for t in terms])

    def replace_all_vectors(
        self, identifier: str, dimension: int, passage_hashes: dict[int, str], vectors: dict[str, np.ndarray],
        spec: str = "",
    ) -> None:
        """Swap the whole vector space at once (re-embedding with another model or input)."""
        with self.transaction() as conn:
            conn.executemany("UPDATE passages SET text_hash = ? WHERE id = ?", [(h, pid) for pid, h in passage_hashes.items()])
            conn.execute("DELETE FROM embeddings")
            conn.execute("DELETE FROM term_vectors")  # another model's space: refilled by the caller
            self._bump(conn, "terms_version")
            conn.executemany("INSERT INTO embeddings VALUES (?, ?)", [(h, vector_to_blob(v)) for h, v in vectors.items()])
            conn.execute("INSERT OR REPLACE INTO meta VALUES('embedder', ?)", (identifier,))
            conn.execute("INSERT OR REPLACE INTO meta VALUES('dimension', ?)", (str(dimension),))
            conn.execute("INSERT OR REPLACE INTO meta VALUES('embedder_spec', ?)", (spec,))
            conn.execute("INSERT OR IGNORE INTO pending_translations SELECT id FROM documents")

    def _delete_rows(self, conn: sqlite3.Connection, document_id: int) -> list[int]:
        ids = [r[0] for r in conn.execute("SELECT id FROM passages WHERE document_id = ?", (document_id,))]
        conn.executemany("DELETE FROM passages_fts WHERE rowid = ?", [(i,) for i in ids])
        practice_table.detach_document(conn, document_id)  # a practice other documents describe stays
        for table in ("passages", "document_cities", "document_topics"):
            conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
        conn.execute("DELETE FROM translations WHERE document_a = ? OR document_b = ?", (document_id, document_id))
        return ids

    @staticmethod
    def _hashes_of(conn: sqlite3.Connection, document_id: int) -> set[str]:
        return {r[0] for r in conn.execute("SELECT text_hash FROM passages WHERE document_id = ?", (document_id,))}

    @staticmethod
    def _drop_orphan_embeddings(conn: sqlite3.Connection, released: set[str]) -> None:
        """Vectors no passage uses any more: only hashes a deletion released can be (no full scan)."""
        conn.executemany(
            "DELETE FROM embeddings WHERE text_hash = ? AND NOT EXISTS (SELECT 1 FROM passages WHERE text_hash = ?)",
            [(h, h) for h in sorted(released)],
        )

    def _insert_document(self, conn: sqlite3.Connection, doc: Document, keep_id: int | None) -> int:
        stored = self.files_dir / f"{doc.sha256}.pdf"
        values = {
            "source": doc.source, "sha256": doc.sha256, "stored_path": str(stored.relative_to(self.data_dir)),
            "title": doc.title, "language": doc.language, "pages": doc.pages, "status": doc.status,
            "publisher": doc.publisher, "network": doc.network, "year": doc.year, "country": doc.country,
            "kind": doc.kind, "source_url": doc.source_url,
            "added_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        if keep_id is not None:
            conn.execute("DELETE FROM documents WHERE id = ?", (keep_id,))
            values["id"] = keep_id
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        cursor = conn.execute(f"INSERT INTO documents({columns}) VALUES ({marks})", list(values.values()))
        return int(cursor.lastrowid)

    def _insert_passages(self, conn: sqlite3.Connection, document_id: int, doc: Document, hashes: list[str]) -> list[int]:
        ids = []
        for ordinal, (passage, digest) in enumerate(zip(doc.passages, hashes, strict=True)):
            cursor = conn.execute(
                "INSERT INTO passages(document_id, ordinal, text, page_start, page_end, language, text_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (document_id, ordinal, passage.text, passage.page_start, passage.page_end, passage.language, digest),
            )
            passage_id = int(cursor.lastrowid)
            conn.execute("INSERT INTO passages_fts(rowid, text, title) VALUES (?, ?, ?)", (passage_id, passage.text, doc.title))
            ids.append(passage_id)
        return ids

    @staticmethod
    def _upsert_city(conn: sqlite3.Connection, city: City) -> None:
        """The catalogue's spelling of a name, once stored, is kept over the gazetteer's."""
        aliases = "|" + "|".join(city.aliases) + "|" if city.aliases else ""
        conn.execute(
            "INSERT INTO cities (geonameid, name, country, population, latitude, longitude, aliases, name_source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(geonameid) DO UPDATE SET "
            "name = CASE WHEN excluded.name_source = 'catalogue' OR cities.name_source != 'catalogue' "
            "            THEN excluded.name ELSE cities.name END, "
            "name_source = CASE WHEN excluded.name_source = 'catalogue' THEN 'catalogue' ELSE cities.name_source END, "
            "aliases = CASE WHEN excluded.aliases != '' THEN excluded.aliases ELSE cities.aliases END, "
            "country = excluded.country, population = excluded.population, "
            "latitude = excluded.latitude, longitude = excluded.longitude",
            (city.geonameid, city.name, city.country, city.population, city.latitude, city.longitude,
             aliases, city.name_source),
        )

    def _insert_cities(self, conn: sqlite3.Connection, document_id: int, doc: Document, passage_ids: list[int]) -> None:
        for mention in doc.cities:
            self._upsert_city(conn, mention.city)
            conn.execute(
                "INSERT OR REPLACE INTO document_cities VALUES (?, ?, ?, ?, ?)",
                (document_id, mention.city.geonameid, mention.role, mention.origin, mention.mentions),
            )
        for passage_id, passage in zip(passage_ids, doc.passages):
            for city in passage.cities:
                self._upsert_city(conn, city)
                conn.execute("INSERT OR IGNORE INTO passage_cities VALUES (?, ?)", (passage_id, city.geonameid))

    def _insert_topics(self, conn: sqlite3.Connection, document_id: int, doc: Document, passage_ids: list[int]) -> None:
        conn.executemany("INSERT OR IGNORE INTO document_topics VALUES (?, ?)", [(document_id, t) for t in doc.topics])
        conn.executemany(
            "INSERT OR IGNORE INTO passage_topics VALUES (?, ?)",
            [(pid, t) for pid, p in zip(passage_ids, doc.passages) for t in p.topics],
        )

    def _insert_practices(self, conn: sqlite3.Connection, document_id: int, doc: Document, passage_ids: list[int]) -> None:
        practice_table.insert_document_practices(conn, document_id, doc, passage_ids)
