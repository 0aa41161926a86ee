"""POST /recommend: practices and mentor cities for a mentee's needs (as `praxis recommend --json`)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from praxis.service.deps import LibraryDep, SettingsDep
from praxis.service.recommend import MenteeProfile, Recommendation, UnknownCity, recommend as run_recommend
from praxis.service.routers.common import invalid, responses, timed
from praxis.service.schemas import RecommendRequest

router = APIRouter(tags=["recommend"])


@router.post(
    "/recommend", response_model=Recommendation, responses=responses(422),
    summary="Practices and mentor cities for a mentee city's needs",
    response_description="The resolved mentee (with alternatives), each need's status (answered, gap, not "
    "understood), practice cards and mentor cities with strength, reason and per-need evidence",
)
def recommend(body: RecommendRequest, response: Response, library: LibraryDep, settings: SettingsDep) -> Recommendation:
    if len(body.needs) > settings.max_needs_chars:
        raise invalid("body", "needs", f"needs too long: {len(body.needs)} characters (the limit is {settings.max_needs_chars})")
    if not body.needs.strip():
        raise invalid("body", "needs", "the needs are empty")
    if body.k > settings.max_k:
        raise invalid("body", "k", f"k must be between 1 and {settings.max_k}")
    profile = MenteeProfile.model_validate(body.model_dump(exclude={"k"}))
    with timed(response, "recommend"):
        try:
            return run_recommend(library, profile, k=body.k)
        except UnknownCity as error:
            raise invalid("body", "geonameid", str(error)) from None
