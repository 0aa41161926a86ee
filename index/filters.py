"""Search filters as data: each backend applies them itself.

The embedded backends turn them into SQL (FTS5) or an id selector computed by that SQL (faiss);
Qdrant turns `conditions()` into payload filters over the fields `passage_payloads` stores with
every point. Both describe the same sets of passages (tests/index/test_backend_congruence.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from praxis.index.store import Store


Condition = tuple[str, Literal["eq", "any", "range"], object]
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sqlite_lower(text: str) -> str:
    """SQLite's lower(): ASCII letters only, so a payload match agrees with the SQL one."""
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class Filters:
    language: str | None = None  # passage language, ISO 639-1
    # GeoNames ids of a city the document is about: the service resolves a name (any spelling) to
    # them (`service/wiring.py: make_filters`); an empty tuple matches nothing.
    city_ids: tuple[int, ...] | None = None
    country: str | None = None  # ISO 3166 alpha-2 of the document or of its cities
    topic: str | None = None  # topic slug
    network: str | None = None  # publisher or network, e.g. "IncluCities"
    year_from: int | None = None
    year_to: int | None = None
    document_id: int | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def sql(self, store: Store) -> tuple[str, list[object]]:
        """A WHERE clause over `passages p JOIN documents d`, and its parameters."""
        clauses: list[str] = ["1 = 1"]
        params: list[object] = []
        if self.language:
            clauses.append("p.language = ?")
            params.append(self.language.lower())
        if self.city_ids is not None:
            ids = list(self.city_ids)
            clauses.append(
                f"d.id IN (SELECT document_id FROM document_cities WHERE geonameid IN ({','.join('?' * len(ids)) or 'NULL'}))"
            )
            params.extend(ids)
        if self.country:
            clauses.append(
                "(instr('/' || upper(coalesce(d.country, '')) || '/', '/' || ? || '/') > 0 OR d.id IN ("
                "SELECT dc.document_id FROM document_cities dc JOIN cities c ON c.geonameid = dc.geonameid "
                "WHERE c.country = ?))"
            )
            params.extend([self.country.upper()] * 2)
        if self.topic:
            clauses.append(
                "(d.id IN (SELECT document_id FROM document_topics WHERE topic = ?) "
                "OR p.id IN (SELECT passage_id FROM passage_topics WHERE topic = ?))"
            )
            params.extend([self.topic] * 2)
        if self.network:
            clauses.append("(lower(d.network) = lower(?) OR lower(d.publisher) = lower(?))")
            params.extend([self.network] * 2)
        if self.year_from is not None:
            clauses.append("d.year >= ?")
            params.append(self.year_from)
        if self.year_to is not None:
            clauses.append("d.year <= ?")
            params.append(self.year_to)
        if self.document_id is not None:
            clauses.append("d.id = ?")
            params.append(self.document_id)
        return " AND ".join(clauses), params

    def conditions(self) -> list[Condition]:
        """The filter as (payload field, operator, value), all of which must hold.

        The fields are those of `passage_payloads`; "any" matches a point whose field holds any
        of the values (an empty tuple matches nothing), "range" is inclusive (None: open).
        """
        found: list[Condition] = []
        if self.language:
            found.append(("language", "eq", self.language.lower()))
        if self.city_ids is not None:
            found.append(("city_ids", "any", tuple(self.city_ids)))
        if self.country:
            found.append(("countries", "eq", self.country.upper()))
        if self.topic:
            found.append(("topics", "eq", self.topic))
        if self.network:
            found.append(("networks", "eq", sqlite_lower(self.network)))
        if self.year_from is not None or self.year_to is not None:
            found.append(("year", "range", (self.year_from, self.year_to)))
        if self.document_id is not None:
            found.append(("document_id", "eq", self.document_id))
        return found

    def passage_ids(self, store: Store) -> np.ndarray:
        where, params = self.sql(store)
        rows = store.conn.execute(
            f"SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id WHERE {where}", params
        ).fetchall()
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def library_city_ids(store: Store, name: str) -> list[int]:
    """GeoNames ids of the library's cities spelled `name` (case-insensitive)."""
    rows = store.conn.execute("SELECT geonameid FROM cities WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchall()
    return [r[0] for r in rows]


def passage_payloads(store: Store, passage_ids: list[int]) -> dict[int, dict[str, object]]:
    """What a search backend stores with each passage so that it can apply `Filters.conditions`.

    Four batched statements; callers pass ids in batches (a rebuild: a few hundred at a time).
    """
    rows = store.select_in(
        "SELECT p.id, p.document_id, p.language, d.country, d.network, d.publisher, d.year "
        "FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({ids})", passage_ids,
    )
    documents = sorted({r["document_id"] for r in rows})
    cities: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for r in store.select_in(
        "SELECT dc.document_id, dc.geonameid, c.country FROM document_cities dc "
        "JOIN cities c ON c.geonameid = dc.geonameid WHERE dc.document_id IN ({ids})", documents,
    ):
        cities[r[0]].append((r[1], r[2]))
    document_topics: dict[int, set[str]] = defaultdict(set)
    for r in store.select_in("SELECT document_id, topic FROM document_topics WHERE document_id IN ({ids})", documents):
        document_topics[r[0]].add(r[1])
    passage_topics: dict[int, set[str]] = defaultdict(set)
    for r in store.select_in("SELECT passage_id, topic FROM passage_topics WHERE passage_id IN ({ids})", passage_ids):
        passage_topics[r[0]].add(r[1])
    payloads: dict[int, dict[str, object]] = {}
    for r in rows:
        doc = r["document_id"]
        countries = {c for c in (r["country"] or "").upper().split("/") if c} | {c for _g, c in cities[doc]}
        payloads[r["id"]] = {
            "document_id": doc,
            "language": r["language"],
            "city_ids": sorted({g for g, _c in cities[doc]}),
            "countries": sorted(countries),
            "topics": sorted(document_topics[doc] | passage_topics[r["id"]]),
            "networks": sorted({sqlite_lower(v) for v in (r["network"], r["publisher"]) if v}),
            "year": r["year"],
        }
    return payloads
