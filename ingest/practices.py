"""Practices: named initiatives run by a city, found in a document.

* A document whose kind describes a network, a programme or an event (ingest/kinds.py)
  holds no practice: the CLIP info sheet is not a practice of Stuttgart, which coordinates CLIP.
* A document about one city (a practice sheet, a news item, a mentoring sheet: the mentor's
  practice) is one practice, named by the document's title.
* A report or presentation that walks through several cities is cut into one practice per
  run of passages about the same city. A run is a practice only when it has a name: a
  heading (from the PDF's layout, or a capitalised line) that names its city or an initiative,
  or an initiative the text names ("the Centre of Refugee Empowerment (CoRE)", a quoted
  name). Passages that list many cities, or that describe a network, describe no practice.
  A short document (1-2 pages, at most 4 cities, not a report or slides) in which no run has
  a name of its own is one practice, named by its title and run by its leading city (a news item on a shared project).
* A short write-up that names no city at all, or many cities none of which leads it, in a
  document whose catalogue entry gives one country, describes a national or regional
  initiative (a reception network that municipalities join, a province's programme for its
  towns): one practice of that country, with no city, named by its title. Reports and slides
  are not (a study is evidence, not an initiative).

Each practice also gets its description (the sentences that describe it best, verbatim),
target groups, period and organisation where the text states them. Names are never the
first words of a passage.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from praxis.ingest.cities import Gazetteer, fold
from praxis.ingest.kinds import PRACTICE_SHEET, PRESENTATION, REPORT, describes_practices
from praxis.ingest.models import City, CityRole, Document, Passage, Practice

# A document is about one city when that city carries this share of all city mentions.
SINGLE_FOCUS_SHARE = 0.6
# A passage naming more cities than this is a list, not the description of a practice.
MAX_CITIES_IN_PRACTICE_PASSAGE = 3
# A passage with this many network/project cues describes the network, not a city's practice.
NETWORK_PASSAGE_CUES = 3
MAX_RUNNING_CITIES = 5
# A document this short that names no section's initiative is one practice (a news item, a sheet).
SHORT_DOCUMENT_PAGES = 2
# ...when it names at most this many cities: more, and it describes a programme of many cities.
MAX_SHARED_CITIES = 4
DESCRIPTION_SENTENCES = 2
DESCRIPTION_MAX_WORDS = 90
SENTENCE_MIN_WORDS, SENTENCE_MAX_WORDS = 7, 60
NAME_MAX_WORDS = 12

# "Fuenlabrada mentors Livadia", "Tampere (mentor)", "mentor city Mechelen", "Lublin, the mentee".
_ROLE_PATTERNS = [
    (re.compile(r"\b(?P<a>[A-ZÀ-Ý][\w\-]+) mentor(?:s|ed|ing)\s+(?P<b>[A-ZÀ-Ý][\w\-]+)"), ("mentor", "mentee")),
    (re.compile(r"\bmentor(?:ing)? city,? (?P<a>[A-ZÀ-Ý][\w\-]+)"), ("mentor", None)),
    (re.compile(r"\bmentee(?: city)?,? (?P<b>[A-ZÀ-Ý][\w\-]+)"), (None, "mentee")),
]

# Nouns that make a capitalised phrase the name of an initiative, in the library's languages.
_INITIATIVE_NOUNS = frozenset(fold(w) for w in (
    "centre center office programme program project strategy plan campaign service hub board council "
    "lab laboratory academy forum agency desk point approach network initiative scheme platform "
    "zentrum büro programm projekt strategie kampagne netzwerk beirat bündnis stelle "
    "bureau projet parcours maison réseau conseil "
    "centro oficina programa proyecto mesa junta escuela red consejo servicio plataforma "
    "sportello progetto programma rete consiglio "
    "loket programma aanpak centrum netwerk "
    "κέντρο πρόγραμμα δίκτυο γραφείο συμβούλιο "
    "keskus ohjelma hanke verkosto "
    "centrum program projekt sieć rada "
    "kontor nätverk råd"
).split())
_LINKERS = frozenset("of for the and de del la le les du des di della dello van voor für der des y et e i och".split())
_NAME_TOKEN = r"[A-ZÀ-ÝΑ-Ω][\w'’\-]*"
_QUOTED = re.compile(r"(?<!\w)[\"“„«‘'](?P<name>[A-ZÀ-ÝΑ-Ω0-9][^\"“”„«»‘’'\n]{2,80}?)[\"”“»’'](?!\w)")
_ACRONYM_NAME = re.compile(
    rf"(?P<name>{_NAME_TOKEN}(?:\s+(?:(?:{'|'.join(sorted(_LINKERS))})\s+)?{_NAME_TOKEN}){{1,7}})\s+\((?P<acronym>[A-ZΑ-Ω][A-Za-zΑ-Ωα-ω]{{1,9}})\)"
)
_CAPITALISED_RUN = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:(?:{'|'.join(sorted(_LINKERS))})\s+)?{_NAME_TOKEN})*")
_NETWORK_CUES = ("network", "netzwerk", "reseau", "netwerk", "δικτυ", "verkosto", "natverk", "member cities",
                 "working group", "partner cities", "participating cities")

# Target groups: folded word stems in the library's languages (a stem matches a word's start).
TARGET_GROUPS: dict[str, tuple[str, ...]] = {
    "refugees": ("refugee", "fluchtling", "gefluchtet", "refugie", "refugiad", "rifugiat", "vluchteling",
                 "statushouder", "προσφυγ", "pakolai", "uchodzc", "flykting", "asylberechtigt", "beneficiaries of international"),
    "asylum-seekers": ("asylum seeker", "asylbewerber", "asylsuchend", "demandeur d'asile", "demandeurs d'asile",
                       "solicitantes de asilo", "richiedent", "asielzoeker", "αιτουντ", "turvapaikanhak", "asylsökande"),
    "newcomers": ("newcomer", "new arrival", "newly arrived", "neuzugewandert", "primo-arrivant", "nouveaux arrivant",
                  "recien llegad", "nuovi arrivat", "nieuwkomer", "νεοαφιχθ", "nyanland"),
    "migrants": ("migrant", "immigrant", "zugewandert", "inmigrant", "immigrat", "μεταναστ", "maahanmuuttaj",
                 "imigrant", "invandrare", "third-country national", "πολιτες τριτων χωρων"),
    "women": ("women", "woman", "frauen", "femmes", "mujeres", "donne", "vrouwen", "γυναικ", "naiset", "kobiet", "kvinnor"),
    "young people": ("young people", "youth", "jugendlich", "jeunes", "jovenes", "giovani", "jongeren", "νεολαι", "nuoret", "mlodziez", "ungdom"),
    "children": ("children", "child", "pupil", "kinder", "enfants", "ninos", "bambini", "kinderen", "παιδι", "lapset", "dzieci", "barn", "schuler", "eleves", "alumnos"),
    "students": ("student", "studierend", "etudiant", "estudiant", "studenti", "φοιτητ", "opiskelij", "studenc"),
    "unemployed": ("unemployed", "jobseeker", "job seeker", "arbeitslos", "chomeur", "demandeurs d'emploi", "desemplead",
                   "parad", "disoccupat", "werkzoekend", "ανεργ", "tyoton", "bezrobotn", "arbetslos"),
    "families": ("families", "family", "familien", "familles", "familias", "famiglie", "gezinnen", "οικογενει", "perhe", "rodzin", "familjer"),
    "older people": ("elderly", "older people", "senior", "ikaihmi", "ηλικιωμεν", "anziani", "ouderen"),
    "volunteers": ("volunteer", "ehrenamt", "freiwillig", "benevole", "voluntari", "volontari", "vrijwillig", "εθελοντ", "vapaaehto", "wolontariusz", "frivillig"),
}
_GROUP_PATTERNS = {g: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + ")") for g, stems in TARGET_GROUPS.items()}

_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_RANGE = re.compile(rf"(?<!\d)(?P<a>{_YEAR})\s*[-–—/]\s*(?P<b>{_YEAR}|\d{{2}})(?!\d)")
_BETWEEN = re.compile(rf"\b(?:between|zwischen|entre|tra|tussen|mellan)\s+(?P<a>{_YEAR})\s+(?:and|und|et|y|e|en|och)\s+(?P<b>{_YEAR})")
_SINCE = re.compile(
    rf"\b(?:since|seit|depuis|desde|dal|sinds|sedan|od|vuodesta|από το|από)\s+(?:(?:the\s+)?(?:year|jahr|l'an|el año|anno)\s+)?(?:\w+\s+)?(?P<a>{_YEAR})",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(
    r"(?:\b(?:run|led|organi[sz]ed|coordinated|managed|offered|provided|implemented|operated|hosted)\s+by"
    r"|\b(?:gérée?s?|portée?s?|organisée?s?|coordonnée?s?)\s+par"
    r"|\b(?:gestionad|organizad|coordinad|impulsad|promovid|dirigid)[oa]s?\s+por"
    r"|\b(?:gestit|organizzat|coordinat|promoss)[oaie]\s+da(?:l|lla|llo|i|gli)?"
    r"|\b(?:georganiseerd|gecoördineerd|uitgevoerd)\s+door"
    r"|\b(?:getragen|organisiert|koordiniert|durchgeführt)\s+(?:von|vom))"
    r"\s+(?:the\s+|la\s+|le\s+|l'|el\s+|de\s+|het\s+|der\s+|dem\s+)?"
    rf"(?P<org>{_NAME_TOKEN}(?:\s+(?:(?:of|for|the|and|de|del|la|des|du|di|della|van|voor|für|der)\s+)?{_NAME_TOKEN}){{0,7}}(?:\s+\([A-Z][\w\-]{{1,10}}\))?)"
)


def extract_practices(doc: Document, headings: Sequence[Sequence[str]] | None = None) -> list[Practice]:
    """The practices a document describes (see the module doc); `headings` per page, from the layout."""
    if not doc.passages:
        return []
    if not doc.cities:
        return _national_practice(doc) if describes_practices(doc.kind) else []
    infer_roles(doc)
    if not describes_practices(doc.kind):
        return []
    main = _single_focus(doc) or (_top_city(doc) if doc.kind == PRACTICE_SHEET else None)
    if main is not None and not (doc.kind in (REPORT, PRESENTATION) and len(doc.passages) > 3):
        indexes = list(range(len(doc.passages)))
        return [_practice(doc, main.city, doc.title, indexes, main.origin, _running_cities(doc, main.city))]
    sections = _practices_by_section(doc, _heading_positions(doc, headings or []))
    few_cities = len({c.city.geonameid for c in doc.cities}) <= MAX_SHARED_CITIES
    if not sections and doc.pages <= SHORT_DOCUMENT_PAGES and few_cities and doc.kind not in (REPORT, PRESENTATION):
        # A short write-up about one initiative that several cities share (or in which a few
        # cities take part) is one practice, named by its title, run by its leading city.
        top = _top_city(doc)
        return [_practice(doc, top.city, doc.title, list(range(len(doc.passages))), top.origin, _running_cities(doc, top.city))]
    if not sections and not few_cities:
        return _national_practice(doc)  # a programme of many municipalities of one country, none leading
    return sections


def _national_practice(doc: Document) -> list[Practice]:
    """A short write-up with no city, of one country: that country's initiative (see the module doc)."""
    country = (doc.country or "").strip().upper()
    national = _COUNTRY_CODE.fullmatch(country) is not None and country != "EU"
    if not national or doc.pages > SHORT_DOCUMENT_PAGES or doc.kind in (REPORT, PRESENTATION):
        return []
    return [_practice(doc, None, doc.title, list(range(len(doc.passages))), "catalogue", [], country)]


