"""Every error of the REST API as one JSON shape, mapped from corridor's exceptions in one place.

The shape (:class:`~corridor.api.schemas.ErrorModel`)::

    {"error": {"status": 422, "message": "unknown node 'Atlantis'",
               "problems": [{"where": "body", "field": "origin", "message": "..."}]}}

- :class:`~corridor.InputError` → 400 with its problems (file:line, field, message);
- :class:`~corridor.NodeNotFound` → 422 (the request names a place the network lacks);
- :class:`~corridor.NoRoute` → 422 (nothing satisfies the constraints);
- request validation: malformed JSON → 400, wrong types or missing fields → 422;
- Starlette's HTTP errors (unknown path 404, method 405 ...) keep their status;
- anything else is a bug: logged with its traceback and answered 500 in the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from corridor.api.jobs import Busy
from corridor.api.schemas import ErrorModel
from corridor.exceptions import CorridorError, InputError, NodeNotFound

if TYPE_CHECKING:
    from corridor.exceptions import Problem

__all__ = ["ApiError", "error_response", "install_handlers", "responses"]

log = logging.getLogger(__name__)

_ARG_FIELDS = {"dest": "destination", "net": "network"}
"""Python API argument names that the REST API spells differently."""


class ApiError(Exception):
    """An error answered as JSON with a 4xx status.

    Parameters
    ----------
    status
        The HTTP status.
    message
        One line for people.
    problems
        ``(where, field, message)`` triples; default: one with ``message``.
    headers
        Extra response headers (``WWW-Authenticate`` ...).
    """

    def __init__(self, status: int, message: str, problems: Iterable[tuple[str, str, str]] = (),
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)
        self.headers = headers


def error_response(status: int, message: str, problems: Sequence[tuple[str, str, str]] = (),
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON answer of an error (:class:`~corridor.api.schemas.ErrorModel`)."""
    rows = [{"where": w, "field": f, "message": m} for w, f, m in problems] or [
        {"where": "request", "field": "", "message": message}]
    return JSONResponse({"error": {"status": status, "message": message, "problems": rows}}, status_code=status,
                        headers=headers)


def problems_of(e: InputError) -> list[tuple[str, str, str]]:
    """The problems of an :class:`~corridor.InputError`, arguments named as the request names them."""
    out = []
    for p in e.problems:
        if p.severity != "error":
            continue
        out.append(_problem(p))
    return out or [("input", "", str(e))]


def _problem(p: Problem) -> tuple[str, str, str]:
    if p.where == "argument":
        return "body", _ARG_FIELDS.get(p.field, p.field), p.message
    return p.where, p.field, p.message


def _validation_problems(errors: Sequence[Any]) -> tuple[int, list[tuple[str, str, str]]]:
    """Status and problems of a request that failed validation (400 for malformed JSON, else 422)."""
    status = 422
    out = []
    for err in errors:
        loc = [str(x) for x in err.get("loc", ())]
        where = loc[0] if loc else "body"
        field = ".".join(loc[1:])
        if err.get("type") == "json_invalid":
            status = 400
            ctx = err.get("ctx") or {}
            out.append(("body", "", f"malformed JSON: {ctx.get('error', err.get('msg', ''))}"))
            continue
        out.append((where, field, str(err.get("msg", "invalid value"))))
    return status, out


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route accepts on the request's path (Starlette names only the first route's)."""
    from starlette.routing import Match, Route

    methods: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches({**request.scope, "method": next(iter(route.methods))})
            if match == Match.FULL:
                methods |= set(route.methods)
    return sorted(methods)


def as_api_error(e: Exception) -> ApiError | None:
    """The API's error for an exception of corridor (None for any other: that one is a bug).

    - :class:`ApiError`: itself;
    - :class:`~corridor.exceptions.InputError`: 400 with its problems;
    - :class:`~corridor.exceptions.NodeNotFound`: 422;
    - any other :class:`~corridor.exceptions.CorridorError` (``NoRoute`` and the other refusals of
      an engine: the request is well formed but has no answer): 422, naming its constraint.
    """
    if isinstance(e, ApiError):
        return e
    if isinstance(e, InputError):
        problems = problems_of(e)
        return ApiError(400, problems[0][2] if len(problems) == 1 else str(e), problems)
    if isinstance(e, NodeNotFound):
        return ApiError(422, e.message, [("body", "", e.message)])
    if isinstance(e, CorridorError):
        field = str(getattr(e, "constraint", "") or "")
        return ApiError(422, str(e), [("body", field, str(e))])
    return None


def install_handlers(app: FastAPI) -> None:
    """Register the exception handlers (STYLE 17: exceptions map to HTTP in one place)."""

    @app.exception_handler(ApiError)
    @app.exception_handler(CorridorError)  # InputError, NodeNotFound, NoRoute ... too
    async def _api(_: Request, e: Exception) -> JSONResponse:
        err = as_api_error(e)
        assert err is not None
        return error_response(err.status, err.message, err.problems, err.headers)

    @app.exception_handler(Busy)
    async def _busy(_: Request, e: Busy) -> JSONResponse:
        return error_response(429, str(e), [("server", "jobs", str(e))], headers={"Retry-After": "10"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        status, problems = _validation_problems(e.errors())
        message = "malformed JSON" if status == 400 else "invalid request"
        return error_response(status, message if len(problems) != 1 else problems[0][2], problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        message = str(e.detail) if e.status_code != 404 else f"no such resource: {request.url.path}"
        headers = dict(getattr(e, "headers", None) or {})
        if e.status_code == 405:
            allowed = _allowed_methods(app, request)
            headers["Allow"] = ", ".join(allowed)
            message = f"method {request.method} not allowed on {request.url.path}; allowed: {', '.join(allowed)}"
        return error_response(e.status_code, message, headers=headers or None)

    @app.exception_handler(Exception)
    async def _bug(request: Request, e: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path, exc_info=e)
        return error_response(500, f"internal error ({type(e).__name__}); this is a bug, please report it")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for the error statuses an endpoint may answer (all in :class:`ErrorModel`)."""
    words = {400: "Bad input", 401: "Token required", 403: "Wrong token", 404: "Not found", 409: "Not ready",
             413: "Body too large", 415: "Unsupported content type", 422: "Invalid request",
             429: "Too many jobs waiting",
             500: "Internal error (a bug)"}
    return {s: {"model": ErrorModel, "description": words.get(s, "Error")} for s in (*statuses, 500)}
