"""The calibrated 2021 baseline against the published 2021 aggregates.

Issue 12: the calibrated baseline (``baseline-2021``, the stochastic equilibrium with the shipped
``choice.csv``) lies within 20 % of every target it was fitted to. Issue 11: the other targets lie
within 25 % or are listed in MISSES with the reason; the test fails if one comes within (update
DATA.md and this list) or if any other target falls outside. DATA.md ("Calibration") shows the table.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import corridor
from corridor import data
from corridor.exceptions import InputError
from corridor.scenarios.calibrate import DEFAULT_FIT
from corridor.scenarios.calibrate import TOLERANCE as FIT_TOLERANCE
from corridor.scenarios.choice_data import load_choice
from corridor.scenarios.targets import TOLERANCE, compare_targets, load_targets

MISSES = {
    "kz-transit-teu": "the border stations' capacities the dataset holds (Dostyk 277,400 TEU/yr, Altynkol 4 Mt/yr) "
                      "cap China-Europe transit through Kazakhstan below the 660,000 TEU observed; compared, "
                      "not fitted",
    "baku-port-t": "the demand table holds Kazakh exports and China-Europe transit only, not Azerbaijan's own "
                   "trade (fit false)",
    "aktau-port-t": "the turnover counts imports and cargo ending at the port, which the model does not handle "
                    "there (fit false); Kazakh exports cross mostly from Kuryk and by ferry",
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    run = corridor.run_scenario("baseline-2021")
    measures = run.to_dict()["result"]["measures"]
    tables = run.tables()
    net = data.load("eurasia").network
    return compare_targets(load_targets(data.path("eurasia")), measures, tables["capacities"].to_dict("records"),
                           link_flows=tables["link_flows"].to_dict("records"), od=tables["od"].to_dict("records"),
                           countries={n.id: n.country for n in net.nodes})


def test_every_target_is_sourced_and_published() -> None:
    targets = load_targets(data.path("eurasia"))
    sources = data.load("eurasia").network.sources
    assert {t.id for t in targets} >= set(MISSES)
    for t in targets:
        assert all(k in sources for k in t.source.split("+")), t.id
        assert t.year == 2021
        # a published figure, or one derived from published figures by a stated method (M-*)
        method = any(k.startswith("M-") for k in t.source.split("+"))
        assert t.status == "measured" or (t.status == "derived" and method), t.id


def test_scope_mismatches_are_not_fitted() -> None:
    fit = {t.id: t.fit for t in load_targets(data.path("eurasia"))}
    assert not fit["baku-port-t"] and not fit["aktau-port-t"] and not fit["kz-rail-europe"]
    assert fit["cpc-kz-crude"] and fit["other-crude"] and fit["titr-tonnes"]


def test_baseline_is_the_calibrated_equilibrium() -> None:
    from corridor.scenarios import load_scenario

    assert load_scenario("baseline-2021").engine["method"] == "sue"
    shipped = {p.name: p for p in load_choice(data.path("eurasia"))}
    assert {p.status for p in shipped.values() if p.name in DEFAULT_FIT} == {"calibrated"}
    assert all(p.method for p in shipped.values() if p.status == "calibrated")


def test_calibrated_baseline_within_20_percent_of_every_fitted_target(rows: list[dict]) -> None:
    fitted = [r for r in rows if r["fit"]]
    assert len(fitted) >= 4
    for r in fitted:
        assert abs(r["ratio"] - 1) <= FIT_TOLERANCE, (r["id"], r["model"], r["observed"])


def test_baseline_meets_its_targets_or_says_why_not(rows: list[dict]) -> None:
    for r in rows:
        assert r["model"] is not None, r["id"]
        if r["id"] in MISSES:
            assert not r["within"], f"{r['id']} now within {TOLERANCE:.0%}: update DATA.md and MISSES"
        else:
            assert r["within"], f"{r['id']}: model {r['model']:,.0f} against {r['observed']:,.0f} {r['unit']}"


def test_bad_targets_file_names_line_and_field(tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    f.write_text("id,measure,observed,unit,year,source,status,note\nx,titr_t,lots,t,2021,S,measured,\n")
    with pytest.raises(InputError) as e:
        load_targets(f)
    assert (e.value.problems[0].where, e.value.problems[0].field) == (f"{f}:2", "observed")
    empty = tmp_path / "dataset-without-targets"
    empty.mkdir()
    assert load_targets(empty) == ()
