"""Practices in the library: every SQL statement about practices, and the merging of one
initiative described by several documents or languages into one practice.

Writes (inside the store's transaction for one document):
    insert_document_practices(conn, document_id, doc, passage_ids) -> list[int]
    detach_document(conn, document_id)                 before a document's rows go
Derived state, after a write (incremental: only the practices of the changed documents):
    merge_practices(store, changed_document_ids) -> list[tuple[int, int]]
Reads:
    get_practice(store, id) -> PracticeRecord | None
    practices_by_ids(store, ids) -> dict[int, PracticeRecord]
    practices_of_city(store, geonameid), practices_of_document(store, document_id) -> list[PracticeRecord]
    practice_sources(store, id) -> list[PracticeSource]
    practice_passages(store, id) -> list[PracticePassage]
    practices_of_passages(store, passage_ids) -> dict[int, list[int]]
    similar_practices(store, id, k=5) -> list[SimilarPractice]
    practice_vectors(store, ids=None) -> dict[int, np.ndarray]
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from praxis.ingest.models import City, Document

if TYPE_CHECKING:
    from praxis.index.store import Store

# Two records of one city's practices are one initiative when their passages are this close
# (mean passage embedding, cosine) *and* one's name is in the other's title. Measured on the
# sample library with multilingual-e5-small: the Start Wien sheets pair at 0.917-0.948, while
# different practices of one city reach 0.95 too (so similarity alone cannot decide).
NAMED_MERGE_MIN = 0.88
# ...or when they say the same thing in two languages: every passage of the shorter has a
# counterpart at this cosine in the longer (translations align at ~0.9, index/similarity.py).
TRANSLATION_ALIGNMENT_MIN = 0.88
NAME_KEY_MIN_CHARS = 5
SIMILAR_K = 5


@dataclass(frozen=True)
class CityRef:
    geonameid: int
    name: str
    country: str
    population: int | None = None


@dataclass
class PracticeRecord:
    id: int
    name: str
    document_id: int  # the first source
    cities: list[CityRef]
    country: str | None
    language: str | None  # of the first source
    languages: list[str]  # of all sources
    topics: list[str]
    target_groups: list[str]
    organisation: str | None
    description: str | None
    period: str | None
    kind: str | None  # the first source's document kind
    page_start: int
    page_end: int
    origin: str
    source_count: int = 1

    @property
    def city(self) -> CityRef | None:
        return self.cities[0] if self.cities else None


@dataclass(frozen=True)
class PracticeSource:
    document_id: int
    source: str  # file name
    title: str  # the document's title
    name: str  # the practice's name in this source
    language: str | None
    page_start: int
    page_end: int
    kind: str | None


@dataclass(frozen=True)
class PracticePassage:
    id: int
    document_id: int
    ordinal: int
    page_start: int
    page_end: int
    language: str | None
    text: str


@dataclass(frozen=True)
class SimilarPractice:
    id: int
    name: str
    cities: list[CityRef]
    languages: list[str]
    score: float
    country: str | None = None  # a national practice has a country and no city


# -- schema upgrades ----------------------------------------------------------------------


_NEW_COLUMNS = {"organisation": "TEXT", "description": "TEXT", "target_groups": "TEXT NOT NULL DEFAULT '[]'",
                "period": "TEXT", "aliases": "TEXT NOT NULL DEFAULT '[]'"}


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a library written before practices had sources up to date (idempotent)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(practices)")}
    missing = [(name, kind) for name, kind in _NEW_COLUMNS.items() if name not in columns]
    has_sources = conn.execute("SELECT 1 FROM practice_sources LIMIT 1").fetchone() is not None
    has_practices = conn.execute("SELECT 1 FROM practices LIMIT 1").fetchone() is not None
    if not missing and (has_sources or not has_practices):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name, kind in missing:
            conn.execute(f"ALTER TABLE practices ADD COLUMN {name} {kind}")
        if not has_sources:
            conn.execute(
                "INSERT OR IGNORE INTO practice_sources SELECT id, document_id, title, language, page_start, page_end FROM practices"
            )
            conn.execute(
                "INSERT OR IGNORE INTO practice_cities SELECT id, geonameid, 0 FROM practices WHERE geonameid IS NOT NULL"
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


# -- writes (inside the store's transaction) ------------------------------------------------


def _upsert_city(conn: sqlite3.Connection, city: City) -> None:
    """One way to store a city (the catalogue's spelling kept): the store's."""
    from praxis.index.store import Store  # the store imports this module for its write path

    Store._upsert_city(conn, city)


def insert_document_practices(
    conn: sqlite3.Connection, document_id: int, doc: Document, passage_ids: Sequence[int]
) -> list[int]:
    """Store the document's practices, each with this document as its one source (merging comes after)."""
    ids = []
    for practice in doc.practices:
        cities = practice.cities or ([practice.city] if practice.city else [])
        for city in cities:
            _upsert_city(conn, city)
        cursor = conn.execute(
            "INSERT INTO practices(document_id, title, geonameid, country, language, topics, page_start, page_end, "
            "origin, organisation, description, target_groups, period, aliases) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document_id, practice.title, cities[0].geonameid if cities else None,
                cities[0].country if cities else practice.country, practice.language, json.dumps(practice.topics),
                practice.page_start, practice.page_end, practice.origin, practice.organisation,
                practice.description, json.dumps(practice.target_groups), practice.period, json.dumps(practice.names),
            ),
        )
        practice_id = int(cursor.lastrowid)
        conn.execute(
            "INSERT INTO practice_sources VALUES (?, ?, ?, ?, ?, ?)",
            (practice_id, document_id, practice.title, practice.language, practice.page_start, practice.page_end),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO practice_cities VALUES (?, ?, ?)",
            [(practice_id, city.geonameid, i) for i, city in enumerate(cities)],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO practice_passages VALUES (?, ?)",
            [(practice_id, passage_ids[i]) for i in practice.passage_indexes if i < len(passage_ids)],
        )
        ids.append(practice_id)
    return ids


