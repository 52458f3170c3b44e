"""``corridor calibrate``, the shipped choice parameters, risk per shipment in scenario files (issue 12)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

import corridor
from corridor import data
from corridor.cli import main
from corridor.exceptions import InputError
from corridor.model.choice import ChoiceParameters, Parameter
from corridor.scenarios import load_scenario
from corridor.scenarios.calibrate import SIGMA_BY_STATUS, TOLERANCE, _standard_errors
from corridor.scenarios.choice_data import choice_for, load_choice, write_choice

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def calibration() -> dict:
    return corridor.calibrate(profile=False, max_evaluations=40).to_dict()


def test_calibrate_json_has_targets_with_sources_and_parameters_with_errors(calibration: dict) -> None:
    assert calibration["targets"] and calibration["parameters"]
    for t in calibration["targets"]:
        for k in ("name", "observed", "model", "source"):
            assert k in t
        if t["fit"]:
            assert t["within"] and abs(t["ratio"] - 1) <= TOLERANCE, t["name"]
            assert t["sigma"] == SIGMA_BY_STATUS[t["status"]]
    fitted = [p for p in calibration["parameters"] if p["method"].startswith("fitted to")]
    assert all(p["status"] == "calibrated" for p in fitted)
    assert {p["name"] for p in fitted} == {"theta", "constant:trans-caspian", "constant:trans-caspian/container"}
    for p in fitted:
        assert p["method"].startswith("fitted to") and "least squares" in p["method"]
        assert p["se"] is None or p["se"] > 0  # None: not identified (said in the note)
        assert p["se"] is not None or "not identified" in p["note"]
    assert calibration["objective"] <= calibration["start_objective"] + 1e-9


def test_rerunning_the_calibration_reproduces_the_shipped_parameters(calibration: dict) -> None:
    shipped = {p.name: p.value for p in load_choice(data.path("eurasia"))}
    for p in calibration["parameters"]:
        if p["method"].startswith("fitted to") and p["se"] is not None:
            assert p["value"] == pytest.approx(shipped[p["name"]], rel=0.02, abs=0.05), p["name"]


def test_cli_calibrate_writes_parameters_table_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "choice.csv"
    assert main(["calibrate", "--json", "--no-profile", "--max-evaluations", "5", "--write-parameters", str(out),
                 "--table", str(tmp_path / "targets.csv"), "--report", str(tmp_path / "cal.html")]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["targets"] and d["parameters"] is not None
    back = {p.name: p for p in load_choice(out)}
    assert back["theta"].status == "calibrated"
    assert "name,measure,observed,model" in (tmp_path / "targets.csv").read_text()
    html = (tmp_path / "cal.html").read_text()
    assert "Targets of the base year" in html and "<svg" in html


def test_cli_calibrate_bad_parameter_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calibrate", "--fit", "theta,warp_speed"]) == 2
    err = capsys.readouterr().err
    assert "warp_speed" in err and "Traceback" not in err


def test_bad_choice_csv_names_file_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "choice.csv"
    f.write_text("name,value,se,unit,status,method,source,note\ntheta,-3,,,calibrated,m,,\n"
                 "warp,1,,,assumption,,,\nvot_sigma,1,,,rumour,,,\n")
    with pytest.raises(InputError) as e:
        load_choice(f)
    got = {(p.where, p.field) for p in e.value.problems}
    assert (f"{f}:2", "value") in got and (f"{f}:3", "name") in got and (f"{f}:4", "status") in got


def test_choice_parameters_round_trip(tmp_path: Path) -> None:
    params = load_choice(data.path("eurasia"))
    write_choice(tmp_path, params)
    assert load_choice(tmp_path) == params
    assert choice_for({"path": str(tmp_path)}) == ChoiceParameters.from_parameters(list(params))
    assert choice_for({"path": str(tmp_path / "nowhere")}) == ChoiceParameters()


def test_standard_errors_infinite_where_not_identified() -> None:
    import numpy as np

    se = _standard_errors(np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 0.0]]))
    assert se == pytest.approx([1 / math.sqrt(2), 0.5])
    flat = _standard_errors(np.array([[1.0, 0.0], [2.0, 0.0]]))
    assert math.isfinite(flat[0]) and math.isinf(flat[1])


@pytest.mark.parametrize(("change", "field"), [
    ("{countries: [RU], p_delay: 1.5}", "set_risk.p_delay"),
    ("{countries: [RU], premium_usd_per_t: -2}", "set_risk.premium_usd_per_t"),
    ("{premium_usd_per_t: 2}", "set_risk.countries"),
    ("{countries: [RU], colour: red}", "set_risk.colour"),
])
def test_bad_set_risk_is_exit_2_with_line_and_field(tmp_path: Path, change: str, field: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(f"name: s\ndescription: d\nbase: {{dataset: eurasia, year: 2021}}\nchanges:\n"
                 f"  - set_risk: {change}\nengine: {{method: sue}}\n")
    assert main(["scenario", "run", str(f), "--json", "--store", str(tmp_path / "r.duckdb")]) == 2
    err = capsys.readouterr().err
    assert f"{f}:5" in err and field in err and "Traceback" not in err


def test_set_risk_unknown_country_commodity_or_market(tmp_path: Path) -> None:
    from corridor.scenarios.changes import apply_changes

    f = tmp_path / "s.yaml"
    f.write_text("name: s\ndescription: d\nbase: {dataset: eurasia, year: 2021}\nchanges:\n"
                 "  - set_risk: {countries: [XX], commodities: [gold], markets: [atlantis]}\nengine: {method: sue}\n")
    spec = load_scenario(f)
    ds = data.load("eurasia")
    with pytest.raises(InputError) as e:
        apply_changes(spec, ds.network, ds.demand)
    fields = {p.field for p in e.value.problems}
    assert {"set_risk.countries", "set_risk.commodities", "set_risk.markets"} <= fields


def test_sue_with_a_value_of_time_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: s\ndescription: d\nbase: {dataset: eurasia, year: 2021}\nengine: {method: sue, "
                 "value_of_time: 0.1}\n")
    with pytest.raises(InputError, match=r"engine\.value_of_time"):
        load_scenario(f)


def test_risk_premium_is_paid_once_per_shipment_through_russia() -> None:
    ds = data.load("eurasia")
    run = corridor.run_scenario("baseline-2021")
    base = run.summary["measures"]
    spec = load_scenario(ROOT / "examples" / "northern-risk-premium.yaml")
    from corridor.scenarios.run import run_spec

    hi = run_spec(spec, {"ru_risk_premium_usd_per_t": 30.0, "ru_p_delay": 0.2, "ru_transit_closed": 0.0,
                         "caspian_capacity": 1.0}, base=ds).summary
    assert hi["measures"]["russia_t"] < base["russia_t"]
    assert hi["measures"]["titr_t"] > base["titr_t"]
    assert hi["risk"] and hi["risk"][0]["countries"] == ["RU", "BY"]


def test_sweep_of_the_risk_premium_spreads_trans_caspian_volumes(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12, done when: 200 samples give strictly increasing p5 < p25 < p50 < p75 < p95."""
    assert main(["scenario", "sweep", str(ROOT / "examples" / "northern-risk-premium.yaml"), "--samples", "200",
                 "--workers", "2", "--json", "--store", str(tmp_path / "s.duckdb")]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    for name in ("titr_t", "titr_teu"):
        q = [metrics[name][k] for k in ("p5", "p25", "p50", "p75", "p95")]
        assert all(a < b for a, b in itertools.pairwise(q)), (name, q)


def test_a_commodity_may_have_its_own_value_of_time(tmp_path: Path) -> None:
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium

    base = ChoiceParameters()
    own = base.with_values({"vot_median/container": 1.0, "reliability_ratio/container": 2.0})
    assert [s.value_of_time for s in own.segments_for("coal")] == [s.value_of_time for s in base.segments_for("coal")]
    assert all(a.value_of_time == pytest.approx(b.value_of_time / 0.12)
               for a, b in zip(own.segments_for("container"), base.segments_for("container"), strict=True))
    assert own.value("reliability_ratio", "container") == 2.0 and own.value("reliability_ratio", "coal") == 1.0
    with pytest.raises(InputError, match="per-commodity"):
        ChoiceParameters(by_commodity={"theta/coal": 1.0})
    # shipped as rows of choice.csv, read back the same
    write_choice(tmp_path, [*load_choice(data.path("eurasia")),
                            Parameter("vot_median/container", 1.0, None, "USD per t-h", "assumption")])
    back = choice_for({"path": str(tmp_path)})
    assert back.value("vot_median", "container") == 1.0
    # dearer hours for containers move them off the slow sea route
    ds = data.load("eurasia")
    slow = stochastic_equilibrium(ds.network, ds.demand, SUEOptions(choice=base)).flows.measures
    fast = stochastic_equilibrium(ds.network, ds.demand, SUEOptions(choice=own)).flows.measures
    sea = {r["corridor"]: r["teu"] for r in slow["by_corridor"]}["maritime"]
    assert {r["corridor"]: r["teu"] for r in fast["by_corridor"]}["maritime"] < sea
