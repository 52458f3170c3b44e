"""Token on non-loopback binds, loopback detection, CORS closed by default, body limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.helpers import assert_error

from corridor.api import create_app
from corridor.validation import is_loopback

TOKEN = "s3cret-token"


@pytest.fixture
def exposed(store: Path) -> TestClient:
    return TestClient(create_app(store=store, token=TOKEN, bind_host="0.0.0.0"))


@pytest.mark.parametrize(("host", "loop"), [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                            ("192.168.1.5", False), ("example.org", False), ("::", False)])
def test_is_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop


def test_non_loopback_needs_a_token() -> None:
    with pytest.raises(ValueError, match="CORRIDOR_API_TOKEN"):
        create_app(bind_host="0.0.0.0")


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", "/api/runs", {"scenario": "northern-route-closed"}),
    ("POST", "/api/sweeps", {"scenario": "northern-risk-premium", "samples": 2}),
    ("POST", "/api/hub", {"days": 5, "replications": 1}),
    ("DELETE", "/api/jobs/abc", None),
])
def test_writes_need_the_token(exposed: TestClient, method: str, url: str, body: dict | None) -> None:
    assert_error(exposed.request(method, url, json=body), 401, "authorization")
    r = exposed.request(method, url, json=body, headers={"Authorization": "Basic abc"})
    assert_error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert_error(exposed.request(method, url, json=body, headers={"Authorization": "Bearer wrong"}), 403)
    assert exposed.get("/api/jobs").json()["jobs"] == []


def test_right_token_starts_the_job(exposed: TestClient) -> None:
    with exposed:
        r = exposed.post("/api/hub", json={"days": 5, "replications": 1}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 202, r.text
        d = exposed.delete(r.json()["status_url"], headers={"Authorization": f"Bearer {TOKEN}"})
        assert d.status_code == 200


def test_reads_need_no_token(exposed: TestClient) -> None:
    assert exposed.get("/api/health").status_code == 200
    assert exposed.get("/api/scenarios").status_code == 200
    assert exposed.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti"}).status_code == 200


def test_cors_closed_by_default(client: TestClient) -> None:
    r = client.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/api/routes", headers={"Origin": "http://evil.example",
                                                 "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in pre.headers


def test_cors_when_asked(store: Path) -> None:
    c = TestClient(create_app(store=store, cors_origins=["http://dash.example"]))
    r = c.get("/api/health", headers={"Origin": "http://dash.example"})
    assert r.headers["access-control-allow-origin"] == "http://dash.example"
    r = c.get("/api/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_body_limit_without_content_length(store: Path) -> None:
    c = TestClient(create_app(store=store, max_body=100))

    def chunks():  # streamed: no Content-Length
        yield b'{"origin": "'
        yield b"a" * 200
        yield b'", "destination": "Poti"}'

    r = c.post("/api/routes", content=chunks(), headers={"content-type": "application/json"})
    assert_error(r, 413)
