"""Every read the service needs about documents, cities, topics and translations.

Routers, the CLI and the evaluation call these named functions; none of them writes SQL.
Rows come back as `sqlite3.Row` (read like dicts); the service turns them into its
response models. Searching lives in `search.py`, practices in `practices.py`, a
recommendation's evidence in `evidence.py`.
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence

from praxis.index.store import Store

Row = sqlite3.Row

# -- documents ---------------------------------------------------------------------------------


def document_page(store: Store, offset: int, limit: int) -> tuple[int, list[Row]]:
    """(total, one page of documents in id order)."""
    total = int(store.conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    rows = store.conn.execute("SELECT * FROM documents ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return total, rows


def documents_by_id(store: Store, ids: Sequence[int]) -> dict[int, Row]:
    return {r["id"]: r for r in store.select_in("SELECT * FROM documents WHERE id IN ({ids})", list(ids))}


def document_languages_by_source(store: Store) -> dict[str, str | None]:
    return dict(store.conn.execute("SELECT source, language FROM documents").fetchall())


def passage_count(store: Store, document_id: int) -> int:
    return int(store.conn.execute("SELECT count(*) FROM passages WHERE document_id = ?", (document_id,)).fetchone()[0])


def stored_path_in_use(store: Store, stored_path: str) -> bool:
    """Whether any document still keeps its original PDF at `stored_path` (two sources, one file)."""
    return store.conn.execute("SELECT 1 FROM documents WHERE stored_path = ? LIMIT 1", (stored_path,)).fetchone() is not None


def cities_of_documents(store: Store, ids: Sequence[int]) -> dict[int, list[Row]]:
    """Each document's cities (geonameid, name, country, role, origin, mentions), roles and catalogue first."""
    found: dict[int, list[Row]] = defaultdict(list)
    for row in store.select_in(
        "SELECT dc.document_id, c.geonameid, c.name, c.country, dc.role, dc.origin, dc.mentions "
        "FROM document_cities dc JOIN cities c ON c.geonameid = dc.geonameid WHERE dc.document_id IN ({ids}) "
        "ORDER BY dc.document_id, dc.role IS NULL, dc.origin = 'catalogue' DESC, dc.mentions DESC, c.name",
        list(ids),
    ):
        found[row["document_id"]].append(row)
    return found


