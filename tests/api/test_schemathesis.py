"""Property tests of the OpenAPI spec (schemathesis): no request, valid or not, gets a 5xx.

Jobs are accepted but not run here (a stand-in job manager), so that thousands of generated
requests do not start simulations; the real jobs are tested in ``test_jobs.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from corridor.api import create_app
from corridor.api._deps import jobs
from corridor.api.jobs import JobManager


class NoRunManager(JobManager):
    """Records jobs and cancels them at once, without running anything."""

    def submit(self, kind: str, work: Callable[..., Any]) -> Any:
        job = super().submit(kind, lambda progress: None)
        self.cancel(job.id)
        return job


def _app() -> Any:
    app = create_app(store=Path("/nonexistent/never-written.duckdb"))
    manager = NoRunManager()
    app.dependency_overrides[jobs] = lambda: manager
    return app


# the analytics endpoints take a Parquet shipment log as bytes, like application/octet-stream
schemathesis.serializer.alias("application/vnd.apache.parquet", "application/octet-stream")
schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    # Schema-valid requests may still be refused with 422 for what a schema cannot say (an unknown node,
    # a scenario name that is not shipped, both a name and YAML): not a failure.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500, f"{case.method} {case.path} {case.body!r}: {response.text[:500]}"
    if response.status_code >= 400:
        err = response.json()["error"]
        assert err["status"] == response.status_code
        assert err["problems"]
