"""What the endpoints share: the dataset, the job manager, JSON-safe values."""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

from fastapi import Request

if TYPE_CHECKING:
    from corridor.api.jobs import JobManager
    from corridor.model import Dataset

__all__ = ["dataset", "jobs", "plain"]

_lock = threading.Lock()


def dataset(request: Request) -> Dataset:
    """The built-in dataset, loaded once per app (:func:`corridor.load`)."""
    state = request.app.state
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


def plain(value: Any) -> Any:
    """``value`` with NaN and infinities as None and NumPy scalars as Python ones, for strict JSON."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        return plain(value.item())
    return value