def topics_of_documents(store: Store, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for document_id, topic in store.select_in(
        "SELECT document_id, topic FROM document_topics WHERE document_id IN ({ids}) ORDER BY document_id, topic",
        list(ids),
    ):
        found[document_id].append(topic)
    return found


def translations_of_documents(store: Store, ids: Sequence[int]) -> dict[int, list[Row]]:
    """Each document's other language versions (document_id, source, title, language, score)."""
    found: dict[int, list[Row]] = defaultdict(list)
    for row in store.select_in(
        "SELECT t.document_a AS of_id, d.id AS document_id, d.source, d.title, d.language, t.score "
        "FROM translations t JOIN documents d ON d.id = t.document_b WHERE t.document_a IN ({ids}) "
        "UNION ALL "
        "SELECT t.document_b, d.id, d.source, d.title, d.language, t.score "
        "FROM translations t JOIN documents d ON d.id = t.document_a WHERE t.document_b IN ({ids}) "
        "ORDER BY 1, 5, 2",
        list(ids),
    ):
        found[row["of_id"]].append(row)
    return found


def passages_with_documents(store: Store, passage_ids: Sequence[int]) -> list[Row]:
    """Passages (text, pages) with their document's fields, for search results; `topics` is the
    document's topics joined by "," (in the same statement: one fewer per search)."""
    return store.select_in(
        "SELECT p.id AS passage_id, p.text, p.page_start, p.page_end, p.document_id, d.source, d.title, d.language, "
        "(SELECT group_concat(t.topic, ',') FROM document_topics t WHERE t.document_id = d.id) AS topics "
        "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({ids})",
        list(passage_ids),
    )


def topic_list(joined: str | None) -> list[str]:
    """The topics `passages_with_documents` joined, sorted (as `topics_of_documents` gives them)."""
    return sorted(joined.split(",")) if joined else []


def passage_topics(store: Store, passage_ids: Sequence[int]) -> dict[int, set[str]]:
    """Each passage's topics: its own and its document's."""
    topics: dict[int, set[str]] = defaultdict(set)
    for pid, topic in store.select_in(
        "SELECT passage_id, topic FROM passage_topics WHERE passage_id IN ({ids}) "
        "UNION SELECT p.id, t.topic FROM passages p JOIN document_topics t ON t.document_id = p.document_id "
        "WHERE p.id IN ({ids})", sorted(set(passage_ids)),
    ):
        topics[pid].add(topic)
    return dict(topics)


# -- facets ------------------------------------------------------------------------------------


def facet_counts(store: Store) -> dict[str, object]:
    """Values the search filters can take, with document counts (one statement per facet)."""
    conn = store.conn

    def counted(sql: str) -> list[tuple[str, int]]:
        return [(str(r[0]), int(r[1])) for r in conn.execute(sql) if r[0] not in (None, "")]

    years = conn.execute("SELECT min(year), max(year) FROM documents").fetchone()
    return {
        "languages": counted("SELECT language, count(*) FROM documents GROUP BY language ORDER BY count(*) DESC, language"),
        "countries": counted(
            "SELECT c.country, count(DISTINCT dc.document_id) FROM document_cities dc "
            "JOIN cities c ON c.geonameid = dc.geonameid GROUP BY c.country ORDER BY 2 DESC, 1"),
        "topics": dict(counted("SELECT topic, count(*) FROM document_topics GROUP BY topic")),
        "networks": counted("SELECT network, count(*) FROM documents GROUP BY network ORDER BY 2 DESC, 1"),
        "cities": counted(
            "SELECT c.name, count(DISTINCT dc.document_id) FROM document_cities dc "
            "JOIN cities c ON c.geonameid = dc.geonameid GROUP BY c.geonameid ORDER BY 2 DESC, 1 LIMIT 300"),
        "year_min": years[0], "year_max": years[1],
    }


# -- cities ------------------------------------------------------------------------------------


def city_summaries(store: Store, country: str | None) -> list[Row]:
    """Cities with documents or practices, most documented first, with their counts."""
    return store.conn.execute(
        "SELECT c.geonameid, c.name, c.country, c.population, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid) AS documents, "
        "(SELECT count(*) FROM practices pr WHERE pr.geonameid = c.geonameid) AS practices, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid AND dc.role = 'mentor') AS mentor, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid AND dc.role = 'mentee') AS mentee "
        "FROM cities c WHERE (? IS NULL OR c.country = ?) "
        "AND (EXISTS (SELECT 1 FROM document_cities dc WHERE dc.geonameid = c.geonameid) "
        "     OR EXISTS (SELECT 1 FROM practices pr WHERE pr.geonameid = c.geonameid)) "
        "ORDER BY documents DESC, practices DESC, c.name",
        (country, country),
    ).fetchall()


def city_by_name(store: Store, name: str, country: str | None) -> Row | None:
    """The library's city spelled `name` (case-insensitive), the most documented first."""
    return store.conn.execute(
        "SELECT c.*, (SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid) AS n "
        "FROM cities c WHERE c.name = ? COLLATE NOCASE AND (? IS NULL OR c.country = ?) "
        "ORDER BY n DESC, c.population DESC LIMIT 1",
        (name.strip(), country, country),
    ).fetchone()


def city_by_id(store: Store, geonameid: int) -> Row | None:
    return store.conn.execute("SELECT * FROM cities WHERE geonameid = ?", (geonameid,)).fetchone()


def documents_of_city(store: Store, geonameid: int) -> list[Row]:
    """The documents about a city, with its role and how it was found, mentoring roles first."""
    return store.conn.execute(
        "SELECT d.id, d.source, d.title, d.language, d.year, dc.role, dc.origin, dc.mentions "
        "FROM document_cities dc JOIN documents d ON d.id = dc.document_id WHERE dc.geonameid = ? "
        "ORDER BY dc.role IS NULL, dc.origin = 'catalogue' DESC, dc.mentions DESC, d.id",
        (geonameid,),
    ).fetchall()


def mentoring_partners(store: Store, document_ids: Sequence[int], geonameid: int) -> dict[int, list[Row]]:
    """Per document, the other cities with a mentoring role (name, country, role)."""
    found: dict[int, list[Row]] = defaultdict(list)
    for row in store.select_in(
        "SELECT dc.document_id, c.name, c.country, dc.role FROM document_cities dc "
        "JOIN cities c ON c.geonameid = dc.geonameid WHERE dc.document_id IN ({ids}) AND dc.geonameid != ? "
        "AND dc.role IS NOT NULL ORDER BY dc.role, c.name",
        list(document_ids), [geonameid],
    ):
        found[row["document_id"]].append(row)
    return found


# Practices: every query is in index/practices.py (records, sources, passages, similar practices).
