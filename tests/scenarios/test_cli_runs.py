"""``corridor runs``: list, show, export and diff, for people and for programs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import corridor.cli
from corridor.cli import main
from corridor.cli.runs import app as runs_app
from corridor.scenarios.store import RunStore, hash_spec

BASE = {
    "engine": "lp", "status": "optimal",
    "totals": {"demand_t": 1.6e8, "served_t": 1.6e8, "unserved_t": 0.0, "total_cost_usd": 2.0e10,
               "tonne_km": 4.9e11, "co2e_kg": 8.7e9, "hours_t": 3.7e10},
    "by_commodity": {"coal": {"demand_t": 3.2e7, "served_t": 3.2e7, "unserved_t": 0.0}},
    "by_corridor": {"northern": {"tonnes": 1.5e8, "teu": 0.0, "tonne_km": 1.6e11, "co2e_kg": 2.1e9},
                    "trans-caspian": {"tonnes": 3.1e7, "teu": 6.9e5, "tonne_km": 6.0e10, "co2e_kg": 1.9e9}},
    "border_crossings": {"dostyk-border-out": 8.6e6},
    "bottlenecks": [],
}
SCEN = {
    **BASE,
    "totals": {**BASE["totals"], "served_t": 1.5e8, "unserved_t": 1.0e7, "total_cost_usd": 2.3e10},
    "by_corridor": {"northern": {"tonnes": 0.0, "teu": 0.0, "tonne_km": 0.0, "co2e_kg": 0.0},
                    "trans-caspian": {"tonnes": 4.5e7, "teu": 9.1e5, "tonne_km": 8.4e10, "co2e_kg": 2.8e9}},
    "bottlenecks": [{"kind": "transfer", "id": "aktau-port-out", "from": "", "to": "", "unit": "t/yr",
                     "capacity": 1.1e7, "flow": 1.1e7, "utilisation": 1.0, "usd_per_t_yr": 6.47}],
}
COLUMNS = ["link", "from", "to", "mode", "corridor", "commodity", "tonnes"]


def flows(northern: float, caspian: float) -> pd.DataFrame:
    return pd.DataFrame([["n1", "a", "b", "rail-1520", "northern", "coal", northern],
                         ["c1", "a", "c", "rail-1520", "trans-caspian", "coal", caspian]], columns=COLUMNS)


GEOMETRY = pd.DataFrame({"link": ["n1", "c1"], "from": ["a", "a"], "to": ["b", "c"], "lon_from": [70.0, 70.0],
                         "lat_from": [50.0, 50.0], "lon_to": [60.0, 51.0], "lat_to": [55.0, 43.0]})


@pytest.fixture(autouse=True)
def _cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register ``runs`` on the root app if cli/__init__ does not yet, and print wide tables."""
    if not any(g.name == "runs" for g in corridor.cli.app.registered_groups):
        monkeypatch.setattr(corridor.cli.app, "registered_groups", list(corridor.cli.app.registered_groups))
        corridor.cli.app.add_typer(runs_app, name="runs")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("CORRIDOR_STORE_TIMEOUT", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(tmp_path / "runs.duckdb")
    for i, (name, summary, tables) in enumerate((
        ("baseline-2021", BASE, {"link_flows": flows(1.5e8, 3.1e7), "geometry": GEOMETRY}),
        ("northern-route-closed", SCEN, {"link_flows": flows(0.0, 4.5e7), "geometry": GEOMETRY}),
    )):
        spec = {"name": name}
        run = s.start("scenario", name, spec, hash_spec(spec), run_id=f"20260101-00000{i}.000-{name[:6]}")
        s.finish(run, summary=summary, tables=tables, elapsed_s=1.5)
    sweep = s.start("sweep", "northern-risk-premium", {"samples": 4}, "hs", seed=42,
                    run_id="20260102-000000.000-sweep0")
    s.add_samples(sweep, [{"idx": i, "seed": 100 + i, "params": {"ru_risk_premium": 10.0 + i},
                           "summary": {"unserved_t": 1e6 * i, "total_cost_usd": 2e10, "binding": "aktau-port-out",
                                       "warm": i > 0, "status": "optimal", "by_corridor_t": {"northern": 1e8}},
                           "elapsed_s": 0.2} for i in range(4)])
    s.finish(sweep, summary={"n": 4, "metrics": {"unserved_t": {"mean": 1.5e6, "p95": 2.85e6}},
                             "bottleneck_frequency": {"transfer:aktau-port-out": 1.0},
                             "tornado": [{"parameter": "ru_risk_premium", "metric": "unserved_t", "spearman": 1.0}]},
             tables={"samples": s.samples(sweep)}, elapsed_s=2.0)
    failed = s.start("scenario", "broken", {}, "hb", run_id="20260103-000000.000-broken")
    s.fail(failed, "HiGHS: infeasible")
    return s


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_for_people_and_programs(capsys: pytest.CaptureFixture[str], store: RunStore) -> None:
    code, out, err = run(capsys, "runs", "list", "--store", str(store.path))
    assert code == 0, err
    assert "20260101-000001.000-northe" in out and "baseline-2021" in out and "failed" in out
    assert "10.00" in out  # unserved Mt of the closed northern route
    code, out, _ = run(capsys, "runs", "list", "--store", str(store.path), "--json", "--kind", "scenario")
    d = json.loads(out)
    assert d["store"] == str(store.path) and d["more"] is False
    assert [r["name"] for r in d["runs"]] == ["broken", "northern-route-closed", "baseline-2021"]
    assert d["runs"][1]["unserved_t"] == 1.0e7 and d["runs"][0]["status"] == "failed"
    code, out, _ = run(capsys, "runs", "list", "--store", str(store.path), "--limit", "1")
    assert "showing the newest 1" in out


def test_list_of_an_empty_store(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_HOME", str(tmp_path / "home"))
    code, out, _ = run(capsys, "runs", "list")
    assert code == 0 and "no runs in" in out and str(tmp_path / "home" / "runs.duckdb") in out
    code, out, _ = run(capsys, "runs", "list", "--json")
    assert json.loads(out) == {"store": str(tmp_path / "home" / "runs.duckdb"), "runs": [], "more": False}
    assert not (tmp_path / "home").exists()


def test_show(capsys: pytest.CaptureFixture[str], store: RunStore) -> None:
    code, out, err = run(capsys, "runs", "show", "northe", "--store", str(store.path))
    assert code == 0, err
    for text in ("northern-route-closed", "done", "unserved_t", "10.00 Mt", "by corridor", "aktau-port-out",
                 "link_flows (2 rows)"):
        assert text in out, text
    code, out, err = run(capsys, "runs", "show", "sweep0", "--store", str(store.path))
    assert code == 0, err
    for text in ("4 samples", "param.ru_risk_premium", "p95", "unserved_t (Mt)", "2.85", "by_corridor_t.northern",
                 "transfer:aktau-port-out", "tornado"):
        assert text in out, text
    code, out, _ = run(capsys, "runs", "show", "broken", "--store", str(store.path))
    assert code == 0 and "HiGHS: infeasible" in out
    code, out, _ = run(capsys, "runs", "show", "northe", "--store", str(store.path), "--json")
    d = json.loads(out)
    assert d["summary"] == SCEN and d["tables"] == {"geometry": 2, "link_flows": 2} and d["spec"]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "geojson"])
