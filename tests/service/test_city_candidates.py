"""The mentee's city: every reading of a name, the library's places and spellings first."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from praxis.index.store import Store, text_hash
from praxis.ingest.cities import Gazetteer
from praxis.ingest.document import library_spelling
from praxis.ingest.models import City, CityRole, Document, Passage
from praxis.service.wiring import city_candidates


def write(store: Store, source: str, city: City) -> None:
    text = f"A passage of {source} about newcomers."
    doc = Document(source=source, path=source, sha256=source.ljust(64, "0"), pages=1, title=source,
                   language="en", passages=[Passage(text, 1, 1, "en", [city])],
                   cities=[CityRole(city, None, "catalogue", 1)])
    store.write_document(doc, [text_hash(text)], {text_hash(text): np.ones(4, dtype=np.float32) / 2})


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    gaz = Gazetteer.load()
    store = Store(tmp_path_factory.mktemp("lib") / "data")
    write(store, "a.pdf", gaz.resolve("Livadeia"))
    write(store, "b.pdf", library_spelling(gaz.resolve("Ghent"), "Ghent"))
    return SimpleNamespace(store=store)


def test_a_documented_place_comes_first_and_namesakes_are_alternatives(library: SimpleNamespace) -> None:
    found = city_candidates(library, "Livadia")
    assert (found[0].name, found[0].country) == ("Livadeia", "GR")
    assert {"CY"} <= {c.country for c in found[1:]}  # Livádia, Cyprus: offered, not chosen
    assert city_candidates(library, "Livadia") == found  # deterministic


def test_the_country_given_filters_and_names_are_the_librarys(library: SimpleNamespace) -> None:
    assert [c.country for c in city_candidates(library, "Livadia", "CY")] == ["CY"]
    assert city_candidates(library, "Gent")[0].name == "Ghent"
    assert city_candidates(library, "Atlantis", "GR") == []
    assert len(city_candidates(library, "Athens", limit=3)) == 3
