"""The 2021 baseline against the published 2021 aggregates (issue 11: "within 25 %, state any that cannot").

The table in DATA.md ("Calibration targets") shows the same figures. A target listed in MISSES is
outside the tolerance for the stated reason; the test fails if it comes within (update the table
and this list) or if any other target falls outside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import corridor
from corridor import data
from corridor.exceptions import InputError
from corridor.scenarios.targets import TOLERANCE, compare_targets, load_targets

MISSES = {
    "titr-tonnes": "with markets, every Kazakh export takes its cheapest gateway at one value of time: the LP "
                   "sends the dry exports through Russia (metals-bs, once a fixed row to Novorossiysk priced with "
                   "Russia's import rates, now reaches the EU south market by sea from Novorossiysk), so only the "
                   "titr-other row crosses the Caspian; the 2021 spread over routes is the shipper-choice issue",
    "titr-teu": "the 25,200-TEU Xi'an-Türkiye row goes by sea to Mersin: with one value of time for every "
                "shipper it is all-or-nothing (the shipper-choice issue)",
    "baku-port-t": "the demand table holds Kazakh exports and China-Europe transit only, not Azerbaijan's own "
                   "trade (fit false), and in the LP baseline no Kazakh export crosses the Caspian through Alat",
    "aktau-port-t": "the turnover counts imports and cargo ending at the port (fit false), and in the LP baseline "
                    "no Kazakh export is loaded at Aktau (titr-other starts there)",
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
