"""Rows from `index.catalog` -> response models, shared by the routers (documents, cities, practices)."""
from __future__ import annotations

import json
import sqlite3

from praxis.service.schemas import DocumentSummary, PracticeSummary, TranslationRef

def file_url(document_id: int) -> str:
    return f"/documents/{document_id}/file"


def document_summary(row: sqlite3.Row) -> DocumentSummary:
    return DocumentSummary(
        id=row["id"], source=row["source"], title=row["title"], language=row["language"], pages=row["pages"],
        status=row["status"], publisher=row["publisher"], network=row["network"], year=row["year"],
        country=row["country"], kind=row["kind"], added_at=row["added_at"], file_url=file_url(row["id"]),
    )


def _topics(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(t) for t in value] if isinstance(value, list) else []


def practice_summary(row: sqlite3.Row) -> PracticeSummary:
    return PracticeSummary(
        id=row["id"], title=row["title"], document_id=row["document_id"], city=row["city"], country=row["country"],
        language=row["language"], topics=_topics(row["topics"]), page_start=row["page_start"],
        page_end=row["page_end"], origin=row["origin"],
    )


def practice_summaries(rows: list[sqlite3.Row]) -> list[PracticeSummary]:
    return [practice_summary(r) for r in rows]


def translation_refs(rows: list[sqlite3.Row]) -> list[TranslationRef]:
    return [TranslationRef(document_id=r["document_id"], source=r["source"], title=r["title"], language=r["language"],
                           score=r["score"]) for r in rows]
