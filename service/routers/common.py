"""Helpers shared by the routers: 422s with a message, unknown query parameters, topics, timing."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError

# Largest integer SQLite stores; ids and offsets beyond it would overflow the driver.
SQL_INT_MAX = 2**63 - 1


def invalid(where: str, name: str, message: str, kind: str = "value_error") -> RequestValidationError:
    """A 422 in the same format as FastAPI's own validation errors."""
    return RequestValidationError([{"loc": (where, name), "msg": message, "type": kind}])


def _query_names(dependant, names: set[str]) -> set[str]:
    for field in dependant.query_params:
        names.add(field.alias)
    for sub in dependant.dependencies:
        _query_names(sub, names)
    return names


_known_names: dict[int, frozenset[str]] = {}


def _reject_unknown_query_params(request: Request) -> None:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _known_names.get(id(route))
    if allowed is None:
        allowed = _known_names[id(route)] = frozenset(_query_names(dependant, set()))
    unknown = sorted({name for name in request.query_params.keys() if name not in allowed})
    if unknown:
        hint = f"allowed: {', '.join(sorted(allowed))}" if allowed else "this endpoint takes no query parameters"
        raise RequestValidationError([
            {"loc": ("query", name), "msg": f"unknown query parameter '{name}' ({hint})", "type": "extra_forbidden"}
            for name in unknown
        ])


reject_unknown_query_params = Depends(_reject_unknown_query_params)


def topic_slugs() -> list[str]:
    """The valid topic slugs (ingest.topics.TOPICS: a mapping or a sequence of slugs)."""
    from praxis.ingest.topics import TOPICS

    if isinstance(TOPICS, dict):
        return sorted(str(slug) for slug in TOPICS)
    return sorted(str(getattr(t, "slug", t)) for t in TOPICS)


def check_topic(topic: str | None, where: str = "query", name: str = "topic") -> str | None:
    if topic is None:
        return None
    valid = topic_slugs()
    if topic not in valid:
        raise invalid(where, name, f"unknown topic '{topic[:60]}'; valid topics: {', '.join(valid)}")
    return topic


@contextmanager
def timed(response: Response, name: str = "search") -> Iterator[None]:
    """Time the work inside the handler: `Server-Timing` and `X-Search-Ms` headers."""
    start = time.perf_counter()
    try:
        yield
    finally:
        ms = (time.perf_counter() - start) * 1000
        response.headers["Server-Timing"] = f"{name};dur={ms:.2f}"
        response.headers["X-Search-Ms"] = f"{ms:.2f}"


def _error_responses() -> dict[int | str, dict]:
    from praxis.service.schemas import ErrorResponse

    return {
        401: {"model": ErrorResponse, "description": "missing or wrong X-API-Key"},
        404: {"model": ErrorResponse, "description": "not found"},
        413: {"model": ErrorResponse, "description": "upload too large or too many files"},
        422: {"model": ErrorResponse, "description": "invalid parameters; `message` says which and why"},
    }


def responses(*codes: int) -> dict[int | str, dict]:
    table = _error_responses()
    return {code: table[code] for code in codes}
