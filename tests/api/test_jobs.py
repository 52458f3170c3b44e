"""Background jobs: a scenario run, a hub simulation and a sweep to done; cancel; results; errors."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from tests.api.helpers import assert_error, wait

import corridor


def test_scenario_run_to_done(client: TestClient, store: Path) -> None:
    r = client.post("/api/runs", json={"scenario": "northern-route-closed"})
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == job["status_url"] == f"/api/jobs/{job['job']}"
    status = wait(client, job["status_url"])
    assert status["status"] == "done", status
    assert status["kind"] == "run"
    assert status["run_id"]
    assert set(status["formats"]) == {"json", "csv", "parquet", "geojson"}
    d = client.get(status["result_url"]).json()
    for k in ("scenario", "baseline", "result", "diff"):
        assert k in d
    assert d["diff"]["totals"]["total_cost_usd"]["change"] > 0
    csv = client.get(f"{job['status_url']}/result.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "figure" in csv.text.splitlines()[0]
    pq = client.get(f"{job['status_url']}/result.parquet")
    assert "figure" in pd.read_parquet(io.BytesIO(pq.content)).columns
    geo = client.get(f"{job['status_url']}/result.geojson").json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    assert [j["id"] for j in client.get("/api/jobs").json()["jobs"]] == [job["job"]]
    runs = corridor.open_store(store).list_runs()
    assert len(runs) >= 2  # the scenario and its baseline, recorded as the CLI records them


def test_run_from_uploaded_yaml(client: TestClient) -> None:
    text = client.get("/api/scenarios/northern-route-closed").json()["yaml"]
    r = client.post("/api/runs", json={"yaml": text})
    assert r.status_code == 202, r.text
    assert wait(client, r.json()["status_url"])["status"] == "done"


def test_hub_simulation_to_done(client: TestClient) -> None:
    r = client.post("/api/hub", json={"config": "aktau-hub", "days": 20, "replications": 2, "seed": 1})
    assert r.status_code == 202, r.text
    status = wait(client, r.json()["status_url"])
    assert status["status"] == "done", status
    assert status["progress"] == {"stage": "replications", "done": 2.0, "total": 2.0, "detail": ""}
    d = client.get(status["result_url"]).json()
    assert d["seed"] == 1 and d["replications"] == 2
    assert "kpi" in client.get(f"/api/jobs/{status['id']}/result.csv").text.splitlines()[0]
    assert_error(client.get(f"/api/jobs/{status['id']}/result.geojson"), 404)


def test_sweep_to_done(client: TestClient) -> None:
    r = client.post("/api/sweeps", json={"scenario": "northern-risk-premium", "samples": 4, "seed": 3, "workers": 1})
    assert r.status_code == 202, r.text
    status = wait(client, r.json()["status_url"])
    assert status["status"] == "done", status
    assert status["progress"]["done"] == status["progress"]["total"] == 4
    frame = pd.read_csv(io.StringIO(client.get(f"/api/jobs/{status['id']}/result.csv").text))
    assert len(frame) == 4


def test_cancel_a_running_sweep(client: TestClient) -> None:
    r = client.post("/api/sweeps", json={"scenario": "northern-risk-premium", "samples": 400, "workers": 1})
    url = r.json()["status_url"]
    end = time.monotonic() + 60
    while client.get(url).json()["progress"]["done"] < 1 and time.monotonic() < end:
        time.sleep(0.1)
    d = client.delete(url)
    assert d.status_code == 200, d.text
    status = wait(client, url)
    assert status["status"] == "cancelled", status
    assert status["progress"]["done"] < 400
    assert_error(client.get(f"{url}/result"), 409)


def test_cancel_a_queued_job(client: TestClient) -> None:
    first = client.post("/api/sweeps", json={"scenario": "northern-risk-premium", "samples": 400, "workers": 1})
    second = client.post("/api/hub", json={"days": 5, "replications": 1})
    assert client.delete(second.json()["status_url"]).json()["status"] == "cancelled"
    client.delete(first.json()["status_url"])
    assert wait(client, first.json()["status_url"])["status"] == "cancelled"
    assert wait(client, second.json()["status_url"])["status"] == "cancelled"


def test_failed_job_reports_the_error(client: TestClient, store: Path) -> None:
    text = "name: bad link\nchanges:\n  - close_link: no-such-link\n"
    r = client.post("/api/runs", json={"yaml": text})
    assert r.status_code == 202, r.text
    status = wait(client, r.json()["status_url"])
    assert status["status"] == "failed"
    assert status["error"]["status"] == 400
    assert "no-such-link" in status["error"]["message"]
    assert status["error"]["problems"][0]["where"] == "<request>:3"
    assert_error(client.get(f"/api/jobs/{status['id']}/result"), 409)
    assert not store.exists() or corridor.open_store(store).list_runs().empty  # nothing stored


def test_job_request_errors(client: TestClient) -> None:
    assert_error(client.get("/api/jobs/nope"), 404, "job_id")
    assert_error(client.get("/api/jobs/nope/result"), 404)
    assert_error(client.get("/api/jobs/nope/result.csv"), 404)
    assert_error(client.delete("/api/jobs/nope"), 404)
    assert_error(client.post("/api/runs", json={}), 422, "scenario")
    assert_error(client.post("/api/runs", json={"scenario": "x", "yaml": "name: x"}), 422, "scenario")
    assert_error(client.post("/api/runs", json={"scenario": "../../etc/passwd"}), 404, "name")
    assert_error(client.post("/api/runs", json={"yaml": "name: x\nbase: /etc\n"}), 400, "base.dataset")
    assert_error(client.post("/api/runs", json={"yaml": "name: [unclosed\n"}), 400)
    assert_error(client.post("/api/sweeps", json={"scenario": "northern-risk-premium", "samples": 10**6}), 422,
                 "samples")
    assert_error(client.post("/api/sweeps", json={"scenario": "northern-risk-premium", "workers": 4096}), 422,
                 "workers")
    assert_error(client.post("/api/sweeps", json={"scenario": "northern-route-closed", "samples": 2}), 422,
                 "scenario")
    assert_error(client.post("/api/hub", json={"config": "/etc/passwd"}), 404, "config")
    assert_error(client.post("/api/hub", json={"days": 0}), 422, "days")
    assert client.get("/api/jobs").json()["jobs"] == []  # nothing was started


def test_too_many_jobs_is_429(store: Path) -> None:
    from corridor.api import create_app
    from corridor.api._deps import jobs
    from corridor.api.jobs import JobManager

    app = create_app(store=store)
    full = JobManager(max_waiting=0)
    app.dependency_overrides[jobs] = lambda: full
    r = TestClient(app).post("/api/hub", json={"days": 5, "replications": 1})
    err = assert_error(r, 429, "jobs")
    assert "later" in err["message"]
    assert r.headers["retry-after"] == "10"
