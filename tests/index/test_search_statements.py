"""A search runs a fixed, small number of SQL statements, whatever k and the library's size."""
from __future__ import annotations

from pathlib import Path

import pytest

from praxis.service.wiring import open_library

MAX_STATEMENTS = 10


def statements_during(library, action) -> list[str]:
    seen: list[str] = []
    conn = library.store.conn
    # FTS5 reports its own internal reads as "-- ..." lines: they are not statements Praxis runs.
    conn.set_trace_callback(lambda sql: None if sql.startswith("--") else seen.append(sql))
    try:
        action()
    finally:
        conn.set_trace_callback(None)
    return seen


@pytest.mark.parametrize("query", ["housing segregation in cities", "Integrationskurse für Frauen", "μονοαπευθυντικό κέντρο"])
def test_a_search_with_k_10_runs_at_most_10_statements(small_library: Path, query: str) -> None:
    library = open_library(small_library)
    library.searcher.search("warm the caches", k=10)  # loading caches is not a search's cost
    seen = statements_during(library, lambda: library.searcher.search(query, k=10))
    # One read transaction around the whole search (one version of the library from start to
    # finish); BEGIN and COMMIT read nothing, so they are not counted against the budget.
    assert seen.count("BEGIN") == 1 and seen[-1] == "COMMIT", "\n".join(seen)
    reads = [sql for sql in seen if sql not in ("BEGIN", "COMMIT")]
    assert len(reads) <= MAX_STATEMENTS, "\n".join(seen)


def test_the_count_does_not_grow_with_k(small_library: Path) -> None:
    library = open_library(small_library)
    library.searcher.search("refugee reception", k=10)  # the words' vectors and term languages are cached once
    few = statements_during(library, lambda: library.searcher.search("refugee reception", k=3))
    many = statements_during(library, lambda: library.searcher.search("refugee reception", k=30))
    assert len(many) == len(few)
