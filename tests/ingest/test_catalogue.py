"""Catalogue entries are validated once (pydantic), with the field named; a bad entry costs that entry only."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from praxis.ingest.catalogue import CatalogueError, load_catalogue, parse_entry, read_catalogue


@pytest.mark.parametrize("entry, field", [
    ({"file": "a.pdf", "cities": [{"name": "Ghent", "role": {"x": 1}}]}, "cities.0.role"),
    ({"file": "a.pdf", "cities": [{"name": "Ghent", "role": ["mentor"]}]}, "cities.0.role"),
    ({"file": "a.pdf", "cities": [{"name": "Ghent", "role": 5}]}, "cities.0.role"),
    ({"file": "a.pdf", "cities": [{"name": "Ghent", "role": "boss"}]}, "cities.0.role"),
    ({"file": "a.pdf", "cities": 5}, "cities"),
    ({"file": "a.pdf", "cities": True}, "cities"),
    ({"file": "a.pdf", "cities": "Ghent"}, "cities"),  # not read letter by letter
    ({"file": "a.pdf", "cities": [["Ghent"]]}, "cities.0"),
    ({"file": "a.pdf", "title": 5}, "title"),
    ({"file": "a.pdf", "title": ["x"]}, "title"),
    ({"file": "a.pdf", "year": "2016"}, "year"),
    ({"file": "a.pdf", "year": 20160}, "year"),
    ({"file": "a.pdf", "topics": "housing"}, "topics"),
    ({"file": ["a.pdf"]}, "file"),
    ({"file": "a.pdf", "publisher": {"a": {"b": {"c": 1}}}}, "publisher"),
])
def test_bad_entries_name_their_field(entry: dict, field: str) -> None:
    with pytest.raises(CatalogueError) as error:
        parse_entry(entry, "line 3")
    assert str(error.value).startswith("line 3") and f"{field}:" in str(error.value)


def test_good_entries_keep_their_values() -> None:
    entry = parse_entry({"file": "dir/a.pdf", "title": " T ", "year": 2016, "translation_of": "b.pdf",
                         "cities": ["Ghent", {"name": "Mechelen", "role": "mentor"}], "topics": ["housing"]})
    assert (entry.file, entry.title, entry.year, entry.topics) == ("a.pdf", "T", 2016, ["housing"])
    assert entry.cities == [("Ghent", None), ("Mechelen", "mentor")]


def test_a_catalogue_file_is_read_entry_by_entry(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join([
        json.dumps({"file": "good.pdf", "title": "Good"}),
        "{not json",
        "[" * 50000 + "]" * 50000,
        json.dumps({"file": "bad.pdf", "cities": [{"name": "X", "role": {"a": 1}}]}),
        json.dumps([1, 2]),
    ]), encoding="utf-8")
    catalogue = read_catalogue(path)
    assert list(catalogue.entries) == ["good.pdf"]
    assert "cities.0.role" in catalogue.errors["bad.pdf"]
    assert len(catalogue.unplaced) == 3 and "nested too deeply" in catalogue.unplaced[1]
    with pytest.raises(CatalogueError, match="c.jsonl:2"):
        load_catalogue(path)
