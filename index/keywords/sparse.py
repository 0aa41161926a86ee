"""Passages as sparse BM25 vectors, the way FTS5 scores them, for a backend that stores
sparse vectors and applies the IDF itself (Qdrant's `Modifier.IDF`).

FTS5's bm25() (sqlite/ext/fts5/fts5_aux.c) scores a row, per query term, as
    idf(t) * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl))
with f the column-weighted term frequency (text 1.0, title 0.3: index/lexical.py), D the row's
tokens over all columns and avgdl their mean over the library. Everything after idf(t)
belongs to the passage: that is the value stored for t. The backend multiplies by its idf,
ln(1 + (N - n + 0.5) / (n + 0.5)), where FTS5 uses ln((N - n + 0.5) / (n + 0.5)): the same
order of rare over common terms (measured agreement: tests/index/test_backend_congruence.py).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from praxis.index.lexical import _WEIGHTS, fts_fold, fts_query

K1 = 1.2  # FTS5's constants (fts5_aux.c)
B = 0.75
TEXT_WEIGHT, TITLE_WEIGHT = (float(w) for w in _WEIGHTS.split(","))
# unicode61 keeps letters and numbers together and splits on everything else.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_QUOTED = re.compile(r'"([^"]+)"')


def tokens(text: str) -> list[str]:
    """Tokens as FTS5's `unicode61 remove_diacritics 2` stores them."""
    return _TOKEN.findall(fts_fold(text))


def term_index(term: str) -> int:
    """A stable 32-bit id for a term (Qdrant's sparse indices are u32). Collisions at 10M
    distinct terms: ~1% of terms share an id with another, as in fastembed's BM25."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest(), "little")


@dataclass(frozen=True)
class Lengths:
    """The passage's token counts (text, title): what avgdl is kept from."""

    text: int
    title: int

    @property
    def total(self) -> int:
        return self.text + self.title


def passage_terms(text: str, title: str) -> tuple[dict[str, float], Lengths]:
    """Column-weighted term frequencies and lengths of one passage."""
    text_tokens, title_tokens = tokens(text), tokens(title)
    weighted: Counter[str] = Counter()
    for term, count in Counter(text_tokens).items():
        weighted[term] += TEXT_WEIGHT * count
    for term, count in Counter(title_tokens).items():
        weighted[term] += TITLE_WEIGHT * count
    return dict(weighted), Lengths(len(text_tokens), len(title_tokens))


def bm25_vector(weighted: dict[str, float], length: int, avgdl: float) -> tuple[list[int], list[float]]:
    """Sparse (indices, values): the passage's BM25 term saturation, without the idf."""
    norm = K1 * (1 - B + B * length / max(avgdl, 1e-9))
    by_index: dict[int, float] = {}
    for term, f in weighted.items():
        index = term_index(term)
        by_index[index] = by_index.get(index, 0.0) + f * (K1 + 1) / (f + norm)
    indices = sorted(by_index)
    return indices, [by_index[i] for i in indices]


def query_terms(query: str, extra_terms: Iterable[str] = ()) -> list[str]:
    """The terms FTS5 would match for this query: lexical.fts_query's words, folded like the index.

    Taken from fts_query itself, so a change to the query side (which words, which bridged
    terms) reaches every keyword backend. A quoted word the tokenizer splits is an FTS5
    phrase; it is left out (no single-term equivalent).
    """
    match = fts_query(query, extra_terms)
    if match is None:
        return []
    found: list[str] = []
    for quoted in _QUOTED.findall(match):
        folded = tokens(quoted)
        if len(folded) == 1 and folded[0] not in found:
            found.append(folded[0])
    return found
