"""``POST /api/routes`` and its error paths."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests.api.helpers import assert_error


def test_best_route_with_geojson(client: TestClient) -> None:
    r = client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["origin"] == "dostyk" and d["destination"] == "poti"
    best = d["routes"][0]
    for k in ("legs", "countries", "distance_km", "time_h", "cost_usd", "co2e_kg", "risk", "border_crossings"):
        assert k in best
    assert "aktau" in best["nodes"] or "kuryk" in best["nodes"]
    assert d["geojson"]["type"] == "FeatureCollection" and d["geojson"]["features"]


def test_avoid_k_and_pareto(client: TestClient) -> None:
    d = client.post("/api/routes", json={"origin": "Almaty", "destination": "Duisburg", "avoid_countries": ["RU"],
                                         "k": 2, "by": "cost"}).json()
    assert 1 <= len(d["routes"]) <= 2
    assert all("RU" not in r["countries"] for r in d["routes"])
    d = client.post("/api/routes", json={"origin": "Xian", "destination": "Istanbul", "pareto": True}).json()
    keys = ("cost_usd", "time_h", "co2e_kg", "risk")
    for a in d["routes"]:
        for b in d["routes"]:
            if a is not b:
                assert not (all(b[k] <= a[k] for k in keys) and any(b[k] < a[k] for k in keys))


def test_via_cargo_modes(client: TestClient) -> None:
    r = client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti", "via": ["Kuryk"],
                                         "cargo": "container", "max_transfers": 10})
    assert r.status_code == 200, r.text
    assert "kuryk" in r.json()["routes"][0]["nodes"]


@pytest.mark.parametrize("field", ["origin", "destination", "via", "avoid_nodes"])
def test_unknown_node_names_the_field(client: TestClient, field: str) -> None:
    body: dict = {"origin": "Dostyk", "destination": "Poti"}
    body[field] = [*body.get(field, []), "Atlantis"] if field in ("via", "avoid_nodes") else "Atlantis"
    err = assert_error(client.post("/api/routes", json=body), 422, field)
    assert "Atlantis" in err["message"]


def test_did_you_mean(client: TestClient) -> None:
    err = assert_error(client.post("/api/routes", json={"origin": "Aktaw", "destination": "Poti"}), 422, "origin")
    assert "aktau" in err["message"]


def test_no_route_is_422(client: TestClient) -> None:
    err = assert_error(client.post("/api/routes", json={"origin": "Almaty", "destination": "Istanbul",
                                                         "avoid_countries": ["KZ"]}), 422)
    assert "KZ" in err["message"] or "avoid" in err["message"]


def test_bad_options_are_400_naming_the_field(client: TestClient) -> None:
    assert_error(client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti", "pareto": True,
                                                  "k": 3}), 400, "k")
    assert_error(client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti",
                                                  "avoid_countries": ["QQ"]}), 400, "avoid_countries")


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post("/api/routes", content=b'{"origin": [1,', headers={"content-type": "application/json"})
    err = assert_error(r, 400)
    assert "malformed JSON" in err["message"]


def test_wrong_types_are_422(client: TestClient) -> None:
    assert_error(client.post("/api/routes", json={"origin": 1, "destination": "Poti"}), 422, "origin")
    assert_error(client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti", "k": "x"}), 422, "k")
    assert_error(client.post("/api/routes", json={"origin": "Dostyk"}), 422, "destination")
    assert_error(client.post("/api/routes", json={"origin": "Dostyk", "destination": "Poti", "bogus": 1}),
                 422, "bogus")
    assert_error(client.post("/api/routes", json=[1, 2]), 422)


def test_wrong_content_type_is_415(client: TestClient) -> None:
    form = {"content-type": "application/x-www-form-urlencoded"}
    r = client.post("/api/routes", content=b"origin=Dostyk", headers=form)
    assert_error(r, 415, "content-type")
    assert_error(client.post("/api/routes", content=b"{}", headers={"content-type": "text/plain"}), 415)


def test_oversized_body_is_413(client: TestClient) -> None:
    big = b'{"origin": "' + b"a" * (1024 * 1024 + 10) + b'", "destination": "Poti"}'
    assert_error(client.post("/api/routes", content=big, headers={"content-type": "application/json"}), 413)


def test_empty_body_is_422(client: TestClient) -> None:
    assert_error(client.post("/api/routes"), 422)


def test_pareto_epsilon_and_budget(client: TestClient) -> None:
    exact = client.post("/api/routes", json={"origin": "Almaty", "destination": "Rotterdam", "pareto": True}).json()
    approx = client.post("/api/routes", json={"origin": "Almaty", "destination": "Rotterdam", "pareto": True,
                                              "epsilon": 0.2}).json()
    assert 1 <= len(approx["routes"]) < len(exact["routes"])
    assert_error(client.post("/api/routes", json={"origin": "Almaty", "destination": "Rotterdam", "pareto": True,
                                                  "epsilon": -1}), 422, "epsilon")
    assert_error(client.post("/api/routes", json={"origin": "Almaty", "destination": "Rotterdam", "pareto": True,
                                                  "max_seconds": 0}), 422, "max_seconds")
