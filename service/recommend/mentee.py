"""Which city the mentee is: resolved, shown, with the other places of that name.

A place the library documents beats a namesake elsewhere (Livadia in a Greek context is
Livadeia, Greece); the others are returned as `alternatives`, and `geonameid` picks one.
"""
from __future__ import annotations

from praxis.index import evidence as reads
from praxis.index.library import Library
from praxis.ingest.cities import Gazetteer
from praxis.ingest.models import City
from praxis.service.recommend.models import CityChoice, MenteeContext, MenteeProfile

MAX_ALTERNATIVES = 8


def candidates(gazetteer: Gazetteer, name: str, country: str | None = None) -> list[City]:
    """Every place the gazetteer knows by `name`, most likely first.

    Uses `Gazetteer.candidates` when the gazetteer has it (the cities work adds it); until
    then a small local version over the same index.
    """
    own = getattr(gazetteer, "candidates", None)
    if own is not None:
        return list(own(name, country))
    from praxis.ingest.cities import name_key

    key = name_key(name)
    if not key:
        return []
    index = gazetteer._ix  # noqa: SLF001 — temporary, until Gazetteer.candidates lands
    refs = index.names.get(key, ()) + index.heads.get(key, ())
    refs = refs or gazetteer._inflected_refs(key) or gazetteer._hyphen_head_refs(name)  # noqa: SLF001
    code = gazetteer.country_code(country) if country else None
    if code:
        refs = tuple(r for r in refs if index.cities[r >> 1][2] == code)
    best: dict[int, float] = {}
    for ref in refs:
        score = gazetteer._score(ref, set(), None)  # noqa: SLF001
        best[ref >> 1] = max(best.get(ref >> 1, float("-inf")), score)
    ordered = sorted(best, key=lambda i: (-best[i], index.cities[i][0]))
    return [gazetteer._city(i) for i in ordered]  # noqa: SLF001


def _choice(city: City, documented: set[int]) -> CityChoice:
    return CityChoice(
        geonameid=city.geonameid, name=city.name, country=city.country, population=city.population or None,
        documented=city.geonameid in documented,
    )


def resolve_mentee(library: Library, profile: MenteeProfile) -> MenteeContext:
    country = profile.country.upper() if profile.country else None
    context = MenteeContext(query=profile.city, country=country, population=profile.population)
    if not profile.city and profile.geonameid is None:
        return context
    documented = {c.geonameid for c in reads.documented_cities(library.store)}
    found = candidates(Gazetteer.load(), profile.city, country) if profile.city else []
    # The library's own place first, then the gazetteer's order (population, Europe, ...).
    found.sort(key=lambda c: c.geonameid not in documented)
    chosen = _pick(library, found, profile.geonameid)
    if chosen is None:
        return context
    context.city, context.geonameid, context.matched = chosen.name, chosen.geonameid, True
    context.country = country or chosen.country
    context.population = profile.population or chosen.population or None
    context.documented = chosen.geonameid in documented
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
        return City(row.geonameid, row.name, row.country, row.population or 0, 0.0, 0.0)
    raise UnknownCity(f"geonameid {geonameid} is not a place of that name nor a city of the library")


class UnknownCity(ValueError):
    """A `geonameid` that is neither among the name's places nor in the library."""
