"""Pick the keyword backend from settings (the same PRAXIS_INDEX_BACKEND as vectors)."""
from __future__ import annotations

from praxis.index.keywords.base import KeywordIndex
from praxis.index.store import Store
from praxis.index.vectors.factory import check_backend


def make_keyword_index(backend: str, store: Store, collection: object | None = None) -> KeywordIndex:
    if check_backend(backend) == "qdrant":
        from praxis.index.keywords.qdrant import QdrantKeywords

        return QdrantKeywords(collection)  # type: ignore[arg-type]
    from praxis.index.keywords.fts5 import Fts5Keywords

    return Fts5Keywords(store)
