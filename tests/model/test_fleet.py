"""Fleet arithmetic: capacity and departures scale with vessels, the wait with the interval."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.model import FleetGroup, Link, Network, Node
from corridor.model.fleet import HOURS_PER_YEAR, fleet_capacities, line_departures, wait_h

LINES = ("l1", "l2", "l3")


@st.composite
def groups(draw: st.DrawFn) -> list[FleetGroup]:
    out = []
    for k in range(draw(st.integers(1, 4))):
        lines = frozenset(draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=3, unique=True)))
        by_voyages = draw(st.booleans())
        out.append(FleetGroup(
            f"g{k}", draw(st.sampled_from(("f", "h"))), lines, vessels=float(draw(st.integers(0, 12))),
            railcars=draw(st.one_of(st.none(), st.floats(1, 60))), teu=draw(st.one_of(st.none(), st.floats(1, 700))),
            round_trip_h=None if by_voyages else draw(st.floats(10, 200)),
            voyages_per_year=draw(st.floats(1, 300)) if by_voyages else None, share=draw(st.floats(0.05, 1.0))))
    return out


@given(groups(), st.integers(1, 5))
def test_capacity_and_departures_are_linear_in_vessels(gs: list[FleetGroup], k: int) -> None:
    more = [FleetGroup(g.id, g.fleet, g.lines, vessels=g.vessels * k, railcars=g.railcars, teu=g.teu,
                       round_trip_h=g.round_trip_h, voyages_per_year=g.voyages_per_year, share=g.share) for g in gs]
    base, scaled = fleet_capacities(gs), fleet_capacities(more)
    for fid, cap in base.items():
        assert scaled[fid].sailings == pytest.approx(k * cap.sailings, rel=1e-12)
        for unit in ("wagons", "teu"):
            a, b = getattr(cap, unit), getattr(scaled[fid], unit)
            assert (a is None) == (b is None)
            if a is not None:
                assert b == pytest.approx(k * a, rel=1e-12)
    d0, d1 = line_departures(gs), line_departures(more)
    assert d0.keys() == d1.keys()
    for line, dep in d0.items():
        assert d1[line] == pytest.approx(k * dep, rel=1e-12)
        if dep > 0:
            assert wait_h(dep) * dep == pytest.approx(HOURS_PER_YEAR / 2)  # half the interval
            assert wait_h(d1[line]) == pytest.approx(wait_h(dep) / k)
    # every sailing goes to one of the group's lines: departures add up to the sailings
    assert sum(d0.values()) == pytest.approx(sum(c.sailings for c in base.values()), rel=1e-9, abs=1e-9)


def test_a_link_s_own_departures_and_a_fleet_without_vessels() -> None:
    nodes = (Node("a", "A", "KZ", "seaport", 50.0, 44.0), Node("b", "B", "AZ", "seaport", 49.0, 40.0))
    g = FleetGroup("g", "f", frozenset({"ab"}), vessels=0.0, railcars=50.0, round_trip_h=48.0)
    net = Network("n", nodes, (Link("ab", "a", "b", "rail-ferry", time_h=10.0),), fleets=(g,))
    assert net.line_waits_h == {"ab": 0.0}  # no vessels: no scheduled wait (the zero capacity closes it)
    assert net.time_h(net.links[0]) == 10.0
    own = net.replace("ab", departures_per_year=52.0)
    assert own.time_h(own.links[0]) == pytest.approx(10.0 + HOURS_PER_YEAR / 52 / 2)
    assert fleet_capacities(net.fleets)["f"].wagons == 0.0


def test_a_closed_line_s_sailings_go_to_the_fleet_s_other_lines() -> None:
    nodes = tuple(Node(i, i.upper(), "KZ", "seaport", 50.0 + k, 44.0) for k, i in enumerate("abc"))
    links = (Link("ab", "a", "b", "rail-ferry", time_h=10.0), Link("cb", "c", "b", "rail-ferry", time_h=10.0))
    g = FleetGroup("g", "f", frozenset({"ab", "cb"}), vessels=2.0, railcars=50.0, round_trip_h=48.0)
    net = Network("n", nodes, links, fleets=(g,))
    assert net.line_waits_h == {"ab": pytest.approx(24.0), "cb": pytest.approx(24.0)}  # 365 sailings split in two
    closed = Network("n", nodes, links[:1], fleets=(g,))
    assert closed.line_waits_h == {"ab": pytest.approx(12.0)}
