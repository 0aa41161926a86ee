"""Dependencies shared by the routers: the open Library, the settings, the API-key check.

The Library is opened once by the app's lifespan and kept in ``app.state``; requests
read it concurrently. Writes (upload, delete) take ``app.state.writer_lock`` so that
only one ingest or delete runs at a time, while searches carry on.
"""
from __future__ import annotations

import hmac
import threading
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader

from praxis.index.library import Library
from praxis.service.settings import Settings

API_KEY_HEADER = "X-API-Key"
_api_key_header = APIKeyHeader(
    name=API_KEY_HEADER, auto_error=False,
    description="Required by the write endpoints (upload, delete); equal to the server's PRAXIS_API_KEY.",
)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_library(request: Request) -> Library:
    return request.app.state.library


def get_writer_lock(request: Request) -> threading.Lock:
    return request.app.state.writer_lock


SettingsDep = Annotated[Settings, Depends(get_settings)]
LibraryDep = Annotated[Library, Depends(get_library)]
WriterLockDep = Annotated[threading.Lock, Depends(get_writer_lock)]


def api_key_problem(settings: Settings, given: str | None) -> str | None:
    """Why a request may not write (None when it may). Constant-time comparison."""
    if not settings.api_key:
        return "writes are disabled: the server has no API key configured (set PRAXIS_API_KEY)"
    if not given:
        return f"missing {API_KEY_HEADER} header: uploads and deletes need the API key"
    if not hmac.compare_digest(given.encode("utf-8"), settings.api_key.encode("utf-8")):
        return f"invalid API key in the {API_KEY_HEADER} header"
    return None


def require_api_key(settings: SettingsDep, key: Annotated[str | None, Depends(_api_key_header)]) -> None:
    problem = api_key_problem(settings, key)
    if problem is not None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=problem, headers={"WWW-Authenticate": "ApiKey"})


ApiKeyDep = Depends(require_api_key)
