"""Catalogue metadata: one JSON object per line, keyed by the PDF's file name.

    {"file": "x.pdf", "title": "...", "publisher": "...", "network": "...", "year": 2021,
     "language": "en", "cities": ["Ghent", {"name": "Mechelen", "role": "mentor"}],
     "country": "BE", "topics": ["housing"], "kind": "practice", "source_url": "https://..."}

What a catalogue says wins over what is inferred from the text.
"""
from __future__ import annotations

import json
from pathlib import Path

from praxis.ingest.models import CatalogueEntry


class CatalogueError(ValueError):
    """The catalogue file cannot be used; the message names the line."""


def parse_entry(data: object, where: str = "entry") -> CatalogueEntry:
    if not isinstance(data, dict) or not isinstance(data.get("file"), str) or not data["file"].strip():
        raise CatalogueError(f"{where}: expected an object with a 'file' name")
    cities: list[tuple[str, str | None]] = []
    for city in data.get("cities") or []:
        if isinstance(city, str):
            cities.append((city, None))
        elif isinstance(city, dict) and isinstance(city.get("name"), str):
            cities.append((city["name"], city.get("role")))
        else:
            raise CatalogueError(f"{where}: a city must be a name or {{'name': ..., 'role': ...}}")
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1900 <= year <= 2100):
        raise CatalogueError(f"{where}: 'year' must be a whole year such as 2016")
    topics = data.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise CatalogueError(f"{where}: 'topics' must be a list of names")
    text = lambda key: str(data[key]).strip() or None if data.get(key) is not None else None  # noqa: E731
    return CatalogueEntry(
        file=Path(data["file"]).name, title=text("title"), publisher=text("publisher"), network=text("network"),
        year=year, language=text("language"), cities=cities, country=text("country"), topics=list(topics),
        kind=text("kind"), source_url=text("source_url"),
    )


def load_catalogue(path: str | Path) -> dict[str, CatalogueEntry]:
    entries: dict[str, CatalogueEntry] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"cannot read catalogue {path}: {error}") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise CatalogueError(f"{path}:{number}: not valid JSON ({error.msg})") from error
        entry = parse_entry(data, f"{path}:{number}")
        entries[entry.file] = entry
    return entries
