"""The HTTP API and the web page: `create_app()` (served by `praxis serve`).

* The lifespan opens the Library once and keeps it in ``app.state``; requests share it
  read-only, and the write endpoints (upload, delete) take ``app.state.writer_lock``.
  Endpoints are plain ``def`` functions, so FastAPI runs them in its threadpool and a
  long ingest never blocks the event loop or the searches.
* Errors are JSON with a person-readable ``detail`` (and ``message`` for 422s); an
  unexpected exception is logged and becomes a 500 JSON, as a last resort.
* Uploads are bounded while streaming (``UploadGuard``): a request body larger than
  ``max_upload_mb`` is refused with 413 before it is read, or as soon as it passes the
  limit, and requests without the API key are refused before their body is read.
"""
from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from praxis.service.deps import API_KEY_HEADER, api_key_problem
from praxis.service.routers import cities, cohorts, coverage, docs, documents, health, practices, recommend, search
from praxis.service.routers.common import reject_unknown_query_params
from praxis.service.settings import Settings, get_settings

log = logging.getLogger("praxis.service")
STATIC_DIR = Path(__file__).resolve().parent / "static"
UPLOAD_PATHS = {"/documents", "/documents/"}


def _open_library(settings: Settings):
    from praxis.service.wiring import open_library

    library = open_library(settings.data, settings.embedder)
    # Warm what the first requests would otherwise wait for (model, gazetteer).
    library.embedder.encode_query("warm up")
    try:
        from praxis.ingest.cities import Gazetteer

        Gazetteer.load()
    except Exception:  # noqa: BLE001 - only a warm-up; the request that needs it will say why
        log.exception("could not preload the gazetteer")
    return library


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    try:
        app.state.library = await run_in_threadpool(_open_library, settings)
    except Exception as error:
        log.error("cannot open the library in %s: %s", settings.data, error)
        raise
    app.state.writer_lock = threading.Lock()
    log.info("library %s open: %s", settings.data, app.state.library.store.counts())
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Praxis",
        summary="Transferable migrant-integration practices and mentor cities, across languages",
        description=(
            "Search a multilingual library of PDFs about European cities' integration practices, "
            "get practices and mentor cities (with the evidence's page) for a mentee city's needs, "
            "and add or remove documents (write endpoints need the `X-API-Key` header)."
        ),
        version="0.1.0",
        lifespan=lifespan,
        # /docs is served by routers/docs.py from local files (the defaults load a CDN); no ReDoc.
        docs_url=None, redoc_url=None,
    )
    app.state.settings = settings

    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(UploadGuard, settings=settings)

    common = {"dependencies": [reject_unknown_query_params]}
    for module in (health, search, recommend, cohorts, coverage, documents, cities, practices):
        app.include_router(module.router, **common)

    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.openapi = lambda: _openapi_with_limits(app, settings)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    return app


def _openapi_with_limits(app: FastAPI, settings: Settings) -> dict:
    """The generated schema, with this server's limits (max_k, query length...) written in."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, description=app.description,
                         routes=app.routes)
    limits = {"k": {"maximum": settings.max_k}, "q": {"maxLength": settings.max_query_chars}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") in limits:
                    parameter.get("schema", {}).update(limits[parameter["name"]])
    request = schema.get("components", {}).get("schemas", {}).get("RecommendRequest", {}).get("properties", {})
    if "k" in request:
        request["k"]["maximum"] = settings.max_k
    if "needs" in request:
        request["needs"]["maxLength"] = min(request["needs"].get("maxLength", settings.max_needs_chars), settings.max_needs_chars)
    app.openapi_schema = schema
    return schema


# -- errors ----------------------------------------------------------------------------


def _describe(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
    where = loc[0] if loc else ""
    name = ".".join(loc[1:]) if len(loc) > 1 else ""
    kind = {"query": "query parameter", "path": "path parameter", "header": "header"}.get(where, "field")
    if where not in ("query", "path", "header"):
        name = ".".join(loc)
    if error.get("type") == "extra_forbidden":
        msg = str(error.get("msg", ""))
        return msg if msg.startswith("unknown") else f"unknown {kind} '{name}'"
    return f"{kind} '{name}': {error.get('msg', 'invalid')}" if name else str(error.get("msg", "invalid"))


def _safe_errors(errors) -> list[dict]:
    """Validation errors without the offending input (it may be huge, or bytes)."""
    safe = []
    for error in errors:
        item = {"loc": [p if isinstance(p, (int, str)) else str(p) for p in error.get("loc", ())],
                "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
        safe.append(item)
    return safe


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = _safe_errors(exc.errors())
    message = "; ".join(dict.fromkeys(_describe(e) for e in errors)) or "invalid request"
    return JSONResponse({"detail": errors, "message": message}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error: the request could not be completed"}, status_code=500)


# -- uploads: authorisation and size, before and while the body streams in ------------------


class _TooLarge(Exception):
    pass


async def _send_json(send: Send, status: int, payload: dict, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload).encode("utf-8")
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"), *(headers or [])],
    })
    await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, cap: int) -> None:
    """Read and drop what is left of a refused body (up to `cap` bytes) before answering.

    Closing a socket with unread data makes the kernel send a reset, and the client then
    sees "connection reset" instead of our 401/413; nothing read here is kept.
    """
    seen = 0
    while seen <= cap:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


class UploadGuard:
    """401 before reading an upload without the key; 413 as soon as its body passes the limit."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.limit = int(settings.max_upload_mb * 1024 * 1024)
        self.drain_cap = min(2 * self.limit + (1 << 20), 256 << 20)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in UPLOAD_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = api_key_problem(self.settings, headers.get(API_KEY_HEADER.lower()))
        if problem is not None:
            await _drain(receive, self.drain_cap)
            await _send_json(send, 401, {"detail": problem}, [(b"www-authenticate", b"ApiKey")])
            return
        too_large = {"detail": f"upload too large: the limit is {self.settings.max_upload_mb:g} MB per request"}
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_json(send, 400, {"detail": "invalid Content-Length header"})
                return
            if int(declared) > self.limit:
                await _drain(receive, self.drain_cap)
                await _send_json(send, 413, too_large)
                return

        received = 0
        exceeded = False
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded, body_done
            message = await receive()
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:  # the app's own answer to the aborted body is dropped
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            if not body_done:  # once the body is complete, receive() would wait for the disconnect
                await _drain(receive, self.drain_cap)
            await _send_json(send, 413, too_large)
