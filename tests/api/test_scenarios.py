"""Shipped scenarios, and validation of uploaded YAML (content only, never a server path)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.api.helpers import assert_error

import corridor

GOOD = """\
name: test closure
description: the northern rail route closed
changes:
  - close_country: RU
engine: {method: lp}
"""


def test_list_shipped(client: TestClient) -> None:
    d = client.get("/api/scenarios").json()
    names = [s["name"] for s in d["scenarios"]]
    assert names == corridor.data.scenarios()
    assert all(s["description"] for s in d["scenarios"])


def test_get_shipped(client: TestClient) -> None:
    d = client.get("/api/scenarios/northern-route-closed").json()
    assert d["yaml"].startswith(("name", "#")) or "name:" in d["yaml"]
    assert d["spec"]["dataset"] == "eurasia"
    assert d["spec"]["changes"]


def test_get_unknown_is_404(client: TestClient) -> None:
    assert_error(client.get("/api/scenarios/northern-route-closd"), 404, "name")
    assert_error(client.get("/api/scenarios/..%2F..%2Fetc%2Fpasswd"), 404)


def test_validate_yaml_and_json(client: TestClient) -> None:
    text = client.get("/api/scenarios/northern-route-closed").json()["yaml"]
    r = client.post("/api/scenarios/validate", content=text.encode(), headers={"content-type": "text/yaml"})
    assert r.status_code == 200, r.text
    assert r.json()["valid"] is True
    r2 = client.post("/api/scenarios/validate", json={"yaml": text})
    assert r2.json() == r.json()


def test_validate_bad_yaml_names_line(client: TestClient) -> None:
    r = client.post("/api/scenarios/validate", content=b"name: x\nchanges: [\n  - close_country: RU\n",
                    headers={"content-type": "text/yaml"})
    err = assert_error(r, 400)
    assert "<request>:" in err["problems"][0]["where"]


def test_validate_bad_field_names_line_and_field(client: TestClient) -> None:
    text = "name: x\nchanges:\n  - close_contry: RU\n"
    err = assert_error(client.post("/api/scenarios/validate", json={"yaml": text}), 400)
    p = err["problems"][0]
    assert p["where"].startswith("<request>:3") or p["where"].startswith("<request>:2"), p
    assert "changes" in p["field"] or "close_contry" in p["message"]


def test_validate_refuses_a_path_in_base(client: TestClient, tmp_path: Path) -> None:
    folder = Path(corridor.data.path("eurasia"))  # exists on the server, and is still refused
    for base in (str(folder), "../../etc", "/etc/passwd"):
        text = f"name: x\nbase: {{dataset: '{base}'}}\nchanges: []\n"
        err = assert_error(client.post("/api/scenarios/validate", json={"yaml": text}), 400, "base.dataset")
        assert "dataset" in err["message"]


def test_validate_refuses_a_slices_file(client: TestClient) -> None:
    text = "name: x\nengine: {method: lp, slices: /tmp/slices.csv}\n"
    r = client.post("/api/scenarios/validate", json={"yaml": text})
    assert r.status_code == 400, r.text


def test_validate_body_errors(client: TestClient) -> None:
    assert_error(client.post("/api/scenarios/validate", json={"yml": "x"}), 422, "yaml")
    assert_error(client.post("/api/scenarios/validate", content=b'{"yaml": ', headers={"content-type":
                                                                                      "application/json"}), 400)
    assert_error(client.post("/api/scenarios/validate", content=b"name: x",
                             headers={"content-type": "application/x-www-form-urlencoded"}), 415)
    assert_error(client.post("/api/scenarios/validate", content=b"\xff\xfe", headers={"content-type": "text/yaml"}),
                 400)
    assert_error(client.post("/api/scenarios/validate", content=b"- a\n- b\n", headers={"content-type": "text/yaml"}),
                 400)
    assert_error(client.post("/api/scenarios/validate", content=b"a: &a [*a]\n", headers={"content-type": "text/yaml"}),
                 400)


def test_validate_alias_bomb_is_refused(client: TestClient) -> None:
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True))
    assert_error(client.post("/api/scenarios/validate", content=bomb.encode(), headers={"content-type": "text/yaml"}),
                 400)


def test_validate_good_upload(client: TestClient) -> None:
    r = client.post("/api/scenarios/validate", content=GOOD.encode(), headers={"content-type": "application/yaml"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "test closure"


def test_validate_control_characters_are_400(client: TestClient) -> None:
    err = assert_error(client.post("/api/scenarios/validate", json={"yaml": "\x1fname: x"}), 400)
    assert "malformed YAML" in err["message"]


def test_validate_too_long_yaml_is_422(client: TestClient) -> None:
    long = "name: x\n" + "# padding\n" * 9000
    assert_error(client.post("/api/scenarios/validate", json={"yaml": long}), 422, "yaml")
    assert_error(client.post("/api/runs", json={"yaml": long}), 422, "yaml")
