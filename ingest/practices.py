"""Practices: named initiatives run by a city, found in a document's passages.

A practice sheet about one city is one practice: the document's title, its main city, all
its passages. A report or presentation that walks through several cities is cut into one
practice per run of passages about the same city; passages that name no city, or list
many (a table of member cities), describe no practice.
"""
from __future__ import annotations

import re
from collections import Counter

from praxis.ingest.cities import Gazetteer
from praxis.ingest.models import City, CityRole, Document, Passage, Practice

# A document is about one city when that city carries this share of all city mentions.
SINGLE_FOCUS_SHARE = 0.6
# A passage naming more cities than this is a list, not the description of a practice.
MAX_CITIES_IN_PRACTICE_PASSAGE = 3
TITLE_WORDS = 12

# "Fuenlabrada mentors Livadia", "Tampere (mentor)", "mentor city Mechelen", "Lublin, the mentee".
_ROLE_PATTERNS = [
    (re.compile(r"\b(?P<a>[A-ZÀ-Ý][\w\-]+) mentor(?:s|ed|ing)\s+(?P<b>[A-ZÀ-Ý][\w\-]+)"), ("mentor", "mentee")),
    (re.compile(r"\bmentor(?:ing)? city,? (?P<a>[A-ZÀ-Ý][\w\-]+)"), ("mentor", None)),
    (re.compile(r"\bmentee(?: city)?,? (?P<b>[A-ZÀ-Ý][\w\-]+)"), (None, "mentee")),
]


def extract_practices(doc: Document) -> list[Practice]:
    if not doc.passages or not doc.cities:
        return []
    infer_roles(doc)
    main = _single_focus(doc)
    if main is not None:
        return [_practice(doc, main.city, doc.title, list(range(len(doc.passages))), main.source)]
    return _practices_by_section(doc)


def _single_focus(doc: Document) -> CityRole | None:
    """The city a document is about, when it is about one (a mentor comes before its mentee)."""
    catalogued = [c for c in doc.cities if c.source == "catalogue"]
    if catalogued and len(catalogued) <= 2:
        mentors = [c for c in catalogued if c.role == "mentor"]
        return (mentors or catalogued)[0]
    total = sum(c.mentions for c in doc.cities)
    top = max(doc.cities, key=lambda c: c.mentions)
    if total and top.mentions / total >= SINGLE_FOCUS_SHARE and not catalogued:
        return top
    return None


def _practices_by_section(doc: Document) -> list[Practice]:
    order = {c.city.geonameid: i for i, c in enumerate(doc.cities)}
    practices: list[Practice] = []
    current: City | None = None
    indexes: list[int] = []
    for i, passage in enumerate(doc.passages):
        city = _dominant_city(passage, order)
        if city is not None and current is not None and city.geonameid == current.geonameid:
            indexes.append(i)
            continue
        if current is not None:
            practices.append(_section_practice(doc, current, indexes))
        current, indexes = (city, [i]) if city is not None else (None, [])
    if current is not None:
        practices.append(_section_practice(doc, current, indexes))
    return practices


def _dominant_city(passage: Passage, order: dict[int, int]) -> City | None:
    if not passage.cities or len(passage.cities) > MAX_CITIES_IN_PRACTICE_PASSAGE:
        return None
    counts = Counter(c.geonameid for c in passage.cities)
    return min(passage.cities, key=lambda c: (-counts[c.geonameid], order.get(c.geonameid, 999)))


def _section_practice(doc: Document, city: City, indexes: list[int]) -> Practice:
    words = doc.passages[indexes[0]].text.split()
    lead = " ".join(words[:TITLE_WORDS]).strip(" -–•") + (" …" if len(words) > TITLE_WORDS else "")
    return _practice(doc, city, f"{city.name}: {lead}", indexes, "inferred")


def _practice(doc: Document, city: City, title: str, indexes: list[int], source: str) -> Practice:
    topics = sorted({t for i in indexes for t in doc.passages[i].topics} | (set(doc.topics) if len(indexes) == len(doc.passages) else set()))
    return Practice(
        title=title, city=city, topics=topics, language=doc.language,
        page_start=doc.passages[indexes[0]].page_start, page_end=doc.passages[indexes[-1]].page_end,
        passage_indexes=indexes, source="catalogue" if source == "catalogue" else "inferred",
    )


def infer_roles(doc: Document) -> None:
    """Mentoring roles the text states, for cities the catalogue gave no role."""
    by_id = {c.city.geonameid: c for c in doc.cities}
    gazetteer = Gazetteer.load()
    text = " ".join(p.text for p in doc.passages)
    for pattern, (role_a, role_b) in _ROLE_PATTERNS:
        for match in pattern.finditer(text):
            for group, role in (("a", role_a), ("b", role_b)):
                name = match.groupdict().get(group)
                resolved = gazetteer.resolve(name) if name and role else None
                city = by_id.get(resolved.geonameid) if resolved else None
                if city is not None and city.role is None:
                    city.role = role
