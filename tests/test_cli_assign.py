from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corridor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["assign", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _best_tstt(folder: Path) -> float:
    rows = [r.split() for r in (folder / "SiouxFalls_flow.tntp").read_text().splitlines()[1:]]
    return sum(float(r[2]) * float(r[3]) for r in rows if len(r) >= 4)


def test_lp_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--method", "lp", "--json")
    assert code == 0, err
    d = json.loads(out)
    for key in ("method", "total_cost", "served", "unserved", "by_corridor", "bottlenecks"):
        assert key in d
    assert d["method"] == "lp"
    m = d["measures"]  # the physical measures: what the routes do, never above what was served
    for key in ("served_t", "russia_t", "titr_t", "titr_teu", "caspian_oil_t", "kz_transit_teu", "by_border"):
        assert key in m
    for key in ("russia_t", "titr_t", "caspian_oil_t"):
        assert 0 <= m[key] <= m["served_t"]
    assert m["served_t"] == pytest.approx(d["served"])
    assert sum(r["tonnes"] for r in m["by_corridor"]) == pytest.approx(m["served_t"])


def test_equilibrium_json_has_measures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--method", "equilibrium", "--json")
    assert code == 0, err
    m = json.loads(out)["measures"]
    for key in ("russia_t", "titr_t", "caspian_oil_t"):
        assert 0 <= m[key] <= m["served_t"]


def test_lp_table_and_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--method", "lp", "--out", str(tmp_path / "flows"))
    assert code == 0, err
    assert "LP assignment" in out
    assert "what the routes do" in out and "by route corridor" in out and "Mt entering" not in out
    frame = pd.read_parquet(tmp_path / "flows" / "link_flows.parquet")
    assert len(frame) > 0
    assert (tmp_path / "flows" / "link_flows.csv").exists()
    assert json.loads((tmp_path / "flows" / "link_flows.geojson").read_text())["type"] == "FeatureCollection"


def test_equilibrium_sioux_falls(capsys: pytest.CaptureFixture[str], tntp_dir: Path) -> None:
    folder = tntp_dir / "SiouxFalls"
    code, out, err = run(capsys, "--tntp", str(folder), "--method", "equilibrium", "--gap", "1e-5", "--json")
    assert code == 0, err
    d = json.loads(out)
    for key in ("gap", "iterations", "total_travel_time", "converged"):
        assert key in d
    assert d["converged"] and d["gap"] <= 1e-5
    assert abs(d["total_travel_time"] - _best_tstt(folder)) / _best_tstt(folder) < 1e-3


def test_strict_non_convergence_fails(capsys: pytest.CaptureFixture[str], tntp_dir: Path) -> None:
    code, out, _ = run(capsys, "--tntp", str(tntp_dir / "SiouxFalls"), "--method", "equilibrium", "--gap", "1e-9",
                       "--max-iter", "2", "--strict", "--json")
    assert code == 1
    assert json.loads(out)["converged"] is False


@pytest.mark.parametrize(("demand", "text"), [
    ("id,origin,destination,commodity,year,tonnes\nr1,atlantis,poti,coal,2021,100\n", "unknown node 'atlantis'"),
    ("id,origin,destination,commodity,year,tonnes\nr1,aktau,poti,gold,2021,100\n", "unknown commodity 'gold'"),
    ("id,origin,destination,commodity,year,tonnes\nr1,aktau,poti,coal,2021,-100\n", "must not be negative"),
    ("id,origin,destination,commodity,year\nr1,aktau,poti,coal,2021\n", "tonnes: required column"),
])
def test_bad_demand(capsys: pytest.CaptureFixture[str], tmp_path: Path, demand: str, text: str) -> None:
    path = tmp_path / "demand.csv"
    path.write_text(demand)
    code, _, err = run(capsys, "--method", "lp", "--demand", str(path))
    assert code == 2
    assert text in err and "Traceback" not in err


def test_bad_tntp_metadata(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "Bad"
    folder.mkdir()
    (folder / "Bad_net.tntp").write_text(
        "<NUMBER OF LINKS> 3\n<END OF METADATA>\n~ init term\n1 2 1 1 1 0.15 4 0 0 1 ;\n")
    code, _, err = run(capsys, "--tntp", str(folder), "--method", "equilibrium")
    assert code == 2
    assert "Bad_net.tntp" in err and "Traceback" not in err


def test_network_and_tntp_together(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--network", str(tmp_path), "--tntp", str(tmp_path))
    assert code == 2
    assert "not both" in err


def test_help_states_the_calibrated_value_of_time() -> None:
    import importlib
    from pathlib import Path

    from corridor.assignment.freight_options import DEFAULT_VALUE_OF_TIME

    text = Path(str(importlib.import_module("corridor.cli.assign").__file__)).read_text("utf-8")
    assert f"freight equilibrium default {DEFAULT_VALUE_OF_TIME:.2f}" in text


def test_lp_assignment_takes_column_generation_on_a_large_network() -> None:
    """corridor.assign (and so ``corridor assign``) lets the size rule choose: paths on a large network."""
    import corridor
    from corridor.assignment.lp import AUTO_PATH_COLUMNS, FreightLP
    from corridor.data.synthetic import rail_grid

    ds = rail_grid(corridor.load(), nodes=1_000, zones=100, seed=3)
    blocks = len({(r.commodity, r.origin) for r in ds.demand.rows})
    assert blocks * 2 * len(ds.network.links) > AUTO_PATH_COLUMNS  # large by the rule
    res = corridor.assign(ds)
    assert res.result.meta["formulation"] == "paths"
    arcs = FreightLP.build(ds.network, ds.demand, formulation="arcs").solve()
    assert res.result.objective == pytest.approx(arcs.objective, rel=1e-6)
