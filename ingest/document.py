"""From extracted page texts (and catalogue metadata) to a Document with passages, cities, topics."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from praxis.ingest.cities import Gazetteer, PlaceContext, name_key
from praxis.ingest.kinds import classify_kind
from praxis.ingest.language import detect_language, document_language
from praxis.ingest.models import CatalogueEntry, City, CityRole, Document, Passage
from praxis.ingest.pdf_reader import PdfText
from praxis.ingest.practices import extract_practices
from praxis.ingest.text import clean_pages, split_passages
from praxis.ingest.topics import assign_topics, normalise_topic

NO_TEXT = "no text layer — scanned?"
TITLE_WORDS = 14  # a title made up from the text: its first paragraph, cut short
# A document topic must be carried by this share of its passages (or by the catalogue).
DOCUMENT_TOPIC_SHARE = 0.25
# A document is about a country when it holds this share of its city mentions (and at least
# DOMINANT_MIN_MENTIONS): then its ambiguous names are read in that country ("Livadia" in a
# text about Greek towns is Livadeia, not Livádia in Cyprus).
DOMINANT_SHARE = 0.5
DOMINANT_MIN_MENTIONS = 2


def build_document(path: Path, sha256: str, pdf: PdfText, entry: CatalogueEntry | None) -> Document:
    pages = clean_pages(pdf.pages)
    passages = [Passage(text, start, end) for text, start, end in split_passages(pages)]
    gazetteer = Gazetteer.load()
    for passage in passages:
        passage.language = detect_language(passage.text)
        passage.topics = assign_topics(passage.text, passage.language)
    mentions = _find_cities(passages, gazetteer, catalogue_context(entry, gazetteer))
    language = document_language([(p.text, p.language) for p in passages])
    doc = Document(
        source=path.name, path=str(path), sha256=sha256, pages=len(pdf.pages),
        title=_title(pages, pdf.title, path, pdf.headings), language=language,
        status="indexed" if passages else "no_text", passages=passages,
    )
    doc.cities = _document_cities(passages, mentions)
    doc.topics = _document_topics(passages)
    if entry is not None:
        apply_catalogue(doc, entry, gazetteer)
    _merge_namesakes(doc, gazetteer)
    doc.kind = classify_kind(doc, pages, entry.kind if entry is not None else None)
    doc.practices = extract_practices(doc, pdf.headings)
    return doc


def _title(pages: list[str], metadata_title: str | None, path: Path, headings: list[list[str]] | None = None) -> str:
    """The PDF's own title when sensible, else the first heading its layout sets apart (larger or
    bold), else its first substantial line, else the file name."""
    if metadata_title and len(metadata_title.split()) >= 2 and not metadata_title.lower().endswith((".doc", ".docx", ".pdf")):
        return metadata_title.strip()
    first_page_headings = next((h for h in (headings or []) if h), [])
    if first_page_headings and len(first_page_headings[0].split()) >= 2:
        return first_page_headings[0]
    for page in pages:
        for paragraph in page.splitlines():
            words = re.sub(r"^\d+\s+", "", paragraph.strip()).split()  # a page number glued to the first line
            if len(words) >= 3:
                return " ".join(words[:TITLE_WORDS]) + (" …" if len(words) > TITLE_WORDS else "")
    return path.stem


def catalogue_context(entry: CatalogueEntry | None, gazetteer: Gazetteer) -> PlaceContext:
    """The countries ("BE/LV" is both) and cities a catalogue entry says a document is about."""
    if entry is None:
        return PlaceContext()
    countries = (entry.country or "").split("/")
    single = _single_country(entry.country)
    cities = [gazetteer.resolve(name, single) for name, _role in entry.cities]
    return PlaceContext.of(countries, [c.geonameid for c in cities if c is not None])


def _find_cities(passages: list[Passage], gazetteer: Gazetteer, context: PlaceContext) -> Counter[int]:
    """Cities per passage, read in the document's context; a second reading when most of the
    mentions turn out to be in one country the context did not name."""
    found = [gazetteer.find_cities(p.text, p.language, context) for p in passages]
    dominant = _dominant_country(found)
    if dominant and dominant not in context.countries:
        context = PlaceContext(context.countries | {dominant}, context.preferred)
        found = [gazetteer.find_cities(p.text, p.language, context) for p in passages]
    mentions: Counter[int] = Counter()
    for passage, cities in zip(passages, found):
        passage.cities = [city for city, _count in cities]
        mentions.update({city.geonameid: count for city, count in cities})
    return mentions


def _dominant_country(found: list[list[tuple[City, int]]]) -> str | None:
    per_country: Counter[str] = Counter()
    for cities in found:
        for city, count in cities:
            per_country[city.country] += count
    if not per_country:
        return None
    (country, n), total = min(per_country.items(), key=lambda kv: (-kv[1], kv[0])), sum(per_country.values())
    return country if n >= DOMINANT_MIN_MENTIONS and n >= DOMINANT_SHARE * total else None


def _document_cities(passages: list[Passage], mentions: Counter[int]) -> list[CityRole]:
    by_id = {city.geonameid: city for p in passages for city in p.cities}
    ordered = sorted(by_id, key=lambda gid: (-mentions[gid], by_id[gid].name))
    return [CityRole(by_id[gid], None, "text", mentions[gid]) for gid in ordered]


def _merge_namesakes(doc: Document, gazetteer: Gazetteer) -> None:
    """One town read as two: "Livadia" alone resolves to Cyprus, while the document is about
    Livadeia in Greece. A city whose name, read in another named city's country, *is* that
    city becomes it (the catalogue's and the better attested city win)."""
    rank = {c.city.geonameid: (c.origin != "catalogue", -c.mentions) for c in doc.cities}
    countries = {c.city.country for c in doc.cities}
    merged: dict[int, CityRole] = {}
    for role in sorted(doc.cities, key=lambda c: rank[c.city.geonameid], reverse=True):
        for country in sorted(countries - {role.city.country}):
            twin = gazetteer.resolve(role.city.name, country)
            target = next((c for c in doc.cities if twin and c.city.geonameid == twin.geonameid), None)
            if target is not None and target.city.geonameid not in merged:
                merged[role.city.geonameid] = target
                target.mentions += role.mentions
                target.role = target.role or role.role
                break
    if not merged:
        return
    doc.cities = [c for c in doc.cities if c.city.geonameid not in merged]
    for passage in doc.passages:
        cities = [merged[c.geonameid].city if c.geonameid in merged else c for c in passage.cities]
        passage.cities = list({c.geonameid: c for c in cities}.values())


def _document_topics(passages: list[Passage]) -> list[str]:
    if not passages:
        return []
    counts = Counter(t for p in passages for t in p.topics)
    needed = max(1, round(DOCUMENT_TOPIC_SHARE * len(passages)))
    return sorted(t for t, n in counts.items() if n >= needed)


def apply_catalogue(doc: Document, entry: CatalogueEntry, gazetteer: Gazetteer) -> None:
    """Catalogue metadata overrides what was inferred; inferred cities stay as extra evidence."""
    for name in ("title", "publisher", "network", "year", "country", "kind", "source_url"):
        value = getattr(entry, name)
        if value is not None:
            setattr(doc, name, value)
    if entry.language:
        doc.language = entry.language
    if entry.topics:
        slugs = [normalise_topic(t) for t in entry.topics]
        doc.topics = sorted({s for s in slugs if s})
    inferred = {c.city.geonameid: c for c in doc.cities}
    catalogued: list[CityRole] = []
    context = PlaceContext.of((entry.country or "").split("/"))
    for name, role in entry.cities:
        city = gazetteer.resolve(name, _single_country(entry.country), context)
        if city is None or any(c.city.geonameid == city.geonameid for c in catalogued):
            continue
        mentions = inferred.pop(city.geonameid).mentions if city.geonameid in inferred else 0
        catalogued.append(CityRole(library_spelling(city, name), role, "catalogue", mentions))
    doc.cities = catalogued + list(inferred.values())


def library_spelling(city: City, written: str) -> City:
    """The city as the catalogue writes it ("Ghent" for GeoNames' "Gent"): the library's own
    spelling is what its users read; the gazetteer's stays an alias."""
    written = " ".join(written.split())
    if not written or written == city.name or written.islower() or written.isupper():
        return city  # "GHENT" or "ghent" is no spelling to show
    aliases = tuple(sorted(set(city.aliases) | {name_key(city.name), name_key(written)}))
    return replace(city, name=written, aliases=aliases, name_source="catalogue")


def _single_country(country: str | None) -> str | None:
    """'BE' helps resolve a name; 'ES/GR' or 'EU' do not."""
    return country if country and len(country) == 2 and country != "EU" else None
