"""Fleets and facilities in the engines: hand-worked capacities, waits and shared rows."""

from __future__ import annotations

import dataclasses

import pytest

from corridor.assignment import FreightEquilibriumOptions, freight_equilibrium
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.vdf import davidson
from corridor.model import (
    Commodity,
    Demand,
    DemandRow,
    Facility,
    FleetGroup,
    Link,
    Network,
    Node,
    Transfer,
    validate_network,
)
from corridor.routing import plan_routes

FERRY, RAIL = "rail-ferry", "rail-1520"
COAL = Commodity("coal", "Coal", "t", t_per_wagon=50.0, modes=frozenset({FERRY, RAIL}))


def _line(vessels: float, *, departures: float | None = None) -> Network:
    """One ferry line p-q, 20 h at sea, sailed by ``vessels`` ferries of 56 railcars on a 48 h round trip."""
    nodes = (Node("p", "P", "KZ", "seaport", 50.0, 44.0), Node("q", "Q", "AZ", "seaport", 49.0, 40.0))
    line = Link("line", "p", "q", FERRY, distance_km=400.0, time_h=20.0, cost_usd_per_t=10.0,
                departures_per_year=departures)
    fleet = FleetGroup("ferries", "fleet", frozenset({"line"}), vessels=vessels, railcars=56.0, round_trip_h=48.0)
    return Network("line", nodes, (line,), (), (COAL,), fleets=(fleet,))


DEMAND = Demand((DemandRow("pq", "p", "q", "coal", 2021, 2e6), DemandRow("qp", "q", "p", "coal", 2021, 2e6)))


def test_hand_worked_line_capacity_and_wait() -> None:
    # 2 ferries x 8,760 h / 48 h = 365 sailings each way a year: 365 x 56 = 20,440 wagons = 1,022,000 t
    # each way; a departure every 24 h, so cargo waits 12 h on average.
    net = _line(2)
    assert net.line_waits_h == {"line": pytest.approx(12.0)}
    res = solve_lp(net, DEMAND)
    flows = {(f["from"], f["to"]): f["tonnes"] for f in res.link_flows}
    assert flows[("p", "q")] == pytest.approx(20_440 * 50.0, rel=1e-9)
    assert flows[("q", "p")] == pytest.approx(20_440 * 50.0, rel=1e-9)  # each direction has its own sailings
    assert {b["kind"] for b in res.bottlenecks} == {"fleet"}
    row = next(c for c in res.capacities if c["kind"] == "fleet" and c["from"] == "p")
    assert (row["id"], row["to"], row["unit"], row["capacity"]) == ("fleet", "q", "wagons/yr", pytest.approx(20_440))
    route = plan_routes(net, "p", "q", cargo="coal").routes[0]
    assert route.time_h == pytest.approx(20.0 + 12.0)


def test_a_third_ferry_raises_capacity_by_half_and_cuts_the_wait_by_a_third() -> None:
    two, three = _line(2), _line(3)
    cap2 = solve_lp(two, DEMAND).served_t
    cap3 = solve_lp(three, DEMAND).served_t
    assert cap3 == pytest.approx(cap2 * 3 / 2, rel=1e-9)
    assert three.line_waits_h["line"] == pytest.approx(two.line_waits_h["line"] * 2 / 3)  # 8 h
    t2 = plan_routes(two, "p", "q", cargo="coal").routes[0].time_h
    t3 = plan_routes(three, "p", "q", cargo="coal").routes[0].time_h
    assert (t2, t3) == (pytest.approx(32.0), pytest.approx(28.0))
    # the LP prices the wait into the time cost of every tonne on the line
    lp2, lp3 = FreightLP.build(two, DEMAND), FreightLP.build(three, DEMAND)
    line_hours = [float(lp.graph.costs.hours[lp.graph.link_columns.cols].max()) for lp in (lp2, lp3)]
    assert line_hours == [pytest.approx(32.0), pytest.approx(28.0)]


def test_a_line_s_own_departures_override_the_fleet_s() -> None:
    net = _line(2, departures=730.0)  # two a day: every 12 h, 6 h wait
    assert net.line_waits_h["line"] == pytest.approx(6.0)
    assert solve_lp(net, DEMAND).served_t == pytest.approx(2 * 20_440 * 50.0, rel=1e-9)  # capacity stays the fleet's


def _port(per_direction: bool = False) -> tuple[Network, Demand]:
    """A port x between two rail lines and a sea line; 3 Mt/yr for loading and unloading together."""
    nodes = tuple(Node(i, i.upper(), "KZ", "junction", 50.0 + k, 44.0) for k, i in enumerate("axb"))
    links = (Link("ax", "a", "x", RAIL, distance_km=100.0, time_h=5.0, cost_usd_per_t=1.0),
             Link("xb", "x", "b", FERRY, distance_km=100.0, time_h=5.0, cost_usd_per_t=1.0,
                  facility=frozenset({"port"}) if per_direction else frozenset()))
    transfers = (Transfer("x-handling", "x", "port-handling", frozenset({RAIL, FERRY}), frozenset({RAIL, FERRY})),
                 ) if per_direction else (
        Transfer("x-load", "x", "port-handling", frozenset({RAIL}), frozenset({FERRY}), time_h=10.0,
                 facility=frozenset({"port"})),
        Transfer("x-unload", "x", "port-handling", frozenset({FERRY}), frozenset({RAIL}), time_h=10.0,
                 facility=frozenset({"port"})))
    port = Facility("port", "x", "Port X", capacity_mtpa=3.0, per_direction=per_direction)
    demand = Demand((DemandRow("out", "a", "b", "coal", 2021, 2e6), DemandRow("in", "b", "a", "coal", 2021, 2e6)))
    return Network("port", nodes, links, transfers, (COAL,), facilities=(port,)), demand


