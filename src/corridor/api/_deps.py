"""What the endpoints share: the dataset, the job manager, JSON-safe values."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import orjson
from fastapi import Request, Response

if TYPE_CHECKING:
    from corridor.api.jobs import JobManager
    from corridor.model import Dataset

__all__ = ["dataset", "jobs", "json_bytes", "json_response", "load_dataset", "plain"]

_lock = threading.Lock()


async def dataset(request: Request) -> Dataset:
    """The built-in dataset, loaded once per app (:func:`corridor.load`).

    A coroutine, so that a request pays no trip to a worker thread for it; only the first load
    runs in one.
    """
    ds: Dataset | None = getattr(request.app.state, "dataset", None)
    if ds is None:
        ds = await anyio.to_thread.run_sync(load_dataset, request.app.state)
    return ds


def load_dataset(state: Any) -> Dataset:
    """Load the built-in dataset into ``state.dataset`` once (the app's start-up does, so requests need not)."""
    with _lock:
        if getattr(state, "dataset", None) is None:
            import corridor

            state.dataset = corridor.load()
        ds: Dataset = state.dataset
    return ds


def jobs(request: Request) -> JobManager:
    """The app's job manager."""
    manager: JobManager = request.app.state.jobs
    return manager


def json_bytes(value: Any) -> bytes:
    """``value`` as strict JSON: NaN and infinities as null, NumPy values as Python ones, keys as strings."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


def plain(value: Any) -> Any:
    """``value`` as the Python values of its strict JSON (:func:`json_bytes`), for pydantic models."""
    return orjson.loads(json_bytes(value))


def json_response(value: Any, *, status: int = 200, media_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> Response:
    """``value`` as a strict JSON answer (:func:`json_bytes`).

    Endpoints that return large results answer with this instead of letting FastAPI validate and
    encode them again: orjson writes the bytes in one pass. The endpoint's ``response_model`` still
    documents the shape in the OpenAPI spec (the tests check answers against it).
    """
    return Response(json_bytes(value), status_code=status, media_type=media_type, headers=headers)
