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
    library.read_passages()  # else read in the background from the second search on: either way the same count
    few = statements_during(library, lambda: library.searcher.search("refugee reception", k=3))
    many = statements_during(library, lambda: library.searcher.search("refugee reception", k=30))
    assert len(many) == len(few)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_the_passage_table_gives_the_same_results_with_fewer_statements(small_library: Path, mode: str) -> None:
    """Passages' documents, languages and topics from memory: the same results as asking SQLite,
    with fewer statements (the lookups replaced by one check of the snapshot's generation)."""
    library = open_library(small_library)
    library.read_passages()
    for query in ["housing segregation in cities", "Integrationskurse für Frauen", "μονοαπευθυντικό κέντρο"]:
        library.searcher.search(query, k=10, mode=mode)  # words, term languages: cached once
        with_table, without = library.searcher, library.searcher
        without.passages = None
        found: dict[str, list] = {}
        by_sql = statements_during(library, lambda: found.setdefault("sql", without.search(query, k=10, mode=mode)))
        by_table = statements_during(library, lambda: found.setdefault("table", with_table.search(query, k=10, mode=mode)))
        assert found["table"] == found["sql"]
        # lexical: the owners' lookup for the generation's check; else also the dense candidates'
        # languages (and topics, for a query with topics)
        assert len(by_table) <= len(by_sql) - (0 if mode == "lexical" else 1), "\n".join(by_table)


def test_a_table_of_another_generation_is_not_used(small_library: Path, tmp_path: Path) -> None:
    """A search whose snapshot is of another generation than the table's asks SQLite."""
    import shutil

    from praxis.index.passage_table import PassageTable

    data = tmp_path / "lib"
    shutil.copytree(small_library, data)
    library = open_library(data)
    table = library.read_passages()
    first = int(table.ids[0])
    stale = PassageTable(table.generation - 1, table.ids, table.documents, table.codes, table.languages)
    searcher = library.searcher
    searcher.passages = stale
    with library.store.snapshot():
        assert searcher._table() is None
    searcher.passages = table
    with library.store.snapshot():
        assert searcher._table() is table
        assert searcher._owners([first, 10**9], table) == {first: int(table.documents[0])}  # one it does not hold: none
