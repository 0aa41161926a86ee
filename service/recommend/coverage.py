"""What the library covers: topics x countries (practices, and the cities that run them)."""
from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from praxis.index import evidence as reads
from praxis.index.store import Store
from praxis.ingest.topics import TOPICS


class CoverageCell(BaseModel):
    topic: str
    country: str
    practices: int
    cities: int


class TopicTotal(BaseModel):
    topic: str
    practices: int
    cities: int


class CountryTotal(BaseModel):
    country: str
    practices: int
    cities: int


class Coverage(BaseModel):
    topics: list[str]
    countries: list[str]
    cells: list[CoverageCell]
    topic_totals: list[TopicTotal]
    country_totals: list[CountryTotal]


def coverage(store: Store) -> Coverage:
    """Every taxonomy topic (empty rows show what the library lacks); countries with a practice.
    A practice with several topics counts once under each."""
    practices: dict[tuple[str, str], set[int]] = defaultdict(set)
    cities: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in reads.coverage_rows(store):
        practices[row.topic, row.country].add(row.practice_id)
        if row.geonameid is not None:
            cities[row.topic, row.country].add(row.geonameid)
    topics = sorted(TOPICS)
    countries = sorted({country for _, country in practices})
    cells = [
        CoverageCell(topic=t, country=c, practices=len(practices[t, c]), cities=len(cities.get((t, c), ())))
        for t in topics for c in countries if practices.get((t, c))
    ]

    def total(keys: list[tuple[str, str]]) -> tuple[int, int]:
        return (len(set().union(*(practices[k] for k in keys))) if keys else 0,
                len(set().union(*(cities.get(k, set()) for k in keys))) if keys else 0)

    topic_totals = [TopicTotal(topic=t, practices=n, cities=m)
                    for t in topics for n, m in [total([k for k in practices if k[0] == t])]]
    country_totals = [CountryTotal(country=c, practices=n, cities=m)
                      for c in countries for n, m in [total([k for k in practices if k[1] == c])]]
    return Coverage(topics=topics, countries=countries, cells=cells, topic_totals=topic_totals,
                    country_totals=country_totals)
