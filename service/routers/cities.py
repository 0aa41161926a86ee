"""Cities: which the library knows (with counts), and one city's practices, documents and mentoring roles."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Query, status
from fastapi.responses import JSONResponse

from praxis.service.deps import LibraryDep
from praxis.service.routers.common import responses
from praxis.index import catalog
from praxis.index.cities import documented_city_ids, library_cities_named, suggest_cities
from praxis.index import practices as practice_index
from praxis.service.routers.rows import practice_summaries
from praxis.service.schemas import CityDetail, CityDocument, CityList, CitySummary, MentoringRole, Partner

router = APIRouter(prefix="/cities", tags=["cities"])

Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]


@router.get("", response_model=CityList, summary="Cities with documents or practices, most documented first")
def list_cities(library: LibraryDep, country: Country = None) -> CityList:
    rows = catalog.city_summaries(library.store, country.upper() if country else None)
    items = [
        CitySummary(geonameid=r["geonameid"], name=r["name"], country=r["country"], population=r["population"] or None,
                    documents=r["documents"], practices=r["practices"], mentor_documents=r["mentor"],
                    mentee_documents=r["mentee"])
        for r in rows
    ]
    return CityList(total=len(items), items=items)


def _find_city(library, name: str, country: str | None):
    """A city the library documents: by its shown name or any stored spelling ("Wien",
    "Livadia"), else by the gazetteer's reading of the name, if that city is in the library.
    A namesake elsewhere ("Atlantis", South Africa) is no answer."""
    from praxis.ingest.cities import Gazetteer, PlaceContext, name_key

    rows = library_cities_named(library.store, name, name_key(name), country)
    if rows:
        return rows[0]
    documented = documented_city_ids(library.store)
    for city in Gazetteer.load().candidates(name, country, PlaceContext.of(preferred=documented)):
        if city.geonameid in documented:
            return catalog.city_by_id(library.store, city.geonameid)
    return None


def _not_found(library, name: str) -> JSONResponse:
    from praxis.ingest.cities import name_key

    suggestions = suggest_cities(library.store, name_key(name))
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
    return JSONResponse(
        {"detail": f"not found: no city called '{name[:120]}' in the library{hint}", "suggestions": suggestions},
        status_code=status.HTTP_404_NOT_FOUND,
    )


@router.get("/{name}", response_model=CityDetail, responses=responses(404, 422),
            summary="A city's practices, documents and mentoring roles (any spelling: 'Wien' finds Vienna); "
                    "a name the library does not document: 404 with up to 3 suggestions")
def get_city(
    name: Annotated[str, PathParam(min_length=1, max_length=120, description="city name, any language")],
    library: LibraryDep,
    country: Country = None,
) -> CityDetail | JSONResponse:
    city = _find_city(library, name, country)
    if city is None:
        return _not_found(library, name)
    gid = city["geonameid"]
    documents = [
        CityDocument(document_id=r["id"], source=r["source"], title=r["title"], language=r["language"], year=r["year"],
                     role=r["role"], origin=r["origin"], mentions=r["mentions"])
        for r in catalog.documents_of_city(library.store, gid)
    ]
    role_docs = [d for d in documents if d.role]
    partners = catalog.mentoring_partners(library.store, [d.document_id for d in role_docs], gid)
    mentoring = [
        MentoringRole(role=d.role, document_id=d.document_id, title=d.title, partners=[
            Partner(name=r["name"], country=r["country"], role=r["role"]) for r in partners.get(d.document_id, [])
        ])
        for d in role_docs
    ]
    return CityDetail(
        geonameid=gid, name=city["name"], country=city["country"], population=city["population"] or None,
        latitude=city["latitude"], longitude=city["longitude"], documents=documents,
        practices=practice_summaries(practice_index.practices_of_city(library.store, gid)), mentoring=mentoring,
    )
