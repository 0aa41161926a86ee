"""Practices: named initiatives run by a city, found in a document's passages."""
from __future__ import annotations

from ingest.models import Document, Practice


def extract_practices(doc: Document) -> list[Practice]:
    """One practice per document about one main city (a first, simple reading)."""
    if not doc.passages or not doc.cities:
        return []
    main = doc.cities[0]
    return [
        Practice(
            title=doc.title, city=main.city, topics=list(doc.topics), language=doc.language,
            page_start=doc.passages[0].page_start, page_end=doc.passages[-1].page_end,
            passage_indexes=list(range(len(doc.passages))),
            source="catalogue" if main.source == "catalogue" else "inferred",
        )
    ]
