"""What the dashboard draws from the Python API's results: the flow map of a run, the histograms of a sweep."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import corridor
from corridor.scenarios import scenario_from_text

BUILT = """\
name: built-in-the-dashboard
base: {dataset: eurasia, year: 2021}
changes:
  - close_node: [khorgos]
  - close_transfer: [saryagash-border]
  - scale_capacity: {select: {id: dostyk-station}, factor: 0.5}
  - grow_demand: {select: {commodity: container}, factor: 1.2}
engine: {method: lp, value_of_time: 0.12}
"""


@pytest.fixture(scope="module")
def run() -> corridor.ScenarioRun:
    return corridor.run_scenario(scenario_from_text(BUILT))


def _by_type(doc: dict, kind: str) -> list[dict]:
    return [f["properties"] for f in doc["features"] if f["geometry"] and f["geometry"]["type"] == kind]


def test_flow_map_lines_carry_both_runs_and_the_change(run: corridor.ScenarioRun) -> None:
    doc = run.to_geojson()
    json.dumps(doc, allow_nan=False)  # plain JSON, no NaN
    lines = _by_type(doc, "LineString")
    assert len(lines) + len(_by_type(doc, "Point")) == len(doc["features"])  # every feature has a geometry
    for p in lines:
        assert p["change_t"] == pytest.approx(p["scenario_t"] - p["baseline_t"])
        assert p["baseline_t"] > 0 or p["scenario_t"] > 0 or p["closed"]
    changed = {(p["link"], p["from"], p["to"]) for p in lines  # the diff's tolerance
               if abs(p["change_t"]) > 1e-6 * max(p["baseline_t"], p["scenario_t"], 1.0)}
    diff = {(r["link"], r["from"], r["to"]) for r in run.diff["links"]}
    assert changed == diff
    # the scenario flow is the sum over commodities of the scenario's link_flows table
    flows = run.tables()["link_flows"].groupby(["link", "from", "to"])["tonnes"].sum()
    unchanged = [p for p in lines if p["scenario_t"] > 0]
    assert unchanged
    for p in unchanged:
        assert p["scenario_t"] == pytest.approx(flows[(p["link"], p["from"], p["to"])])


def test_flow_map_marks_closed_links_and_nodes(run: corridor.ScenarioRun) -> None:
    doc = run.to_geojson()
    lines, points = _by_type(doc, "LineString"), _by_type(doc, "Point")
    closed = {p["link"] for p in lines if p["closed"]}
    assert closed == {lk.id for lk in run.network.links if "khorgos" in (lk.a, lk.b)}
    assert all(p["scenario_t"] == 0 for p in lines if p["closed"])
    nodes = [p for p in points if p["element"] == "node"]
    assert [p["id"] for p in nodes] == ["khorgos"] and nodes[0]["closed"]
    border = next(p for p in points if p["id"] == "saryagash-border")
    assert border["element"] == "transfer" and border["closed"] and border["utilisation"] is None


def test_flow_map_utilisation_only_where_there_is_a_capacity(run: corridor.ScenarioRun) -> None:
    doc = run.to_geojson()
    caps = run.tables()["capacities"]
    with_capacity = set(caps.loc[caps["kind"] == "link", "id"])
    lines = _by_type(doc, "LineString")
    for p in lines:
        if p["link"] not in with_capacity:
            assert p["capacity"] is None and p["utilisation"] is None and p["capacity_unit"] is None
        elif p["utilisation"] is not None:
            assert p["capacity_unit"] in ("t/yr", "TEU/yr")
            assert p["utilisation"] == pytest.approx(p["capacity_flow"] / p["capacity"])
    cpc = next(p for p in lines if p["link"] == "cpc-pipeline")
    assert cpc["capacity_unit"] == "t/yr" and cpc["utilisation"] == pytest.approx(1.0)
    # a facility with two capacities shows the one closer to binding, with its unit
    station = next(p for p in _by_type(doc, "Point") if p["id"] == "dostyk-station")
    rows = caps[(caps["kind"] == "facility") & (caps["id"] == "dostyk-station")]
    shares = rows["flow"] / rows["capacity"]
    assert station["utilisation"] == pytest.approx(shares.max())
    assert station["capacity_unit"] == rows.loc[shares.idxmax(), "unit"]
    assert station["capacity"] == pytest.approx(0.5 * next(
        f.capacity_teu if station["capacity_unit"] == "TEU/yr" else f.capacity_mtpa * 1e6
        for f in corridor.load().network.facilities if f.id == "dostyk-station"))


def test_sweep_to_dict_has_histograms(tmp_path: Path) -> None:
    sw = corridor.sweep("caspian-storm-season", samples=8, seed=3, workers=1, store=tmp_path / "runs.duckdb")
    d = sw.to_dict()
    json.dumps(d, allow_nan=False)
    hist = d["histograms"]
    frame = sw.to_frame()
    assert set(d["metrics"]) <= set(hist)
    assert "param.open_share" in hist
    for col, h in hist.items():
        assert len(h["edges"]) == len(h["counts"]) + 1 >= 2
        assert sum(h["counts"]) == h["n"] == 8
        assert all(a < b for a, b in zip(h["edges"], h["edges"][1:], strict=False))
        values = frame[col].to_numpy(dtype=float)
        assert h["edges"][0] <= values.min() and values.max() <= h["edges"][-1]
    share = hist["param.open_share"]
    assert share["edges"][0] >= 0.35 and share["edges"][-1] <= 0.65
    assert not math.isnan(d["metrics"]["served_t"]["p50"])
