"""Many clients search while an upload is being ingested: every answer is 200 and correct."""
from __future__ import annotations

import shutil
import threading
import time

import httpx

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

THREADS = 8
SEARCHES_PER_THREAD = 10
# Queries whose filters exclude the uploaded files: their answers must not change during the upload.
QUERIES = [
    {"q": "orientation for newcomers in their mother tongue", "country": "AT"},
    {"q": "Bündnis für Integration", "city": "Stuttgart"},
    {"q": "nätverk av städer för integration", "lang": "sv"},
    {"q": "mentoring jobs and entrepreneurship", "network": "IncluCities"},
    {"q": "housing segregation", "year_from": 2005, "year_to": 2010},
]


def result_ids(response: httpx.Response) -> frozenset[int]:
    """The publications found, each named by its lowest document id among its language versions.

    Every query's filter leaves fewer candidates than k, so all of them come back whatever the
    scores; which language version represents a publication may change with corpus statistics.
    """
    return frozenset(min([r["document_id"], *(t["document_id"] for t in r["translations"])])
                     for r in response.json()["results"])


def test_searches_keep_working_during_an_upload(small_library, start_server, tmp_path, uploadable_files, api_key):
    data = tmp_path / "library"
    shutil.copytree(small_library, data)
    server = start_server(data, max_upload_mb=5, max_files_per_upload=len(uploadable_files))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        baseline = [result_ids(client.get("/search", params=q)) for q in QUERIES]
        documents_before = client.get("/health").json()["documents"]
    assert all(0 < len(found) < 10 for found in baseline), "each query finds all of its few candidates"

    upload: dict[str, object] = {}

    def do_upload() -> None:
        files = [("files", (name, (CORPUS / name).read_bytes(), "application/pdf")) for name in uploadable_files]
        with httpx.Client(base_url=server.url, timeout=300) as client:
            upload["start"] = time.monotonic()
            response = client.post("/documents", files=files, headers={"X-API-Key": api_key})
            upload["end"] = time.monotonic()
            upload["response"] = response

    answers: list[tuple[int, float, float, int, frozenset[int] | None]] = []
    lock = threading.Lock()

    def search(worker: int) -> None:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for i in range(SEARCHES_PER_THREAD):
                index = (worker + i) % len(QUERIES)
                started = time.monotonic()
                response = client.get("/search", params=QUERIES[index])
                ids = result_ids(response) if response.status_code == 200 else None
                with lock:
                    answers.append((index, started, time.monotonic(), response.status_code, ids))

    uploader = threading.Thread(target=do_upload)
    uploader.start()
    while "start" not in upload:
        time.sleep(0.01)
    searchers = [threading.Thread(target=search, args=(w,)) for w in range(THREADS)]
    for thread in searchers:
        thread.start()
    for thread in searchers:
        thread.join(timeout=180)
    uploader.join(timeout=300)
    assert not uploader.is_alive() and not any(t.is_alive() for t in searchers), "a request hung"

    assert len(answers) == THREADS * SEARCHES_PER_THREAD
    assert [a for a in answers if a[3] != 200] == []
    wrong = [(QUERIES[i]["q"], sorted(ids), sorted(baseline[i])) for i, _, _, _, ids in answers if ids != baseline[i]]
    assert wrong == []

    response = upload["response"]
    assert response.status_code == 200, response.text
    assert sorted(a["source"] for a in response.json()["added"]) == sorted(uploadable_files)
    # Searches were answered while the ingest ran, not queued behind it.
    during = [a for a in answers if upload["start"] < a[2] < upload["end"]]
    assert during, f"no search finished during the {upload['end'] - upload['start']:.1f} s upload"

    with httpx.Client(base_url=server.url, timeout=60) as client:
        assert client.get("/health").json()["documents"] == documents_before + len(uploadable_files)
        found = client.get("/search", params={"q": "anti-rumour strategy stereotypes", "k": 3}).json()["results"]
        assert found[0]["source"] == "018-barcelona-en.pdf"
