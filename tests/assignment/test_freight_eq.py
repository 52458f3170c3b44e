"""Freight user equilibrium: delays at capacities on the transfer-expanded graph."""

from __future__ import annotations

import dataclasses
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from corridor import data
from corridor.assignment.freight_eq import (
    BREAK_EVEN_VALUE_OF_TIME,
    DEFAULT_VALUE_OF_TIME,
    FreightDelays,
    FreightEquilibriumOptions,
    TransferCurve,
    freight_equilibrium,
)
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.vdf import davidson
from corridor.cli import main
from corridor.exceptions import ConvergenceWarning, InputError
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node, Transfer

RAIL = "rail-1520"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({RAIL}))
VOT = 0.5


def _two_ports(c1: float = 10.0, c2: float = 6.0, t1: float = 40.0, t2: float = 30.0, cost2: float = 8.0,
               demand_mt: float = 9.0) -> tuple[Network, Demand]:
    """Origin o, destination d, two parallel routes through border posts p1 and p2."""
    nodes = tuple(Node(i, i, "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(("o", "p1", "p2", "d")))
    links = (
        Link("o-p1", "o", "p1", RAIL, time_h=10.0, cost_usd_per_t=5.0),
        Link("p1-d", "p1", "d", RAIL, time_h=10.0, cost_usd_per_t=5.0),
        Link("o-p2", "o", "p2", RAIL, time_h=10.0, cost_usd_per_t=cost2),
        Link("p2-d", "p2", "d", RAIL, time_h=10.0, cost_usd_per_t=cost2),
    )
    transfers = (
        Transfer("post-1", "p1", "border", time_h=t1, capacity_mtpa=c1),
        Transfer("post-2", "p2", "border", time_h=t2, capacity_mtpa=c2),
    )
    return (Network("two-ports", nodes, links, transfers, (COAL,)),
            Demand((DemandRow("r", "o", "d", "coal", 2021, demand_mt * 1e6),)))


def _route_cost(v: float, cap: float, t0: float, money: float, j: float = 0.5) -> float:
    """USD per tonne on one route of _two_ports at v t/yr through its post."""
    return money + VOT * (20.0 + float(davidson(v, t0, j, cap * 1e6)[()]))


def _expected_split(c1: float, c2: float, t1: float, t2: float, cost2: float, total: float) -> float:
    def excess(v1: float) -> float:
        return _route_cost(v1, c1, t1, 10.0) - _route_cost(total - v1, c2, t2, 2 * cost2)

    if excess(0.0) >= 0:
        return 0.0
    if excess(total) <= 0:
        return total
    return brentq(excess, 0.0, total, xtol=1e-3)


def _flow_through(res, link: str) -> float:
    return res.flows.link_flow(link)


@pytest.mark.parametrize(("c1", "c2", "demand_mt"), [(10.0, 6.0, 9.0), (10.0, 6.0, 14.0), (4.0, 4.0, 7.5)])
def test_two_routes_match_the_analytic_equilibrium(c1: float, c2: float, demand_mt: float) -> None:
    net, dem = _two_ports(c1=c1, c2=c2, demand_mt=demand_mt)
    res = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-10, max_iter=2000))
    assert res.converged
    v1 = _flow_through(res, "o-p1")
    v2 = _flow_through(res, "o-p2")
    total = demand_mt * 1e6
    assert v1 + v2 == pytest.approx(total, rel=1e-9)
    assert v1 == pytest.approx(_expected_split(c1, c2, 40.0, 30.0, 8.0, total), rel=1e-4, abs=100.0)
    # Wardrop, recomputed here: both routes used and equally costly
    assert _route_cost(v1, c1, 40.0, 10.0) == pytest.approx(_route_cost(v2, c2, 30.0, 16.0), rel=1e-5)
    assert res.unserved == 0.0


def test_delays_are_reported_per_capacity() -> None:
    net, dem = _two_ports()
    res = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-10, max_iter=2000))
    rows = {r["id"]: r for r in res.congestion}
    for post, t0, cap in (("post-1", 40.0, 10.0), ("post-2", 30.0, 6.0)):
        r = rows[post]
        assert r["free_time_h"] == t0
        assert r["delay_h"] == pytest.approx(float(davidson(r["flow"], t0, 0.5, cap * 1e6)[()]) - t0)
        assert r["utilisation"] == pytest.approx(r["flow"] / (cap * 1e6))
    # total travel time: demand x 20 h of running plus the time through the posts
    expect = sum(rows[p]["flow"] * (20.0 + rows[p]["free_time_h"] + rows[p]["delay_h"]) for p in ("post-1", "post-2"))
    assert res.total_travel_time == pytest.approx(expect, rel=1e-9)


