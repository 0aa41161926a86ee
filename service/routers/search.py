"""GET /search: hybrid search across languages, the same results as `praxis search --json`."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from praxis.index import catalog
from praxis.service.wiring import make_filters
from praxis.service.deps import LibraryDep, SettingsDep
from praxis.service.recommend.evidence import search_status, status_notice
from praxis.service.routers.common import SQL_INT_MAX, check_topic, invalid, responses, timed, topic_slugs
from praxis.service.schemas import FacetValue, Facets, SearchFilters, SearchResponse

router = APIRouter(tags=["search"])


@router.get(
    "/search", response_model=SearchResponse, responses=responses(422),
    summary="Search the library in any language",
    response_description="Documents, best first, each with its best passage, page and language versions",
)
def search(
    response: Response,
    library: LibraryDep,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=100_000, description="the query, in any language")],
    k: Annotated[int, Query(ge=1, le=SQL_INT_MAX, description="number of documents (at most the server's max_k)")] = 10,
    lang: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="passage language, ISO 639-1")] = None,
    city: Annotated[str | None, Query(min_length=1, max_length=120, description="a city the document is about, any spelling")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2 (or EU)")] = None,
    topic: Annotated[str | None, Query(min_length=1, max_length=80, description="topic slug")] = None,
    network: Annotated[str | None, Query(min_length=1, max_length=200, description="publisher or network, e.g. IncluCities")] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    document: Annotated[int | None, Query(ge=1, le=SQL_INT_MAX, description="search inside one document")] = None,
    mode: Annotated[Literal["hybrid", "dense", "lexical"], Query()] = "hybrid",
) -> Response:
    if len(q) > settings.max_query_chars:
        raise invalid("query", "q", f"query too long: {len(q)} characters (the limit is {settings.max_query_chars})")
    if not q.strip():
        raise invalid("query", "q", "the query is empty")
    if k > settings.max_k:
        raise invalid("query", "k", f"k must be between 1 and {settings.max_k}")
    if year_from is not None and year_to is not None and year_from > year_to:
        raise invalid("query", "year_from", f"year_from ({year_from}) is after year_to ({year_to})")
    check_topic(topic)
    filters = make_filters(
        library, language=lang, city=city, country=country, topic=topic, network=network,
        year_from=year_from, year_to=year_to, document_id=document,
    )
    searcher = library.searcher
    with timed(response):
        results = searcher.search(q, k=k, filters=filters, mode=mode)
    status, _support = search_status(library, searcher, q, results)
    answer = SearchResponse(
        query=q, k=k, mode=mode,
        filters=SearchFilters(lang=lang, city=city, country=country, topic=topic, network=network,
                              year_from=year_from, year_to=year_to, document=document),
        bridged_terms=searcher.bridged_terms(q) if mode != "dense" else [],
        status=status, notice=status_notice(status),
        # a shallow copy: the model copies the lists itself (dataclasses.asdict's deep copy took 0.13 ms)
        results=[dict(vars(r)) for r in results],
    )
    # Serialised here, on this worker thread: a returned model is validated again by FastAPI in a
    # second hop to the thread pool (the schema above still documents the answer).
    sent = Response(answer.model_dump_json(), media_type="application/json")
    sent.headers.raw.extend(response.headers.raw)  # Server-Timing, X-Search-Ms
    return sent


@router.get("/facets", response_model=Facets, summary="Values the search filters can take, with document counts")
def facets(library: LibraryDep) -> Facets:
    counts = catalog.facet_counts(library.store)
    values = lambda pairs: [FacetValue(value=v, count=n) for v, n in pairs]  # noqa: E731
    return Facets(
        languages=values(counts["languages"]), countries=values(counts["countries"]),
        topics=[FacetValue(value=t, count=counts["topics"].get(t, 0)) for t in topic_slugs()],
        networks=values(counts["networks"]), cities=values(counts["cities"]),
        year_min=counts["year_min"], year_max=counts["year_max"],
    )
