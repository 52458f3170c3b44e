"""Scenario changes to fleets, line departures and facilities."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.assignment.lp import solve_lp
from corridor.exceptions import InputError
from corridor.scenarios import apply_changes, scenario_from_text

DS = data.load("eurasia")
NET, DEMAND = DS.network, DS.demand


def _apply(yaml_changes: str, params: dict | None = None, uncertain: str = ""):
    spec = scenario_from_text(f"name: t\nchanges:\n{yaml_changes}\n{uncertain}")
    return apply_changes(spec, NET, DEMAND, params)


def _group(net, gid: str):
    return next(g for g in net.fleets if g.id == gid)


def test_adding_a_ferry_changes_that_group_only() -> None:
    out = _apply("  - change_fleet: {ids: asco-kz-ferries, add_vessels: 1}")
    assert _group(out.network, "asco-kz-ferries").vessels == _group(NET, "asco-kz-ferries").vessels + 1
    assert [g for g in out.network.fleets if g.id != "asco-kz-ferries"] == [
        g for g in NET.fleets if g.id != "asco-kz-ferries"]
    assert out.network.links == NET.links and out.network.facilities == NET.facilities
    # one more 27-railcar ferry on a 54 h round trip: 8,760 / 54 x 27 more wagons each way; shorter waits
    wait = NET.line_waits_h["aktau-alat-ferry"]
    assert out.network.line_waits_h["aktau-alat-ferry"] < wait
    assert out.log == ("change_fleet: 1 vessel groups",)


def test_a_fleet_id_reaches_all_its_groups_and_share_factor_multiplies() -> None:
    out = _apply("  - change_fleet: {ids: asco-kazakhstan, share_factor: $s}", {"s": 0.5},
                 "uncertain:\n  s: {dist: uniform, low: 0.4, high: 0.6}")
    changed = [g for g in out.network.fleets if g.fleet == "asco-kazakhstan"]
    assert len(changed) == 2 and all(g.share == pytest.approx(0.5) for g in changed)  # 2021: without Zarifa Aliyeva
    # half the sailings: the wait for a departure doubles
    assert out.network.line_waits_h["kuryk-alat-ferry"] == pytest.approx(2 * NET.line_waits_h["kuryk-alat-ferry"])


def test_round_trip_and_departures() -> None:
    out = _apply("  - change_fleet: {ids: caspian-feeders, round_trip_h: 84}\n"
                 "  - set_departures: {line: turkmenbashi-alat-ferry, per_year: 730}")
    feeders = [g for g in out.network.fleets if g.fleet == "caspian-feeders"]
    assert all(g.round_trip_h == 84 and g.voyages_per_year is None for g in feeders)
    # 2 feeders x 8,760 / 84 h = 208.6 departures a year: a 21 h wait
    assert out.network.line_waits_h["aktau-alat-feeder"] == pytest.approx(8760 / (2 * 8760 / 84) / 2)
    assert out.network.link("turkmenbashi-alat-ferry").departures_per_year == 730
    assert out.network.line_waits_h["turkmenbashi-alat-ferry"] == pytest.approx(6.0)


def test_capacity_changes_reach_facilities() -> None:
    out = _apply("  - set_capacity: {select: {id: aktau-port}, mtpa: 15.7, teu: 280000}")
    port = next(f for f in out.network.facilities if f.id == "aktau-port")
    assert (port.capacity_mtpa, port.capacity_teu) == (15.7, 280000)
    assert out.network.transfers == NET.transfers
    out = _apply("  - scale_capacity: {select: {country: AZ, records: facilities}, factor: 2}")
    changed = {f.id for f, g in zip(out.network.facilities, NET.facilities, strict=True) if f != g}
    assert changed == {"alat-port"}
    assert out.network.links == NET.links and out.network.transfers == NET.transfers
    assert "1 facilities" in out.log[0]


def test_the_storm_season_halves_the_kazakh_fleet_and_ports_in_the_lp() -> None:
    base = solve_lp(NET, DEMAND)
    out = _apply("  - change_fleet: {ids: asco-kazakhstan, share_factor: 0.5}")
    res = solve_lp(out.network, out.demand)
    cap = {(c["kind"], c["id"], c["from"]): c["capacity"] for c in res.capacities}
    base_cap = {(c["kind"], c["id"], c["from"]): c["capacity"] for c in base.capacities}
    key = ("fleet", "asco-kazakhstan", "aktau+kuryk")
    assert cap[key] == pytest.approx(base_cap[key] / 2)


@pytest.mark.parametrize(("changes", "message"), [
    ("  - change_fleet: {ids: asco-kazakstan, add_vessels: 1}", "did you mean 'asco-kazakhstan'"),
    ("  - change_fleet: {ids: asco-tm-ferries, add_vessels: -7}", "it must be >= 0"),
    ("  - change_fleet: {ids: asco-tm-ferries, share_factor: 2}", "it must be between 0 and 1"),
    ("  - change_fleet: {ids: asco-tm-ferries}", "needs one of add_vessels"),
    ("  - change_fleet: {ids: asco-tm-ferries, share: 1.5}", "share"),
    ("  - set_departures: {line: turkmenbashi-alat-fery, per_year: 100}", "did you mean 'turkmenbashi-alat-ferry'"),
    ("  - set_departures: {line: turkmenbashi-alat-ferry}", "per_year: is required"),
    ("  - set_capacity: {select: {id: aktau-prt}, mtpa: 1}", "did you mean 'aktau-port'"),
    ("  - scale_capacity: {select: {records: ports}, factor: 1}", "links, transfers, facilities or both"),
])
def test_bad_changes_name_the_line_and_field(changes: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        _apply(changes)
    text = str(err.value)
    assert message in text
    assert "<string>:3" in text
