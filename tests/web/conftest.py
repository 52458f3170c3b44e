"""Fixtures of the dashboard tests: a stand-in for the REST API, served live on 127.0.0.1.

:func:`stub_app` answers the endpoints the dashboard calls, with the shapes of the API's schemas
(``/api/network``, ``/api/nodes``, ``/api/routes``, ``/api/scenarios`` and ``/api/scenarios/{name}``,
``/api/runs`` by name, ``/api/hub``, ``/api/jobs/{id}`` and its ``/result`` and ``/result.geojson``) from
corridor's Python API, and mounts the dashboard with :func:`corridor.web.mount`. It is test code only:
the browser tests run against the real app by default (``CORRIDOR_WEB_TEST_APP=stub`` picks the stub; the
builder and sweep tests then skip), and the token test uses the stub's echo endpoint.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

import corridor
from corridor import data
from corridor.io.geojson import dataset_to_geojson
from corridor.scenarios import load_scenario
from corridor.web import mount


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload, default=str), status_code=status, media_type="application/json")


def _error(status: int, message: str) -> Response:
    """The API's error answer: ``{"error": {"status", "message", "problems"}}``."""
    return _json({"error": {"status": status, "message": message, "problems": []}}, status)


def stub_app() -> FastAPI:  # noqa: C901 - one small handler per endpoint
    """A FastAPI app with the API's endpoints, answered by corridor's Python API, and the dashboard."""
    app = FastAPI()
    ds = corridor.load()
    network = dataset_to_geojson(ds)  # nodes, links and transfers, every record's fields
    network.pop("corridor")
    jobs: dict[str, dict[str, Any]] = {}

    @app.get("/api/network")
    def get_network() -> Any:
        return _json(network)

    @app.get("/api/nodes")
    def get_nodes(q: str = "") -> Any:
        q = q.strip().lower()
        found = [{k: getattr(n, k) for k in ("id", "name", "country", "kind", "lon", "lat")} for n in ds.network.nodes
                 if q in n.id.lower() or q in n.name.lower()]
        return _json({"query": q, "nodes": found[:10]})

    @app.post("/api/routes")
    async def post_routes(request: Request) -> Any:
        body = await request.json()
        try:
            routes = corridor.route(ds, body["origin"], body["destination"], cargo=body.get("cargo", "container"),
                                    avoid_countries=body.get("avoid_countries", []), k=int(body.get("k", 1)),
                                    pareto=bool(body.get("pareto", False)))
        except Exception as err:  # the stub answers every bad input with 400
            return _error(400, str(err))
        result = routes.to_dict()
        return _json({"origin": result["origin"], "destination": result["destination"], "routes": result["routes"],
                      "result": {k: v for k, v in result.items() if k != "routes"}, "geojson": routes.to_geojson()})

    @app.get("/api/scenarios")
    def get_scenarios() -> Any:
        return _json({"scenarios": [{"name": name, "description": load_scenario(name).description}
                                    for name in data.scenarios()]})

    @app.get("/api/scenarios/{name}")
    def get_scenario(name: str) -> Any:
        if name not in data.scenarios():
            return _error(404, f"no shipped scenario {name!r}")
        spec = load_scenario(name)
        d = spec.to_dict()
        return _json({"name": name, "yaml": data.scenario_path(name).read_text(encoding="utf-8"),
                      "spec": {"valid": True, "name": spec.name, "description": spec.description,
                               "dataset": spec.dataset, "year": spec.year, "changes": d["changes"],
                               "engine": d["engine"], "uncertain": d["uncertain"]}})

    def run(job: str, work: Any) -> None:
        jobs[job]["status"] = "running"
        jobs[job]["progress"] = {"stage": "running", "done": 0, "total": 1}
        try:
            jobs[job]["result"] = work()
            jobs[job]["progress"] = {"stage": "done", "done": 1, "total": 1}
            jobs[job]["status"] = "done"
        except Exception as err:
            jobs[job].update(status="failed", error={"status": 400, "message": str(err), "problems": []})

    def start(work: Any) -> Response:
        job = uuid.uuid4().hex[:12]
        jobs[job] = {"status": "queued", "progress": {"stage": "queued", "done": 0, "total": None}}
        threading.Thread(target=run, args=(job, work), daemon=True).start()
        return _json({"job": job, "status_url": f"/api/jobs/{job}"}, 202)

    @app.post("/api/runs")
    async def post_runs(request: Request) -> Any:
        name = (await request.json()).get("scenario")
        if name not in data.scenarios():
            return _error(404, f"no such scenario {name!r}")
        return start(lambda: corridor.run_scenario(name))

    @app.post("/api/hub")
    async def post_hub(request: Request) -> Any:
        body = await request.json()
        return start(lambda: corridor.simulate_hub(body.get("config", "aktau-hub"), days=int(body.get("days", 365)),
                                                   replications=int(body.get("replications", 5)),
                                                   seed=int(body.get("seed", 0))).to_dict())

    @app.get("/api/jobs/{job}")
    def get_job(job: str) -> Any:
        if job not in jobs:
            return _error(404, "no such job")
        j = jobs[job]
        return _json({"id": job, "status": j["status"], "progress": j["progress"], "error": j.get("error"),
                      "result_url": f"/api/jobs/{job}/result" if j["status"] == "done" else None})

    @app.get("/api/jobs/{job}/result")
    def get_result(job: str) -> Any:
        if jobs.get(job, {}).get("status") != "done":
            return _error(409, "not finished")
        result = jobs[job]["result"]
        return _json(result.to_dict() if hasattr(result, "to_dict") else result)

    @app.get("/api/jobs/{job}/result.geojson")
    def get_geojson(job: str) -> Any:
        result = jobs.get(job, {}).get("result")
        if not hasattr(result, "to_geojson"):
            return _error(404, "no geometry")
        return _json(result.to_geojson())

    @app.get("/api/test/authorization")  # the stub only: what the dashboard sent
    def echo_authorization(request: Request) -> Any:
        return _json({"authorization": request.headers.get("authorization")})

    mount(app)
    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spec() -> str:
    """What the browser tests run against: ``$CORRIDOR_WEB_TEST_APP``, by default the real API."""
    return os.environ.get("CORRIDOR_WEB_TEST_APP", "corridor.api.app:create_app")


def _app_under_test() -> Any:
    """The real REST API (``corridor.api.app:create_app``), or the app named by ``$CORRIDOR_WEB_TEST_APP``
    (``module:attribute``, an app or a factory; ``stub`` for the stub of this file)."""
    import importlib

    spec = _spec()
    if spec == "stub":
        return stub_app()
    module, _, attr = spec.partition(":")
    app = getattr(importlib.import_module(module), attr or "app")
    return app if isinstance(app, FastAPI) else app()


def _serve(app: Any, *, lifespan: str) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free 127.0.0.1 port; yield its base URL."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app under test served on a free 127.0.0.1 port; yields its base URL.

    The real REST API by default; ``CORRIDOR_WEB_TEST_APP=stub`` runs the browser tests against the
    stub of this file.
    """
    yield from _serve(_app_under_test(), lifespan="off" if _spec() == "stub" else "on")


@pytest.fixture(scope="session")
def stub_server() -> Iterator[str]:
    """The stub of this file (with its echo endpoint for the bearer token), served beside the app under test."""
    yield from _serve(stub_app(), lifespan="off")
