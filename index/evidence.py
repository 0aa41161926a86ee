"""Named, batched reads for the recommender (service/recommend/) and the coverage view.

Every statement the recommender needs lives here, so the service layer never writes SQL.
Each function takes a set of ids and runs a fixed number of statements, whatever their count.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from praxis.index import catalog
from praxis.index.lexical import fts_fold
from praxis.index.store import Store


@dataclass
class PassageFacts:
    """A retrieved passage with what the recommender needs to cite it and attribute it."""

    text: str
    page: int
    page_end: int
    document_id: int
    source: str
    title: str
    practice_ids: list[int] = field(default_factory=list)
    city_ids: list[int] = field(default_factory=list)


@dataclass
class PracticeRow:
    id: int
    title: str
    document_id: int
    geonameid: int | None
    city: str | None
    country: str | None
    population: int | None
    language: str | None
    topics: list[str]
    page_start: int
    page_end: int


@dataclass
class CityRow:
    geonameid: int
    name: str
    country: str
    population: int | None
    latitude: float | None = None  # WGS84 degrees, for the map
    longitude: float | None = None


@dataclass
class CoverageRow:
    """One practice's topic, country and city (a practice with several topics gives several rows)."""

    topic: str
    country: str
    geonameid: int | None
    practice_id: int


def passage_facts(store: Store, passage_ids: Iterable[int]) -> dict[int, PassageFacts]:
    ids = sorted(set(passage_ids))
    facts = {
        r["id"]: PassageFacts(r["text"], r["page_start"], r["page_end"], r["document_id"], r["source"], r["title"])
        for r in store.select_in(
            "SELECT p.id, p.text, p.page_start, p.page_end, p.document_id, d.source, d.title "
            "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({ids})", ids
        )
    }
    for pid, practice in store.select_in(
        "SELECT passage_id, practice_id FROM practice_passages WHERE passage_id IN ({ids}) ORDER BY practice_id", ids
    ):
        facts[pid].practice_ids.append(practice)
    for pid, city in store.select_in(
        "SELECT passage_id, geonameid FROM passage_cities WHERE passage_id IN ({ids}) ORDER BY geonameid", ids
    ):
        facts[pid].city_ids.append(city)
    return facts


def _topics(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(t) for t in value] if isinstance(value, list) else []


def practice_rows(store: Store, practice_ids: Iterable[int]) -> dict[int, PracticeRow]:
    """The one place practices are loaded for recommending (the practice records are being
    reworked: names, merged sources; switch here)."""
    rows = store.select_in(
        "SELECT pr.id, pr.title, pr.document_id, pr.geonameid, pr.language, pr.topics, pr.page_start, pr.page_end, "
        "c.name AS city, c.population AS population, coalesce(pr.country, c.country) AS ctry "
        "FROM practices pr LEFT JOIN cities c ON c.geonameid = pr.geonameid WHERE pr.id IN ({ids})",
        sorted(set(practice_ids)),
    )
    return {
        r["id"]: PracticeRow(
            r["id"], r["title"], r["document_id"], r["geonameid"], r["city"], r["ctry"], r["population"],
            r["language"], _topics(r["topics"]), r["page_start"], r["page_end"],
        )
        for r in rows
    }


def city_rows(store: Store, geonameids: Iterable[int]) -> dict[int, CityRow]:
    rows = store.select_in(
        "SELECT geonameid, name, country, population, latitude, longitude FROM cities WHERE geonameid IN ({ids})",
        sorted(set(geonameids)),
    )
    return {
        r["geonameid"]: CityRow(r["geonameid"], r["name"], r["country"], r["population"] or None, r["latitude"], r["longitude"])
        for r in rows
    }


def mentoring_experience(store: Store, geonameids: Iterable[int]) -> dict[int, list[str]]:
    """Titles of the documents that name each city as a mentor."""
    rows = store.select_in(
        "SELECT dc.geonameid, d.title FROM document_cities dc JOIN documents d ON d.id = dc.document_id "
        "WHERE dc.role = 'mentor' AND dc.geonameid IN ({ids}) ORDER BY d.id", sorted(set(geonameids))
    )
    found: dict[int, list[str]] = defaultdict(list)
    for city, title in rows:
        found[city].append(title)
    return dict(found)


def translation_groups(store: Store) -> dict[int, set[int]]:
    """Document id -> the ids of its language versions."""
    groups: dict[int, set[int]] = defaultdict(set)
    for a, b in store.conn.execute("SELECT document_a, document_b FROM translations"):
        groups[a].add(b)
        groups[b].add(a)
    return dict(groups)


def documented_cities(store: Store) -> list[CityRow]:
    """Cities the library documents: named by a document (catalogue or text) or running a practice."""
    rows = store.conn.execute(
        "SELECT c.geonameid, c.name, c.country, c.population, c.latitude, c.longitude FROM cities c WHERE c.geonameid IN "
        "(SELECT geonameid FROM document_cities UNION SELECT geonameid FROM practices WHERE geonameid IS NOT NULL) "
        "ORDER BY c.geonameid"
    )
    return [CityRow(r[0], r[1], r[2], r[3] or None, r[4], r[5]) for r in rows]


def cities_named(store: Store, name: str) -> list[CityRow]:
    """Cities of the library whose stored name is `name` (case-insensitive), largest first."""
    rows = store.conn.execute(
        "SELECT geonameid, name, country, population, latitude, longitude FROM cities WHERE name = ? COLLATE NOCASE "
        "ORDER BY population DESC, geonameid", (name,)
    )
    return [CityRow(r[0], r[1], r[2], r[3] or None, r[4], r[5]) for r in rows]


def known_terms(store: Store, words: Iterable[str]) -> set[str]:
    """The words (folded as the lexical index folds them) that occur in the library's text."""
    folded = sorted({fts_fold(w) for w in words})
    if not folded:
        return set()
    marks = ",".join("?" * len(folded))
    rows = store.conn.execute(f"SELECT term FROM passages_vocab WHERE term IN ({marks})", folded)
    return {r[0] for r in rows}


def coverage_rows(store: Store) -> list[CoverageRow]:
    """Every practice's (topic, country, city); practices without a country are left out."""
    rows = store.conn.execute(
        "SELECT pr.id, pr.topics, pr.geonameid, coalesce(pr.country, c.country) AS ctry "
        "FROM practices pr LEFT JOIN cities c ON c.geonameid = pr.geonameid ORDER BY pr.id"
    )
    found = []
    for practice_id, topics, geonameid, country in rows:
        if not country:
            continue
        found.extend(CoverageRow(t, country, geonameid, practice_id) for t in _topics(topics))
    return found


def passage_topics(store: Store, passage_ids: Iterable[int]) -> dict[int, set[str]]:
    """Each passage's topics: its own and its document's."""
    return catalog.passage_topics(store, list(passage_ids))
