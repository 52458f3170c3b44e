"""The dashboard as the server sends it: the page, its scripts, the npm libraries, or a page naming what is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corridor import web

fastapi = pytest.importorskip("fastapi")
testclient = pytest.importorskip("fastapi.testclient")

needs_vendor = pytest.mark.skipif(bool(web.missing_vendor_files()),
                                  reason="the npm packages are not installed (make web)")


def _client() -> object:
    app = fastapi.FastAPI()
    web.mount(app)
    return testclient.TestClient(app)


@needs_vendor
def test_index_and_assets_are_served() -> None:
    client = _client()
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="map"' in page.text
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', page.text):
        assert client.get(url).status_code == 200, url
    for name in ("main.js", "map.js", "planner.js", "scenario.js", "builder.js", "flows.js", "sweep.js", "hub.js",
                 "chart.js", "api.js", "app.css"):
        assert client.get(f"/web/{name}").status_code == 200, name
    outlines = client.get("/vendor/world-atlas/countries-110m.json")
    assert outlines.status_code == 200
    assert "countries" in outlines.json()["objects"]
    assert client.get("/vendor/leaflet/images/marker-icon.png").status_code == 200


def test_missing_libraries_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_WEB_VENDOR", str(tmp_path))
    page = _client().get("/")
    assert page.status_code == 503
    assert "leaflet/dist/leaflet.js" in page.text
    assert "world-atlas/countries-110m.json" in page.text
    assert "make web" in page.text
    assert web.missing_vendor_files(tmp_path) == [
        "leaflet/dist/leaflet.js", "leaflet/dist/leaflet.css", "topojson-client/dist/topojson-client.min.js",
        "world-atlas/countries-110m.json"]


def test_nothing_comes_from_the_network() -> None:
    """No CDN: the page and its scripts name no http(s) address to load (the SVG namespace is not a load)."""
    for path in web.STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"'`)]+", text)) - {"http://www.w3.org/2000/svg"}
        assert not urls, f"{path.name}: {sorted(urls)}"


def test_api_routes_are_left_alone() -> None:
    app = fastapi.FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    web.mount(app)
    client = testclient.TestClient(app)
    assert client.get("/api/health").json() == {"status": "ok"}
    assert not any(getattr(r, "path", "").startswith("/api") for r in app.routes if r.name != "health")
