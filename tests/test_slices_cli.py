"""Time slices from the API, the CLI and scenarios on the built-in data."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import corridor
from corridor.cli import main
from corridor.exceptions import InputError
from corridor.model import Demand
from corridor.scenarios import load_scenario, run_spec


def _by_slice(slices: list[dict], link: str, key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in slices:
        rows = [c for c in s["capacities"] if c["id"] == link and c["unit"] == key] if key != "flow" else []
        if key == "flow":
            out[s["id"]] = sum(f["tonnes"] for f in s["link_flows"] if f["link"] == link)
        else:
            out[s["id"]] = sum(c["capacity"] for c in rows)
    return out


def test_seasonal_baseline_has_less_caspian_capacity_in_the_storm_months() -> None:
    a = corridor.assign(corridor.load(), slices="monthly", value_of_time=0.15)
    d = a.to_dict()
    assert len(d["slices"]) == 12
    assert d["served_t"] == pytest.approx(sum(s["served_t"] for s in d["slices"]))
    port = _by_slice(d["slices"], "aktau-port", "t/yr")  # the port's facility, in and out together
    feeder = _by_slice(d["slices"], "caspian-feeders", "TEU/yr")  # the feeder fleet
    for cap in (port, feeder):
        assert cap["nov"] < 0.6 * cap["oct"]
        assert cap["dec"] < 0.6 * cap["jan"]
    assert a.result.slices_frame()["id"].tolist()[0] == "jan"


def test_storm_months_cut_the_caspian_flow_where_capacity_binds() -> None:
    # Aktau's ports at 1 % of their capacity: the storm months carry less across the Caspian from Aktau.
    # With markets the baseline loads nothing at Aktau, so the Black Sea metals row is given a fixed end
    # across the Caspian (Baku) to load the port
    ds = corridor.load()
    ds = corridor.Dataset(ds.network, Demand(tuple(
        dataclasses.replace(r, destination="baku-alat") if r.id == "metals-bs" else r for r in ds.demand)))
    net = ds.network
    net = dataclasses.replace(net, facilities=tuple(
        dataclasses.replace(f, capacity_mtpa=f.capacity_mtpa * 0.01) if f.id == "aktau-port" else f
        for f in net.facilities))
    a = corridor.assign(corridor.Dataset(net, ds.demand), slices="monthly", value_of_time=0.15)
    flows = {s.id: sum(s.line_flows().get(lk, 0.0) for lk in ("aktau-alat-ferry", "aktau-alat-feeder",
                                                               "aktau-alat-tanker"))
             for s in a.result.slices}
    assert flows["nov"] < 0.8 * flows["oct"]
    assert flows["dec"] < 0.8 * flows["jan"]
    lines = a.result.slice_links_frame(["aktau-alat-tanker"])
    assert set(lines["slice"]) <= {s.id for s in a.result.slices}


def test_slices_are_lp_only() -> None:
    with pytest.raises(InputError) as e:
        corridor.assign(corridor.load(), method="equilibrium", slices="monthly")
    assert e.value.problems[0].field == "slices"


def test_cli_json_and_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(["assign", "--slices", "monthly", "--value-of-time", "0.15", "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    d = json.loads(out.out)
    assert [s["id"] for s in d["slices"]][:3] == ["jan", "feb", "mar"]
    code = main(["assign", "--slices", "monthly", "--report", str(tmp_path / "r.html")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "by time slice" in out.out
    html = (tmp_path / "r.html").read_text()
    assert "By time slice" in html
    assert "aktau-alat-feeder" in html


def test_cli_bad_slices_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["assign", "--slices", "weekly"]) == 2
    assert "weekly" in capsys.readouterr().err
    bad = tmp_path / "slices.csv"
    bad.write_text("set,id,name,months,share\ns,a,A,1,0.5\ns,b,B,2,0.6\n")
    assert main(["assign", "--slices", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "slices.csv:2" in err
    assert "share" in err
    assert "Traceback" not in err


def test_scenario_engine_slices(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: seasonal\nbase: {dataset: eurasia, year: 2021}\n"
                    "engine: {method: lp, value_of_time: 0.15, slices: monthly}\n")
    out = run_spec(load_scenario(path))
    assert len(out.summary["slices"]) == 12
    path.write_text("name: seasonal\nbase: {dataset: eurasia, year: 2021}\n"
                    "engine:\n  method: equilibrium\n  slices: monthly\n")
    with pytest.raises(InputError) as e:
        load_scenario(path)
    p = e.value.problems[0]
    assert (p.where, p.field) == (f"{path}:5", "engine.slices")


def test_scenario_year_switches_on_later_records(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: later\nbase: {dataset: eurasia, year: 2027}\n"
                    "engine: {method: lp, value_of_time: 0.15}\n")
    spec = load_scenario(path)
    from corridor.scenarios.run import base_of

    net = base_of(spec).network
    assert next(f.capacity_teu for f in net.facilities if f.id == "aktau-port") == 240_000
    out = run_spec(spec)
    assert out.summary["demand_year"] == 2021  # the 2027 network carries the latest demand, of 2021
    aktau = next(c for c in out.tables["capacities"].to_dict("records")
                 if c["id"] == "aktau-port" and c["unit"] == "TEU/yr")
    assert aktau["capacity"] == 240_000


def test_builtin_seasonal_scenario_reports_the_months(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "months.html"
    assert main(["scenario", "run", "baseline-monthly", "--no-store", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "by time slice" in out
    html = report.read_text()
    assert "By time slice" in html
    assert "Lines with seasonal capacity" in html


def test_storm_months_lengthen_the_wait_for_a_ferry() -> None:
    d = corridor.assign(corridor.load(), slices="monthly", value_of_time=0.12).to_dict()
    wait = {s["id"]: next(w["wait_h"] for w in s["line_waits"] if w["link"] == "aktau-alat-ferry") for s in d["slices"]}
    assert wait["nov"] > 1.5 * wait["oct"] and wait["dec"] > 1.5 * wait["jan"]
    assert min(wait.values()) >= corridor.load().network.line_waits_h["aktau-alat-ferry"] - 1e-9
    html = corridor.assign(corridor.load(), slices="monthly", value_of_time=0.12).to_html()
    assert "wait (h)" in html