_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


def _single_focus(doc: Document) -> CityRole | None:
    """The city a document is about, when it is about one (a mentor comes before its mentee)."""
    catalogued = [c for c in doc.cities if c.origin == "catalogue"]
    if catalogued and len(catalogued) <= 2:
        mentors = [c for c in catalogued if c.role == "mentor"]
        return (mentors or catalogued)[0]
    total = sum(c.mentions for c in doc.cities)
    top = max(doc.cities, key=lambda c: c.mentions)
    if total and top.mentions / total >= SINGLE_FOCUS_SHARE and not catalogued:
        return top
    return None


def _top_city(doc: Document) -> CityRole:
    """A sheet about one initiative that several cities run: the mentor, else the most named city."""
    return max(doc.cities, key=lambda c: (c.role == "mentor", c.origin == "catalogue" and c.role != "mentee", c.mentions))


def _running_cities(doc: Document, main: City) -> list[City]:
    """The main city, then the other catalogued cities that are not mentees (a shared project)."""
    others = [c.city for c in doc.cities if c.origin == "catalogue" and c.role not in ("mentee",)
              and c.city.geonameid != main.geonameid]
    return [main, *others][:MAX_RUNNING_CITIES]


# -- sections of reports and presentations -------------------------------------------------


def _heading_positions(doc: Document, layout: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
    """(passage index, heading) in reading order: layout headings, then capitalised lines."""
    candidates: list[str] = [h for page in layout for h in page]
    for passage in doc.passages:
        candidates.extend(line.strip() for line in passage.text.splitlines() if _is_capitalised_line(line))
    found: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for heading in candidates:
        key = " ".join(heading.split())
        if key in seen or len(key.split()) > NAME_MAX_WORDS:
            continue
        seen.add(key)
        for i, passage in enumerate(doc.passages):
            at = " ".join(passage.text.split()).find(key)
            if at >= 0:
                found.append((i, at, key))
                break
    return [(i, key) for i, _at, key in sorted(found)]


def _is_capitalised_line(line: str) -> bool:
    """A slide or section heading set in capitals: "LUBLIN FOR ALL CAMPAIGN"."""
    words = line.split()
    letters = [ch for ch in line if ch.isalpha()]
    return 2 <= len(words) <= NAME_MAX_WORDS and len(letters) >= 6 and all(ch.isupper() for ch in letters)


def _practices_by_section(doc: Document, headings: list[tuple[int, str]]) -> list[Practice]:
    order = {c.city.geonameid: i for i, c in enumerate(doc.cities)}
    runs: list[tuple[City, list[int]]] = []
    for i, passage in enumerate(doc.passages):
        city = None if _describes_network(passage) else _dominant_city(passage, order)
        if city is not None and runs and runs[-1][0].geonameid == city.geonameid and runs[-1][1][-1] == i - 1:
            runs[-1][1].append(i)
        elif city is not None:
            runs.append((city, [i]))
    practices = []
    for city, indexes in runs:
        name = _section_name(doc, city, indexes, headings)
        if name is not None:  # a run of passages with no name is not a named initiative
            practices.append(_practice(doc, city, name, indexes, "inferred", [city]))
    return practices


def _describes_network(passage: Passage) -> bool:
    folded = fold(passage.text)
    return sum(folded.count(cue) for cue in _NETWORK_CUES) >= NETWORK_PASSAGE_CUES


def _dominant_city(passage: Passage, order: dict[int, int]) -> City | None:
    if not passage.cities or len(passage.cities) > MAX_CITIES_IN_PRACTICE_PASSAGE:
        return None
    counts = Counter(c.geonameid for c in passage.cities)
    return min(passage.cities, key=lambda c: (-counts[c.geonameid], order.get(c.geonameid, 999)))


def _section_name(doc: Document, city: City, indexes: list[int], headings: list[tuple[int, str]]) -> str | None:
    """A heading in (or just before) the run that names its city or an initiative, else a name the text gives."""
    city_key = fold(city.name)
    in_run = [h for i, h in headings if indexes[0] <= i <= indexes[-1]]
    before = [h for i, h in headings if i == indexes[0] - 1][-1:]
    for heading in [*before, *in_run]:
        folded = fold(heading)
        if heading.strip() != doc.title.strip() and (city_key in folded or _has_initiative_noun(heading)):
            return _display_heading(heading)
    text = "\n".join(doc.passages[i].text for i in indexes)
    return named_initiative(text, city)


_SMALL_WORDS = frozenset("a an and at by for in of on or the to de la le du des del di der und für van voor".split())


def _display_heading(heading: str) -> str:
    """Headings set in capitals are shown in title case ("Lublin for All Campaign")."""
    if any(ch.islower() for ch in heading):
        return heading.strip()
    words = []
    for i, word in enumerate(heading.split()):
        lower = word.lower()
        if i > 0 and lower.strip("\"'“”„«»") in _SMALL_WORDS:
            words.append(lower)
            continue
        first = next((j for j, ch in enumerate(lower) if ch.isalpha()), None)
        words.append(lower if first is None else lower[:first] + lower[first].upper() + lower[first + 1:])
    return " ".join(words)


def _has_initiative_noun(phrase: str) -> bool:
    return any(fold(word.strip("'’\".,:;()")) in _INITIATIVE_NOUNS for word in phrase.split())


def named_initiative(text: str, city: City | None = None) -> str | None:
    """The name of an initiative the text gives: "Centre of Refugee Empowerment (CoRE)", a quoted
    name, or a capitalised phrase with an initiative noun ("Welcome Centre"). None when it gives none.
    A name the text introduces as a network's ("the European network 'Cities for ...'") is not one."""
    city_key = fold(city.name) if city else None
    for match in _ACRONYM_NAME.finditer(text):
        name = _trim_name(match.group("name"))
        if name and _has_initiative_noun(name) and not _names_network(text, match.start(), name):
            return f"{name} ({match.group('acronym')})"
    for match in _QUOTED.finditer(text):
        name = match.group("name").strip(" ,.;:")
        if 1 <= len(name.split()) <= 7 and fold(name) != city_key and not _names_network(text, match.start(), name):
            return name
    for match in _CAPITALISED_RUN.finditer(text):
        name = _trim_name(match.group(0))
        if (name and len(name.split()) >= 2 and _has_initiative_noun(name) and fold(name) != city_key
                and not _is_organisation(name) and not _names_network(text, match.start(), name)):
            return name
    return None


# Bodies that run initiatives rather than initiatives: "Barcelona City Council", "Stadt Wien".
_ORGANISATION_NOUNS = frozenset(fold(w) for w in "council municipality city ayuntamiento gemeente stadt comune commune δήμος kaupunki miasto kommun".split())


def _is_organisation(name: str) -> bool:
    words = [fold(w) for w in name.split()]
    return bool(words) and (words[-1] in _ORGANISATION_NOUNS or words[0] in ("city", "municipality", "stadt", "ville", "ciudad"))


def _names_network(text: str, start: int, name: str) -> bool:
    """Whether the name belongs to a network: a network word in the name or just before it."""
    window = fold(text[max(0, start - 40):start] + " " + name)
    return any(cue in window for cue in _NETWORK_CUES)


def _trim_name(name: str) -> str | None:
    """Drop sentence-initial articles and linkers at the edges ("The Centre of" -> "Centre")."""
    words = name.split()
    while words and (fold(words[0]) in _LINKERS or fold(words[0]) in ("in", "a", "an", "el", "il", "lo", "het", "die", "das")):
        words = words[1:]
    while words and fold(words[-1]) in _LINKERS:
        words = words[:-1]
    return " ".join(words) if words and len(words) <= NAME_MAX_WORDS else None


# -- short names, for finding the same initiative in other documents ----------------------

_HEAD_SPLIT = re.compile(r"\s*(?::|\s[–—-]\s)\s*")
_TITLE_QUOTED = re.compile(r"[\"“„«](?P<name>[^\"“”„«»]{3,60})[\"”“»]")
_POSSESSIVE = re.compile(r"(?:['’]s|s)$")
_PLACE_PREPOSITIONS = frozenset("in at of for de en a à di in στην στο w i".split())
_BODY_WORDS = frozenset(fold(w) for w in (
    "city municipality council stadt gemeinde ville commune ciudad ayuntamiento municipio comune gemeente "
    "δήμος δημος kaupunki kunta miasto gmina kommun stad"
).split())
ALIAS_MAX_WORDS = 8
ALIAS_MIN_CHARS = 5


def initiative_names(title: str, city: City | None) -> list[str]:
    """Short names a title gives the initiative: the part before a colon and quoted names,
    without the city ("MILMA in Fuenlabrada: ..." -> "MILMA", "Vienna's Startbegleitung" ->
    "Startbegleitung"). A head that is only a place ("Αθήνα: ...") or a body that runs things
    ("Δήμος Αθηναίων: ...") is no initiative's name."""
    gazetteer = Gazetteer.load()
    heads = [_HEAD_SPLIT.split(title, maxsplit=1)[0], *(m.group("name") for m in _TITLE_QUOTED.finditer(title))]
    names: list[str] = []
    for head in heads:
        words = head.strip(" \"“”„«»'").split()
        if not words or len(words) > ALIAS_MAX_WORDS or fold(words[0]) in _BODY_WORDS:
            continue
        if gazetteer.resolve(" ".join(words)) is not None and len(words) <= 2 and _is_place(words, city, gazetteer):
            continue
        words = _without_city(words, city, gazetteer)
        name = " ".join(words).strip(" ,;:")
        if len(re.sub(r"\W", "", name)) >= ALIAS_MIN_CHARS:
            names.append(name)
    return list(dict.fromkeys(names))


def _is_place(words: list[str], city: City | None, gazetteer: Gazetteer) -> bool:
    resolved = gazetteer.resolve(" ".join(words))
    return resolved is not None and (city is None or resolved.geonameid == city.geonameid or len(words) == 1)


def _names_city(word: str, city: City | None, gazetteer: Gazetteer) -> bool:
    if city is None:
        return False
    bare = _POSSESSIVE.sub("", word.strip("'’\",.")) if word[:1].isupper() else word
    for form in (word.strip("'’\",."), bare):
        resolved = gazetteer.resolve(form) if form else None
        if resolved is not None and resolved.geonameid == city.geonameid:
            return True
    return False


def _without_city(words: list[str], city: City | None, gazetteer: Gazetteer) -> list[str]:
    """Drop a possessive city ("Vienna's") anywhere and "in <city>" at the end; keep a city that
    is part of a name ("Start Wien", "Fuenlabrada Global")."""
    kept = [w for w in words if not (re.search(r"['’]s$", w) and _names_city(w, city, gazetteer))]
    if len(kept) >= 3 and _names_city(kept[-1], city, gazetteer) and fold(kept[-2]) in _PLACE_PREPOSITIONS:
        kept = kept[:-2]
    return kept


# -- one practice record -------------------------------------------------------------------


def _practice(
    doc: Document, city: City | None, name: str, indexes: list[int], origin: str, cities: list[City],
    country: str | None = None,
) -> Practice:
    whole = len(indexes) == len(doc.passages)
    topics = sorted({t for i in indexes for t in doc.passages[i].topics} | (set(doc.topics) if whole else set()))
    text = "\n".join(doc.passages[i].text for i in indexes)
    return Practice(
        title=" ".join(name.split()), city=city, topics=topics, language=doc.language,
        page_start=doc.passages[indexes[0]].page_start, page_end=doc.passages[indexes[-1]].page_end,
        passage_indexes=indexes, origin="catalogue" if origin == "catalogue" else "inferred",
        cities=cities or ([city] if city else []), organisation=organisation(text, name),
        description=describe(text, name, city, skip=(doc.title, name)),
        target_groups=target_groups(text), period=period(name, text), names=initiative_names(name, city),
        country=country or (city.country if city else None),
    )


_BULLET = re.compile(r"^\s*(?:[-•▪◦*–]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"“„«(]?[A-ZÀ-ÝΑ-Ω0-9])")


def sentences(text: str) -> list[str]:
    """Sentences of a text, each a verbatim span (lines that are headings are left out)."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph or _BULLET.match(paragraph):
            continue
        if not re.search(r"[.!?]$|[.!?][\"”»)]$", paragraph) and len(paragraph.split()) < SENTENCE_MIN_WORDS:
            continue
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return out


def describe(text: str, name: str, city: City | None, skip: Sequence[str] = ()) -> str | None:
    """The sentences that describe the practice best, quoted verbatim, in their order.

    A sentence scores for naming the initiative (words of its name) and its city, and for
    coming early (a write-up says what the initiative is before its history and numbers);
    questions, quotations, lists and sentences full of figures score less.
    """
    city_key = fold(city.name) if city else None
    name_words = {w for w in (fold(x.strip("'’\".,:;()„“”«»")) for x in name.split())
                  if len(w) > 3 and (not city_key or not w.startswith(city_key[:5]))}
    skipped = {" ".join(s.split()) for s in skip}
    scored: list[tuple[float, int, str]] = []
    for position, sentence in enumerate(sentences(text)[:12]):
        words = _without_heading(sentence.split(), skipped)
        sentence = " ".join(words)
        if sentence in skipped or not SENTENCE_MIN_WORDS <= len(words) <= SENTENCE_MAX_WORDS:
            continue
        folded = fold(sentence)
        score = 1.0 - position * 0.08
        score += 0.6 * min(2, sum(1 for w in name_words if w in folded))
        score += 0.5 if city_key and city_key in folded else 0.0
        score -= 1.0 if sentence.endswith("?") or sentence[0] in "\"“„«'‘" else 0.0
        score -= 0.5 if sum(ch.isdigit() for ch in sentence) > 12 else 0.0
        scored.append((score, position, sentence))
    chosen: list[tuple[int, str]] = []
    total = 0
    for _score, position, sentence in sorted(scored, key=lambda s: (-s[0], s[1])):
        if len(chosen) >= DESCRIPTION_SENTENCES or total + len(sentence.split()) > DESCRIPTION_MAX_WORDS:
            break
        chosen.append((position, sentence))
        total += len(sentence.split())
    # Sentences that are not next to each other in the text are joined by an ellipsis: a quote.
    parts: list[str] = []
    last = None
    for position, sentence in sorted(chosen):
        parts.append(sentence if last is None else (" " if position == last + 1 else " … ") + sentence)
        last = position
    return "".join(parts) or None


def _without_heading(words: list[str], headings: set[str]) -> list[str]:
    """A title run into the first sentence ("Title of the sheet Every municipality ...") is cut off."""
    for heading in headings:
        count = len(heading.split())
        if len(words) > count and " ".join(words[:count]) == heading:
            return words[count:]
    return words


def target_groups(text: str) -> list[str]:
    """The groups a practice is for, from a multilingual lexicon (named at least once)."""
    folded = fold(text)
    return sorted(g for g, pattern in _GROUP_PATTERNS.items() if pattern.search(folded))


def period(name: str, text: str) -> str | None:
    """The years the practice runs, where stated: a range ("2013-2016"), else "since 2008"."""
    for source in (name, text):
        for pattern in (_RANGE, _BETWEEN):
            match = pattern.search(source)
            if match:
                start, end = match.group("a"), match.group("b")
                end = start[:2] + end if len(end) == 2 else end
                if start < end:
                    return f"{start}–{end}"
    match = _SINCE.search(text)
    return f"since {match.group('a')}" if match else None


def organisation(text: str, name: str = "") -> str | None:
    """Who runs the practice, where a sentence that names it says so ("coordinated by the City of
    Vienna's MA 17"). A single common word ("the municipalities") is not an organisation."""
    name_words = {w for w in (fold(x.strip("'’\".,:;()„“”«»")) for x in name.split()) if len(w) > 3}
    for sentence in sentences(text):
        folded = fold(sentence)
        if name_words and not any(w in folded for w in name_words):
            continue
        for match in _ORGANISATION.finditer(sentence):
            org = " ".join(match.group("org").split())
            if len(org.split()) >= 2 or (org.isupper() and len(org) >= 2):
                return org
    return None


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
