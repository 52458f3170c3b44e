"""Security of the REST API: loopback by default, a bearer token for writes elsewhere, body limits.

- :func:`corridor.validation.is_loopback`: whether a bind address only accepts local connections;
- :func:`require_token`: a dependency of every endpoint that starts a job or writes; it asks for
  ``Authorization: Bearer <token>`` whenever the app has a token (it must have one when bound to a
  non-loopback address, see :func:`corridor.api.create_app`);
- :class:`BodyLimits`: an ASGI middleware that answers 413 to a body over the limit and 415 to a
  ``POST`` whose content type the endpoint does not read.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request

from corridor.api.errors import ApiError, error_response

__all__ = ["DEFAULT_MAX_BODY", "BodyLimits", "require_token"]

DEFAULT_MAX_BODY = 1024 * 1024
"""Largest request body, in bytes (1 MiB)."""

JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/json", "text/yaml", "application/yaml", "application/x-yaml", "text/x-yaml",
              "text/plain")
LOG_TYPES = ("text/csv", "application/vnd.apache.parquet", "application/octet-stream")
"""What ``/api/analytics/…`` reads: a shipment log (see :mod:`corridor.api.routes_analytics`)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def require_token(request: Request) -> None:
    """Refuse a request without the app's bearer token (401) or with another one (403).

    Raises
    ------
    ApiError
        401 when the header is missing or not ``Bearer``, 403 when the token differs.
    """
    token: str | None = request.app.state.token
    if not token:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "this endpoint needs 'Authorization: Bearer <token>' (CORRIDOR_API_TOKEN)",
                       [("header", "authorization", "missing bearer token")], headers=challenge)
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "wrong token", [("header", "authorization", "the token does not match")])


def _content_types(path: str) -> tuple[str, ...]:
    if path.startswith("/api/analytics/"):
        return LOG_TYPES
    return YAML_TYPES if path.rstrip("/") == "/api/scenarios/validate" else JSON_TYPES


class BodyLimits:
    """ASGI middleware: at most ``max_body`` bytes per request body; ``POST`` bodies of the right type.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    max_body
        Largest body in bytes; larger ones get 413 before the endpoint sees them.
    """

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request's size and content type, then pass it on with its body replayed."""
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        too_big = error_response(413, f"request body over {self.max_body:,} bytes",
                                 [("body", "", f"at most {self.max_body:,} bytes")])
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await too_big(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await too_big(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        allowed = _content_types(scope["path"])
        if scope["path"].startswith("/api/") and body and ctype not in allowed:
            await error_response(415, f"content type {ctype or '(none)'!r} not accepted here; send "
                                 f"{' or '.join(allowed)}", [("header", "content-type", f"expected "
                                                             f"{' or '.join(allowed)}")])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
