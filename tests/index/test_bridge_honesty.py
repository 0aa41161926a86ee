"""The "also searched for" terms are honest: on every labelled query, none is a function word.

The terms the bridge adds are shown to users. This lists them for each query of
eval/queries.jsonl on the shared small library (real model, real FTS index) and fails on any
term that a stopword list of any indexed language contains: the project's own lists plus
stopwords-iso (MIT licence, PyPI `stopwordsiso`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import stopwordsiso

from praxis.service.wiring import open_library
from praxis.index.lexical import fts_fold
from praxis.index.stopwords import STOPWORDS

ROOT = Path(__file__).resolve().parents[2]

LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "fi", "pl", "el", "pt", "lv"]
QUERIES = [json.loads(line) for line in (ROOT / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
STOP = {fts_fold(w) for lang in LANGUAGES for w in stopwordsiso.stopwords(lang)} | {fts_fold(w) for w in STOPWORDS}


@pytest.fixture(scope="module")
def bridged(small_library: Path) -> dict[str, list[str]]:
    searcher = open_library(small_library).searcher  # wired as the service opens it (query language)
    return {q["id"]: searcher.bridged_terms(q["query"]) for q in QUERIES}


def test_the_bridge_adds_terms_for_most_labelled_queries(bridged: dict[str, list[str]]) -> None:
    assert sum(bool(terms) for terms in bridged.values()) >= len(QUERIES) // 2


@pytest.mark.parametrize("query", QUERIES, ids=[q["id"] for q in QUERIES])
def test_no_bridged_term_is_a_function_word(bridged: dict[str, list[str]], query: dict) -> None:
    offending = sorted(t for t in bridged[query["id"]] if fts_fold(t) in STOP)
    assert not offending, f"{query['query']!r} also searched for function words {offending}"
