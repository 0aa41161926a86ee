"""GET /practices/{id}: a practice with the passages that describe it."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path as PathParam, status

from praxis.service.deps import LibraryDep
from praxis.service.routers.common import SQL_INT_MAX, responses
from praxis.index import catalog
from praxis.service.routers.rows import file_url, practice_summary
from praxis.service.schemas import PracticeDetail, PracticeDocument, PracticePassage

router = APIRouter(prefix="/practices", tags=["practices"])


@router.get("/{practice_id}", response_model=PracticeDetail, responses=responses(404, 422),
            summary="A practice, its document and the passages that describe it")
def get_practice(
    practice_id: Annotated[int, PathParam(ge=1, le=SQL_INT_MAX)], library: LibraryDep,
) -> PracticeDetail:
    row = catalog.practice_by_id(library.store, practice_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no practice with id {practice_id}")
    practice = practice_summary(row)
    doc = library.store.document(practice.document_id)
    passages = [
        PracticePassage(id=r["id"], ordinal=r["ordinal"], page_start=r["page_start"], page_end=r["page_end"],
                        language=r["language"], text=r["text"])
        for r in catalog.passages_of_practice(library.store, practice_id)
    ]
    return PracticeDetail(
        **practice.model_dump(), passages=passages,
        document=PracticeDocument(id=doc["id"], source=doc["source"], title=doc["title"], language=doc["language"],
                                  file_url=file_url(doc["id"])),
    )
