"""The library's cities in SQLite: the catalogue's spelling wins, every spelling finds the
city, "did you mean" suggestions, and the columns added to older libraries."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from praxis.index.cities import documented_city_ids, library_cities_named, suggest_cities
from praxis.index.store import Store, text_hash
from praxis.ingest.models import City, CityRole, Document, Passage

GENT = City(2797656, "Gent", "BE", 265086, 51.05, 3.72, aliases=("gand", "gante", "gent", "ghent"))
GHENT = replace(GENT, name="Ghent", aliases=("gand", "gante", "gent", "ghent"), name_source="catalogue")
VIENNA = City(2761369, "Vienna", "AT", 1691468, 48.2, 16.37, aliases=("vienna", "vienne", "wien"))


def write(store: Store, source: str, city: City) -> None:
    text = f"A passage of {source} about newcomers."
    doc = Document(source=source, path=source, sha256=source.ljust(64, "0"), pages=1, title=source,
                   language="en", passages=[Passage(text, 1, 1, "en", [city])],
                   cities=[CityRole(city, None, "text", 1)])
    store.write_document(doc, [text_hash(text)], {text_hash(text): np.ones(4, dtype=np.float32) / 2})


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data")
    write(store, "a.pdf", GENT)
    write(store, "b.pdf", GHENT)  # the catalogue's spelling
    write(store, "c.pdf", GENT)  # the gazetteer's again: must not undo it
    write(store, "d.pdf", VIENNA)
    return store


def test_the_catalogue_spelling_is_kept_over_the_gazetteer(store: Store) -> None:
    row = store.conn.execute("SELECT name, name_source FROM cities WHERE geonameid = ?", (GENT.geonameid,)).fetchone()
    assert (row["name"], row["name_source"]) == ("Ghent", "catalogue")


@pytest.mark.parametrize("typed, key", [("Ghent", "ghent"), ("ghent", "ghent"), ("Gent", "gent"), ("Gand", "gand")])
def test_any_spelling_finds_the_library_city(store: Store, typed: str, key: str) -> None:
    rows = library_cities_named(store, typed, key)
    assert [r["name"] for r in rows] == ["Ghent"]


def test_a_spelling_of_another_country_is_filtered(store: Store) -> None:
    assert library_cities_named(store, "Wien", "wien", "BE") == []
    assert [r["name"] for r in library_cities_named(store, "Wien", "wien", "AT")] == ["Vienna"]


def test_suggestions_are_close_library_names_only(store: Store) -> None:
    assert suggest_cities(store, "gehnt") == ["Ghent"]
    assert suggest_cities(store, "viena") == ["Vienna"]
    assert suggest_cities(store, "atlantis") == []
    assert documented_city_ids(store) == {GENT.geonameid, VIENNA.geonameid}


def test_an_older_library_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.mkdir()
    with sqlite3.connect(path / "praxis.sqlite3") as conn:
        conn.execute("CREATE TABLE cities (geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, "
                     "population INTEGER NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL)")
        conn.execute("INSERT INTO cities VALUES (1, 'Old', 'BE', 1, 0, 0)")
    store = Store(path)
    row = store.conn.execute("SELECT name, aliases, name_source FROM cities").fetchone()
    assert tuple(row) == ("Old", "", "gazetteer")
    write(store, "x.pdf", GHENT)
    assert library_cities_named(store, "Gent", "gent")[0]["name"] == "Ghent"
