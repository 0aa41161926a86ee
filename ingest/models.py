"""Plain records that flow from ingest into the index."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CityOrigin = Literal["catalogue", "text"]
PracticeOrigin = Literal["catalogue", "inferred"]


@dataclass(frozen=True)
class City:
    """A place from the gazetteer (GeoNames ids are stable across runs)."""

    geonameid: int
    name: str
    country: str  # ISO 3166 alpha-2
    population: int
    latitude: float
    longitude: float
    # Every spelling, folded ("vienna", "wien", "βιεννη"): a city is found by any of them.
    aliases: tuple[str, ...] = ()
    # Where `name` comes from: "gazetteer" (GeoNames, accents of romanisations dropped) or
    # "catalogue" (the library's own spelling, "Ghent"), which wins when both are stored.
    name_source: str = "gazetteer"


@dataclass
class Passage:
    """A span of text that respects paragraphs, with the pages it came from (1-based)."""

    text: str
    page_start: int
    page_end: int
    language: str | None = None
    cities: list[City] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


@dataclass
class CityRole:
    """A city named by a document, and its part in it when the document says (mentor, mentee...)."""

    city: City
    role: str | None = None
    origin: CityOrigin = "text"  # where Praxis learnt it: the catalogue entry, or the text
    mentions: int = 0


@dataclass
class Practice:
    """A named initiative run by a city (or several), as one document describes it.

    The index merges the records of one initiative found in several documents or languages
    into one practice with several sources (index/practices.py).
    """

    title: str  # the initiative's name: the sheet's title, a section heading or a name the text gives
    city: City | None  # the city that runs it (the first of `cities`)
    topics: list[str]
    language: str | None
    page_start: int
    page_end: int
    passage_indexes: list[int]  # positions in Document.passages
    origin: PracticeOrigin = "inferred"  # "catalogue": its city is the catalogue's; "inferred": from the text
    cities: list[City] = field(default_factory=list)  # every city that runs it, `city` first
    organisation: str | None = None  # who runs it, where the text says
    description: str | None = None  # 1-3 sentences quoted verbatim from the source
    target_groups: list[str] = field(default_factory=list)  # slugs: "refugees", "women", ...
    period: str | None = None  # "2016-2019", "since 2008", where the text says
    names: list[str] = field(default_factory=list)  # short names ("Start Wien"), to find it in other documents
    country: str | None = None  # ISO 3166 alpha-2; the city's country, or the country of a national initiative


@dataclass
class CatalogueEntry:
    """What a catalogue line (JSON) says about one file; every field is optional but the file."""

    file: str
    title: str | None = None
    publisher: str | None = None
    network: str | None = None
    year: int | None = None
    language: str | None = None
    cities: list[tuple[str, str | None]] = field(default_factory=list)  # (name, role)
    country: str | None = None
    topics: list[str] = field(default_factory=list)
    kind: str | None = None
    source_url: str | None = None


@dataclass
class Document:
    """One ingested file, ready to be stored."""

    source: str  # file name: the identity of a publication across re-ingests
    path: str
    sha256: str
    pages: int
    title: str
    language: str | None
    status: str = "indexed"  # "indexed" or "no_text"
    passages: list[Passage] = field(default_factory=list)
    cities: list[CityRole] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    publisher: str | None = None
    network: str | None = None
    year: int | None = None
    country: str | None = None
    kind: str | None = None  # see ingest/kinds.py: practice_sheet, report, network_overview...
    source_url: str | None = None