def detach_document(conn: sqlite3.Connection, document_id: int) -> None:
    """Before a document's rows are removed: its sources go; a practice left without sources
    goes too; one that other documents still describe moves to its next source."""
    affected = [r[0] for r in conn.execute("SELECT DISTINCT practice_id FROM practice_sources WHERE document_id = ?", (document_id,))]
    affected += [r[0] for r in conn.execute("SELECT id FROM practices WHERE document_id = ?", (document_id,))]
    conn.execute("DELETE FROM practice_sources WHERE document_id = ?", (document_id,))
    conn.execute(
        "DELETE FROM practice_passages WHERE passage_id IN (SELECT id FROM passages WHERE document_id = ?)", (document_id,)
    )
    for practice_id in sorted(set(affected)):
        first = conn.execute(
            "SELECT document_id, language, page_start, page_end FROM practice_sources WHERE practice_id = ? "
            "ORDER BY document_id, page_start LIMIT 1", (practice_id,),
        ).fetchone()
        if first is None:
            conn.execute("DELETE FROM practices WHERE id = ?", (practice_id,))
        else:
            conn.execute(
                "UPDATE practices SET document_id = ?, language = ?, page_start = ?, page_end = ? WHERE id = ?",
                (first[0], first[1], first[2], first[3], practice_id),
            )


# -- merging: one initiative, many sources ---------------------------------------------------


@dataclass
class _Candidate:
    id: int
    title: str
    cities: set[int]
    documents: set[int]
    languages: set[str]
    names: list[str] = field(default_factory=list)  # its name in every source
    aliases: list[str] = field(default_factory=list)  # short names found at ingest ("Start Wien")
    main_city: int | None = None


