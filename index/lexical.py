"""Lexical retrieval: SQLite FTS5 with BM25."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from praxis.index.filters import Filters
from praxis.index.stopwords import STOPWORDS, fts_fold  # noqa: F401 - fts_fold is lexical's too
from praxis.index.store import Store

# Words of two letters or more in any script; FTS5 operators and punctuation are dropped.
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)
# BM25 weights: passage text, document title.
_WEIGHTS = "1.0, 0.3"



def fts_query(text: str, extra_terms: Iterable[str] = ()) -> str | None:
    """Any of the query's content words (plus `extra_terms`), each quoted: a user's text never becomes FTS syntax."""
    words = {w.lower() for w in _WORD.findall(text)} - STOPWORDS
    words |= {t for t in extra_terms if _WORD.fullmatch(t)}
    return " OR ".join(f'"{w}"' for w in sorted(words)) if words else None


def lexical_search(
    store: Store, query: str, k: int, filters: Filters | None = None, extra_terms: Iterable[str] = ()
) -> list[tuple[int, float]]:
    """Top k (passage id, BM25 score; higher is better). `extra_terms` come from the term bridge."""
    match = fts_query(query, extra_terms)
    if match is None or k <= 0:
        return []
    if filters is None or filters.is_empty():
        # Every FTS row is a passage of a document (written and deleted in one transaction), so
        # without a filter the joins only cost: 35% of a common-word query at 100k passages.
        rows = store.conn.execute(
            f"SELECT rowid, -bm25(passages_fts, {_WEIGHTS}) AS score FROM passages_fts "
            "WHERE passages_fts MATCH ? ORDER BY score DESC, rowid LIMIT ?",
            [match, k],
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]
    where, params = filters.sql(store)
    rows = store.conn.execute(
        f"SELECT p.id, -bm25(passages_fts, {_WEIGHTS}) AS score "
        "FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.document_id "
        f"WHERE passages_fts MATCH ? AND {where} ORDER BY score DESC, p.id LIMIT ?",
        [match, *params, k],
    ).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]