def test_a_facility_binds_over_both_directions() -> None:
    net, dem = _port()
    assert validate_network(net, dem, require_sources=False) == []
    res = solve_lp(net, dem)
    assert res.served_t == pytest.approx(3e6, rel=1e-9)  # not 2 x 3 Mt: one limit for both directions
    neck = res.bottlenecks[0]
    assert (neck["kind"], neck["id"], neck["unit"], neck["from"], neck["to"]) == ("facility", "port", "t/yr", "", "")
    # each direction alone fits: 2 Mt < 3 Mt
    one_way = Demand(dem.rows[:1])
    assert solve_lp(net, one_way).unserved_t == pytest.approx(0.0, abs=1e-3)


def test_a_per_direction_facility_limits_each_way() -> None:
    net, dem = _port(per_direction=True)
    res = solve_lp(net, dem)
    assert res.served_t == pytest.approx(4e6, rel=1e-9)  # 2 Mt each way, under 3 Mt each way
    keys = {(c["from"], c["to"]) for c in res.capacities if c["kind"] == "facility"}
    assert keys == {("x", ""), ("", "x")}
    tight = dataclasses.replace(net, facilities=(dataclasses.replace(net.facilities[0], capacity_mtpa=1.5),))
    assert solve_lp(tight, dem).served_t == pytest.approx(3e6, rel=1e-9)


def test_the_equilibrium_delays_members_by_the_facility_s_total_flow() -> None:
    net, dem = _port()
    opts = FreightEquilibriumOptions(value_of_time=0.5, gap=1e-8, max_iter=3000)
    both = freight_equilibrium(net, dem, opts)
    port = next(r for r in both.congestion if r["kind"] == "facility")
    assert port["id"] == "port" and port["free_time_h"] == pytest.approx(10.0)  # the members' dwell
    assert port["flow"] == pytest.approx(4e6, rel=1e-6)  # one route each way: both directions load it
    d = opts.delays  # Davidson at transfers and facilities by default
    assert port["delay_h"] == pytest.approx(davidson(4e6, 10.0, d.transfer_j, 3e6, d.mu) - 10.0, rel=1e-9)
    one = next(r for r in freight_equilibrium(net, Demand(dem.rows[:1]), opts).congestion if r["kind"] == "facility")
    assert one["delay_h"] == pytest.approx(davidson(2e6, 10.0, d.transfer_j, 3e6, d.mu) - 10.0, rel=1e-9)
    assert one["delay_h"] < port["delay_h"]


def test_fleet_and_facility_changes_update_a_built_model_in_place() -> None:
    lp = FreightLP.build(_line(2), DEMAND)
    lp.solve()
    assert lp.update_network(_line(3))  # new capacity and a shorter wait: the same rows, new bounds and costs
    warm = lp.solve()
    assert warm.meta["warm_start"]
    cold = solve_lp(_line(3), DEMAND)
    assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    assert warm.served_t == pytest.approx(3 * 20_440 * 50.0, rel=1e-9)
    net, dem = _port()
    lp = FreightLP.build(net, dem)
    lp.solve()
    for mtpa, teu in ((1.0, None), (5.0, 100.0), (None, None)):
        port = dataclasses.replace(net.facilities[0], capacity_mtpa=mtpa, capacity_teu=teu)
        changed = dataclasses.replace(net, facilities=(port,))
        assert lp.update_network(changed)
        assert lp.solve().objective == pytest.approx(solve_lp(changed, dem).objective, rel=1e-9)
    moved = dataclasses.replace(net, facilities=(dataclasses.replace(net.facilities[0], per_direction=True),))
    assert not lp.update_network(moved)  # another structure: build anew


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"node": "nowhere"}, "node", "unknown node"),
    ({"capacity_mtpa": -1.0}, "capacity_mtpa", "negative"),
])
def test_bad_facilities_are_reported(change: dict, field: str, words: str) -> None:
    net, _ = _port()
    bad = dataclasses.replace(net, facilities=(dataclasses.replace(net.facilities[0], **change),))
    problems = validate_network(bad, strict=False, require_sources=False)
    assert any(p.field == field and words in p.message for p in problems), problems


def test_members_must_name_known_facilities_at_their_node() -> None:
    net, _ = _port()
    moved = dataclasses.replace(net, facilities=(dataclasses.replace(net.facilities[0], node="a"),))
    problems = validate_network(moved, strict=False, require_sources=False)
    where = {(p.where, p.field) for p in problems}
    assert where >= {("transfer x-load", "facility"), ("transfer x-unload", "facility")}
    unknown = net.replace("x-load", facility=frozenset({"dock"}))
    assert any("unknown facility 'dock'" in p.message for p in validate_network(unknown, strict=False,
                                                                                 require_sources=False))
