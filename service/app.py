"""The HTTP API and the web page: `create_app()` (served by `praxis serve`).

* The lifespan opens the Library once and keeps it in ``app.state``; requests share it
  read-only, and the write endpoints (upload, delete) take ``app.state.writer_lock``.
  Endpoints are plain ``def`` functions, so FastAPI runs them in its threadpool and a
  long ingest never blocks the event loop or the searches.
* Errors are JSON with a person-readable ``detail`` (and ``message`` for 422s); an
  unexpected exception is logged and becomes a 500 JSON, as a last resort.
* Every request body is bounded while streaming (``BodyGuard``): uploads by
  ``max_upload_mb``, every other body (JSON) by ``max_body_kb``; a larger body is refused
  with 413 before it is read (declared length), or as soon as it passes the limit (chunked),
  so a 200 MB POST costs no memory; uploads without the API key are refused before their
  body is read.
* ``Host`` is checked (``TrustedHostMiddleware``, ``allowed_hosts``: a DNS-rebinding page
  cannot read the local API) and every answer carries ``X-Content-Type-Options: nosniff``,
  ``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``.
* At start-up: upload folders that a killed server left behind are removed, and derived
  state an interrupted job left incomplete is completed in the background (``/health``
  says so meanwhile). A library re-embedded under the server answers 503 until the server
  has switched to the new model (``LibraryUnavailable``).
"""
from __future__ import annotations

import json
import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware.trustedhost import TrustedHostMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from praxis.index.library import LibraryUnavailable
from praxis.service.deps import API_KEY_HEADER, api_key_problem
from praxis.service.routers import cities, cohorts, coverage, docs, documents, health, practices, recommend, search
from praxis.service.uploads import sweep_abandoned_uploads
from praxis.service.routers.common import reject_unknown_query_params
from praxis.service.settings import Settings, get_settings

log = logging.getLogger("praxis.service")
STATIC_DIR = Path(__file__).resolve().parent / "static"
UPLOAD_PATHS = {"/documents", "/documents/"}


def _open_library(settings: Settings):
    from praxis.service.wiring import open_library

    library = open_library(settings.data, settings.embedder)
    # Warm what the first requests would otherwise wait for (model, passage table, gazetteer).
    library.embedder.encode_query("warm up")
    library.read_passages()
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
    library = app.state.library
    swept = sweep_abandoned_uploads(library.store.data_dir)
    if swept:
        log.warning("removed %d upload folders left by a stopped server", swept)
    stale = library.stale_steps()
    if stale:
        log.warning("completing derived state left by an interrupted job: %s", ", ".join(stale))
        library.repair_in_background()
    log.info("library %s open: %s", settings.data, library.store.counts())
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
    app.add_exception_handler(LibraryUnavailable, _unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
    # Added last = outermost: the host is checked first, headers are set on every answer.
    app.add_middleware(BodyGuard, settings=settings)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(SecurityHeaders)

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


async def _unavailable(request: Request, exc: LibraryUnavailable) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal error: the request could not be completed"}, status_code=500)


# -- every answer: security headers -------------------------------------------------------

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


class SecurityHeaders:
    """Pure ASGI (no BaseHTTPMiddleware: it buffers and breaks streaming answers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in SECURITY_HEADERS if n not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


# -- request bodies: authorisation and size, before and while the body streams in ----------


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


BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BodyGuard:
    """Every request body bounded: uploads by max_upload_mb (and 401 before reading one
    without the key), any other body by max_body_kb; 413 before reading a body whose declared
    length is over, or as soon as a streamed one passes the limit."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.upload_limit = int(settings.max_upload_mb * 1024 * 1024)
        self.body_limit = int(settings.max_body_kb * 1024)
        self.upload_drain_cap = min(2 * self.upload_limit + (1 << 20), 256 << 20)
        # A refused body is read and dropped chunk by chunk (the client then sees our 413, not
        # a reset); nothing is kept, so memory does not grow with it (measured in the tests).
        self.body_drain_cap = 256 << 20

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and scope["path"] in UPLOAD_PATHS
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if upload:
            drain_cap = self.upload_drain_cap
            problem = api_key_problem(self.settings, headers.get(API_KEY_HEADER.lower()))
            if problem is not None:
                await _drain(receive, drain_cap)
                await _send_json(send, 401, {"detail": problem}, [(b"www-authenticate", b"ApiKey")])
                return
            too_large = {"detail": f"upload too large: the limit is {self.settings.max_upload_mb:g} MB per request"}
        else:
            drain_cap = self.body_drain_cap
            too_large = {"detail": f"request body too large: the limit is {self.settings.max_body_kb:g} KB"}
        limit = self.upload_limit if upload else self.body_limit
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_json(send, 400, {"detail": "invalid Content-Length header"})
                return
            if int(declared) > limit:
                if int(declared) <= drain_cap:
                    await _drain(receive, drain_cap)
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
                if received > limit:
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
                await _drain(receive, drain_cap)
            await _send_json(send, 413, too_large)
