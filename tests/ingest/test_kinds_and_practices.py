"""Document kinds and practice records, on real corpus PDFs (no model needed)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from praxis.ingest.catalogue import load_catalogue
from praxis.ingest.document import build_document
from praxis.ingest.kinds import NETWORK_OVERVIEW, NON_PRACTICE_KINDS, PRACTICE_SHEET, PRESENTATION, classify_kind
from praxis.ingest.models import Document, Passage
from praxis.ingest.practices import extract_practices
from praxis.ingest.pdf_reader import read_pdf
from praxis.ingest.text import clean_pages

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CATALOGUE = load_catalogue(CORPUS / "catalogue.jsonl")


@lru_cache(maxsize=None)
def _built(name: str, with_catalogue: bool) -> Document:
    pdf = read_pdf(CORPUS / name)
    return build_document(CORPUS / name, "0" * 64, pdf, CATALOGUE.get(name) if with_catalogue else None)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.mark.parametrize("with_catalogue", [True, False])
@pytest.mark.parametrize("name", ["clip-info-sheet-en.pdf", "clip-info-sheet-sv.pdf", "inclucities-overview-el.pdf"])
def test_network_overviews_are_recognised_with_or_without_the_catalogue(name, with_catalogue):
    doc = _built(name, with_catalogue)
    assert doc.kind == NETWORK_OVERVIEW
    assert doc.practices == [], "a network overview is no city's practice"


@pytest.mark.parametrize("with_catalogue", [True, False])
def test_the_clip_info_sheet_is_not_a_stuttgart_practice(with_catalogue):
    for name in ("clip-info-sheet-en.pdf", "clip-info-sheet-sv.pdf"):
        doc = _built(name, with_catalogue)
        assert any(c.city.name == "Stuttgart" for c in doc.cities), "the sheet does name Stuttgart"
        assert not any(c.name == "Stuttgart" for p in doc.practices for c in p.cities)


@pytest.mark.parametrize("name", ["002-vienna-en.pdf", "017-fuenlabrada-en.pdf", "041-athens-el.pdf", "067-riga-en.pdf"])
def test_one_page_sheets_about_one_city_are_practice_sheets_from_the_text_alone(name):
    doc = _built(name, with_catalogue=False)
    assert doc.kind == PRACTICE_SHEET
    assert len(doc.practices) == 1


def test_slides_are_a_presentation_from_the_text_alone():
    assert _built("eurocities-integration-at-local-level-2016-en.pdf", False).kind == PRESENTATION


def test_an_agenda_is_an_event_not_a_practice():
    pages = ["Integration conference 2019: agenda\n09:00 Registration and coffee\n09:30 Welcome address by the mayor\n"
             "10:15 Panel: housing for refugees\n12:30 Lunch\n14:00 Workshop: language courses\n16:30 Closing session"]
    doc = Document(source="agenda.pdf", path="agenda.pdf", sha256="0", pages=1, title="agenda", language="en")
    assert classify_kind(doc, pages) in NON_PRACTICE_KINDS


def test_the_catalogue_kind_is_used_when_it_names_one():
    doc = _built("047-amsterdam-nl.pdf", True)
    assert doc.kind == "report"


ALL_PDFS = sorted(p.name for p in CORPUS.glob("*.pdf"))


@pytest.mark.parametrize("with_catalogue", [True, False])
def test_practice_names_are_titles_headings_or_named_initiatives_never_passage_fragments(with_catalogue):
    checked = 0
    for name in ALL_PDFS:
        doc = _built(name, with_catalogue)
        pdf = read_pdf(CORPUS / name)
        headings = {" ".join(h.split()) for page in pdf.headings for h in page}
        for practice in doc.practices:
            checked += 1
            title = practice.title
            assert title and not title.endswith("…") and not title.endswith("..."), title
            if title == doc.title or title in headings:
                continue
            for passage in doc.passages:
                body = [line for line in passage.text.splitlines() if " ".join(line.split()) not in headings | {doc.title}]
                words = _words(" ".join(body))
                name_words = _words(title)
                assert words[: len(name_words)] != name_words, f"{name}: '{title}' is the start of a passage"
            text = " ".join(" ".join(doc.passages[i].text.split()) for i in practice.passage_indexes)
            assert " ".join(title.lower().split()) in text.lower() or title.isascii(), f"{name}: '{title}' is not in its text"
    assert checked >= 40


def test_descriptions_are_quoted_verbatim_and_say_what_the_practice_is():
    for name in ("002-vienna-en.pdf", "015-fuenlabrada-en.pdf", "089-fuenlabrada-es.pdf", "041-athens-el.pdf"):
        doc = _built(name, True)
        practice = doc.practices[0]
        text = " ".join(" ".join(p.text.split()) for p in doc.passages)
        assert practice.description, name
        for quote in practice.description.split(" … "):  # non-adjacent sentences are joined by an ellipsis
            assert quote in text, name
        assert 1 <= len(re.findall(r"[.!?](?:\s|$)", practice.description)) <= 3
    milma = _built("015-fuenlabrada-en.pdf", True).practices[0]
    assert "MILMA" in milma.description


def test_period_target_groups_and_cities_where_the_text_says():
    vienna = _built("002-vienna-en.pdf", True).practices[0]
    assert vienna.period == "since 2008"
    assert "newcomers" in vienna.target_groups or "migrants" in vienna.target_groups
    assert [c.name for c in vienna.cities] == ["Vienna"]
    plan = _built("036-alcala-de-xivert-es.pdf", True).practices[0]
    assert plan.period == "2025–2026"
    assert "migrants" in plan.target_groups


def test_a_report_section_is_named_by_the_initiative_the_text_names():
    doc = _built("001-amsterdam-ghent-en.pdf", True)
    names = {p.title: p.city.name for p in doc.practices}
    assert names.get("Centre of Refugee Empowerment (CoRE)") == "Vienna"


def test_presentation_sections_take_their_slide_headings():
    doc = _built("eurocities-integration-at-local-level-2016-en.pdf", True)
    by_city = {p.city.name: p.title for p in doc.practices}
    assert "Tampere" in by_city and "mentoring" in by_city["Tampere"].lower()
    assert all(p.city.name != "Helsinki" for p in doc.practices), "the network's introduction is no Helsinki practice"


def test_layout_headings_give_the_whole_title():
    pdf = read_pdf(CORPUS / "002-vienna-en.pdf")
    assert pdf.headings[0] == ["Start Wien: early, mother-tongue orientation for newcomers to Vienna"]
    pages = clean_pages(pdf.pages)
    doc = build_document(CORPUS / "002-vienna-en.pdf", "0" * 64, pdf.__class__(pages=pdf.pages, headings=pdf.headings), None)
    assert doc.title == "Start Wien: early, mother-tongue orientation for newcomers to Vienna"
    assert pages


def _cityless(kind: str, country: str | None, pages: int = 1) -> Document:
    text = ("The national reception network finances small projects that municipalities run for refugees. "
            "Each project offers housing in ordinary flats, language courses and legal advice.")
    doc = Document(source="n.pdf", path="n.pdf", sha256="0", pages=pages, title="A national reception network grows",
                   language="en", country=country, kind=kind)
    doc.passages = [Passage(text, 1, pages)]
    return doc


def test_a_short_write_up_naming_no_city_is_its_countrys_practice():
    (practice,) = extract_practices(_cityless("news", "IT"))
    assert practice.city is None and practice.cities == [] and practice.country == "IT"
    assert practice.title == "A national reception network grows"


@pytest.mark.parametrize("kind, country, pages", [
    ("news", None, 1),  # whose initiative is unknown
    ("news", "EU", 1),  # a European study or network is not one country's initiative
    ("report", "IT", 1),  # a study is evidence, not an initiative
    (NETWORK_OVERVIEW, "IT", 1),
    ("news", "IT", 9),  # a long document describes more than one thing
])
def test_cityless_documents_that_are_not_one_countrys_initiative_hold_no_practice(kind, country, pages):
    assert extract_practices(_cityless(kind, country, pages)) == []


def test_the_sample_library_national_programme_sheet_is_a_practice_with_no_city():
    doc = _built("034-it-it.pdf", True)
    assert not doc.cities
    (practice,) = doc.practices
    assert practice.country == "IT" and practice.title == doc.title


def test_a_short_programme_of_many_towns_none_leading_is_its_countrys_practice():
    doc = _built("037-berga-manlleu-es.pdf", True)
    assert len(doc.cities) > 4
    (practice,) = doc.practices
    assert practice.city is None and practice.country == "ES" and practice.title == doc.title


def test_a_title_run_into_the_first_sentence_is_not_quoted_as_the_description():
    from praxis.ingest.practices import describe

    title = "What municipalities must do for asylum seekers: the legal tasks"
    text = f"{title} Every municipality houses a share of the refugees who receive a residence permit each year."
    assert describe(text, title, None, skip=(title,)) == (
        "Every municipality houses a share of the refugees who receive a residence permit each year.")
