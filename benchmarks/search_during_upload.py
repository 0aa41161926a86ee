"""Search latency before and during an upload, at 8 and 32 concurrent clients.

Copies the data directory (the original is never written), starts `praxis serve` on it,
removes a few documents through the API (so their passages must be embedded again), then
for each client count: searches alone ("before"), and searches while those documents are
uploaded again ("during"; only requests that start and end inside the upload count).
Prints p50/p95 latency, requests/s and every non-200 or dropped connection.

    .venv/bin/python benchmarks/search_during_upload.py data --files 6 --clients 8,32
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_bench import SEARCH_QUERIES, percentile, start_server  # noqa: E402

KEY = "bench-key"


def search_load(url: str, clients: int, until: threading.Event, max_requests: int) -> list[tuple[float, float, str]]:
    """(start, end, status) of every search, `clients` at a time, until `until` is set."""
    done: list[tuple[float, float, str]] = []
    lock = threading.Lock()

    def worker(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            i = offset
            while not until.is_set() and len(done) < max_requests:
                start = time.monotonic()
                try:
                    status = str(client.get("/search", params=SEARCH_QUERIES[i % len(SEARCH_QUERIES)]).status_code)
                except httpx.TransportError as error:
                    status = type(error).__name__
                with lock:
                    done.append((start, time.monotonic(), status))
                i += 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def summary(label: str, samples: list[tuple[float, float, str]], window: tuple[float, float]) -> str:
    inside = [(s, e, st) for s, e, st in samples if s >= window[0] and e <= window[1]]
    latencies = [e - s for s, e, st in inside if st == "200"]
    errors = {st for _, _, st in samples if st != "200"}
    span = window[1] - window[0]
    if not latencies:
        return f"{label:<28} no complete request inside the window; errors {errors or '-'}"
    return (f"{label:<28} n={len(latencies):>4}  p50 {percentile(latencies, 50):6.2f} s  "
            f"p95 {percentile(latencies, 95):6.2f} s  {len(latencies) / span:5.1f} req/s  errors {sorted(errors) or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a built library (copied, never written)")
    parser.add_argument("--files", type=int, default=6, help="documents removed and uploaded again")
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--before-s", type=float, default=20.0, help="seconds of searches without the upload")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures are only comparable on an idle machine)")
    work = Path(tempfile.mkdtemp(prefix="praxis-bench-upload-"))
    try:
        data = work / "data"
        shutil.copytree(args.data, data)
        os.environ["PRAXIS_API_KEY"] = KEY
        proc, url = start_server(data, None)
        try:
            for clients in [int(c) for c in args.clients.split(",")]:
                run(url, data, clients, args.files, args.before_s)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def wait_until_current(url: str, limit_s: float = 900) -> None:
    """Until the server has completed any derived state (older servers say nothing: current)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        derived = httpx.get(f"{url}/health", timeout=60).json().get("derived") or {"current": True}
        if derived["current"]:
            return
        time.sleep(1)


def run(url: str, data: Path, clients: int, files: int, before_s: float) -> None:
    wait_until_current(url)
    documents = httpx.get(f"{url}/documents", params={"limit": 500}).json()["items"]
    chosen = sorted(documents, key=lambda d: -d["pages"])[:files]
    uploads = []
    for doc in chosen:
        pdf = httpx.get(f"{url}/documents/{doc['id']}/file", timeout=60).content
        uploads.append(("files", (doc["source"], pdf, "application/pdf")))
        assert httpx.delete(f"{url}/documents/{doc['id']}", headers={"X-API-Key": KEY}, timeout=600).status_code == 200
    wait_until_current(url)
    stop = threading.Event()
    timer = threading.Timer(before_s, stop.set)
    start = time.monotonic()
    timer.start()
    before = search_load(url, clients, stop, 100_000)
    print(summary(f"{clients} clients, before", before, (start, time.monotonic())))

    stop = threading.Event()
    window: list[float] = []

    def upload() -> None:
        window.append(time.monotonic())
        answer = httpx.post(f"{url}/documents", files=uploads, headers={"X-API-Key": KEY}, timeout=1800)
        window.append(time.monotonic())
        stop.set()
        print(f"  upload of {len(uploads)} PDFs: {answer.status_code} in {window[1] - window[0]:.1f} s")

    uploader = threading.Thread(target=upload)
    uploader.start()
    during = search_load(url, clients, stop, 100_000)
    uploader.join()
    print(summary(f"{clients} clients, during upload", during, (window[0], window[1])))


if __name__ == "__main__":
    sys.exit(main())