def merge_practices(store: Store, changed_document_ids: Iterable[int]) -> list[tuple[int, int]]:
    """Merge the practices of the changed documents with records of the same initiative.

    Incremental: only practices with a source in `changed_document_ids` are compared, and only
    with practices of the same (first) city (not every pair of the library). Two records are one
    initiative when (a) one's short name begins the other's and their passages are close, or
    (b) they are the same text in two languages (passage-by-passage alignment). The older
    practice (lower id) absorbs the other. Returns the (kept, merged) pairs.
    """
    changed = sorted(set(changed_document_ids))
    if not changed:
        return []
    start = [r[0] for r in store.select_in(
        "SELECT DISTINCT practice_id FROM practice_sources WHERE document_id IN ({ids}) ORDER BY practice_id", changed)]
    merges: list[tuple[int, int]] = []
    with store.transaction(counter="practices_version") as conn:
        merged_into: dict[int, int] = {}
        for practice_id in start:
            practice_id = merged_into.get(practice_id, practice_id)
            for other in _neighbours(conn, practice_id):
                me = _candidate(conn, practice_id)
                them = _candidate(conn, other)
                if me is None or them is None or me.documents & them.documents or me.main_city != them.main_city:
                    continue  # two sections of one document, or another city's initiative
                name = _same_initiative(conn, me, them)
                if name is None:
                    continue
                keep, gone = sorted((practice_id, other))
                _absorb(conn, keep, gone, name or None)
                merged_into[gone] = keep
                merges.append((keep, gone))
                practice_id = keep
    return merges


