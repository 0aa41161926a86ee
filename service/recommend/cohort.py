"""Match a cohort: several mentees, several mentors, the assignment with the most total fit.

The mentee x mentor score matrix is built from the SAME analysis and scoring as a single
recommendation (`Analysis`, `score_mentor`), so a pair's score here is the score
`praxis recommend` gives that mentor for that mentee. A mentor that answers none of a
mentee's needs cannot be assigned to it. The assignment is optimal
(scipy.optimize.linear_sum_assignment on the matrix with every mentor repeated `capacity`
times); ties are broken deterministically by a tiny preference for earlier (mentee, mentor id)
pairs, so the same input always gives the same pairs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import linear_sum_assignment

from praxis.index import evidence as reads
from praxis.index.evidence import CityRow
from praxis.index.library import Library
from praxis.ingest.cities import Gazetteer
from praxis.service.recommend import Analysis, mentor_card, need_statuses
from praxis.service.recommend.models import Evidence, MenteeContext, MenteeProfile, Strength
from praxis.service.recommend.scoring import answers_any, score_mentor, strength

MAX_MENTEES = 50
MAX_MENTORS = 100
MAX_CAPACITY = 50
# Added to the cost of pair (i, j) as i*n+j times this: far below any score difference that
# matters (scores are rounded to 1e-4 when shown) and it makes the optimum unique.
TIE_BREAK = 1e-9


# -- request and answer -------------------------------------------------------------------


class CohortMentee(BaseModel):
    model_config = ConfigDict(extra="forbid")

    city: str = Field(min_length=1, max_length=120)
    needs: str = Field(min_length=3, max_length=4000)
    population: int | None = Field(default=None, ge=1, le=50_000_000)
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    geonameid: int | None = Field(default=None, ge=1, le=2**40)


class CohortRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mentees: list[CohortMentee] = Field(min_length=1, max_length=MAX_MENTEES)
    mentors: list[str] | None = Field(
        default=None, max_length=MAX_MENTORS, description="candidate mentor cities; none: any city the library documents"
    )
    capacity: int | dict[str, int] = Field(
        default=1, description="mentees per mentor: one number for all, or {city: n} (others 1)"
    )


class RunnerUp(BaseModel):
    mentor: str
    mentor_geonameid: int
    score: float


class Pair(BaseModel):
    mentee: str
    mentee_geonameid: int | None
    mentor: str
    mentor_geonameid: int
    mentor_country: str
    mentor_latitude: float | None = None  # WGS84 degrees, for the map
    mentor_longitude: float | None = None
    score: float
    strength: Strength
    needs_answered: list[str]
    needs_open: list[str] = Field(description="needs the library answers, but not this mentor")
    evidence: list[Evidence]
    reason: str
    runner_up: RunnerUp | None


class Unassigned(BaseModel):
    mentee: str
    reason: str


class CohortGap(BaseModel):
    mentee: str
    need: str
    status: str


class CohortAnswer(BaseModel):
    pairs: list[Pair]
    unassigned: list[Unassigned]
    gaps: list[CohortGap]
    mentees: list[MenteeContext]
    total_score: float
    message: str | None = None


class CohortError(ValueError):
    """A request that cannot be matched (unknown mentor city, bad capacity)."""


# -- the assignment -----------------------------------------------------------------------


def optimal_assignment(scores: np.ndarray, allowed: np.ndarray, capacity: list[int]) -> dict[int, int]:
    """Mentee row -> mentor column maximising the total score, each mentor at most
    `capacity[j]` times, only `allowed` pairs. Rows that cannot be matched are left out."""
    rows, cols = scores.shape
    if rows == 0 or cols == 0:
        return {}
    slots = [j for j in range(cols) for _ in range(max(0, capacity[j]))]
    if not slots:
        return {}
    # A forbidden pair costs 0, as leaving the mentee unassigned does (scores are > 0): the
    # optimum is the maximum-weight matching, and forbidden pairs in it are dropped.
    forbidden = 0.0
    cost = np.full((rows, len(slots)), forbidden)
    for s, j in enumerate(slots):
        order = np.arange(rows) * cols + j
        cost[:, s] = np.where(allowed[:, j], -scores[:, j] + TIE_BREAK * order, forbidden)
    row_index, slot_index = linear_sum_assignment(cost)
    return {int(r): slots[s] for r, s in zip(row_index, slot_index) if allowed[r, slots[s]]}


# -- matching a cohort --------------------------------------------------------------------


@dataclass
class Candidates:
    cities: dict[int, CityRow]
    capacity: dict[int, int]


def _resolve_mentors(library: Library, request: CohortRequest) -> Candidates:
    store = library.store
    if request.mentors is None:
        cities = {c.geonameid: c for c in reads.documented_cities(store)}
    else:
        cities = {}
        for name in request.mentors:
            city = _library_city(library, name)
            if city is None:
                raise CohortError(f"mentor city '{name[:60]}' is not a city the library documents")
            cities[city.geonameid] = city
    capacity = {gid: 1 for gid in cities}
    if isinstance(request.capacity, int):
        if not 1 <= request.capacity <= MAX_CAPACITY:
            raise CohortError(f"capacity must be between 1 and {MAX_CAPACITY}")
        capacity = {gid: request.capacity for gid in cities}
    else:
        for name, value in request.capacity.items():
            if not 0 <= value <= MAX_CAPACITY:
                raise CohortError(f"capacity of '{name[:60]}' must be between 0 and {MAX_CAPACITY}")
            city = _library_city(library, name)
            if city is None or city.geonameid not in cities:
                raise CohortError(f"capacity names '{name[:60]}', which is not a candidate mentor")
            capacity[city.geonameid] = value
    return Candidates(cities, capacity)


def _library_city(library: Library, name: str) -> CityRow | None:
    """A city of the library by its stored name, else by the gazetteer's reading of the name."""
    named = reads.cities_named(library.store, name.strip())
    if named:
        return named[0]
    resolved = Gazetteer.load().resolve(name)
    if resolved is None:
        return None
    return reads.city_rows(library.store, [resolved.geonameid]).get(resolved.geonameid)


