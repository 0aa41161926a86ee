"""GET /practices/{id}: a practice, all the documents (and languages) that describe it, its
passages, and similar practices of other cities. Every query is in index/practices.py."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path as PathParam, status

from praxis.index import practices as practice_index
from praxis.service.deps import LibraryDep
from praxis.service.routers.common import SQL_INT_MAX, responses
from praxis.service.routers.rows import file_url, practice_cities, practice_summary
from praxis.service.schemas import (
    PracticeDetail, PracticeDocument, PracticePassage, PracticeSource, SimilarPractice,
)

router = APIRouter(prefix="/practices", tags=["practices"])


@router.get("/{practice_id}", response_model=PracticeDetail, responses=responses(404, 422),
            summary="A practice: its sources in every language, passages and similar practices elsewhere")
def get_practice(
    practice_id: Annotated[int, PathParam(ge=1, le=SQL_INT_MAX)], library: LibraryDep,
) -> PracticeDetail:
    store = library.store
    record = practice_index.get_practice(store, practice_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no practice with id {practice_id}")
    sources = practice_index.practice_sources(store, practice_id)
    first = next((s for s in sources if s.document_id == record.document_id), sources[0] if sources else None)
    passages = [PracticePassage(id=p.id, document_id=p.document_id, ordinal=p.ordinal, page_start=p.page_start,
                                page_end=p.page_end, language=p.language, text=p.text)
                for p in practice_index.practice_passages(store, practice_id)]
    similar = [SimilarPractice(id=s.id, name=s.name, cities=practice_cities(s.cities), languages=s.languages, score=s.score,
                               country=s.country)
               for s in practice_index.similar_practices(store, practice_id)]
    return PracticeDetail(
        **practice_summary(record).model_dump(),
        organisation=record.organisation, description=record.description, target_groups=record.target_groups,
        period=record.period,
        document=PracticeDocument(id=record.document_id, source=first.source if first else "",
                                  title=first.title if first else "", language=first.language if first else None,
                                  file_url=file_url(record.document_id)),
        sources=[PracticeSource.of(s) for s in sources],
        passages=passages, similar=similar,
    )
