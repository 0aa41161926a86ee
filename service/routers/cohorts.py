"""POST /cohorts: match several mentee cities to mentor cities at once (as `praxis match --json`)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from praxis.service.deps import LibraryDep, SettingsDep
from praxis.service.recommend import UnknownCity
from praxis.service.recommend.cohort import CohortAnswer, CohortError, CohortRequest, match_cohort
from praxis.service.routers.common import invalid, responses, timed

router = APIRouter(tags=["recommend"])


@router.post(
    "/cohorts", response_model=CohortAnswer, responses=responses(422),
    summary="Optimal mentor for each mentee of a cohort",
    response_description="Pairs (score, needs answered, evidence, runner-up), unassigned mentees and the "
    "needs the library does not answer",
)
def cohorts(body: CohortRequest, response: Response, library: LibraryDep, settings: SettingsDep) -> CohortAnswer:
    for index, mentee in enumerate(body.mentees):
        if not mentee.needs.strip():
            raise invalid("body", f"mentees.{index}.needs", "the needs are empty")
        if len(mentee.needs) > settings.max_needs_chars:
            raise invalid("body", f"mentees.{index}.needs",
                          f"needs too long: {len(mentee.needs)} characters (the limit is {settings.max_needs_chars})")
    with timed(response, "cohort"):
        try:
            return match_cohort(library, body)
        except CohortError as error:
            raise invalid("body", "mentors", str(error)) from None
        except UnknownCity as error:
            raise invalid("body", "mentees", str(error)) from None
