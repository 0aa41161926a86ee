"""The library's cities: look-ups by any spelling and "did you mean" suggestions.

A city the library documents is one that a document names (`document_cities`) or that runs a
practice. Spellings are compared as folded keys ("wien", "livadeia"); the caller folds the
name it was given (`praxis.ingest.cities.name_key`), so this module needs no gazetteer.
"""
from __future__ import annotations

import sqlite3
from difflib import SequenceMatcher

from praxis.index.store import Store

DOCUMENTED = (
    "(EXISTS (SELECT 1 FROM document_cities dc WHERE dc.geonameid = c.geonameid) "
    " OR EXISTS (SELECT 1 FROM practices pr WHERE pr.geonameid = c.geonameid))"
)
# A suggestion must be this close to what was typed (difflib ratio of folded names):
# "Livadea" -> Livadeia 0.93, "Viena" -> Vienna 0.91, "Atlantis" -> Athens 0.57 (none).
SUGGESTION_MIN_SIMILARITY = 0.7


def documented_city_ids(store: Store) -> set[int]:
    rows = store.conn.execute(f"SELECT c.geonameid FROM cities c WHERE {DOCUMENTED}").fetchall()
    return {r[0] for r in rows}


def library_cities_named(store: Store, name: str, key: str, country: str | None = None) -> list[sqlite3.Row]:
    """Documented cities called `name` as shown (any case) or by any stored spelling (`key`
    folded), most documented first."""
    code = country.upper() if country else None
    return store.conn.execute(
        "SELECT c.*, (SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid) AS n "
        f"FROM cities c WHERE {DOCUMENTED} AND (? IS NULL OR c.country = ?) "
        "AND (c.name = ? COLLATE NOCASE OR (? != '' AND instr(c.aliases, '|' || ? || '|') > 0)) "
        "ORDER BY c.name = ? COLLATE NOCASE DESC, n DESC, c.population DESC, c.geonameid",
        (code, code, name.strip(), key, key, name.strip()),
    ).fetchall()


def suggest_cities(store: Store, key: str, limit: int = 3) -> list[str]:
    """Documented cities whose name or another spelling is close to the folded `key`."""
    if not key:
        return []
    rows = store.conn.execute(f"SELECT c.name, c.aliases, c.geonameid FROM cities c WHERE {DOCUMENTED}").fetchall()
    scored: list[tuple[float, str, int]] = []
    for row in rows:
        spellings = {a for a in row["aliases"].split("|") if a} | {_fold_lower(row["name"])}
        best = max(SequenceMatcher(None, key, s).ratio() for s in spellings)
        if best >= SUGGESTION_MIN_SIMILARITY:
            scored.append((-best, row["name"], row["geonameid"]))
    return [name for _, name, _ in sorted(scored)[:limit]]


def _fold_lower(name: str) -> str:
    """Aliases are folded by the gazetteer; the shown name is compared in lower case."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.lower())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("-", " ").split())
