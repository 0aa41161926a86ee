"""GET /health: is the library open, and how big is it."""
from __future__ import annotations

from fastapi import APIRouter

from praxis.service.deps import LibraryDep, SettingsDep
from praxis.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Library size and embedder")
def health(library: LibraryDep, settings: SettingsDep) -> Health:
    counts = library.store.counts()
    return Health(
        status="ok", documents=counts["documents"], passages=counts["passages"], practices=counts["practices"],
        cities=counts["cities"], embedder=library.embedder.identifier, writes_enabled=bool(settings.api_key),
    )
