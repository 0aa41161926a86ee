"""Which city the mentee is: resolved, shown, with the other places of that name.

A place the library documents beats a namesake elsewhere (Livadia in a Greek context is
Livadeia, Greece); the others are returned as `alternatives`, and `geonameid` picks one.
"""
from __future__ import annotations

from praxis.index import evidence as reads
from praxis.index.library import Library
from praxis.ingest.models import City
from praxis.service.recommend.models import CityChoice, MenteeContext, MenteeProfile
from praxis.service.wiring import city_candidates

MAX_ALTERNATIVES = 8


def _choice(city: City, documented: set[int]) -> CityChoice:
    return CityChoice(
        geonameid=city.geonameid, name=city.name, country=city.country, population=city.population or None,
        documented=city.geonameid in documented, latitude=city.latitude, longitude=city.longitude,
    )


def resolve_mentee(library: Library, profile: MenteeProfile) -> MenteeContext:
    country = profile.country.upper() if profile.country else None
    context = MenteeContext(query=profile.city, country=country, population=profile.population)
    if not profile.city and profile.geonameid is None:
        return context
    documented = {c.geonameid for c in reads.documented_cities(library.store)}
    # The library's own places and spellings first (service.wiring.city_candidates, with the gazetteer's context).
    found = city_candidates(library, profile.city, country, limit=MAX_ALTERNATIVES + 1) if profile.city else []
    # The library's own place first, then the gazetteer's order (population, Europe, ...).
    found.sort(key=lambda c: c.geonameid not in documented)
    chosen = _pick(library, found, profile.geonameid)
    if chosen is None:
        return context
    context.city, context.geonameid, context.matched = chosen.name, chosen.geonameid, True
    context.country = country or chosen.country
    context.population = profile.population or chosen.population or None
    context.documented = chosen.geonameid in documented
    if chosen.latitude or chosen.longitude:  # (0, 0) is a placeholder, not a place
        context.latitude, context.longitude = chosen.latitude, chosen.longitude
    context.alternatives = [_choice(c, documented) for c in found if c.geonameid != chosen.geonameid][:MAX_ALTERNATIVES]
    return context


def _pick(library: Library, found: list[City], geonameid: int | None) -> City | None:
    if geonameid is None:
        return found[0] if found else None
    for city in found:
        if city.geonameid == geonameid:
            return city
    row = reads.city_rows(library.store, [geonameid]).get(geonameid)
    if row is not None:
        return City(row.geonameid, row.name, row.country, row.population or 0, row.latitude or 0.0, row.longitude or 0.0)
    raise UnknownCity(f"geonameid {geonameid} is not a place of that name nor a city of the library")


class UnknownCity(ValueError):
    """A `geonameid` that is neither among the name's places nor in the library."""
