"""Recommendation scoring pieces that need no model: strengths, context, needs."""
from __future__ import annotations

import pytest

from praxis.service.recommend.evidence import ANSWERS_SUPPORT, TOP_RANK_WEIGHT, Hit, dense_support, rank_weight
from praxis.service.recommend.models import MenteeContext
from praxis.service.recommend.needs import content_words, split_needs
from praxis.service.recommend.scoring import (
    MENTOR_WEIGHTS, PRACTICE_WEIGHTS, context_fit, practice_relevance, size_similarity, strength,
)


def test_weights_sum_to_one_so_scores_stay_in_unit_range() -> None:
    assert sum(MENTOR_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(PRACTICE_WEIGHTS.values()) == pytest.approx(1.0)


def test_strength_labels() -> None:
    assert strength(0.9) == "strong" and strength(0.4) == "partial" and strength(0.1) == "weak"


def test_size_and_context() -> None:
    assert size_similarity(20_000, 20_000) == 1.0
    assert size_similarity(1_000, 1_000_000) == 0.0
    assert size_similarity(None, 5) == 0.5
    mentee = MenteeContext(country="GR", population=20_000)
    assert context_fit(mentee, "GR", 20_000) == 1.0
    assert context_fit(mentee, "ES", 20_000_000) == 0.0


def test_a_hit_answers_only_when_ranked_high_and_supported() -> None:
    assert rank_weight(0) == 1.0 and rank_weight(10) == pytest.approx(0.5)
    assert Hit(1, 1, 0, 1.0, ANSWERS_SUPPORT).answers
    assert not Hit(1, 1, 0, 1.0, ANSWERS_SUPPORT - 0.01).answers  # the best passage of nonsense
    assert not Hit(1, 1, 40, TOP_RANK_WEIGHT - 0.01, 1.0).answers
    assert dense_support(0.0) == 0.0 and dense_support(1.0) == 1.0


def test_needs_are_split_and_context_is_not_a_need() -> None:
    needs = split_needs(
        "We are a town of 20,000 people near Athens. Newcomers cannot find language courses; "
        "they also need legal advice.\nWe want to fight rumours about refugees."
    )
    assert len(needs) == 3
    assert not any("20,000" in need for need in needs)


@pytest.mark.parametrize(("text", "expected"), [
    ("Ageing society and economic change: we want to attract foreign students",
     ["Ageing society and economic change", "we want to attract foreign students"]),
    ("Nous voulons un guichet unique : accueil, cours de français",
     ["Nous voulons un guichet unique", "accueil, cours de français"]),
    ("Language courses start at 10:30, see https://example.org/courses for refugees",
     ["Language courses start at 10:30, see https://example.org/courses for refugees"]),
])
def test_a_colon_after_a_word_ends_a_need_but_not_a_time_or_a_link(text: str, expected: list[str]) -> None:
    assert split_needs(text) == expected


def test_content_words_ignore_digits_symbols_and_function_words() -> None:
    assert content_words("12345 !!! 🙂🙂") == []
    assert "housing" in content_words("the housing of refugees")
    assert "the" not in content_words("the housing of refugees")


def test_practice_relevance_rewards_the_best_answered_need_and_stays_in_unit_range() -> None:
    assert practice_relevance([], 3) == 0.0
    assert practice_relevance([1.0, 1.0, 1.0], 3) == pytest.approx(1.0)
    # one need answered by the best passage beats two needs answered weakly
    assert practice_relevance([1.0], 3) > practice_relevance([0.3, 0.3], 3)
    # and answering more needs as well as the best one still counts
    assert practice_relevance([1.0, 0.5], 3) > practice_relevance([1.0], 3)
    assert 0.0 <= practice_relevance([0.2, 0.9], 2) <= 1.0
