"""clean_pages and split_passages, on small made-up pages and on the seeds' real text."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from praxis.ingest.pdf_reader import read_pdf
from praxis.ingest.text import clean_pages, split_passages

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SEEDS = [
    "clip-info-sheet-en.pdf",
    "clip-info-sheet-sv.pdf",
    "clip-housing-workshop-lecce-2008-en.pdf",
    "inclucities-overview-el.pdf",
    "eurocities-integration-at-local-level-2016-en.pdf",
]


@lru_cache(maxsize=None)
def _cleaned(name: str) -> tuple[str, ...]:
    return tuple(clean_pages(read_pdf(CORPUS / name).pages))


def _one(text: str) -> str:
    return clean_pages([text])[0]


def _sentences(count: int, words: int = 10, start: int = 0) -> str:
    """``count`` distinct sentences of ``words`` words each."""
    return " ".join(
        "Sentence " + " ".join(f"w{start + i}x{j}" for j in range(words - 2)) + " ends."
        for i in range(count)
    )


# --- characters and whitespace ---------------------------------------------------------


def test_ligatures_and_odd_spaces_are_fixed() -> None:
    assert _one("The ﬁrst ﬂoor of the oﬃce\u00a0is open.") == "The first floor of the office is open."


def test_soft_hyphen_at_line_end_joins_the_word() -> None:
    assert _one("the inte\u00ad\ngration of migrants") == "the integration of migrants"


def test_spaces_collapse_and_blank_lines_separate_paragraphs() -> None:
    assert _one("First   paragraph\there.\n\n\n\nSecond  one.") == "First paragraph here.\n\nSecond one."


def test_pages_keep_their_positions() -> None:
    cleaned = clean_pages(["Some text on page one.", "", "Page three text."])
    assert cleaned == ["Some text on page one.", "", "Page three text."]


# --- words broken at line ends ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the integra-\ntion of migrants", "the integration of migrants"),
        ("a plan for devel-\nopment in the city", "a plan for development in the city"),
        ("the Barcelona anti-\nrumour strategy", "the Barcelona anti-rumour strategy"),
        ("mentoring Saint-Jean-de-la-\nRuelle in France", "mentoring Saint-Jean-de-la-Ruelle in France"),
        ("Mayor of Nikaia-\nRentis in Greece", "Mayor of Nikaia-Rentis in Greece"),
        ("levnads- \noch arbetsvillkor", "levnads- och arbetsvillkor"),
        ("etwa Kultur-\nund Akademikervereine", "etwa Kultur- und Akademikervereine"),
        (
            "Source: https://ec.europa.eu/integrating-cities-\ncharter-0_en",
            "Source: https://ec.europa.eu/integrating-cities-charter-0_en",
        ),
        (
            "Source: https://vivalis.brussels/fr/que-nous/\naide-aux-personnes",
            "Source: https://vivalis.brussels/fr/que-nous/aide-aux-personnes",
        ),
        ("the plan 2025-\n2026 was adopted", "the plan 2025-2026 was adopted"),
    ],
)
def test_words_broken_at_line_ends(raw: str, expected: str) -> None:
    assert _one(raw) == expected


def test_the_document_decides_between_join_and_hyphen() -> None:
    # "co-operation" is written with a hyphen elsewhere, "gender" and "sensitive" stand alone.
    text = (
        "Co-operation matters.\nThe co-\noperation of cities is a gender-\nsensitive matter.\n"
        "Gender plays a role, and they are sensitive to it."
    )
    cleaned = _one(text)
    assert "co-operation of cities" in cleaned and "gender-sensitive" in cleaned


def test_seeds_keep_real_compounds_and_join_broken_words() -> None:
    lecce = " ".join(_cleaned("clip-housing-workshop-lecce-2008-en.pdf"))
    assert "anti-segregation policies" in lecce
    swedish = " ".join(_cleaned("clip-info-sheet-sv.pdf"))
    assert "levnads- och arbetsvillkor" in swedish


def test_word_broken_across_a_page_break_is_completed_on_the_first_page() -> None:
    pages = clean_pages(["It supports the integra-", "tion of newcomers in Vienna."])
    assert pages == ["It supports the integration", "of newcomers in Vienna."]


# --- headers, footers, page numbers -------------------------------------------------------


_TOPICS = ["housing", "language courses", "jobs", "schools", "health care", "sport"]


def _report(pages: int) -> list[str]:
    return [
        f"PRAXIS REPORT 2024 – chapter {n}\n"
        f"This page talks about {_TOPICS[n]} in Vienna.\n"
        f"Page {n} of {pages}"
        for n in range(1, pages + 1)
    ]


def test_repeated_headers_and_page_numbers_are_removed() -> None:
    cleaned = clean_pages(_report(5))
    for n, page in enumerate(cleaned, start=1):
        assert "PRAXIS REPORT" not in page and "of 5" not in page
        assert page == f"This page talks about {_TOPICS[n]} in Vienna."


def test_a_line_on_few_pages_is_not_a_header() -> None:
    pages = _report(5)
    pages[0] = "Welcome from the mayor\n" + pages[0]
    pages[3] = "Welcome from the mayor\n" + pages[3]
    assert sum("Welcome from the mayor" in page for page in clean_pages(pages)) == 2


def test_two_pages_are_too_few_to_call_a_line_a_header() -> None:
    pages = ["Integration plan\nBody one.", "Integration plan\nBody two."]
    assert all("Integration plan" in page for page in clean_pages(pages))


def test_bare_page_numbers_go_but_numbered_steps_stay() -> None:
    pages = [f"This page is about {_TOPICS[n]}.\n{n}" for n in range(1, 5)]
    assert clean_pages(pages) == [f"This page is about {_TOPICS[n]}." for n in range(1, 5)]
    steps = ["Steps of the mentoring\n4", "5\nAction planning", "Results\nMore text.", "End."]
    cleaned = clean_pages(steps)
    assert cleaned[0].endswith("4") and cleaned[1].startswith("5")


# --- paragraphs --------------------------------------------------------------------------


def test_hard_wrapped_lines_become_paragraphs() -> None:
    page = (
        "Start Wien is an ongoing initiative of the Vienna city government, running since\n"
        "2008 and covering the whole city. Its central idea is that newcomers should get\n"
        "the essential facts about everyday life as soon as possible.\n"
        "Results\n"
        "The programme is based on the view that the first two years decide a lot.\n"
        "- German courses\n"
        "- Information modules"
    )
    assert _one(page).split("\n\n") == [
        "Start Wien is an ongoing initiative of the Vienna city government, running since "
        "2008 and covering the whole city. Its central idea is that newcomers should get "
        "the essential facts about everyday life as soon as possible.",
        "Results",
        "The programme is based on the view that the first two years decide a lot.",
        "- German courses",
        "- Information modules",
    ]


# --- passages ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SEEDS)
def test_seed_passages_respect_sizes_and_keep_every_word(name: str) -> None:
    pages = list(_cleaned(name))
    passages = split_passages(pages)
    assert passages
    for text, start, end in passages:
        assert 80 <= len(text.split()) <= 300
        assert 1 <= start <= end <= len(pages)
    starts = [start for _, start, _ in passages]
    assert starts == sorted(starts)
    assert [w for text, _, _ in passages for w in text.split()] == " ".join(pages).split()


def test_a_passage_can_span_a_page_break() -> None:
    passages = split_passages(list(_cleaned("clip-info-sheet-en.pdf")))
    assert any(start < end for _, start, end in passages)


def test_paragraph_cut_by_a_page_break_is_one_passage() -> None:
    passages = split_passages(["Intro words here. The integration of", "newcomers matters a lot."])
    assert passages == [("Intro words here. The integration of newcomers matters a lot.", 1, 2)]


def test_long_paragraph_is_cut_at_sentence_ends() -> None:
    passages = split_passages([_sentences(70)])  # 700 words in one paragraph
    assert len(passages) == 3
    for text, _, _ in passages:
        assert 80 <= len(text.split()) <= 300 and text.endswith("ends.")


def test_sentence_longer_than_the_maximum_is_cut_evenly() -> None:
    names = " ".join(f"City{i}," for i in range(650))
    sizes = [len(text.split()) for text, _, _ in split_passages([names])]
    assert sum(sizes) == 650 and max(sizes) <= 300 and min(sizes) >= 200


def test_short_lines_are_grouped_with_their_neighbours() -> None:
    slide = "\n\n".join(f"- Point {i}" for i in range(60))  # 60 paragraphs of 3 words
    passages = split_passages([slide])
    # 27 bullets make 81 words; the 6 left over join the second passage.
    assert [len(t.split()) for t, _, _ in passages] == [81, 99]
    assert passages[0][0].startswith("- Point 0\n- Point 1\n")


def test_short_tail_joins_the_previous_passage() -> None:
    page = _sentences(15) + "\n\n" + _sentences(2, start=100)  # 150 words, then 20
    passages = split_passages([page])
    assert len(passages) == 1 and len(passages[0][0].split()) == 170


def test_paragraphs_of_good_size_stay_apart() -> None:
    page = _sentences(10) + "\n\n" + _sentences(10, start=100)  # 100 words each
    assert [len(t.split()) for t, _, _ in split_passages([page])] == [100, 100]


def test_little_text_still_gives_one_passage() -> None:
    passages = split_passages(["", "A short note of thirty words " + "word " * 24])
    assert len(passages) == 1 and passages[0][1:] == (2, 2)


def test_no_text_gives_no_passage() -> None:
    assert split_passages(["", "  ", ""]) == []


def test_passages_are_deterministic() -> None:
    pages = list(_cleaned("eurocities-integration-at-local-level-2016-en.pdf"))
    assert split_passages(pages) == split_passages(list(pages))
    assert clean_pages(read_pdf(CORPUS / "inclucities-overview-el.pdf").pages) == list(
        _cleaned("inclucities-overview-el.pdf")
    )
