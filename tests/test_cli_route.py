from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["route", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "Dostyk", "Poti", "--json")
    assert code == 0
    route = json.loads(out)["routes"][0]
    for key in ("nodes", "legs", "countries", "distance_km", "time_h", "cost_usd", "co2e_kg", "risk",
                "border_crossings"):
        assert key in route
    assert "kuryk" in route["nodes"] or "aktau" in route["nodes"]


def test_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dostyk", "POTI")
    assert code == 0
    assert "Dostyk → Poti" in out and "days" in out and "│ = waiting" in out


@pytest.mark.parametrize("args", [
    ["--by", "cost"], ["--by", "co2"], ["--by", "risk"], ["--by", "generalized", "--value-of-time", "2",
                                                          "--carbon-price", "80", "--risk-price", "5"],
    ["--cargo", "grain"], ["--cargo", "oil"], ["--k", "3"], ["--pareto"], ["--avoid-country", "RU,BY"],
    ["--avoid-node", "Kuryk"], ["--via", "Aktau", "--via", "Tbilisi"], ["--mode", "rail-1520", "--mode", "rail-ferry"],
    ["--max-transfers", "3"], ["--risk", "AZ=0.5", "--by", "risk"], ["--avoid-link", "aktau-alat-ferry"],
])
def test_options(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, "Almaty", "Poti", *args, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["routes"]
    for r in d["routes"]:
        assert r["nodes"][0] == "almaty" and r["nodes"][-1] == "poti"
        if "RU,BY" in args:
            assert not {"RU", "BY"} & set(r["countries"])


def test_geojson(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "r.geojson"
    code, _, _ = run(capsys, "Xian", "Duisburg", "--k", "2", "--geojson", str(out))
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection"
    assert {f["properties"]["route"] for f in doc["features"]} == {1, 2}


@pytest.mark.parametrize(("args", "code", "text"), [
    (["Atlantis", "Poti"], 2, "unknown node 'Atlantis'"),
    (["Aktu", "Poti"], 2, "did you mean 'aktau'"),
    (["Almaty", "Istanbul", "--avoid-country", "KZ"], 1, "no route"),
    (["Almaty", "Baku", "--mode", "road"], 1, "avoiding mode"),
    (["Almaty", "Poti", "--value-of-time", "-1"], 2, "--value-of-time"),
    (["Almaty", "Poti", "--mode", "hovercraft"], 2, "unknown mode"),
    (["Almaty", "Poti", "--cargo", "gold"], 2, "unknown commodity"),
    (["Almaty", "Poti", "--risk", "RU:high"], 2, "CC=SCORE"),
    (["Almaty", "Poti", "--by", "beauty"], 2, ""),
    (["Almaty", "Poti", "--k", "0"], 2, ""),
    (["Almaty", "Poti", "--pareto", "--epsilon", "-0.1"], 2, "--epsilon"),
])
def test_bad_input(capsys: pytest.CaptureFixture[str], args: list[str], code: int, text: str) -> None:
    got, out, err = run(capsys, *args)
    assert got == code
    assert text in err
    assert "Traceback" not in err + out


def test_malformed_network(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "net.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    got, _, err = run(capsys, "a", "b", "--network", str(bad))
    assert got == 2
    assert "not valid JSON" in err


def test_own_network(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "nodes.csv").write_text("id,name,country,kind,lon,lat\na,Alpha,KZ,city,70,45\nb,Beta,KZ,city,71,45\n"
                                      "c,Gamma,UZ,city,72,44\n")
    (folder / "links.csv").write_text("id,a,b,mode,distance_km,speed_kmh,cost_usd_per_t\n"
                                      "ab,a,b,rail-1520,100,40,5\nbc,b,c,rail-1520,100,40,5\nac,a,c,road,150,60,30\n")
    code, out, err = run(capsys, "Alpha", "Gamma", "--network", str(folder), "--cargo", "coal", "--by", "cost",
                         "--json")
    assert code == 0, err
    assert json.loads(out)["routes"][0]["nodes"] == ["a", "b", "c"]


def test_negative_weight_in_network(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "neg"
    folder.mkdir()
    (folder / "nodes.csv").write_text("id,name,country,kind,lon,lat\na,Alpha,KZ,city,70,45\nb,Beta,KZ,city,71,45\n")
    (folder / "links.csv").write_text("id,a,b,mode,distance_km,speed_kmh,cost_usd_per_t\nab,a,b,rail-1520,100,40,-5\n")
    code, out, err = run(capsys, "Alpha", "Beta", "--network", str(folder))
    assert code == 2
    assert "links.csv:2: cost_usd_per_t: must not be negative" in err
    assert out == ""


def test_epsilon_pareto_set_covers_the_exact_one(capsys: pytest.CaptureFixture[str]) -> None:
    """Every route of the exact Pareto set is within 1 + epsilon, on every criterion, of one shown."""
    keys = ("cost_usd", "time_h", "co2e_kg", "risk")
    _, out, _ = run(capsys, "Almaty", "Rotterdam", "--pareto", "--json")
    exact = json.loads(out)["routes"]
    _, out, _ = run(capsys, "Almaty", "Rotterdam", "--pareto", "--epsilon", "0.2", "--json")
    approx = json.loads(out)["routes"]
    assert 1 <= len(approx) < len(exact)
    for r in exact:
        assert any(all(a[k] <= 1.2 * r[k] + 1e-9 for k in keys) for a in approx)
