"""GET /health: is the library open, how big is it, and is its derived state current."""
from __future__ import annotations

from fastapi import APIRouter

from praxis.service.deps import LibraryDep, SettingsDep
from praxis.service.schemas import DerivedState, Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Library size, embedder, derived state")
def health(library: LibraryDep, settings: SettingsDep) -> Health:
    counts = library.store.counts()
    stale = library.stale_steps()
    if stale and not library.writer_busy():
        library.repair_in_background()  # a writer killed mid-refresh: complete its work
    derived = DerivedState(current=not stale, stale=stale, repairing=library.repairing, error=library.last_repair_error)
    return Health(
        status="ok" if not stale else "completing derived state", documents=counts["documents"],
        passages=counts["passages"], practices=counts["practices"], cities=counts["cities"],
        embedder=library.embedder.identifier, writes_enabled=bool(settings.api_key), derived=derived,
    )
