"""The Python API: ``import corridor`` and its typed results."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.model import Dataset


def test_all_is_sorted_complete_and_resolves() -> None:
    names = corridor.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(corridor, name) is not None, name
    public = {n for n in vars(corridor) if not n.startswith("_") and n not in ("annotations", "importlib")
              and not isinstance(getattr(corridor, n), types.ModuleType)}
    public -= {"TYPE_CHECKING", "Any"}
    assert public <= set(names), public - set(names)
    for name in ("load", "route", "assign", "run_scenario", "sweep", "simulate_hub", "open_store", "read_log", "cpmm",
                 "tcd"):
        assert callable(getattr(corridor, name))


def test_version_comes_from_the_installed_metadata() -> None:
    from importlib import metadata

    assert corridor.__version__ == metadata.version("corridor")


def test_subpackages_are_imported_on_first_use() -> None:
    assert corridor.routing.plan_routes is not None
    assert "hub" in dir(corridor)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = corridor.nonsense


def test_options_are_keyword_only() -> None:
    import inspect

    for fn, positional in ((corridor.route, 3), (corridor.assign, 2), (corridor.load, 1), (corridor.run_scenario, 1),
                           (corridor.sweep, 1), (corridor.simulate_hub, 1), (corridor.open_store, 1),
                           (corridor.read_log, 1), (corridor.cpmm, 1), (corridor.tcd, 1)):
        params = list(inspect.signature(fn).parameters.values())
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[:positional]), fn.__name__
        assert all(p.kind is p.KEYWORD_ONLY for p in params[positional:]), fn.__name__


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return corridor.load()


def _json_ready(d: dict) -> None:
    json.dumps(d, allow_nan=False)


def test_route_result(eurasia: Dataset) -> None:
    routes = corridor.route(eurasia, "Dostyk", "Poti", k=2, avoid_countries=["ru"])
    assert isinstance(routes, corridor.Routes) and len(routes) == 2
    frame = routes.to_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame["route"]) == [1, 2]
    assert all("RU" not in r.countries for r in routes.routes)
    _json_ready(routes.to_dict())
    gj = routes.to_geojson()
    assert gj["type"] == "FeatureCollection" and {f["properties"]["route"] for f in gj["features"]} == {1, 2}
    html = routes._repr_html_()
    assert "<svg" in html and "<html" not in html
    assert routes.to_html().startswith("<!DOCTYPE html>")


def test_route_accepts_a_network_and_refuses_other_things(eurasia: Dataset) -> None:
    assert corridor.route(eurasia.network, "Aktau", "Baku").best.nodes[-1] == "baku"
    with pytest.raises(corridor.InputError, match="expected a Dataset"):
        corridor.route("eurasia", "Aktau", "Baku")  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"pareto": True, "k": 3}, "k", "give pareto or k, not both"),
    ({"avoid_countries": ["XX"]}, "avoid_countries", "unknown country code 'XX'"),
    ({"avoid_countries": ["RS"]}, "avoid_countries", "expected one of AT, AZ, BY"),
])
def test_route_refuses_bad_options(eurasia: Dataset, kwargs: dict, field: str, message: str) -> None:
    with pytest.raises(corridor.InputError, match=message) as err:
        corridor.route(eurasia, "Dostyk", "Poti", **kwargs)
    assert err.value.problems[0].field == field


def test_assign_lp_result(eurasia: Dataset) -> None:
    lp = corridor.assign(eurasia, method="lp", value_of_time=0.1)  # at the calibrated value capacities bind
    assert isinstance(lp, corridor.Assignment) and lp.method == "lp" and lp.is_freight and lp.converged
    flows = lp.to_frame()
    assert {"link", "from", "to", "tonnes"} <= set(flows.columns)
    assert not lp.bottlenecks().empty
    assert lp.od()["served_t"].sum() == pytest.approx(lp.result.served_t)
    per_row = lp.measures_frame()
    assert len(per_row) == len(lp.od())
    assert per_row["russia_t"].sum() == pytest.approx(lp.measures["russia_t"])
    assert (per_row["russia_t"] <= per_row["served_t"]).all() and (per_row["titr_t"] <= per_row["served_t"]).all()
    gj = lp.to_geojson()
    assert len(gj["features"]) == len(flows)
    assert all(f["geometry"]["type"] == "LineString" for f in gj["features"])
    _json_ready(lp.to_dict())


def test_assign_progress_reports_stages(eurasia: Dataset) -> None:
    seen: list[corridor.Progress] = []
    corridor.assign(eurasia, method="lp", progress=seen.append)
    assert seen and all(isinstance(p, corridor.Progress) for p in seen)
    assert any("HiGHS" in p.stage for p in seen)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"method": "lp", "algorithm": "fw"}, "algorithm"),
    ({"method": "lp", "gap": 1e-3}, "gap"),
    ({"method": "equilibrium", "toll_factor": 1.0}, "toll_factor"),
    ({"method": "simplex"}, "method"),
    ({"method": "lp", "carbon_price": float("inf")}, "carbon_price"),
    ({"method": "lp", "value_of_time": -1.0}, "value_of_time"),
])
def test_assign_refuses_options_that_do_not_go_together(eurasia: Dataset, kwargs: dict, field: str) -> None:
    with pytest.raises(corridor.InputError) as err:
        corridor.assign(eurasia, **kwargs)
    assert err.value.problems[0].field == field


def test_assign_needs_demand(eurasia: Dataset) -> None:
    with pytest.raises(corridor.InputError, match="has no demand"):
        corridor.assign(eurasia.network)


def test_assign_demand_from_a_csv(eurasia: Dataset, tmp_path: Path) -> None:
    from corridor.io.tables import write_csv_dataset

    folder = write_csv_dataset(eurasia, tmp_path / "csv")
    lp = corridor.assign(eurasia.network, folder / "demand.csv")
    assert lp.result.demand_t == pytest.approx(eurasia.demand.total_tonnes())


def test_run_scenario_by_builtin_name_with_a_store(tmp_path: Path) -> None:
    store = corridor.open_store(tmp_path / "runs.duckdb")
    run = corridor.run_scenario("northern-route-closed", store=store)
    assert isinstance(run, corridor.ScenarioRun)
    d = run.to_dict()
    assert set(d) == {"scenario", "baseline", "result", "diff"}
    assert d["scenario"]["run_id"] and d["baseline"]["run_id"]
    totals = run.to_frame().set_index("figure")
    assert totals.loc["tonne_km", "change"] > 0
    changes = run.link_changes()
    assert (changes["change_t"].abs() > 0).all()
    gj = run.to_geojson()
    lines = [f["properties"] for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    changed = [p for p in lines if abs(p["change_t"]) > 1e-6 * max(p["baseline_t"], p["scenario_t"], 1.0)]
    assert len(changed) == len(changes)  # every link flow; the changed ones (diff's tolerance) as in diff.links
    _json_ready(d)
    again = corridor.run_scenario("northern-route-closed", store=store)
    assert again.to_dict()["scenario"]["reused"] and again.to_dict()["scenario"]["run_id"] == d["scenario"]["run_id"]


def test_a_scenario_identical_to_its_baseline_is_stored_once(tmp_path: Path) -> None:
    store = corridor.open_store(tmp_path / "runs.duckdb")
    run = corridor.run_scenario("baseline-2021", store=store).to_dict()
    assert run["scenario"]["run_id"] == run["baseline"]["run_id"]
    assert run["scenario"]["reused"]
    assert len(store.list_runs()) == 1


def test_simulate_hub_is_recorded(tmp_path: Path) -> None:
    store = corridor.open_store(tmp_path / "runs.duckdb")
    sim = corridor.simulate_hub("aktau-hub", days=20, warmup_days=2, replications=2, seed=3, store=store)
    assert isinstance(sim, corridor.HubSimulation) and sim.run_id
    kpis = sim.to_frame().set_index("kpi")
    assert kpis.loc["throughput_teu", "mean"] > 0
    runs = store.list_runs(kind="hub")
    assert [r["run_id"] for r in runs] == [sim.run_id]
    assert "<svg" in sim._repr_html_()


def test_sweep_result(tmp_path: Path) -> None:
    sw = corridor.sweep("northern-risk-premium", samples=4, seed=2, workers=1, store=tmp_path / "runs.duckdb")
    assert isinstance(sw, corridor.Sweep)
    frame = sw.to_frame()
    assert len(frame) == 4 and any(c.startswith("param.") for c in frame.columns)
    for k in ("russia_t", "titr_t", "caspian_oil_t"):  # the physical measures of every sample
        assert ((frame[k] >= 0) & (frame[k] <= frame["served_t"])).all()
    corridors = frame[[c for c in frame.columns if c.startswith("by_corridor_t.")]]
    assert corridors.sum(axis=1).to_numpy() == pytest.approx(frame["served_t"].to_numpy())  # routes, not entries
    _json_ready(sw.to_dict())


def test_write_report_is_atomic_and_names_the_path(eurasia: Dataset, tmp_path: Path) -> None:
    routes = corridor.route(eurasia, "Aktau", "Baku")
    out = routes.write_report(tmp_path / "r.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(corridor.InputError, match=r"/proc/nope/r\.html"):
        routes.write_report("/proc/nope/r.html")
    assert list(tmp_path.iterdir()) == [out]
