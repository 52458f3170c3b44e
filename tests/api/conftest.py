"""Fixtures of the REST API's tests: an app on a temporary run store, its TestClient, job polling."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corridor.api import create_app


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "runs.duckdb"


@pytest.fixture
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(store=store)) as c:  # a server error fails the test
        yield c
