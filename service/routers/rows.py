"""Rows from `index.catalog` -> response models, shared by the routers (documents, cities, practices)."""
from __future__ import annotations

import sqlite3

from praxis.index.practices import CityRef, PracticeRecord
from praxis.service.recommend.models import file_url
from praxis.service.schemas import DocumentSummary, PracticeCity, PracticeSummary, TranslationRef

def document_summary(row: sqlite3.Row) -> DocumentSummary:
    return DocumentSummary(
        id=row["id"], source=row["source"], title=row["title"], language=row["language"], pages=row["pages"],
        status=row["status"], publisher=row["publisher"], network=row["network"], year=row["year"],
        country=row["country"], kind=row["kind"], added_at=row["added_at"], file_url=file_url(row["id"]),
    )


def practice_cities(cities: list[CityRef]) -> list[PracticeCity]:
    return [PracticeCity(name=c.name, country=c.country, geonameid=c.geonameid) for c in cities]


def practice_summary(record: PracticeRecord) -> PracticeSummary:
    return PracticeSummary(
        id=record.id, title=record.name, name=record.name, document_id=record.document_id,
        city=record.city.name if record.city else None, cities=practice_cities(record.cities),
        country=record.country or (record.city.country if record.city else None), language=record.language,
        languages=record.languages, topics=record.topics, page_start=record.page_start, page_end=record.page_end,
        origin=record.origin, kind=record.kind, source_count=record.source_count,
    )


def practice_summaries(records: list[PracticeRecord]) -> list[PracticeSummary]:
    return [practice_summary(r) for r in records]


def translation_refs(rows: list[sqlite3.Row]) -> list[TranslationRef]:
    return [TranslationRef(document_id=r["document_id"], source=r["source"], title=r["title"], language=r["language"],
                           score=r["score"]) for r in rows]
