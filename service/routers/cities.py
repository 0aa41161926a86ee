"""Cities: which the library knows (with counts), and one city's practices, documents and mentoring roles."""
from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path as PathParam, Query, status

from praxis.service.deps import LibraryDep
from praxis.service.routers.common import responses
from praxis.service.routers.rows import practices_where
from praxis.service.schemas import CityDetail, CityDocument, CityList, CitySummary, MentoringRole, Partner

router = APIRouter(prefix="/cities", tags=["cities"])

Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")]


@router.get("", response_model=CityList, summary="Cities with documents or practices, most documented first")
def list_cities(library: LibraryDep, country: Country = None) -> CityList:
    rows = library.store.conn.execute(
        "SELECT c.geonameid, c.name, c.country, c.population, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid) AS documents, "
        "(SELECT count(*) FROM practices pr WHERE pr.geonameid = c.geonameid) AS practices, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid AND dc.role = 'mentor') AS mentor, "
        "(SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid AND dc.role = 'mentee') AS mentee "
        "FROM cities c WHERE (? IS NULL OR c.country = ?) "
        "AND (EXISTS (SELECT 1 FROM document_cities dc WHERE dc.geonameid = c.geonameid) "
        "     OR EXISTS (SELECT 1 FROM practices pr WHERE pr.geonameid = c.geonameid)) "
        "ORDER BY documents DESC, practices DESC, c.name",
        (country.upper() if country else None,) * 2,
    ).fetchall()
    items = [
        CitySummary(geonameid=r["geonameid"], name=r["name"], country=r["country"], population=r["population"] or None,
                    documents=r["documents"], practices=r["practices"], mentor_documents=r["mentor"],
                    mentee_documents=r["mentee"])
        for r in rows
    ]
    return CityList(total=len(items), items=items)


def _find_city(library, name: str, country: str | None):
    """The library's own spelling first (case-insensitive), else the gazetteer's ("Wien" -> Vienna)."""
    conn = library.store.conn
    code = country.upper() if country else None
    rows = conn.execute(
        "SELECT c.*, (SELECT count(*) FROM document_cities dc WHERE dc.geonameid = c.geonameid) AS n "
        "FROM cities c WHERE c.name = ? COLLATE NOCASE AND (? IS NULL OR c.country = ?) ORDER BY n DESC, c.population DESC",
        (name.strip(), code, code),
    ).fetchall()
    if rows:
        return rows[0]
    from praxis.ingest.cities import Gazetteer

    city = Gazetteer.load().resolve(name, code)
    if city is None:
        return None
    row = conn.execute("SELECT * FROM cities WHERE geonameid = ?", (city.geonameid,)).fetchone()
    return row or {"geonameid": city.geonameid, "name": city.name, "country": city.country,
                   "population": city.population, "latitude": city.latitude, "longitude": city.longitude}


@router.get("/{name}", response_model=CityDetail, responses=responses(404, 422),
            summary="A city's practices, documents and mentoring roles (any spelling: 'Wien' finds Vienna)")
def get_city(
    name: Annotated[str, PathParam(min_length=1, max_length=120, description="city name, any language")],
    library: LibraryDep,
    country: Country = None,
) -> CityDetail:
    city = _find_city(library, name, country)
    if city is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no city called '{name[:120]}' is known")
    gid = city["geonameid"]
    conn = library.store.conn
    documents = [
        CityDocument(document_id=r["id"], source=r["source"], title=r["title"], language=r["language"], year=r["year"],
                     role=r["role"], origin=r["origin"], mentions=r["mentions"])
        for r in conn.execute(
            "SELECT d.id, d.source, d.title, d.language, d.year, dc.role, dc.origin, dc.mentions "
            "FROM document_cities dc JOIN documents d ON d.id = dc.document_id WHERE dc.geonameid = ? "
            "ORDER BY dc.role IS NULL, dc.origin = 'catalogue' DESC, dc.mentions DESC, d.id",
            (gid,),
        )
    ]
    partners: dict[int, list[Partner]] = defaultdict(list)
    role_docs = [d for d in documents if d.role]
    if role_docs:
        for r in library.store.select_in(
            "SELECT dc.document_id, c.name, c.country, dc.role FROM document_cities dc "
            "JOIN cities c ON c.geonameid = dc.geonameid WHERE dc.document_id IN ({ids}) AND dc.geonameid != ? "
            "AND dc.role IS NOT NULL ORDER BY dc.role, c.name",
            [d.document_id for d in role_docs], [gid],
        ):
            partners[r["document_id"]].append(Partner(name=r["name"], country=r["country"], role=r["role"]))
    mentoring = [
        MentoringRole(role=d.role, document_id=d.document_id, title=d.title, partners=partners.get(d.document_id, []))
        for d in role_docs
    ]
    return CityDetail(
        geonameid=gid, name=city["name"], country=city["country"], population=city["population"] or None,
        latitude=city["latitude"], longitude=city["longitude"], documents=documents,
        practices=practices_where(conn, "pr.geonameid = ?", [gid]), mentoring=mentoring,
    )
