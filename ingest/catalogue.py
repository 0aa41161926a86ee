"""Catalogue metadata: one JSON object per line, keyed by the PDF's file name.

    {"file": "x.pdf", "title": "...", "publisher": "...", "network": "...", "year": 2021,
     "language": "en", "cities": ["Ghent", {"name": "Mechelen", "role": "mentor"}],
     "country": "BE", "topics": ["housing"], "kind": "practice", "source_url": "https://..."}

What a catalogue says wins over what is inferred from the text. Every entry is validated
once, here, by one pydantic model, for the CLI and the upload endpoint alike: wrong types
(no number read as a title, no string read letter by letter as a list of cities), unknown
city roles and nesting are refused with the field named. A refused entry is an error of
that entry (its file is reported as failed); it never stops the other files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError

from praxis.ingest.models import CatalogueEntry

#: The parts a city plays in a document that the recommender understands.
CITY_ROLES = ("mentor", "mentee")
MAX_TEXT = 2000  # characters of any one text field (titles are a line, not a book)

Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]


class CatalogueError(ValueError):
    """The catalogue (or one entry of it) cannot be used; the message names the line and field."""


class _City(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    role: Literal["mentor", "mentee"] | None = None


class _Entry(BaseModel):
    # Unknown keys are kept out of the entry, not refused: catalogues carry their own
    # bookkeeping (e.g. `translation_of`, read by the evaluation).
    model_config = ConfigDict(extra="ignore")
    file: Annotated[StrictStr, Field(min_length=1, max_length=500)]
    title: Text | None = None
    publisher: Text | None = None
    network: Text | None = None
    year: Annotated[StrictInt, Field(ge=1900, le=2100)] | None = None
    language: Annotated[StrictStr, Field(max_length=20)] | None = None
    cities: Annotated[list[Annotated[StrictStr, Field(min_length=1, max_length=200)] | _City], Field(max_length=500)] = []
    country: Annotated[StrictStr, Field(max_length=60)] | None = None
    topics: Annotated[list[Annotated[StrictStr, Field(max_length=100)]], Field(max_length=100)] = []
    kind: Annotated[StrictStr, Field(max_length=100)] | None = None
    source_url: Text | None = None


def _field_errors(error: ValidationError) -> str:
    """'cities.0.role: Input should be 'mentor' or 'mentee'; year: ...' (one per field)."""
    seen: dict[str, str] = {}
    for item in error.errors(include_input=False, include_url=False):
        loc = [str(p) for p in item["loc"]]
        # A union reports every branch ("cities.0.str", "cities.0._City.role"): name the field only.
        loc = [p for p in loc if p not in ("str", "_City") and not p.startswith(("constrained-str", "function-"))]
        seen.setdefault(".".join(loc) or "entry", item["msg"])
    # A union's other branch ("cities.0: should be a string" beside "cities.0.role: ...") adds nothing.
    specific = {name: message for name, message in seen.items()
                if not any(other.startswith(name + ".") for other in seen)}
    seen = specific
    return "; ".join(f"{name}: {message}" for name, message in seen.items())


def parse_entry(data: object, where: str = "entry") -> CatalogueEntry:
    """One catalogue entry, validated; CatalogueError names the entry and the field."""
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected an object with a 'file' name, not {type(data).__name__}")
    try:
        entry = _Entry.model_validate(data)
    except ValidationError as error:
        name = data.get("file") if isinstance(data.get("file"), str) else None
        raise CatalogueError(f"{where}{f' ({name})' if name else ''}: {_field_errors(error)}") from None
    if not entry.file.strip():
        raise CatalogueError(f"{where}: 'file' is empty")
    text = lambda value: value.strip() or None if value is not None else None  # noqa: E731
    cities = [(c, None) if isinstance(c, str) else (c.name, c.role) for c in entry.cities]
    return CatalogueEntry(
        file=Path(entry.file).name, title=text(entry.title), publisher=text(entry.publisher),
        network=text(entry.network), year=entry.year, language=text(entry.language), cities=cities,
        country=text(entry.country), topics=list(entry.topics), kind=text(entry.kind), source_url=text(entry.source_url),
    )


def parse_json(text: str, where: str) -> object:
    """json.loads with every failure (syntax, nesting deep enough to exhaust the parser) as CatalogueError."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{where}: not valid JSON ({error.msg})") from None
    except RecursionError:
        raise CatalogueError(f"{where}: nested too deeply") from None


@dataclass
class Catalogue:
    """A catalogue file read entry by entry: the good entries, and the refused ones."""

    entries: dict[str, CatalogueEntry] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # file name -> why its entry was refused
    unplaced: list[str] = field(default_factory=list)  # refused entries that name no file
    problems: list[str] = field(default_factory=list)  # every refusal, in line order


def read_catalogue(path: str | Path) -> Catalogue:
    """Every entry of a JSON-lines catalogue; a bad line costs that line only.

    Raises CatalogueError only when the file itself cannot be read."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"cannot read catalogue {path}: {error}") from error
    catalogue = Catalogue()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = parse_json(line, where)
        except CatalogueError as error:
            catalogue.unplaced.append(str(error))
            catalogue.problems.append(str(error))
            continue
        try:
            entry = parse_entry(data, where)
        except CatalogueError as error:
            name = data.get("file") if isinstance(data, dict) else None
            if isinstance(name, str) and name.strip():
                catalogue.errors[Path(name).name] = f"catalogue entry refused: {error}"
            else:
                catalogue.unplaced.append(str(error))
            catalogue.problems.append(str(error))
            continue
        catalogue.entries[entry.file] = entry
    return catalogue


def load_catalogue(path: str | Path) -> dict[str, CatalogueEntry]:
    """The entries of a catalogue that must be entirely valid (the first error is raised)."""
    catalogue = read_catalogue(path)
    if catalogue.problems:
        raise CatalogueError(catalogue.problems[0])
    return catalogue.entries
