"""kill -9 at named steps of a job (PRAXIS_PAUSE_AT), then the next run: the same library.

A `praxis ingest` (or a server's upload) is paused at a step, killed with SIGKILL there,
and then `praxis ingest` with the same files (or a server restart) must leave a library
identical in its answers to one that was never interrupted: the same documents,
translation pairs, term vectors, a dense cache that matches SQLite, and the same search
results.
"""
from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from praxis.index.dense import DenseIndex, checksum_of
from praxis.ingest.catalogue import load_catalogue
from praxis.service.ingest_job import items_from_paths, run_ingest
from praxis.service.wiring import open_library

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
CATALOGUE = CORPUS / "catalogue.jsonl"
PRAXIS = Path(sys.executable).parent / "praxis"
BASE_FILES = ["016-mechelen-capaci-en.pdf"]
# A translation pair (the translations step has work) and new words (the terms step too).
JOB_FILES = ["clip-info-sheet-en.pdf", "clip-info-sheet-sv.pdf"]
QUERIES = ["information for newcomers about housing", "integrationspolitik i städer", "mentoring between cities"]
KILL_WAIT_S = 300

pytestmark = pytest.mark.model


def _ingest(data: Path, files: list[str]) -> None:
    library = open_library(data)
    items, _ = items_from_paths([CORPUS / f for f in files], load_catalogue(CATALOGUE))
    run_ingest(library, items, max_pages=5000)
    library.store.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("kill-base") / "data"
    _ingest(data, BASE_FILES)
    return data


@pytest.fixture(scope="module")
def reference(base: Path, tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("kill-reference") / "data"
    shutil.copytree(base, data)
    _ingest(data, JOB_FILES)
    return fingerprint(data)


def fingerprint(data: Path) -> dict:
    """What a user can observe of a library, by name (ids may differ between runs)."""
    library = open_library(data)
    assert library.stale_steps() == [], "derived state must be complete"
    store = library.store
    names = dict(store.conn.execute("SELECT id, source FROM documents").fetchall())
    ids, vectors = store.passage_vectors()
    dense = DenseIndex.load_or_rebuild(store)
    assert dense.checksum() == checksum_of(ids, vectors), "the dense cache matches SQLite"
    terms = {t: np.frombuffer(v, np.float32) for t, v in store.conn.execute("SELECT term, vector FROM term_vectors")}
    answers = {q: [(r.source, round(r.score, 4)) for r in library.searcher.search(q, k=5)] for q in QUERIES}
    found = {
        "documents": sorted(tuple(r) for r in store.conn.execute("SELECT source, sha256, title FROM documents")),
        "translations": sorted((names[a], names[b]) for a, b, _ in store.conn.execute("SELECT * FROM translations")),
        "terms": terms,
        "answers": answers,
        "pending": store.pending_translations(),
    }
    store.close()
    return found


def assert_same_library(found: dict, expected: dict) -> None:
    assert [tuple(r) for r in found["documents"]] == [tuple(r) for r in expected["documents"]]
    assert found["translations"] == expected["translations"] and expected["translations"]
    assert found["pending"] == []
    assert set(found["terms"]) == set(expected["terms"])
    worst = max(float(np.abs(found["terms"][t] - v).max()) for t, v in expected["terms"].items())
    assert worst < 1e-4, "term vectors differ"
    assert found["answers"] == expected["answers"]


def _wait_for_pause(process: subprocess.Popen, step: str) -> list[str]:
    """Lines of the process's stderr until it says it paused at `step` (fails after a while)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + KILL_WAIT_S
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        seen.append(line)
        if line.strip() == f"PRAXIS_PAUSED {step}":
            return seen
    process.kill()
    raise AssertionError(f"never paused at {step}: {''.join(seen)[-2000:]}")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRAXIS_")}
    env.update(extra)
    return env


@pytest.mark.parametrize("step", ["document-committed", "translations", "terms", "dense-save", "refreshed"])
def test_cli_ingest_killed_at_a_step_is_completed_by_the_next_ingest(base, reference, tmp_path, step):
    data = tmp_path / "data"
    shutil.copytree(base, data)
    command = [str(PRAXIS), "ingest", *(str(CORPUS / f) for f in JOB_FILES), "--manifest", str(CATALOGUE),
               "--data", str(data), "--json"]
    job = subprocess.Popen(command, env=_env(PRAXIS_PAUSE_AT=step), stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    _wait_for_pause(job, step)
    job.send_signal(signal.SIGKILL)
    job.wait()
    again = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=KILL_WAIT_S)
    assert again.returncode == 0, again.stderr[-2000:]
    assert_same_library(fingerprint(data), reference)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(data: Path, port: int, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PRAXIS), "serve", "--data", str(data), "--port", str(port)],
        env=_env(PRAXIS_API_KEY="kill-test-key", **env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + KILL_WAIT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server died"
        try:
            if httpx.get(f"{url}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError("the server did not start")


def test_server_killed_in_the_last_steps_of_an_upload_is_completed_at_restart(base, reference, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(base, data)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _serve(data, port, PRAXIS_PAUSE_AT="terms")
    try:
        _wait_until_up(url, server)
        entries = [line for line in CATALOGUE.read_text(encoding="utf-8").splitlines()
                   if any(f'"{name}"' in line for name in JOB_FILES)]
        catalogue = "\n".join(entries)
        files = [("files", (name, (CORPUS / name).read_bytes(), "application/pdf")) for name in JOB_FILES]

        def upload() -> None:
            try:
                httpx.post(f"{url}/documents", files=files, data={"catalogue": catalogue},
                           headers={"X-API-Key": "kill-test-key"}, timeout=KILL_WAIT_S)
            except httpx.TransportError:
                pass  # the server is killed under it

        threading.Thread(target=upload, daemon=True).start()
        _wait_for_pause(server, "terms")
        assert list((data / "uploads").glob("upload-*")), "the upload's folder exists while it runs"
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    restarted = _serve(data, port)
    try:
        _wait_until_up(url, restarted)
        deadline = time.monotonic() + KILL_WAIT_S
        while not httpx.get(f"{url}/health", timeout=30).json()["derived"]["current"]:
            assert time.monotonic() < deadline, "the restarted server never completed the derived state"
            time.sleep(1)
        assert not list((data / "uploads").glob("upload-*")), "the killed upload's folder was swept"
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    assert_same_library(fingerprint(data), reference)
