"""A live server (its own process) under hostile bodies, concurrent writers and a re-embedding.

- a 200 MB JSON body gets 413 and the server's memory does not grow with it;
- Host is checked and security headers are set;
- two CLI ingests and an upload run while clients search: zero 5xx, zero dropped connections;
- `praxis reindex --embedder X` under the server: only 200 or 503 meanwhile, then answers with X.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from praxis.ingest.catalogue import load_catalogue
from praxis.service.ingest_job import items_from_paths, run_ingest
from praxis.service.wiring import open_library

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CATALOGUE = CORPUS / "catalogue.jsonl"
PRAXIS = Path(sys.executable).parent / "praxis"
KEY = "robust-test-key"
BASE_FILES = ["016-mechelen-capaci-en.pdf", "clip-info-sheet-en.pdf", "022-stuttgart-de.pdf"]
CLI_A = ["clip-info-sheet-sv.pdf", "002-vienna-en.pdf"]
CLI_B = ["036-alcala-de-xivert-es.pdf", "039-athens-el.pdf"]
UPLOAD = ["018-barcelona-en.pdf", "046-amsterdam-nl.pdf"]
QUERIES = ["housing for refugees", "Integrationskurse", "mentoring between cities", "μαθήματα ελληνικών", "welcome office"]
WAIT_S = 600

pytestmark = pytest.mark.model


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAXIS_")}
    env.update(PRAXIS_API_KEY=KEY, **extra)
    return env


class Server:
    def __init__(self, data: Path) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(PRAXIS), "serve", "--data", str(data), "--port", str(self.port)],
                                        env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server died"
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise AssertionError("the server did not start")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("robust-base") / "data"
    library = open_library(data)
    items, _ = items_from_paths([CORPUS / f for f in BASE_FILES], load_catalogue(CATALOGUE))
    run_ingest(library, items, max_pages=5000)
    library.store.close()
    return data


@pytest.fixture
def server(base, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(base, data)
    running = Server(data)
    yield running
    running.stop()


def test_a_200_mb_json_body_is_refused_without_growing_memory(server: Server) -> None:
    size = 200 * 1024 * 1024
    chunk = b" " * (1 << 20)
    before = server.rss_kb()
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server.rss_kb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        body = (chunk for _ in range(size // len(chunk)))
        declared = httpx.post(f"{server.url}/recommend", content=body, timeout=120,
                              headers={"content-type": "application/json", "content-length": str(size)})
        chunked = httpx.post(f"{server.url}/recommend", content=(chunk for _ in range(size // len(chunk))),
                             timeout=120, headers={"content-type": "application/json"})
    finally:
        done.set()
        sampler.join()
    assert declared.status_code == 413 and "too large" in declared.json()["detail"]
    assert chunked.status_code == 413
    growth_mb = (peak - before) / 1024
    print(f"server RSS {before / 1024:.0f} MB before, peak growth {growth_mb:.1f} MB during two 200 MB bodies")
    assert growth_mb < 10
    small = httpx.post(f"{server.url}/recommend", json={"needs": "a welcome office for newcomers"}, timeout=120)
    assert small.status_code == 200


def test_host_is_checked_and_security_headers_are_set(server: Server) -> None:
    assert httpx.get(f"{server.url}/health", headers={"host": "evil.example"}).status_code == 400
    answer = httpx.get(f"{server.url}/health")
    assert answer.status_code == 200
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert httpx.get(f"{server.url}/").headers["x-content-type-options"] == "nosniff"


def test_concurrent_writers_and_searchers_get_no_error(server: Server, tmp_path: Path) -> None:
    """Two CLI ingests and an upload into the server's library while 8 clients search."""
    data = tmp_path / "data"
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    writing = threading.Event()
    writing.set()

    def searcher(worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for i in range(400):  # bounded in count and time (the writers stop it sooner)
                if not writing.is_set() and i >= 5:
                    return
                try:
                    status = str(client.get("/search", params={"q": QUERIES[(worker + i) % len(QUERIES)]}).status_code)
                except httpx.TransportError as error:
                    status = type(error).__name__
                with lock:
                    statuses[status] += 1

    def upload() -> None:
        files = [("files", (name, (CORPUS / name).read_bytes(), "application/pdf")) for name in UPLOAD]
        answer = httpx.post(f"{server.url}/documents", files=files, headers={"X-API-Key": KEY}, timeout=WAIT_S)
        with lock:
            statuses[f"upload {answer.status_code}"] += 1

    clients = [threading.Thread(target=searcher, args=(w,)) for w in range(8)]
    for thread in clients:
        thread.start()
    ingests = [
        subprocess.Popen([str(PRAXIS), "ingest", *(str(CORPUS / f) for f in files), "--data", str(data), "--json"],
                         env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for files in (CLI_A, CLI_B)
    ]
    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        for process in ingests:
            out, err = process.communicate(timeout=WAIT_S)
            assert process.returncode == 0, err[-2000:]
        uploader.join(timeout=WAIT_S)
    finally:
        writing.clear()
        for thread in clients:
            thread.join(timeout=WAIT_S)
    print(f"answers during the writes: {dict(statuses)}")
    searches = {k: v for k, v in statuses.items() if not k.startswith("upload")}
    assert set(searches) == {"200"}, statuses
    assert statuses["upload 200"] == 1
    health = httpx.get(f"{server.url}/health", timeout=60).json()
    assert health["documents"] == len(BASE_FILES) + len(CLI_A) + len(CLI_B) + len(UPLOAD)
    library = open_library(data)
    assert library.stale_steps() == [] or library.writer_busy()
    assert library.dense.size == library.store.passage_count()


def test_reindex_under_a_live_server_answers_200_or_503_never_500(server: Server, tmp_path: Path) -> None:
    data = tmp_path / "data"
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def searcher() -> None:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            for _ in range(2000):
                if stop.is_set():
                    return
                statuses[client.get("/search", params={"q": "housing for refugees"}).status_code] += 1
                time.sleep(0.05)

    clients = [threading.Thread(target=searcher) for _ in range(3)]
    for thread in clients:
        thread.start()
    try:
        reindex = subprocess.run([str(PRAXIS), "reindex", "--data", str(data), "--embedder", "minilm"],
                                 env=_env(), capture_output=True, text=True, timeout=WAIT_S)
        assert reindex.returncode == 0, reindex.stderr[-2000:]
        deadline = time.monotonic() + WAIT_S
        while True:
            answer = httpx.get(f"{server.url}/search", params={"q": "housing for refugees"}, timeout=120)
            if answer.status_code == 200 and httpx.get(f"{server.url}/health").json()["embedder"].endswith("MiniLM-L6-v2"):
                break
            assert answer.status_code == 503 and "re-embedded" in answer.json()["detail"], answer.text
            assert time.monotonic() < deadline, "the server never switched to the new embedder"
            time.sleep(1)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=WAIT_S)
    print(f"answers during the reindex: {dict(statuses)}")
    assert set(statuses) <= {200, 503}, statuses
    assert answer.json()["results"]