def test_a_simulated_curve_replaces_the_default_delay() -> None:
    net, dem = _two_ports()
    base = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-9, max_iter=2000))
    slow = FreightDelays(transfer_curves={"post-1": TransferCurve(t0_h=40.0, capacity=10e6, j=3.0, unit="t/yr",
                                                                   source="test")})
    res = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-9, max_iter=2000,
                                                                  delays=slow))
    assert _flow_through(res, "o-p1") < _flow_through(base, "o-p1") - 1e5
    assert res.options["transfer_curves"]["post-1"]["j"] == 3.0


def test_a_closed_crossing_carries_nothing() -> None:
    net, dem = _two_ports()
    lp = FreightLP.build(net, dem, value_of_time=VOT)
    lp.set_transfer_capacity("post-1", mtpa=0.0)
    res = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-8), lp=lp)
    assert _flow_through(res, "o-p1") == 0.0
    assert _flow_through(res, "o-p2") + res.unserved == pytest.approx(9e6)


def test_without_capacities_it_is_the_min_cost_flow() -> None:
    net, dem = _two_ports()
    free = Network(net.name, net.nodes, net.links, tuple(dataclasses.replace(t, capacity_mtpa=None)
                                                        for t in net.transfers), net.commodities)
    res = freight_equilibrium(free, dem, FreightEquilibriumOptions(value_of_time=VOT))
    lp = solve_lp(free, dem, value_of_time=VOT)
    assert res.iterations == 1
    assert res.total_cost == pytest.approx(lp.total_cost, rel=1e-12)


@st.composite
def _chains(draw: st.DrawFn) -> tuple[Network, Demand]:
    n = draw(st.integers(3, 6))
    nodes = tuple(Node(f"n{i}", f"N{i}", "KZ", "junction", 60.0 + i, 45.0) for i in range(n))
    links = []
    for i in range(draw(st.integers(2, 9))):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1).filter(lambda x, a=a: x != a))
        cap = draw(st.one_of(st.none(), st.floats(0.5, 8.0)))
        links.append(Link(f"l{i}", f"n{a}", f"n{b}", RAIL, time_h=draw(st.floats(1.0, 50.0)),
                          cost_usd_per_t=draw(st.floats(1.0, 20.0)), capacity_mtpa=cap))
    transfers = tuple(Transfer(f"t{k}", f"n{k}", "border", time_h=draw(st.floats(0.0, 30.0)),
                               capacity_mtpa=draw(st.one_of(st.none(), st.floats(0.0, 6.0))))
                      for k in range(n) if draw(st.booleans()))
    rows = tuple(DemandRow(f"r{k}", f"n{o}", f"n{d}", "coal", 2021, draw(st.floats(0.0, 6.0)) * 1e6)
                 for k, (o, d) in enumerate(draw(st.lists(
                     st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
                     min_size=1, max_size=4))))
    return Network("rand", nodes, tuple(links), transfers, (COAL,)), Demand(rows)


@settings(max_examples=40, deadline=None)
@given(_chains())
def test_conservation_and_non_negativity(case: tuple[Network, Demand]) -> None:
    net, dem = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        res = freight_equilibrium(net, dem, FreightEquilibriumOptions(value_of_time=VOT, gap=1e-6, max_iter=300))
    total = sum(r.tonnes for r in dem)
    assert res.served + res.unserved == pytest.approx(total, rel=1e-9, abs=1e-3)
    assert all(r["tonnes"] >= 0 for r in res.flows.link_flows)
    assert all(r["flow"] >= -1e-9 and r["delay_h"] >= 0 for r in res.congestion)
    # flow conservation at every node that is neither an origin nor a destination of the demand
    ends = {r.origin for r in dem} | {r.destination for r in dem}
    balance: dict[str, float] = {}
    for r in res.flows.link_flows:
        balance[r["from"]] = balance.get(r["from"], 0.0) - r["tonnes"]
        balance[r["to"]] = balance.get(r["to"], 0.0) + r["tonnes"]
    for node, b in balance.items():
        if node not in ends:
            assert abs(b) <= 1e-6 * max(1.0, total)
    # unserved only where no route exists: the penalty dwarfs any delay these cases reach
    if res.unserved > 0:
        lp = solve_lp(net, dem)
        assert lp.unserved_t > 0 or any(r["capacity"] == 0 for r in res.congestion)
    assert res.gap <= 1e-6 or not res.converged


def test_eurasia_converges_and_congests_when_demand_grows() -> None:
    ds = data.load("eurasia")
    lp = FreightLP.build(ds.network, ds.demand, value_of_time=DEFAULT_VALUE_OF_TIME)
    lp.set_demand_scale(2.5)
    res = freight_equilibrium(ds.network, ds.demand, FreightEquilibriumOptions(gap=1e-6), lp=lp)
    assert res.converged
    assert res.iterations > 1
    assert res.served == pytest.approx(2.5 * sum(r.tonnes for r in ds.demand), rel=1e-9)
    assert res.congestion[0]["delay_h"] > 24.0
    assert json.loads(json.dumps(res.to_dict(history=True)))["iterations"] == res.iterations