def test_export(capsys: pytest.CaptureFixture[str], store: RunStore, tmp_path: Path, fmt: str) -> None:
    out_path = tmp_path / "out"
    code, out, err = run(capsys, "runs", "export", "baseli", "--format", fmt, "--out", str(out_path),
                         "--store", str(store.path), "--json")
    assert code == 0, err
    d = json.loads(out)
    files = [Path(f) for f in d["files"]]
    assert d["format"] == fmt and all(f.is_file() for f in files)
    if fmt == "parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(out_path / "link_flows.parquet"), flows(1.5e8, 3.1e7))
    elif fmt == "csv":
        assert pd.read_csv(out_path / "geometry.csv")["lat_to"].tolist() == [55.0, 43.0]
    else:
        doc = json.loads(files[0].read_text(encoding="utf-8"))
        assert [f["properties"]["tonnes"] for f in doc["features"]] == [1.5e8, 3.1e7]
        assert doc["features"][1]["geometry"]["coordinates"] == [[70.0, 50.0], [51.0, 43.0]]
    code, out, _ = run(capsys, "runs", "export", "baseli", "--format", fmt, "--out", str(tmp_path / "again"),
                       "--store", str(store.path))
    assert code == 0 and "wrote" in out


def test_export_geojson_without_geometry_exits_2(capsys: pytest.CaptureFixture[str], store: RunStore,
                                                 tmp_path: Path) -> None:
    code, _, err = run(capsys, "runs", "export", "sweep0", "--format", "geojson", "--out", str(tmp_path / "x"),
                       "--store", str(store.path))
    assert code == 2 and "has no link_flows table" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_diff(capsys: pytest.CaptureFixture[str], store: RunStore) -> None:
    code, out, err = run(capsys, "runs", "diff", "baseli", "northe", "--store", str(store.path))
    assert code == 0, err
    assert "unserved_t" in out and "total_cost_usd" in out and "+15.0" in out  # 20 → 23 bn USD
    assert "demand_t" not in out  # unchanged figures stay out
    assert "aktau-port-out" in out  # a new bottleneck
    code, out, _ = run(capsys, "runs", "diff", "baseli", "northe", "--store", str(store.path), "--json")
    d = json.loads(out)
    assert d["base"].endswith("baseli") and d["scenario"].endswith("northe")
    assert d["diff"]["totals"]["unserved_t"]["change"] == 1.0e7


