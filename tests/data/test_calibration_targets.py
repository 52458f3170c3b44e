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
    "titr-tonnes": "3.5 Mt of metals bound for Novorossiysk are a fixed-end row priced with Russia's import rates, "
                   "so up to the Kazakh ferry fleet's capacity goes Aktau-Alat-Poti and by sea; markets with "
                   "gateway choice are the shipper-choice issue",
    "titr-teu": "the 25,200-TEU Xi'an-Istanbul row goes by sea to Mersin: with one value of time for every "
                "shipper it is all-or-nothing (the shipper-choice issue)",
    "baku-port-t": "the demand table holds Kazakh exports and China-Europe transit only, not Azerbaijan's own "
                   "trade, so Alat handles a part of its 2021 throughput",
}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    run = corridor.run_scenario("baseline-2021")
    measures = run.to_dict()["result"]["measures"]
    caps = run.tables()["capacities"].to_dict("records")
    return compare_targets(load_targets(data.path("eurasia")), measures, caps)


def test_every_target_is_sourced_and_measured() -> None:
    targets = load_targets(data.path("eurasia"))
    sources = data.load("eurasia").network.sources
    assert {t.id for t in targets} >= set(MISSES)
    for t in targets:
        assert all(k in sources for k in t.source.split("+")), t.id
        assert t.status == "measured" and t.year == 2021


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
