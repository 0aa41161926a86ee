"""The passage table answers what SQLite answers: each passage's document, language and topics."""
from __future__ import annotations

from pathlib import Path

from praxis.index.catalog import passage_topics
from praxis.index.passage_table import PassageTable
from praxis.index.rerank import passage_languages
from praxis.index.store import Store


def test_the_table_agrees_with_sqlite(small_library: Path) -> None:
    store = Store(small_library)
    table = PassageTable.from_store(store)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM passages ORDER BY id")]
    assert len(ids) == len(table.ids) and table.generation == store.generation
    asked = ids[::-1] + [max(ids) + 1, 0]  # any order; ids it does not hold are left out, as SQL leaves them
    assert table.languages_of(asked) == passage_languages(store, asked)
    owners = {r[0]: r[1] for r in store.select_in("SELECT id, document_id FROM passages WHERE id IN ({ids})", asked)}
    assert table.owners(asked) == owners
    topics = table.topics_of(asked)
    assert topics == passage_topics(store, asked) and topics  # the sample library's passages carry topics


def test_an_empty_library(tmp_path: Path) -> None:
    table = PassageTable.from_store(Store(tmp_path))
    assert table.languages_of([1, 2]) == {} and table.owners([1]) == {} and table.topics_of([1]) == {}
