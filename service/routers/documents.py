"""Documents: list, details, similar documents, the original PDF; upload and delete (with the API key)."""
from __future__ import annotations

import logging
import shutil
import unicodedata
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Path as PathParam, Query, UploadFile, status
from fastapi.responses import FileResponse

from praxis.index.similarity import similar_documents
from praxis.ingest.catalogue import CatalogueError, parse_entry, parse_json
from praxis.service.ingest_job import IngestItem, run_ingest
from praxis.ingest.models import CatalogueEntry
from praxis.service.deps import ApiKeyDep, LibraryDep, SettingsDep, WriterLockDep
from praxis.service.routers.common import SQL_INT_MAX, invalid, responses
from praxis.index import catalog
from praxis.index import practices as practice_index
from praxis.service.routers.rows import document_summary, practice_summaries, translation_refs
from praxis.service.uploads import upload_folder
from praxis.service.schemas import (
    DeleteResponse, DocumentCity, DocumentDetail, DocumentPage, IngestResponse, SimilarDocument, SimilarResponse,
)

log = logging.getLogger("praxis.service")
router = APIRouter(prefix="/documents", tags=["documents"])

DocumentId = Annotated[int, PathParam(ge=1, le=SQL_INT_MAX, description="document id")]
WRITER_WAIT_S = 600  # an upload or delete waits this long for the one before it


