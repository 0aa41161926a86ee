"""The keyword index seam: BM25-style search over passage text and document title.

The query side (which words, which bridged terms, how they are folded) belongs to
index/lexical.py and index/term_bridge.py; a backend only scores passages for those terms
under filters it applies itself.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

from praxis.index.filters import Filters


class KeywordIndex(ABC):
    name: str = "base"

    @abstractmethod
    def search(
        self, query: str, k: int, filters: Filters | None = None, extra_terms: Iterable[str] = ()
    ) -> list[tuple[int, float]]:
        """Top k (passage id, score; higher is better), ties by passage id. `extra_terms` come from the term bridge."""
