"""``GET /api/network`` and ``GET /api/nodes``."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.helpers import assert_error


def _kinds(doc: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in doc["features"]:
        out[f["properties"]["record"]] = out.get(f["properties"]["record"], 0) + 1
    return out


def test_whole_network(client: TestClient) -> None:
    doc = client.get("/api/network").json()
    assert doc["type"] == "FeatureCollection"
    kinds = _kinds(doc)
    assert kinds["node"] >= 40 and kinds["link"] >= 80 and kinds["transfer"] > 0


def test_filter_by_mode(client: TestClient) -> None:
    doc = client.get("/api/network", params={"mode": "sea"}).json()
    links = [f for f in doc["features"] if f["properties"]["record"] == "link"]
    assert links and all(f["properties"]["mode"] == "sea" for f in links)
    ends = {f["properties"][e] for f in links for e in ("a", "b")}
    assert {f["id"] for f in doc["features"] if f["properties"]["record"] == "node"} == ends


def test_filter_by_country_and_corridor(client: TestClient) -> None:
    doc = client.get("/api/network", params={"country": "kz,ge"}).json()
    nodes = [f for f in doc["features"] if f["properties"]["record"] == "node"]
    assert nodes and {f["properties"]["country"] for f in nodes} == {"KZ", "GE"}
    doc = client.get("/api/network", params=[("corridor", "china-access")]).json()
    links = [f for f in doc["features"] if f["properties"]["record"] == "link"]
    assert links and {f["properties"]["corridor"] for f in links} == {"china-access"}


def test_unknown_filter_value(client: TestClient) -> None:
    err = assert_error(client.get("/api/network", params={"mode": "teleport"}), 422, "mode")
    assert "teleport" in err["message"]
    assert_error(client.get("/api/network", params={"country": "XX"}), 422, "country")


def test_node_search_exact_and_fuzzy(client: TestClient) -> None:
    d = client.get("/api/nodes", params={"q": "Constanta"}).json()
    assert d["nodes"][0]["exact"] and d["nodes"][0]["country"] == "RO"
    d = client.get("/api/nodes", params={"q": "Aktaw"}).json()
    assert "aktau" in [n["id"] for n in d["nodes"]]
    d = client.get("/api/nodes", params={"q": "bak"}).json()
    assert any(n["id"].startswith("baku") for n in d["nodes"])
    assert client.get("/api/nodes", params={"q": "zzzzqqq"}).json()["nodes"] == []


def test_node_search_needs_q(client: TestClient) -> None:
    assert_error(client.get("/api/nodes"), 422, "q")
    assert_error(client.get("/api/nodes", params={"q": ""}), 422, "q")
    assert_error(client.get("/api/nodes", params={"q": "a", "limit": "many"}), 422, "limit")
