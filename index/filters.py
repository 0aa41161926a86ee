"""Search filters, applied inside retrieval (SQL for lexical, an id selector for faiss)."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from praxis.index.store import Store


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
