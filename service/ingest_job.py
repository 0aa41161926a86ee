"""The ingest job: files in, a per-file report out. The ONLY path by which documents enter
a library: `praxis ingest` (folders and files) and `POST /documents` (uploads) both call
`run_ingest`.

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

from praxis.index.library import Library
from praxis.ingest.document import NO_TEXT, build_document
from praxis.ingest.models import CatalogueEntry
from praxis.ingest.pdf_reader import PdfError, read_pdf

log = logging.getLogger("praxis.ingest")


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


def ingest_file(library: Library, item: IngestItem, max_pages: int) -> FileOutcome:
    """Add one file to the library; never raises for a bad file."""
    path, source, entry = item.path, item.source, item.entry
    if item.catalogue_error is not None:
        return FileOutcome(source, "failed", error=item.catalogue_error)
    try:
        sha = file_sha256(path)
    except OSError as error:
        return FileOutcome(source, "failed", error=f"cannot read file: {error.strerror or error}")
    existing = library.store.document_by_source(source)
    if existing is not None and existing["sha256"] == sha:
        return FileOutcome(source, "unchanged", id=existing["id"], title=existing["title"])
    try:
        pdf = read_pdf(path, max_pages=max_pages)
    except PdfError as error:
        return FileOutcome(source, "failed", error=str(error))
    try:
        doc = build_document(path, sha, pdf, entry)
    except Exception as error:  # a bug on one odd file must not stop the files after it
        return FileOutcome(source, "failed", error=f"could not analyse the text: {type(error).__name__}: {error}")
    doc.source = source
    stored = library.store.files_dir / f"{sha}.pdf"
    if not stored.exists():  # copied before the transaction: a stray copy is harmless, a missing one is not
        shutil.copyfile(path, stored)
    document_id, embedded = library.write(doc)
    warnings = list(pdf.warnings)
    if doc.status == "no_text" and not any("no text layer" in w for w in warnings):
        warnings.append(NO_TEXT)
    return FileOutcome(
        source, "updated" if existing is not None else "added", id=document_id, title=doc.title,
        language=doc.language, pages=doc.pages, passages=len(doc.passages), embedded=embedded, warnings=warnings,
    )


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


def run_ingest(
    library: Library,
    items: Iterable[IngestItem],
    max_pages: int,
    on_file: Callable[[IngestItem], None] | None = None,
) -> IngestReport:
    """Ingest every item in order. The library refreshes its derived state at the end of the
    batch, and completes whatever an earlier, killed job left undone, even when every file
    is unchanged."""
    report = IngestReport()
    with library.batch():
        for item in items:
            if on_file is not None:
                on_file(item)
            report.outcomes.append(_ingest_guarded(library, item, max_pages))
    return report


def _ingest_guarded(library: Library, item: IngestItem, max_pages: int) -> FileOutcome:
    try:
        return ingest_file(library, item, max_pages)
    except Exception as error:  # noqa: BLE001 - one file's failure must not cost the others
        log.exception("ingest of %s failed", item.source)
        return FileOutcome(item.source, "failed", error=f"could not be added: {type(error).__name__}: {error}")
