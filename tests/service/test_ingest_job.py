"""The ingest job end to end, through the real command line, on real PDFs."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from praxis.ingest.cities import Gazetteer

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "data" / "bad"
SEEDS = sorted(CORPUS.glob("clip-*.pdf")) + [
    CORPUS / "inclucities-overview-el.pdf",
    CORPUS / "eurocities-integration-at-local-level-2016-en.pdf",
]


def praxis(*args: str, data: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "praxis.service.cli", *args, "--data", str(data)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )


def ingest_json(*paths: Path, data: Path, manifest: Path | None = None) -> dict:
    extra = ["--manifest", str(manifest)] if manifest else []
    done = praxis("ingest", *map(str, paths), "--json", *extra, data=data)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def seeds_and_bad(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    data = tmp_path_factory.mktemp("ingest") / "data"
    started = time.monotonic()
    report = ingest_json(*SEEDS, BAD, data=data)
    return data, report, time.monotonic() - started


def by_source(entries: list[dict]) -> dict[str, dict]:
    return {e["source"]: e for e in entries}


def test_seeds_are_added_with_their_languages(seeds_and_bad: tuple[Path, dict, float]) -> None:
    _, report, _ = seeds_and_bad
    added = by_source(report["added"])
    expected = {
        "clip-info-sheet-en.pdf": "en", "clip-info-sheet-sv.pdf": "sv", "clip-housing-workshop-lecce-2008-en.pdf": "en",
        "inclucities-overview-el.pdf": "el", "eurocities-integration-at-local-level-2016-en.pdf": "en",
    }
    for source, language in expected.items():
        assert added[source]["language"] == language, source
        assert added[source]["passages"] >= 1 and added[source]["pages"] >= 2
        assert {"id", "title"} <= set(added[source])


def test_cities_named_in_the_seeds_are_found(seeds_and_bad: tuple[Path, dict, float]) -> None:
    data, report, _ = seeds_and_bad
    conn = sqlite3.connect(data / "praxis.sqlite3")
    cities_of = lambda source: {  # noqa: E731
        r[0] for r in conn.execute(
            "SELECT c.name FROM document_cities dc JOIN cities c USING (geonameid) JOIN documents d ON d.id = dc.document_id "
            "WHERE d.source = ?", (source,))
    }
    gazetteer = Gazetteer.load()
    named = lambda *names: {gazetteer.resolve(n).name for n in names}  # noqa: E731  (GeoNames spelling)
    assert named("Stuttgart", "Dublin") <= cities_of("clip-info-sheet-en.pdf")
    assert named("Stuttgart", "Dublin") <= cities_of("clip-info-sheet-sv.pdf")
    assert named("Livadeia", "Capaci", "Fuenlabrada", "Jelgava") <= cities_of("inclucities-overview-el.pdf")
    assert named("Tampere", "Lublin", "Vienna", "Munich", "Berlin") <= cities_of(
        "eurocities-integration-at-local-level-2016-en.pdf"
    )


def test_bad_files_get_their_expected_outcomes(seeds_and_bad: tuple[Path, dict, float]) -> None:
    _, report, seconds = seeds_and_bad
    failed = {e["source"]: e["error"] for e in report["failed"]}
    added = by_source(report["added"])
    assert failed["encrypted-password.pdf"].startswith("encrypted: password required")
    for name in ("empty.pdf", "not-a-pdf.pdf", "garbage-with-header.pdf", "cyclic-page-tree.pdf"):
        assert name in failed and failed[name], name
        assert "Traceback" not in failed[name]
    assert "truncated.pdf" in failed or added["truncated.pdf"]["warnings"]
    assert added["encrypted-owner-only.pdf"]["passages"] >= 1
    assert added["scanned-image-only.pdf"]["passages"] == 0
    assert "no text layer" in " ".join(added["scanned-image-only.pdf"]["warnings"])
    if (BAD / "blank-3000-pages.pdf").exists():
        assert added["blank-3000-pages.pdf"]["passages"] == 0
    assert seconds < 600  # bounded: the bomb and the cyclic tree did not hang the job


def test_a_second_ingest_changes_nothing_and_embeds_nothing(seeds_and_bad: tuple[Path, dict, float]) -> None:
    data, first, _ = seeds_and_bad
    again = ingest_json(*SEEDS, data=data)
    assert again["added"] == [] and again["updated"] == [] and again["failed"] == []
    assert sorted(e["source"] for e in again["unchanged"]) == sorted(p.name for p in SEEDS)


def test_a_changed_file_is_updated_in_place(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = tmp_path / "in"
    folder.mkdir()
    target = folder / "sheet.pdf"
    shutil.copy(CORPUS / "018-barcelona-en.pdf", target)
    first = ingest_json(folder, data=data)["added"][0]
    shutil.copy(CORPUS / "067-riga-en.pdf", target)
    second = ingest_json(folder, data=data)
    assert [e["source"] for e in second["updated"]] == ["sheet.pdf"]
    assert second["updated"][0]["id"] == first["id"]
    conn = sqlite3.connect(data / "praxis.sqlite3")
    texts = " ".join(r[0] for r in conn.execute("SELECT text FROM passages"))
    assert "Riga" in texts and "Barcelona" not in texts


def test_catalogue_metadata_overrides_inference(tmp_path: Path) -> None:
    data = tmp_path / "data"
    manifest = tmp_path / "catalogue.jsonl"
    manifest.write_text(json.dumps({
        "file": "012-fuenlabrada-livadeia-en.pdf", "title": "Catalogued title", "year": 2021, "network": "IncluCities",
        "cities": [{"name": "Fuenlabrada", "role": "mentor"}, {"name": "Livadeia", "role": "mentee"}],
        "topics": ["Employment"],
    }) + "\n", encoding="utf-8")
    report = ingest_json(CORPUS / "012-fuenlabrada-livadeia-en.pdf", data=data, manifest=manifest)
    assert report["added"][0]["title"] == "Catalogued title"
    conn = sqlite3.connect(data / "praxis.sqlite3")
    roles = dict(conn.execute("SELECT c.name, dc.role FROM document_cities dc JOIN cities c USING (geonameid)").fetchall())
    gazetteer = Gazetteer.load()
    assert roles[gazetteer.resolve("Fuenlabrada").name] == "mentor"
    assert roles[gazetteer.resolve("Livadeia").name] == "mentee"
    assert conn.execute("SELECT year, network FROM documents").fetchone() == (2021, "IncluCities")


def test_a_bad_catalogue_entry_fails_its_file_only(tmp_path: Path) -> None:
    """Each bad entry is an error in the report (its file's, or the catalogue's when it names
    no file); the other files are ingested."""
    manifest = tmp_path / "bad.jsonl"
    manifest.write_text(
        '{"file": "a.pdf"}\n{not json\n'
        '{"file": "027-lorrach-de.pdf", "cities": [{"name": "Lörrach", "role": {"x": 1}}]}\n'
        '{"file": "018-barcelona-en.pdf", "title": "Barcelona", "cities": ["Barcelona"]}\n', encoding="utf-8")
    done = praxis("ingest", str(CORPUS / "018-barcelona-en.pdf"), str(CORPUS / "027-lorrach-de.pdf"),
                  "--manifest", str(manifest), "--json", data=tmp_path / "d")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [a["source"] for a in report["added"]] == ["018-barcelona-en.pdf"]
    assert report["added"][0]["title"] == "Barcelona"
    failed = {f["source"]: f["error"] for f in report["failed"]}
    assert "bad.jsonl:2" in failed["catalogue"] and "not valid JSON" in failed["catalogue"]
    assert "cities.0.role" in failed["027-lorrach-de.pdf"]


def library_state(data: Path) -> dict[str, tuple[int, int]]:
    """source -> (passages, embedded passages), checked for internal consistency on the way."""
    conn = sqlite3.connect(data / "praxis.sqlite3")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fts = conn.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    assert fts == conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    rows = conn.execute(
        "SELECT d.source, count(p.id), count(e.text_hash) FROM documents d LEFT JOIN passages p ON p.document_id = d.id "
        "LEFT JOIN embeddings e ON e.text_hash = p.text_hash GROUP BY d.id"
    ).fetchall()
    return {source: (n, embedded) for source, n, embedded in rows}


def test_a_killed_ingest_loses_nothing_and_the_next_run_finishes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for pdf in sorted(CORPUS.glob("0[2-3]*.pdf"))[:8]:
        shutil.copy(pdf, folder)
    data = tmp_path / "data"
    job = subprocess.Popen(
        [sys.executable, "-m", "praxis.service.cli", "ingest", str(folder), "--json", "--data", str(data)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    db = data / "praxis.sqlite3"
    deadline = time.monotonic() + 300
    committed = 0
    while time.monotonic() < deadline and job.poll() is None:  # kill it once some files are in, mid-job
        if db.exists():
            try:
                committed = sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                committed = 0
            if committed >= 2:
                break
        time.sleep(0.05)
    os.kill(job.pid, signal.SIGKILL)
    job.wait()
    assert 2 <= committed < 8, "the job should have been killed half way"
    state = library_state(data)
    assert all(n >= 1 and n == embedded for n, embedded in state.values())  # whole documents only
    report = ingest_json(folder, data=data)
    assert {e["source"] for e in report["unchanged"]} == set(state)
    assert len(report["added"]) == 8 - len(state)
    final = library_state(data)
    assert len(final) == 8 and all(n >= 1 and n == embedded for n, embedded in final.values())
