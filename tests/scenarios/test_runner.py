"""Running a scenario against its baseline: errors located, nothing stored on bad input, identical runs reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.exceptions import InputError
from corridor.scenarios import RunStore, scenario_from_text
from corridor.scenarios.runner import compare_scenarios


@pytest.mark.parametrize(("text", "expect"), [
    ("name: x\nbase: {dataset: ./nowhere, year: 2021}\n",
     "my.yaml:2: base.dataset: './nowhere' is neither a built-in dataset"),
    ("name: x\nbase: {dataset: eurasia, year: 2015}\n", "my.yaml:2: base.year: the dataset has no demand for 2015"),
    ("name: x\nchanges:\n  - close_link: [no-such-link]\n", "my.yaml:3: close_link"),
])
def test_bad_scenarios_fail_before_anything_is_stored(tmp_path: Path, text: str, expect: str) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    with pytest.raises(InputError, match=expect):
        compare_scenarios(scenario_from_text(text, "my.yaml"), store=store)
    assert store.list_runs() == []


def test_a_renamed_scenario_reuses_its_runs(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    text = "name: {}\nchanges:\n  - close_transit: [RU, BY]\n"
    first = compare_scenarios(scenario_from_text(text.format("a"), "a.yaml"), store=store)
    second = compare_scenarios(scenario_from_text(text.format("b"), "b.yaml"), store=store)
    assert not first.scenario_run.reused and second.scenario_run.reused
    assert second.scenario_run.run_id == first.scenario_run.run_id
    assert second.diff == first.diff
    assert len(store.list_runs()) == 2  # the baseline and the scenario, once each


def test_run_scenario_reports_its_steps() -> None:
    import corridor

    seen: list[tuple[str, float, float | None]] = []
    corridor.run_scenario("northern-route-closed", progress=lambda p: seen.append((p.stage, p.done, p.total)))
    assert seen == [("baseline", 0.0, 3.0), ("scenario", 1.0, 3.0), ("comparing", 2.0, 3.0)]


def test_lp_scenarios_take_the_path_formulation_on_large_networks(monkeypatch):
    """An LP scenario builds with formulation 'auto': the same outcome when the size rule picks paths."""
    from corridor.assignment import lp as lp_module
    from corridor.scenarios import apply_changes, scenario_from_text
    from corridor.scenarios.run import base_demand, base_of, engine_kwargs, run_spec

    text = ("name: closed\nbase: {dataset: eurasia, year: 2021}\nchanges:\n  - close_transit: [RU]\n"
            "engine: {method: lp}\n")
    spec = scenario_from_text(text)
    ds = base_of(spec)
    applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    assert engine_kwargs(spec, applied)["formulation"] == "auto"
    sue = scenario_from_text(text.replace("method: lp", "method: sue"))
    assert "formulation" not in engine_kwargs(sue, apply_changes(sue, ds.network, base_demand(sue, ds)))
    arcs = run_spec(spec)
    monkeypatch.setattr(lp_module, "AUTO_PATH_COLUMNS", 0)  # every network counts as large
    paths = run_spec(spec)
    assert paths.summary["status"] == arcs.summary["status"] == "optimal"
    assert paths.summary["totals"]["total_cost_usd"] == pytest.approx(
        arcs.summary["totals"]["total_cost_usd"], rel=1e-6)


def test_equilibrium_scenarios_take_routes_on_large_networks(monkeypatch):
    """An equilibrium scenario also builds with 'auto': on routes, the same equilibrium as on arcs."""
    from corridor.assignment import lp as lp_module
    from corridor.scenarios import scenario_from_text
    from corridor.scenarios.run import run_spec

    spec = scenario_from_text("name: closed\nbase: {dataset: eurasia, year: 2021}\nchanges:\n"
                              "  - close_transit: [RU]\nengine: {method: equilibrium, gap: 1.0e-6}\n")
    arcs = run_spec(spec)
    monkeypatch.setattr(lp_module, "AUTO_PATH_COLUMNS", 0)
    paths = run_spec(spec)
    assert paths.summary["status"] == arcs.summary["status"]
    assert paths.summary["totals"]["total_cost_usd"] == pytest.approx(
        arcs.summary["totals"]["total_cost_usd"], rel=1e-6)
    assert paths.summary["totals"]["total_cost_usd"] > 0
    assert paths.tables["link_flows"]["tonnes"].sum() == pytest.approx(arcs.tables["link_flows"]["tonnes"].sum(),
                                                                       rel=1e-6)