def score_matrix(analyses: list[Analysis], candidates: Candidates) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(mentor ids in column order, scores, allowed) from each mentee's analysis."""
    mentor_ids = sorted(candidates.cities)
    experience = reads.mentoring_experience(analyses[0].library.store, mentor_ids) if analyses else {}
    scores = np.zeros((len(analyses), len(mentor_ids)))
    allowed = np.zeros_like(scores, dtype=bool)
    for i, analysis in enumerate(analyses):
        for j, gid in enumerate(mentor_ids):
            by_need = analysis.city_evidence.get(gid)
            if not by_need or gid == analysis.mentee.geonameid or not answers_any(by_need):
                continue
            scored = score_mentor(by_need, len(analysis.needs), candidates.cities[gid], experience.get(gid, []),
                                  analysis.mentee)
            scores[i, j], allowed[i, j] = round(scored.score, 4), True
    return mentor_ids, scores, allowed


def match_cohort(library: Library, request: CohortRequest) -> CohortAnswer:
    candidates = _resolve_mentors(library, request)
    analyses = [
        Analysis(library, MenteeProfile(needs=m.needs, city=m.city, country=m.country, population=m.population,
                                        geonameid=m.geonameid))
        for m in request.mentees
    ]
    mentor_ids, scores, allowed = score_matrix(analyses, candidates)
    assignment = optimal_assignment(scores, allowed, [candidates.capacity[g] for g in mentor_ids])
    experience = reads.mentoring_experience(library.store, mentor_ids)
    pairs, unassigned, gaps = [], [], []
    for i, analysis in enumerate(analyses):
        name = analysis.mentee.city or request.mentees[i].city
        statuses = need_statuses(analysis)
        gaps += [CohortGap(mentee=name, need=s.need, status=s.status) for s in statuses if s.status != "answered"]
        if i not in assignment:
            reason = ("no candidate mentor answers any of its needs" if not allowed[i].any()
                      else "every mentor that answers its needs is taken by mentees it fits better")
            unassigned.append(Unassigned(mentee=name, reason=reason))
            continue
        j = assignment[i]
        gid = mentor_ids[j]
        scored = score_mentor(analysis.city_evidence[gid], len(analysis.needs), candidates.cities[gid],
                              experience.get(gid, []), analysis.mentee)
        card = mentor_card(analysis, scored)
        answered_by_library = {s.index for s in statuses if s.status == "answered"}
        pairs.append(Pair(
            mentee=name, mentee_geonameid=analysis.mentee.geonameid, mentor=card.city, mentor_geonameid=gid,
            mentor_country=card.country, mentor_latitude=card.latitude, mentor_longitude=card.longitude,
            score=card.score, strength=card.strength, needs_answered=card.needs_answered,
            needs_open=[analysis.texts[k] for k in sorted(answered_by_library - set(card.need_indexes))],
            evidence=card.evidence, reason=card.reason, runner_up=_runner_up(scores[i], allowed[i], j, mentor_ids,
                                                                              candidates),
        ))
    total = round(float(sum(p.score for p in pairs)), 4)
    message = None if pairs else "No mentee could be matched: no candidate mentor answers their needs."
    return CohortAnswer(pairs=pairs, unassigned=unassigned, gaps=gaps, mentees=[a.mentee for a in analyses],
                        total_score=total, message=message)


def _runner_up(row: np.ndarray, allowed: np.ndarray, chosen: int, mentor_ids: list[int],
               candidates: Candidates) -> RunnerUp | None:
    others = [j for j in range(len(mentor_ids)) if j != chosen and allowed[j]]
    if not others:
        return None
    best = min(others, key=lambda j: (-row[j], mentor_ids[j]))
    city = candidates.cities[mentor_ids[best]]
    return RunnerUp(mentor=city.name, mentor_geonameid=city.geonameid, score=float(row[best]))
