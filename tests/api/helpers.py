"""Helpers of the REST API's tests: job polling and the error shape."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient


def wait(client: TestClient, url: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll a job's status until it leaves queued/running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r = client.get(url)
        assert r.status_code == 200, r.text
        status = r.json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {url} still {status['status']} after {timeout} s")


def assert_error(r: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The answer is the error JSON with this status (and a problem naming ``field``)."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert err["status"] == status
    assert err["message"]
    assert err["problems"]
    for p in err["problems"]:
        assert set(p) == {"where", "field", "message"}
    if field is not None:
        assert field in [p["field"] for p in err["problems"]], err
    return err