def _neighbours(conn: sqlite3.Connection, practice_id: int) -> list[int]:
    """Practices that share a city with this one."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT o.practice_id FROM practice_cities m JOIN practice_cities o ON o.geonameid = m.geonameid "
        "WHERE m.practice_id = ? AND o.practice_id != ? ORDER BY o.practice_id", (practice_id, practice_id))]


def _candidate(conn: sqlite3.Connection, practice_id: int) -> _Candidate | None:
    row = conn.execute("SELECT id, title, aliases, geonameid FROM practices WHERE id = ?", (practice_id,)).fetchone()
    if row is None:
        return None
    sources = conn.execute("SELECT document_id, title, language FROM practice_sources WHERE practice_id = ?", (practice_id,)).fetchall()
    cities = {r[0] for r in conn.execute("SELECT geonameid FROM practice_cities WHERE practice_id = ?", (practice_id,))}
    names = list(dict.fromkeys([row[1], *(s[1] for s in sources)]))
    return _Candidate(row[0], row[1], cities, {s[0] for s in sources}, {s[2] for s in sources if s[2]}, names,
                      _json_list(row[2]), row[3])


def _same_initiative(conn: sqlite3.Connection, a: _Candidate, b: _Candidate) -> str | None:
    """The name the merged practice takes ("" to keep the older one's) when a and b are one initiative."""
    va, vb = _passage_matrix(conn, a.id), _passage_matrix(conn, b.id)
    if not len(va) or not len(vb):
        return None
    closeness = float(_unit(va.mean(axis=0)) @ _unit(vb.mean(axis=0)))
    shared = _shared_name(a, b)
    if shared is not None and closeness >= NAMED_MERGE_MIN:
        return shared
    if a.languages and b.languages and not (a.languages & b.languages):
        short, long = (va, vb) if len(va) <= len(vb) else (vb, va)
        if float((short @ long.T).max(axis=1).mean()) >= TRANSLATION_ALIGNMENT_MIN:
            return ""
    return None


def _key(text: str) -> str:
    """Lower case, no accents, letters and digits only: "Start Wien" and "StartWien" are one key."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[\W_]+", "", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _shared_name(a: _Candidate, b: _Candidate) -> str | None:
    """A short name of one (see ingest/practices.py: initiative_names) that begins a short name of
    the other, spaces and accents aside ("Start Wien" and "StartWien Hub after its pilot year").
    Beginning, not anywhere: "IncluCities" names a project, not each sheet that mentions it."""
    for x, y in ((a, b), (b, a)):
        others = [_key(t) for t in y.aliases]
        for alias in x.aliases:
            key = _key(alias)
            if len(key) >= NAME_KEY_MIN_CHARS and any(t.startswith(key) for t in others):
                return alias
    return None


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _passage_matrix(conn: sqlite3.Connection, practice_id: int) -> np.ndarray:
    blobs = [r[0] for r in conn.execute(
        "SELECT e.vector FROM practice_passages pp JOIN passages p ON p.id = pp.passage_id "
        "JOIN embeddings e ON e.text_hash = p.text_hash WHERE pp.practice_id = ? ORDER BY p.id", (practice_id,))]
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([np.frombuffer(b, dtype=np.float32) for b in blobs])


def _absorb(conn: sqlite3.Connection, keep: int, gone: int, name: str | None) -> None:
    """Move everything of practice `gone` to `keep`, then delete `gone`."""
    columns = "topics, target_groups, organisation, period, description, aliases"
    a = conn.execute(f"SELECT {columns} FROM practices WHERE id = ?", (keep,)).fetchone()
    b = conn.execute(f"SELECT {columns} FROM practices WHERE id = ?", (gone,)).fetchone()
    topics = sorted(set(_json_list(a[0])) | set(_json_list(b[0])))
    groups = sorted(set(_json_list(a[1])) | set(_json_list(b[1])))
    aliases = list(dict.fromkeys(_json_list(a[5]) + _json_list(b[5])))
    conn.execute(
        "UPDATE practices SET topics = ?, target_groups = ?, organisation = coalesce(organisation, ?), "
        "period = coalesce(period, ?), description = coalesce(description, ?), aliases = ? WHERE id = ?",
        (json.dumps(topics), json.dumps(groups), b[2], b[3], b[4], json.dumps(aliases), keep),
    )
    if name:
        conn.execute("UPDATE practices SET title = ? WHERE id = ?", (name, keep))
    conn.execute("UPDATE OR IGNORE practice_sources SET practice_id = ? WHERE practice_id = ?", (keep, gone))
    conn.execute("INSERT OR IGNORE INTO practice_passages SELECT ?, passage_id FROM practice_passages WHERE practice_id = ?", (keep, gone))
    top = conn.execute("SELECT coalesce(max(ordinal), -1) FROM practice_cities WHERE practice_id = ?", (keep,)).fetchone()[0]
    conn.execute(
        "INSERT OR IGNORE INTO practice_cities SELECT ?, geonameid, ordinal + ? + 1 FROM practice_cities WHERE practice_id = ?",
        (keep, top, gone),
    )
    conn.execute("DELETE FROM practices WHERE id = ?", (gone,))
    first = conn.execute(
        "SELECT document_id, language, page_start, page_end FROM practice_sources WHERE practice_id = ? "
        "ORDER BY document_id, page_start LIMIT 1", (keep,)).fetchone()
    conn.execute("UPDATE practices SET document_id = ?, language = ?, page_start = ?, page_end = ? WHERE id = ?",
                 (first[0], first[1], first[2], first[3], keep))


def _json_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


# -- reads ----------------------------------------------------------------------------------

_SELECT = (
    "SELECT pr.*, d.kind AS kind, "
    "(SELECT count(*) FROM practice_sources s WHERE s.practice_id = pr.id) AS source_count, "
    "(SELECT group_concat(DISTINCT s.language) FROM practice_sources s WHERE s.practice_id = pr.id) AS languages "
    "FROM practices pr JOIN documents d ON d.id = pr.document_id "
)


def _cities_of(store: Store, ids: Sequence[int]) -> dict[int, list[CityRef]]:
    found: dict[int, list[CityRef]] = {i: [] for i in ids}
    for row in store.select_in(
        "SELECT pc.practice_id, c.geonameid, c.name, c.country, c.population FROM practice_cities pc "
        "JOIN cities c ON c.geonameid = pc.geonameid WHERE pc.practice_id IN ({ids}) ORDER BY pc.practice_id, pc.ordinal",
        list(ids),
    ):
        found[row[0]].append(CityRef(row[1], row[2], row[3], row[4]))
    return found


def _records(store: Store, rows: list[sqlite3.Row]) -> list[PracticeRecord]:
    cities = _cities_of(store, [r["id"] for r in rows])
    return [
        PracticeRecord(
            id=r["id"], name=r["title"], document_id=r["document_id"], cities=cities.get(r["id"], []),
            country=r["country"], language=r["language"],
            languages=sorted(set((r["languages"] or "").split(",")) - {""}), topics=_json_list(r["topics"]),
            target_groups=_json_list(r["target_groups"]), organisation=r["organisation"], description=r["description"],
            period=r["period"], kind=r["kind"], page_start=r["page_start"], page_end=r["page_end"], origin=r["origin"],
            source_count=r["source_count"],
        )
        for r in rows
    ]


def get_practice(store: Store, practice_id: int) -> PracticeRecord | None:
    rows = store.conn.execute(_SELECT + "WHERE pr.id = ?", (practice_id,)).fetchall()
    return _records(store, rows)[0] if rows else None


def practices_by_ids(store: Store, ids: Iterable[int]) -> dict[int, PracticeRecord]:
    rows = store.select_in(_SELECT + "WHERE pr.id IN ({ids})", sorted(set(ids)))
    return {p.id: p for p in _records(store, rows)}


def practices_of_city(store: Store, geonameid: int) -> list[PracticeRecord]:
    """Practices the city runs (alone or with others), in library order."""
    rows = store.conn.execute(
        _SELECT + "WHERE pr.id IN (SELECT practice_id FROM practice_cities WHERE geonameid = ?) "
        "ORDER BY pr.document_id, pr.page_start, pr.id", (geonameid,)).fetchall()
    return _records(store, rows)


def practices_of_document(store: Store, document_id: int) -> list[PracticeRecord]:
    """Practices the document describes (as their first source or another one)."""
    rows = store.conn.execute(
        _SELECT + "WHERE pr.id IN (SELECT practice_id FROM practice_sources WHERE document_id = ?) "
        "ORDER BY pr.page_start, pr.id", (document_id,)).fetchall()
    return _records(store, rows)


def practice_sources(store: Store, practice_id: int) -> list[PracticeSource]:
    return sources_of_practices(store, [practice_id]).get(practice_id, [])


def sources_of_practices(store: Store, practice_ids: Iterable[int]) -> dict[int, list[PracticeSource]]:
    """Each practice's sources (documents and pages), in document order: one statement for all."""
    found: dict[int, list[PracticeSource]] = {}
    for r in store.select_in(
        "SELECT s.practice_id, s.document_id, d.source, d.title AS document_title, s.title, s.language, "
        "s.page_start, s.page_end, d.kind FROM practice_sources s JOIN documents d ON d.id = s.document_id "
        "WHERE s.practice_id IN ({ids}) ORDER BY s.practice_id, s.document_id, s.page_start", sorted(set(practice_ids)),
    ):
        found.setdefault(r["practice_id"], []).append(PracticeSource(
            r["document_id"], r["source"], r["document_title"], r["title"], r["language"], r["page_start"],
            r["page_end"], r["kind"]))
    return found


def single_practice_groups(store: Store) -> dict[str, str]:
    """File name -> "practice:<id>" for every document that describes one practice only, when
    that practice has several source documents (one initiative's sheets in several documents or
    languages). Evaluation folds such files into one result, as it folds a publication's
    language versions: the card shows them all."""
    rows = store.conn.execute(
        "SELECT d.source, min(s.practice_id) AS practice_id FROM practice_sources s "
        "JOIN documents d ON d.id = s.document_id GROUP BY s.document_id "
        "HAVING count(DISTINCT s.practice_id) = 1 AND (SELECT count(DISTINCT o.document_id) FROM practice_sources o "
        "WHERE o.practice_id = min(s.practice_id)) > 1 ORDER BY d.source").fetchall()
    return {r["source"]: f"practice:{r['practice_id']}" for r in rows}


def practice_passages(store: Store, practice_id: int) -> list[PracticePassage]:
    rows = store.conn.execute(
        "SELECT p.id, p.document_id, p.ordinal, p.page_start, p.page_end, p.language, p.text FROM practice_passages pp "
        "JOIN passages p ON p.id = pp.passage_id WHERE pp.practice_id = ? ORDER BY p.document_id, p.ordinal",
        (practice_id,)).fetchall()
    return [PracticePassage(*tuple(r)) for r in rows]


def practices_of_passages(store: Store, passage_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each passage, the practices it describes (in id order)."""
    found: dict[int, list[int]] = {}
    for passage_id, practice_id in store.select_in(
        "SELECT passage_id, practice_id FROM practice_passages WHERE passage_id IN ({ids}) ORDER BY practice_id",
        sorted(set(passage_ids)),
    ):
        found.setdefault(passage_id, []).append(practice_id)
    return found


# Practice vectors are derived from passage vectors: cached per (generation, practices_version).
_vector_cache: dict[str, tuple[tuple[str | None, str | None], dict[int, np.ndarray]]] = {}
_vector_lock = threading.Lock()


def practice_vectors(store: Store, ids: Iterable[int] | None = None) -> dict[int, np.ndarray]:
    """The mean passage embedding of each practice (unit length)."""
    version = (store.meta("generation"), store.meta("practices_version"))
    key = str(store.path)
    with _vector_lock:
        cached = _vector_cache.get(key)
        if cached is None or cached[0] != version:
            sums: dict[int, list[np.ndarray]] = {}
            for practice_id, blob in store.conn.execute(
                "SELECT pp.practice_id, e.vector FROM practice_passages pp JOIN passages p ON p.id = pp.passage_id "
                "JOIN embeddings e ON e.text_hash = p.text_hash ORDER BY pp.practice_id, p.id"
            ):
                sums.setdefault(practice_id, []).append(np.frombuffer(blob, dtype=np.float32))
            cached = (version, {pid: _unit(np.mean(vs, axis=0)) for pid, vs in sums.items()})
            _vector_cache[key] = cached
    vectors = cached[1]
    return dict(vectors) if ids is None else {i: vectors[i] for i in ids if i in vectors}


def similar_practices(store: Store, practice_id: int, k: int = SIMILAR_K) -> list[SimilarPractice]:
    """Practices of other cities (any language) closest to this one by their passages; none
    that shares a source document or a city with it. Ties broken by id."""
    vectors = practice_vectors(store)
    if practice_id not in vectors:
        return []
    own_docs = {r[0] for r in store.conn.execute("SELECT document_id FROM practice_sources WHERE practice_id = ?", (practice_id,))}
    own_cities = {r[0] for r in store.conn.execute("SELECT geonameid FROM practice_cities WHERE practice_id = ?", (practice_id,))}
    others = sorted(pid for pid in vectors if pid != practice_id)
    if not others:
        return []
    scores = np.vstack([vectors[pid] for pid in others]) @ vectors[practice_id]
    blocked_docs = {r[0] for r in store.select_in(
        "SELECT DISTINCT practice_id FROM practice_sources WHERE document_id IN ({ids})", sorted(own_docs))}
    blocked_cities = {r[0] for r in store.select_in(
        "SELECT DISTINCT practice_id FROM practice_cities WHERE geonameid IN ({ids})", sorted(own_cities))}
    ranked = sorted(((float(s), pid) for s, pid in zip(scores, others) if pid not in blocked_docs | blocked_cities),
                    key=lambda t: (-t[0], t[1]))[:k]
    records = practices_by_ids(store, [pid for _s, pid in ranked])
    return [SimilarPractice(pid, records[pid].name, records[pid].cities, records[pid].languages, round(score, 4),
                            records[pid].country) for score, pid in ranked if pid in records]
