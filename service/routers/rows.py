"""Read queries shared by the routers (documents, cities, practices), rows -> response models."""
from __future__ import annotations

import json
import sqlite3

from praxis.service.schemas import DocumentSummary, PracticeSummary, TranslationRef

_PRACTICE_SELECT = (
    "SELECT pr.id, pr.title, pr.document_id, c.name AS city, coalesce(pr.country, c.country) AS country, "
    "pr.language, pr.topics, pr.page_start, pr.page_end, pr.origin "
    "FROM practices pr LEFT JOIN cities c ON c.geonameid = pr.geonameid "
)


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


def practices_where(conn: sqlite3.Connection, where: str, params: list[object]) -> list[PracticeSummary]:
    rows = conn.execute(_PRACTICE_SELECT + f"WHERE {where} ORDER BY pr.document_id, pr.page_start, pr.id", params)
    return [practice_summary(r) for r in rows]


def translations_of(conn: sqlite3.Connection, document_id: int) -> list[TranslationRef]:
    rows = conn.execute(
        "SELECT d.id, d.source, d.title, d.language, t.score FROM translations t "
        "JOIN documents d ON d.id = CASE WHEN t.document_a = ? THEN t.document_b ELSE t.document_a END "
        "WHERE t.document_a = ? OR t.document_b = ? ORDER BY d.language, d.id",
        (document_id,) * 3,
    )
    return [TranslationRef(document_id=r["id"], source=r["source"], title=r["title"], language=r["language"],
                           score=r["score"]) for r in rows]
