"""Route searches in worker processes (``planners=N``) answer exactly what the server's threads answer."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.helpers import assert_error

from corridor.api import create_app

REQUESTS = [
    {"origin": "Dostyk", "destination": "Poti"},
    {"origin": "Xian", "destination": "Istanbul", "k": 3, "avoid_countries": ["RU"]},
    {"origin": "Almaty", "destination": "Duisburg", "pareto": True},
    {"origin": "Kostanay", "destination": "Bandar Abbas", "cargo": "grain", "by": "generalized",
     "value_of_time": 0.4},
]


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = tmp_path_factory.mktemp("planners") / "runs.duckdb"
    with TestClient(create_app(store=store, planners=1)) as c:
        yield c


def test_same_answers_as_the_threads(pooled: TestClient, client: TestClient) -> None:
    assert pooled.app.state.planners.processes == 1  # type: ignore[attr-defined]
    for body in REQUESTS:
        a, b = pooled.post("/api/routes", json=body), client.post("/api/routes", json=body)
        assert a.status_code == b.status_code == 200, (a.text, b.text)
        assert a.content == b.content


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"origin": "Atlantis", "destination": "Poti"}, 422, "origin"),
    ({"origin": "Dostyk", "destination": "Poti", "via": ["Nowhere"]}, 422, "via"),
    ({"origin": "Dostyk", "destination": "Poti", "avoid_countries": ["KZ"]}, 422, "avoid_countries"),
    ({"origin": "Dostyk", "destination": "Poti", "cargo": "unobtainium"}, 400, "commodity"),
])
def test_errors_come_back_from_the_workers(pooled: TestClient, client: TestClient, body: dict, status: int,
                                           field: str) -> None:
    a, b = pooled.post("/api/routes", json=body), client.post("/api/routes", json=body)
    assert a.status_code == b.status_code == status
    assert a.json() == b.json()
    assert_error(a, status)
    assert any(p["field"] == field for p in a.json()["error"]["problems"]), a.json()


def test_a_dead_planner_is_replaced(tmp_path: Path) -> None:
    with TestClient(create_app(store=tmp_path / "runs.duckdb", planners=1)) as c:
        assert c.post("/api/routes", json=REQUESTS[0]).status_code == 200
        for pid in c.app.state.planners.pids:  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        statuses = []
        while time.monotonic() < deadline:
            r = c.post("/api/routes", json=REQUESTS[0])
            statuses.append(r.status_code)
            if r.status_code == 200 and len(statuses) > 1:
                break
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "1"
        assert statuses[-1] == 200 and 503 in statuses, statuses


def test_no_planner_outlives_the_app(tmp_path: Path) -> None:
    with TestClient(create_app(store=tmp_path / "runs.duckdb", planners=2)) as c:
        assert c.post("/api/routes", json=REQUESTS[0]).status_code == 200
        pids = set(c.app.state.planners.pids)  # type: ignore[attr-defined]
        assert len(pids) == 2
    time.sleep(0.5)
    assert not [p for p in pids if Path(f"/proc/{p}").exists()]