def _document_or_404(library, document_id: int):
    row = library.store.document(document_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no document with id {document_id}")
    return row


# -- reads -------------------------------------------------------------------------------------


@router.get("", response_model=DocumentPage, summary="All documents, by id, a page at a time")
def list_documents(
    library: LibraryDep,
    offset: Annotated[int, Query(ge=0, le=SQL_INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DocumentPage:
    total, rows = catalog.document_page(library.store, offset, limit)
    return DocumentPage(total=total, offset=offset, limit=limit, items=[document_summary(r) for r in rows])


@router.get("/{document_id}", response_model=DocumentDetail, responses=responses(404, 422),
            summary="A document: metadata, language versions, cities with roles, topics, practices")
def get_document(document_id: DocumentId, library: LibraryDep) -> DocumentDetail:
    row = _document_or_404(library, document_id)
    store = library.store
    cities = [
        DocumentCity(geonameid=r["geonameid"], name=r["name"], country=r["country"], role=r["role"],
                     origin=r["origin"], mentions=r["mentions"])
        for r in catalog.cities_of_documents(store, [document_id])[document_id]
    ]
    return DocumentDetail(
        **document_summary(row).model_dump(), source_url=row["source_url"],
        passages=catalog.passage_count(store, document_id),
        translations=translation_refs(catalog.translations_of_documents(store, [document_id])[document_id]),
        cities=cities, topics=catalog.topics_of_documents(store, [document_id])[document_id],
        practices=practice_summaries(practice_index.practices_of_document(store, document_id)),
    )


@router.get("/{document_id}/similar", response_model=SimilarResponse, responses=responses(404, 422),
            summary="Documents on similar subjects (in any language), translations excluded")
def get_similar(
    document_id: DocumentId, library: LibraryDep, settings: SettingsDep,
    k: Annotated[int, Query(ge=1, le=SQL_INT_MAX)] = 10,
) -> SimilarResponse:
    if k > settings.max_k:
        raise invalid("query", "k", f"k must be between 1 and {settings.max_k}")
    _document_or_404(library, document_id)
    found = similar_documents(library.store, document_id, library.document_centroids, k)
    rows = catalog.documents_by_id(library.store, [other for other, _ in found])
    similar = [
        SimilarDocument(document_id=other, source=rows[other]["source"], title=rows[other]["title"],
                        language=rows[other]["language"], score=score)
        for other, score in found if other in rows
    ]
    return SimilarResponse(document_id=document_id, similar=similar)


@router.get("/{document_id}/file", response_class=FileResponse, responses={
    200: {"content": {"application/pdf": {}}, "description": "the original PDF (link to a page with #page=N)"},
    **responses(404, 422)}, summary="The original PDF")
def get_file(document_id: DocumentId, library: LibraryDep) -> FileResponse:
    row = _document_or_404(library, document_id)
    path = _stored_file(library, row["stored_path"])
    if path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"the PDF of document {document_id} is missing from the data directory")
    return FileResponse(path, media_type="application/pdf", filename=row["source"], content_disposition_type="inline")


def _stored_file(library, stored_path: str) -> Path | None:
    """The stored copy, only when it lies inside the data directory."""
    root = library.store.data_dir.resolve()
    path = (root / stored_path).resolve()
    return path if path.is_relative_to(root) else None


# -- writes -------------------------------------------------------------------------------------


def sanitise_filename(name: str | None, index: int) -> str:
    """A file name safe to use as the document's source: no folders, no control characters."""
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if not base:
        return f"upload-{index + 1}.pdf"
    if len(base) > 200:
        suffix = Path(base).suffix[:10]
        base = base[: 200 - len(suffix)] + suffix
    return base


def parse_catalogue(text: str | None, sources: list[str]) -> dict[str, CatalogueEntry]:
    """Catalogue metadata for the uploaded files: a JSON object, a JSON list, or JSON lines."""
    if text is None or not text.strip():
        return {}
    try:
        try:
            data = parse_json(text, "catalogue")
            items = data if isinstance(data, list) else [data]
            where = lambda i: f"catalogue entry {i + 1}"  # noqa: E731
        except CatalogueError:
            lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
            if len(lines) < 2:
                raise
            items = [parse_json(line, f"catalogue line {number}") for number, line in lines]
            numbers = [n for n, _ in lines]
            where = lambda i: f"catalogue line {numbers[i]}"  # noqa: E731
    except CatalogueError as error:
        raise invalid("body", "catalogue", str(error)) from None
    entries: dict[str, CatalogueEntry] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict) and "file" not in item and len(sources) == 1:
            item = {**item, "file": sources[0]}  # one file, one entry: no need to name it
        try:
            entry = parse_entry(item, where(i))
        except CatalogueError as error:
            raise invalid("body", "catalogue", str(error)) from None
        name = sanitise_filename(entry.file, i)
        if name not in sources:
            raise invalid("body", "catalogue", f"{where(i)}: '{entry.file}' is not one of the uploaded files")
        entries[name] = entry
    return entries


@router.post(
    "", response_model=IngestResponse, dependencies=[ApiKeyDep], responses=responses(401, 413, 422),
    summary="Upload PDFs (with optional catalogue metadata); the same report as `praxis ingest --json`",
)
def upload_documents(
    library: LibraryDep,
    settings: SettingsDep,
    writer_lock: WriterLockDep,
    files: Annotated[list[UploadFile], File(description="one or more PDF files")],
    catalogue: Annotated[str | None, Form(
        description='catalogue metadata: a JSON object, a JSON list or JSON lines, e.g. '
                    '{"file": "x.pdf", "title": "...", "year": 2021, "cities": [{"name": "Mechelen", "role": "mentor"}]}',
    )] = None,
) -> IngestResponse:
    if len(files) > settings.max_files_per_upload:
        raise HTTPException(413,
                            detail=f"too many files: {len(files)} (at most {settings.max_files_per_upload} per upload)")
    sources: list[str] = []
    for index, upload in enumerate(files):
        name = sanitise_filename(upload.filename, index)
        stem, suffix, n = Path(name).stem, Path(name).suffix, 2
        while name in sources:  # two files of one upload must not overwrite each other
            name, n = f"{stem} ({n}){suffix}", n + 1
        sources.append(name)
    entries = parse_catalogue(catalogue, sources)

    with upload_folder(library.store.data_dir) as workdir:
        paths = []
        for index, (upload, source) in enumerate(zip(files, sources)):
            # Saved under its own name (one folder each: names may repeat), so a file whose
            # text gives no title is titled by the name it was uploaded with.
            path = workdir / str(index) / source
            path.parent.mkdir()
            with path.open("wb") as out:
                shutil.copyfileobj(upload.file, out, 1 << 20)
            paths.append(path)
        if not writer_lock.acquire(timeout=WRITER_WAIT_S):
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="another upload is still running; try again later")
        try:
            items = [IngestItem(path, source, entries.get(source)) for path, source in zip(paths, sources)]
            report = run_ingest(library, items, settings.max_pages)
        finally:
            writer_lock.release()
    return IngestResponse.model_validate(report.as_dict())


@router.delete("/{document_id}", response_model=DeleteResponse, dependencies=[ApiKeyDep],
               responses=responses(401, 404, 422), summary="Remove a document from the library")
def delete_document(document_id: DocumentId, library: LibraryDep, writer_lock: WriterLockDep) -> DeleteResponse:
    if not writer_lock.acquire(timeout=WRITER_WAIT_S):
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="an upload is still running; try again later")
    try:
        row = _document_or_404(library, document_id)
        if not library.delete(document_id):  # the library refreshes its derived state itself
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no document with id {document_id}")
        path = _stored_file(library, row["stored_path"])
        if not catalog.stored_path_in_use(library.store, row["stored_path"]) and path is not None:
            path.unlink(missing_ok=True)
    finally:
        writer_lock.release()
    return DeleteResponse(deleted=document_id, source=row["source"], title=row["title"])
