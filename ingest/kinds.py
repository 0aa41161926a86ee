"""What kind of document this is: a city's practice sheet, a report, slides, a network overview...

Kinds decide what a document can contribute: a practice sheet describes one city's
initiative; a report or a presentation may describe several, one per section; a network
overview, a programme description or a conference agenda describes the network or the
event, and is *not* a practice of the city that coordinates it.

How (generic cues, no sample names):

1. The catalogue's kind, when it names one (``practice``, ``report``, ``presentation``,
   ``overview``, ``news``...), mapped onto the kinds below. A vague one (``info-sheet``,
   ``other``) is decided from the text.
2. From the text, in this order:
   * **event** (programme, conference, agenda): several times of day ("09:30", "14.00-15.30")
     and event words (conference, workshop, agenda... in the library's languages);
   * **network_overview**: no city carries most of the city mentions, and two of: network or
     project vocabulary is dense (network, Netzwerk, réseau, rete, δίκτυο, the project...:
     5 or more per 1,000 words), the text speaks of a network *of cities* (member cities,
     réseau de villes, δίκτυο πόλεων...), the document lists many cities (6 or more, none
     with 30% of the mentions);
   * **presentation**: slide-like text (most lines short, bullets, capitalised headings);
   * **practice_sheet**: a short document (at most 4 pages) about one city;
   * **report**: a long document (5 pages or more); otherwise **article**.
3. A catalogued kind that claims a city's initiative (practice, news, mentoring, strategy)
   is overridden by *network_overview* only when the text's network evidence is strong:
   it names many cities, no city dominates, and it speaks of a network *of cities* (member
   cities, partner cities, réseau de villes...) twice, or once while listing 6 cities or more. A city's own network of
   associations ("Barcelona's anti-rumour network") stays that city's practice.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from praxis.ingest.cities import fold
from praxis.ingest.models import Document

PRACTICE_SHEET = "practice_sheet"
NETWORK_OVERVIEW = "network_overview"
EVENT = "event"
PRESENTATION = "presentation"
REPORT = "report"
ARTICLE = "article"
# Documents that describe a network, a programme or an event, not a city's initiative.
NON_PRACTICE_KINDS = frozenset({NETWORK_OVERVIEW, EVENT})

# Catalogue vocabulary -> kind; None: too vague, decide from the text.
CATALOGUE_KINDS: dict[str, str | None] = {
    "practice": PRACTICE_SHEET, "practice-sheet": PRACTICE_SHEET, "practice_sheet": PRACTICE_SHEET,
    "case-study": PRACTICE_SHEET, "good-practice": PRACTICE_SHEET,
    "report": REPORT, "study": REPORT, "guide": REPORT,
    "presentation": PRESENTATION, "slides": PRESENTATION,
    "overview": NETWORK_OVERVIEW, "network-overview": NETWORK_OVERVIEW, "network_overview": NETWORK_OVERVIEW,
    "programme": EVENT, "program": EVENT, "agenda": EVENT, "conference": EVENT, "event": EVENT,
    "news": "news", "article": ARTICLE, "strategy": "strategy", "plan": "strategy", "mentoring": "mentoring",
    "info-sheet": None, "sheet": None, "other": None, "document": None,
}
# Catalogued kinds that say "a city's initiative" but can be shown wrong by strong network evidence.
_OVERRIDABLE = frozenset({PRACTICE_SHEET, "news", "mentoring", "strategy", ARTICLE})

# Network and project vocabulary (folded: lower case, no accents), as word stems.
_NETWORK_STEMS = (
    "network", "netzwerk", "reseau", "rete ", "reti ", "netwerk", "δικτυ", "verkosto", "siec", "sieci",
    "natverk", "red de ciudades", "red europea", "xarxa", "member cities", "partner cities", "participating cities",
    "mitgliedsstadt", "mitgliedsstadte", "villes membres", "ciudades miembro", "citta partner", "partnerstad",
    "consortium", "konsortium", "working group", "arbeitsgruppe", "groupe de travail", "peer review",
    "the project", "das projekt", "le projet", "el proyecto", "il progetto", "het project", "το εργο",
    "hanke", "projekt", "projektet",
)
# Networks *of cities* (not a city's own network of associations).
_CITY_NETWORK_STEMS = (
    "network of cities", "network of european cities", "cities network", "city network", "member cities",
    "partner cities", "participating cities",
    "stadtenetzwerk", "netzwerk von stadten", "netzwerk europaischer stadte", "mitgliedsstadte", "partnerstadte",
    "reseau de villes", "reseau europeen de villes", "villes membres", "villes partenaires",
    "red de ciudades", "ciudades miembro", "ciudades socias", "rete di citta", "citta partner", "citta aderenti",
    "netwerk van steden", "δικτυο πολεων", "πολεις μελη", "kaupunkiverkosto", "siec miast", "miast partnerskich",
    "natverk av stader", "stadernatverk", "medlemsstader",
)
_EVENT_STEMS = (
    "agenda", "conference", "konferenz", "tagung", "conference", "congres", "congreso", "convegno",
    "conferentie", "συνεδρι", "konferencja", "konferens", "konferenssi", "workshop", "seminar", "seminaire",
    "seminario", "registration", "coffee break", "kaffeepause", "pause cafe", "lunch", "welcome address",
    "opening session", "panel",
)
_TIME_OF_DAY = re.compile(r"(?<![\d.:])(?:[01]?\d|2[0-3])[:.h][0-5]\d(?![\d.:])")
_BULLET = re.compile(r"^\s*(?:[-•▪◦*–]|\d{1,2}[.)])\s+")

# Measured on the sample library (68 PDFs): network overviews carry 6-15 network cues per
# 1,000 words, city practice sheets 0-4 (IncluCities sheets name "the project" a few times).
NETWORK_DENSITY_MIN = 5.0
CITY_NETWORK_CUES = 2
# A list of many cities none of which stands out: a network's members, not one city's work.
LIST_OF_CITIES = 6
LIST_TOP_SHARE = 0.3
MANY_CITIES = 4
SINGLE_CITY_SHARE = 0.6
EVENT_TIMES_MIN = 4
SLIDE_SHORT_LINE_SHARE = 0.55
SHORT_LINE_WORDS = 6
SHEET_MAX_PAGES = 4
REPORT_MIN_PAGES = 5


def classify_kind(doc: Document, pages: Sequence[str], catalogue_kind: str | None = None) -> str:
    """The document's kind (see the module doc); `pages` are its page texts."""
    text = "\n".join(pages)
    words = max(1, len(text.split()))
    folded = fold(text)
    network = _count(folded, _NETWORK_STEMS) * 1000 / words
    city_network = _count(folded, _CITY_NETWORK_STEMS)
    cities = _named_cities(doc)
    dominant = _dominant_share(doc) >= SINGLE_CITY_SHARE
    given = CATALOGUE_KINDS.get(_slug(catalogue_kind)) if catalogue_kind else None
    if catalogue_kind and _slug(catalogue_kind) not in CATALOGUE_KINDS:
        given = _slug(catalogue_kind)  # a kind we do not know: keep the catalogue's word
    if given is not None:
        listing = cities >= LIST_OF_CITIES and _dominant_share(doc) < LIST_TOP_SHARE
        strong = not dominant and cities >= MANY_CITIES and (
            city_network >= CITY_NETWORK_CUES or (listing and city_network >= 1))
        return NETWORK_OVERVIEW if given in _OVERRIDABLE and strong else given
    if len(_TIME_OF_DAY.findall(text)) >= EVENT_TIMES_MIN and _count(folded, _EVENT_STEMS) >= 2:
        return EVENT
    listing = cities >= LIST_OF_CITIES and _dominant_share(doc) < LIST_TOP_SHARE
    if not dominant and ((network >= NETWORK_DENSITY_MIN and (city_network >= 1 or listing)) or (listing and city_network >= 1)):
        return NETWORK_OVERVIEW
    if _slide_like(pages):
        return PRESENTATION
    if len(pages) <= SHEET_MAX_PAGES and dominant:
        return PRACTICE_SHEET
    return REPORT if len(pages) >= REPORT_MIN_PAGES else ARTICLE


def describes_practices(kind: str | None) -> bool:
    """Whether a document of this kind can describe a city's practice."""
    return kind not in NON_PRACTICE_KINDS


def _slug(kind: str) -> str:
    return kind.strip().lower().replace(" ", "-")


def _count(folded: str, stems: Sequence[str]) -> int:
    return sum(len(re.findall(r"(?<!\w)" + re.escape(stem), folded)) for stem in stems)


def _named_cities(doc: Document) -> int:
    return len({c.city.geonameid for c in doc.cities if c.mentions > 0 or c.origin == "catalogue"})


def _dominant_share(doc: Document) -> float:
    """The share of city mentions that the most mentioned city carries (0 when none)."""
    mentions = [c.mentions for c in doc.cities]
    total = sum(mentions)
    return max(mentions) / total if total else 0.0


def _slide_like(pages: Sequence[str]) -> bool:
    lines = [line for page in pages for line in page.splitlines() if line.strip()]
    if len(lines) < 20:
        return False
    short = sum(1 for line in lines if len(line.split()) <= SHORT_LINE_WORDS or _BULLET.match(line))
    return short / len(lines) >= SLIDE_SHORT_LINE_SHARE
