"""GET /coverage: topics x countries, how many practices from how many cities (a heat map)."""
from __future__ import annotations

from fastapi import APIRouter

from praxis.service.deps import LibraryDep
from praxis.service.recommend.coverage import Coverage, coverage as library_coverage

router = APIRouter(tags=["recommend"])


@router.get("/coverage", response_model=Coverage, summary="What the library covers: topics x countries")
def coverage(library: LibraryDep) -> Coverage:
    return library_coverage(library.store)