def test_break_even_value_of_time() -> None:
    # (2,860 - 1,750) USD/FEU over 2 x 19.61 t over 19 days
    assert pytest.approx(1110 / 39.22 / 456, rel=1e-12) == BREAK_EVEN_VALUE_OF_TIME
    assert math.isclose(BREAK_EVEN_VALUE_OF_TIME, 0.0621, rel_tol=1e-3)


def _containers_at_sea(vot: float) -> float:
    ds = data.load("eurasia")
    res = solve_lp(ds.network, ds.demand, value_of_time=vot)
    return sum(f["tonnes"] for f in res.link_flows
               if f["commodity"] == "container" and "lianyungang" in (f["from"], f["to"])
               and f["mode"] == "sea")


def test_default_value_of_time_is_calibrated_to_the_2021_mode_choice() -> None:
    """At the default, China–Europe transit takes the rail as far as the crossings allow; not at 0.02 less.

    The floor is what goes by sea however dear time is (the Dostyk and Altynkol capacities bind).
    """
    floor = _containers_at_sea(10.0)
    assert _containers_at_sea(DEFAULT_VALUE_OF_TIME) == pytest.approx(floor, rel=1e-9)
    assert _containers_at_sea(DEFAULT_VALUE_OF_TIME - 0.02) > floor * 1.01
    assert _containers_at_sea(BREAK_EVEN_VALUE_OF_TIME) > floor * 1.01


@pytest.mark.parametrize("bad", [{"method": "gp"}, {"value_of_time": 0.0}, {"gap": -1.0}])
def test_bad_options(bad: dict) -> None:
    with pytest.raises(InputError):
        FreightEquilibriumOptions(**bad)


@pytest.mark.parametrize(("field", "value"), [("value_of_time", math.inf), ("value_of_time", 1e308),
                                              ("carbon_price", 1e308), ("risk_price", math.nan),
                                              ("unserved_penalty_usd_per_t", math.inf),
                                              ("unserved_penalty_usd_per_t", 0.0)])
def test_prices_beyond_their_limits_are_refused(field: str, value: float) -> None:
    with pytest.raises(InputError) as err:
        FreightEquilibriumOptions(**{field: value})
    (problem,) = err.value.problems
    assert problem.field == field
    assert repr(value) in problem.message


def test_bad_delays() -> None:
    with pytest.raises(InputError, match="transfer_vdf"):
        FreightDelays(transfer_vdf="queue")
    with pytest.raises(InputError, match="capacity"):
        TransferCurve(t0_h=1.0, capacity=0.0, j=1.0)


def test_conical_at_transfers_runs() -> None:
    net, dem = _two_ports()
    res = freight_equilibrium(net, dem, FreightEquilibriumOptions(
        value_of_time=VOT, gap=1e-8, max_iter=2000, delays=FreightDelays(transfer_vdf="conical")))
    assert res.converged
    assert 0 < _flow_through(res, "o-p1") < 9e6


def test_cli_freight_equilibrium(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assign", "--method", "equilibrium", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("gap", "iterations", "total_travel_time", "converged", "by_corridor", "congestion", "served",
              "unserved"):
        assert k in d
    assert d["converged"] and d["options"]["value_of_time"] == pytest.approx(DEFAULT_VALUE_OF_TIME)
    assert main(["assign", "--method", "equilibrium"]) == 0
    assert "most congested" in capsys.readouterr().out
    assert main(["assign", "--method", "equilibrium", "--algorithm", "gp"]) == 2
    assert "method" in capsys.readouterr().err


def test_reuses_a_changed_lp() -> None:
    ds = data.load("eurasia")
    lp = FreightLP.build(ds.network, ds.demand, value_of_time=DEFAULT_VALUE_OF_TIME)
    a = freight_equilibrium(ds.network, ds.demand, lp=lp)
    # (with markets the baseline's exports to China pass Dostyk, while nothing is loaded at Aktau)
    lp.set_transfer_capacity("dostyk-gauge-out", mtpa=0.0)
    b = freight_equilibrium(ds.network, ds.demand, lp=lp)
    rows = {(r["id"], r["unit"]): r for r in b.congestion}
    assert rows["dostyk-gauge-out", "t/yr"]["flow"] == 0.0
    before = {(r["id"], r["unit"]): r for r in a.congestion}
    assert ("dostyk-gauge-out", "t/yr") not in before  # the station's capacity is its facility's, added row above
    station = before["dostyk-station", "t/yr"]["flow"]
    assert station > 0 and rows["dostyk-station", "t/yr"]["flow"] < station
    assert np.isfinite(b.total_cost)
