"""HTTP benchmark: requests/s and latency percentiles for /search and /recommend.

Starts `praxis serve` on a free loopback port over the given data directory (or uses
--url), then runs a bounded number of requests at 1, 8 and 32 concurrent clients and
prints, beside the end-to-end latency, the time spent inside the handler (the
`X-Search-Ms` header the routers set) and what is left: HTTP, JSON and queueing.

    .venv/bin/python benchmarks/http_bench.py data
    .venv/bin/python benchmarks/http_bench.py data --clients 1,8 --search-requests 100 --json
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import run_clients  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

SEARCH_QUERIES = [
    {"q": "affordable housing for refugees"},
    {"q": "Wohnraum für Geflüchtete"},
    {"q": "cours de langue pour les femmes migrantes"},
    {"q": "ένταξη μεταναστών στην αγορά εργασίας"},
    {"q": "one-stop shop for newcomers", "lang": "en"},
    {"q": "mentoring between cities", "topic": "mentoring"},
    {"q": "integración de inmigrantes", "country": "ES"},
    {"q": "anti-rumour strategy stereotypes", "k": 20},
]
RECOMMEND_BODIES = [
    {"needs": "We need affordable housing for refugees. Language courses for migrant women.", "city": "Livadeia"},
    {"needs": "Χρειαζόμαστε ένα κέντρο εξυπηρέτησης για νεοαφιχθέντες και μαθήματα γλώσσας.", "city": "Livadeia", "population": 30000},
    {"needs": "Wir brauchen Arbeitsmarktintegration für Geflüchtete und eine Anlaufstelle.", "city": "Lörrach"},
    {"needs": "Nos falta participación de los migrantes en la vida local; luchar contra los rumores.", "city": "Getxo"},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, embedder: str | None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "praxis.service.cli", "serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)]
    if embedder:
        command += ["--embedder", embedder]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped: {proc.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 180 s")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def run_level(url: str, endpoint: str, clients: int, total: int) -> dict:
    """`total` requests spread over `clients` threads, each with its own keep-alive connection."""
    latencies: list[float] = []
    handler: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))
    counter_lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while True:
                with counter_lock:
                    i = next(counter, None)
                if i is None:
                    return
                start = time.perf_counter()
                if endpoint == "/search":
                    response = client.get("/search", params=SEARCH_QUERIES[i % len(SEARCH_QUERIES)])
                else:
                    response = client.post("/recommend", json=RECOMMEND_BODIES[i % len(RECOMMEND_BODIES)])
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    if response.status_code != 200:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                    latencies.append(elapsed)
                    if "x-search-ms" in response.headers:
                        handler.append(float(response.headers["x-search-ms"]))

    wall = run_clients(worker, clients)
    return {
        "endpoint": endpoint, "clients": clients, "requests": len(latencies), "errors": len(errors),
        "first_error": errors[0] if errors else None, "rps": len(latencies) / wall if wall else 0.0,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "handler_p50": percentile(handler, 50), "handler_p95": percentile(handler, 95),
        "overhead_p50": statistics.median([l - h for l, h in zip(latencies, handler)]) if handler else float("nan"),
    }


def print_table(rows: list[dict]) -> None:
    header = (f"{'endpoint':<11}{'clients':>8}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'handler p50':>13}{'handler p95':>13}{'HTTP+queue p50':>16}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['endpoint']:<11}{r['clients']:>8}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8.1f}{r['p50']:>9.1f}"
              f"{r['p95']:>9.1f}{r['p99']:>9.1f}{r['handler_p50']:>13.1f}{r['handler_p95']:>13.1f}{r['overhead_p50']:>16.1f}")
    print("\nhandler = time inside the endpoint (X-Search-Ms); HTTP+queue = end-to-end minus handler, "
          "per request (includes waiting for a free worker thread or the model under load).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=Path, help="data directory of a built library (praxis ingest)")
    parser.add_argument("--url", help="benchmark a server already running at this loopback URL instead")
    parser.add_argument("--embedder", help="embedder spec the library was built with (default: the server's)")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated concurrency levels (default 1,8,32)")
    parser.add_argument("--search-requests", type=int, default=160, help="requests per level for /search")
    parser.add_argument("--recommend-requests", type=int, default=32, help="requests per level for /recommend")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON as well")
    args = parser.parse_args(argv)
    if not args.url and not args.data:
        parser.error("give a data directory, or --url of a running server")
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]")):
        parser.error("--url must be a loopback address")
    levels = [int(c) for c in args.clients.split(",") if c.strip()]

    proc = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        if not (args.data / "praxis.sqlite3").exists():
            parser.error(f"{args.data} holds no library: build one with `praxis ingest corpus --data {args.data}`")
        proc, url = start_server(args.data, args.embedder)
    try:
        health = httpx.get(f"{url}/health", timeout=10).json()
        print(f"server {url}: {health['documents']} documents, {health['passages']} passages, {health['embedder']}; "
              f"{os.cpu_count()} CPUs\n")
        for body in SEARCH_QUERIES[:2]:  # warm-up
            httpx.get(f"{url}/search", params=body, timeout=60)
        httpx.post(f"{url}/recommend", json=RECOMMEND_BODIES[0], timeout=120)
        rows = []
        for endpoint, total in (("/search", args.search_requests), ("/recommend", args.recommend_requests)):
            for clients in levels:
                rows.append(run_level(url, endpoint, clients, max(total, clients)))
        print_table(rows)
        if args.json:
            print(json.dumps(rows, indent=2))
        return 1 if any(r["errors"] for r in rows) else 0
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