@pytest.mark.parametrize(("args", "message"), [
    (["show", "nope"], "unknown run 'nope'"),
    (["show", "2026"], "matches 4 runs"),
    (["diff", "baseli", "broken"], "is failed; only finished runs"),
    (["diff", "baseli", "sweep0"], "is a sweep run without totals"),
    (["export", "baseli", "--format", "shp", "--out", "x"], "shp"),
])
def test_bad_requests_exit_2(capsys: pytest.CaptureFixture[str], store: RunStore, args: list[str],
                             message: str) -> None:
    code, _, err = run(capsys, "runs", *args, "--store", str(store.path))
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_store_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    code, _, err = run(capsys, "runs", "list", "--store", str(text))
    assert code == 2 and f"{text}: is not a corridor run store" in err
    code, _, err = run(capsys, "runs", "show", "x", "--store", str(tmp_path))
    assert code == 2 and "is a folder" in err
    monkeypatch.setenv("CORRIDOR_STORE_TIMEOUT", "soon")
    code, _, err = run(capsys, "runs", "list", "--store", str(tmp_path / "runs.duckdb"))
    assert code == 2 and "CORRIDOR_STORE_TIMEOUT: 'soon' is not a number" in err


def test_busy_store_exits_1(capsys: pytest.CaptureFixture[str], store: RunStore,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    hold = "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(5)"
    proc = subprocess.Popen([sys.executable, "-c", hold, str(store.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        monkeypatch.setenv("CORRIDOR_STORE_TIMEOUT", "0.3")
        code, out, err = run(capsys, "runs", "list", "--store", str(store.path))
        assert code == 1 and out == ""
        assert f"is busy: process {proc.pid} holds it" in err and "CORRIDOR_STORE_TIMEOUT" in err
    finally:
        proc.kill()
        proc.communicate()
