"""The cohort assignment on synthetic score matrices: optimal (brute force), capacity, ties."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from praxis.service.recommend.cohort import optimal_assignment


def brute_force(scores: np.ndarray, allowed: np.ndarray, capacity: list[int]) -> float:
    """Best total over every partial assignment (a mentee may stay unassigned: -1)."""
    rows, cols = scores.shape
    best = 0.0
    for choice in itertools.product(range(-1, cols), repeat=rows):
        used = [0] * cols
        total = 0.0
        for i, j in enumerate(choice):
            if j < 0:
                continue
            if not allowed[i, j]:
                break
            used[j] += 1
            total += scores[i, j]
        else:
            if all(u <= c for u, c in zip(used, capacity)):
                best = max(best, total)
    return best


def total_of(assignment: dict[int, int], scores: np.ndarray) -> float:
    return float(sum(scores[i, j] for i, j in assignment.items()))


@pytest.mark.parametrize("seed", range(40))
def test_assignment_is_optimal_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    scores = rng.uniform(0.05, 1.0, (rows, cols)).round(2)
    allowed = rng.uniform(size=(rows, cols)) < 0.75
    capacity = [int(c) for c in rng.integers(0, 3, cols)]
    assignment = optimal_assignment(scores, allowed, capacity)
    assert total_of(assignment, scores) == pytest.approx(brute_force(scores, allowed, capacity), abs=1e-6)
    assert all(allowed[i, j] for i, j in assignment.items())
    for j in range(cols):
        assert sum(1 for v in assignment.values() if v == j) <= capacity[j]


def test_capacity_lets_one_mentor_take_several_mentees() -> None:
    scores = np.array([[0.9, 0.2], [0.8, 0.1], [0.7, 0.3]])
    allowed = np.ones_like(scores, dtype=bool)
    assert optimal_assignment(scores, allowed, [1, 1]) in ({0: 0, 2: 1},)
    two = optimal_assignment(scores, allowed, [2, 1])
    assert sorted(i for i, j in two.items() if j == 0) == [0, 1] and two[2] == 1
    assert optimal_assignment(scores, allowed, [0, 0]) == {}


def test_a_forbidden_pair_is_never_assigned_even_if_it_leaves_a_mentee_out() -> None:
    scores = np.array([[0.9, 0.5], [0.8, 0.0]])
    allowed = np.array([[True, True], [True, False]])
    assert optimal_assignment(scores, allowed, [1, 1]) == {0: 1, 1: 0}
    alone = np.array([[True, False], [False, False]])
    assert optimal_assignment(scores, alone, [1, 1]) == {0: 0}


def test_ties_are_broken_the_same_way_every_time() -> None:
    scores = np.full((3, 3), 0.5)
    allowed = np.ones_like(scores, dtype=bool)
    first = optimal_assignment(scores, allowed, [1, 1, 1])
    assert all(optimal_assignment(scores.copy(), allowed, [1, 1, 1]) == first for _ in range(5))
    assert first == {0: 0, 1: 1, 2: 2}  # earlier mentees take earlier mentors when all else is equal


def test_more_mentees_than_places_keeps_the_best_total() -> None:
    scores = np.array([[0.3], [0.9], [0.6]])
    assert optimal_assignment(scores, np.ones_like(scores, dtype=bool), [1]) == {1: 0}
