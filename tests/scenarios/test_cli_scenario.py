"""``corridor scenario run|sweep`` and ``corridor demo`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.cli import main

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"


def test_run_prints_json_with_the_contract_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "runs.duckdb"
    assert main(["scenario", "run", str(EX / "northern-route-closed.yaml"), "--json", "--store", str(store)]) == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("scenario", "baseline", "result", "diff"):
        assert k in d
    assert d["scenario"]["name"] == "northern-route-closed" and not d["scenario"]["reused"]
    assert d["diff"]["by_corridor"]["northern"]["tonnes"]["change"] < 0  # routes through Russia
    assert d["diff"]["measures"]["russia_t"]["change"] < 0
    assert d["diff"]["measures"]["titr_t"]["change"] > 0
    aktau = d["diff"]["measures"]["caspian_by_port_pair"]["aktau→baku-alat"]["tonnes"]
    assert aktau["change"] == pytest.approx(aktau["scenario"] - aktau["baseline"]) and aktau["change"] > 0
    m = d["result"]["measures"]
    assert 0 <= m["russia_t"] <= m["served_t"] and 0 <= m["titr_t"] <= m["served_t"]
    assert "by_od" not in m  # the summary keeps the totals and tables, not one record per demand row
    # an identical spec is reused from the store
    assert main(["scenario", "run", str(EX / "northern-route-closed.yaml"), "--json", "--store", str(store)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["scenario"]["reused"] and again["baseline"]["reused"]
    assert again["diff"] == d["diff"]
    assert main(["runs", "list", "--json", "--store", str(store)]) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert len(runs) == 2 and {r["status"] for r in runs} == {"done"}


def test_run_for_people(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", str(EX / "caspian-storm-season.yaml"), "--store", str(tmp_path / "r.duckdb")]) == 0
    out = capsys.readouterr().out
    for text in ("caspian-storm-season", "totals", "by corridor", "largest changes in link flows"):
        assert text in out


def test_explicit_baseline_and_equilibrium_engine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "eq.yaml"
    f.write_text("name: eq\nbase: {dataset: eurasia, year: 2021}\nchanges:\n"
                 "  - grow_demand: {select: {group: kz-export-rail}, factor: 1.5}\n"
                 "engine: {method: equilibrium, gap: 1.0e-5}\n", encoding="utf-8")
    assert main(["scenario", "run", str(f), "--baseline", str(EX / "baseline-2021.yaml"), "--no-store", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["result"]["engine"] == "equilibrium" and d["result"]["converged"]
    assert d["result"]["congestion"]
    assert d["diff"]["totals"]["demand_t"]["change"] > 0


@pytest.mark.parametrize(("content", "expect"), [
    ("name: x\nchanges:\n  - close_country: XX\n", "x.yaml:3: close_country.ids: no node or link"),
    ("name: x\nchanges:\n  - close_lnk: a\n", "did you mean 'close_link'"),
    ("name: x\nuncertain:\n  a: {dist: weibull, k: 1}\n", "unknown distribution 'weibull'"),
    ("name: x\n  bad: [\n", "malformed YAML"),
    ("name: x\nbase: {dataset: nowhere}\n", "neither a built-in dataset"),
    ("name: x\nbase: {dataset: eurasia, year: 2015}\n", "no demand for 2015"),
])
def test_bad_scenarios_exit_2_without_writing(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
                                              expect: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(content, encoding="utf-8")
    store = tmp_path / "runs.duckdb"
    assert main(["scenario", "run", str(f), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert expect in err and "Traceback" not in err
    if store.exists():
        assert main(["runs", "list", "--json", "--store", str(store)]) == 0
        assert json.loads(capsys.readouterr().out)["runs"] == []


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "no-such-file.yaml", "--no-store"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_sweep_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "sweep", str(EX / "northern-risk-premium.yaml"), "--samples", "8", "--workers", "1",
                 "--seed", "4", "--json", "--store", str(tmp_path / "s.duckdb")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n"] == 8 and d["samples"] == 8 and d["seed"] == 4
    for k in ("metrics", "p_unserved_above", "bottleneck_frequency", "tornado", "sweep_id"):
        assert k in d
    assert main(["scenario", "sweep", str(EX / "baseline-2021.yaml"), "--samples", "3", "--store",
                 str(tmp_path / "s.duckdb")]) == 2
    assert "no uncertain parameters" in capsys.readouterr().err


def test_own_network_next_to_the_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    assert main(["network", "export", "--format", "csv", str(folder / "net")]) == 0
    (folder / "s.yaml").write_text("name: own\nbase: {dataset: net, year: 2021}\nchanges:\n"
                                   "  - close_link: aktau-alat-ferry\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["scenario", "run", str(folder / "s.yaml"), "--no-store", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["result"]["totals"]["demand_t"] > 1e8
    assert "close_link: 1 links" in d["result"]["changes_applied"]
