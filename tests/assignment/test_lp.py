"""System-view assignment (min-cost multicommodity flow on HiGHS)."""

from __future__ import annotations

import dataclasses
import json
import math

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor import data
from corridor.assignment import lp as lp_module
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.exceptions import InputError
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
from corridor.model.fleet import line_departures

RAIL = "rail-1520"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({RAIL}))


@pytest.fixture(autouse=True, scope="module", params=["arcs", "paths"])
def formulation(request: pytest.FixtureRequest) -> object:
    """Every test of this module runs with each formulation of the LP (issue 16): FreightLP.build takes it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lp_module, "_chosen", lambda *_: request.param)
        yield request.param


def _nodes(n: int) -> tuple[Node, ...]:
    return tuple(Node(f"n{i}", f"N{i}", "KZ", "junction", 60.0 + i, 45.0) for i in range(n))


@st.composite
def instances(draw: st.DrawFn) -> tuple[Network, Demand, bool]:
    """Random single-commodity networks (integer costs, capacities in whole Mt) and OD rows that share
    one origin or one destination, so that the multicommodity LP equals a single-commodity flow."""
    n = draw(st.integers(3, 6))
    n_links = draw(st.integers(2, 10))
    links = []
    for i in range(n_links):
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(0, n - 1).filter(lambda x, a=a: x != a))
        cap = draw(st.one_of(st.none(), st.integers(0, 6)))
        links.append(Link(f"l{i}", f"n{a}", f"n{b}", RAIL, cost_usd_per_t=float(draw(st.integers(1, 20))),
                          capacity_mtpa=None if cap is None else float(cap), oneway=draw(st.booleans())))
    hub = draw(st.integers(0, n - 1))
    others = draw(st.lists(st.integers(0, n - 1).filter(lambda x: x != hub), min_size=1, max_size=3, unique=True))
    outbound = draw(st.booleans())
    rows = tuple(
        DemandRow(f"r{k}", f"n{hub}" if outbound else f"n{o}", f"n{o}" if outbound else f"n{hub}", "coal", 2021,
                  float(draw(st.integers(0, 5))) * 1e6)
        for k, o in enumerate(others)
    )
    return Network("rand", _nodes(n), tuple(links), (), (COAL,)), Demand(rows), outbound


def _nx_graph(net: Network, demand: Demand) -> nx.MultiDiGraph:
    """The same flow problem in Mt/yr with a super source S and super sink T."""
    g = nx.MultiDiGraph()
    for lk in net.links:
        for u, v in ((lk.a, lk.b),) if lk.oneway else ((lk.a, lk.b), (lk.b, lk.a)):
            attrs = {"weight": int(lk.cost_usd_per_t)}
            if lk.capacity_mtpa is not None:
                attrs["capacity"] = int(lk.capacity_mtpa)
            g.add_edge(u, v, **attrs)
    total = 0
    for r in demand:
        t = round(r.tonnes / 1e6)
        g.add_edge("S", r.origin, weight=0, capacity=t)
        g.add_edge(r.destination, "T", weight=0, capacity=t)
        total += t
    g.add_node("S", demand=-total)
    g.add_node("T", demand=total)
    return g


def _max_flow(net: Network, demand: Demand) -> float:
    g = nx.DiGraph()
    for lk in net.links:
        for u, v in ((lk.a, lk.b),) if lk.oneway else ((lk.a, lk.b), (lk.b, lk.a)):
            cap = math.inf if lk.capacity_mtpa is None else lk.capacity_mtpa
            old = g.get_edge_data(u, v, {"capacity": 0.0})["capacity"]
            g.add_edge(u, v, capacity=old + cap)
    for r in demand:
        for u, v in (("S", r.origin), (r.destination, "T")):
            old = g.get_edge_data(u, v, {"capacity": 0.0})["capacity"]
            g.add_edge(u, v, capacity=old + r.tonnes / 1e6)
    return nx.maximum_flow_value(g, "S", "T") * 1e6


# (1) objective equals networkx min-cost flow when everything can be served; (4) unserved only beyond a cut
@given(instances())
def test_random_single_commodity_matches_networkx(inst: tuple[Network, Demand, bool]) -> None:
    net, demand, _ = inst
    res = solve_lp(net, demand)
    assert res.status == "optimal"
    total = demand.total_tonnes()
    maxflow = _max_flow(net, demand)
    assert res.unserved_t == pytest.approx(total - maxflow, abs=1.0)
    if maxflow >= total - 1.0:
        assert res.unserved_t == 0.0
        cost = nx.min_cost_flow_cost(_nx_graph(net, demand))
        assert res.objective == pytest.approx(cost * 1e6, rel=1e-9, abs=1e-3)
        assert res.total_cost == pytest.approx(res.objective, rel=1e-9, abs=1e-3)
    else:
        # demand beyond a cut: some capacity must bind
        assert res.unserved_t > 0
        assert res.bottlenecks or any(o["reason"] == "no route" for o in res.by_od)


# (4) flow conservation and non-negativity
@given(instances())
def test_random_conservation(inst: tuple[Network, Demand, bool]) -> None:
    net, demand, _ = inst
    res = solve_lp(net, demand)
    balance = {n.id: 0.0 for n in net.nodes}
    for r in res.link_flows:
        assert r["tonnes"] >= 0
        balance[r["from"]] += r["tonnes"]
        balance[r["to"]] -= r["tonnes"]
    for od in res.by_od:
        balance[od["origin"]] -= od["served_t"]
        balance[od["destination"]] += od["served_t"]
        assert od["served_t"] >= 0 and od["unserved_t"] >= 0
    for v in balance.values():
        assert v == pytest.approx(0.0, abs=1e-3)
    for cap in res.capacities:
        assert cap["flow"] <= cap["capacity"] * (1 + 1e-9) + 1e-3


def _two_commodity(road_teu: float | None = None) -> tuple[Network, Demand]:
    container = Commodity("container", "Containers", "TEU", 20.0, modes=frozenset({RAIL, "road"}))
    links = (
        Link("ab", "n0", "n1", RAIL, cost_usd_per_t=10.0, capacity_mtpa=1.0),
        Link("ac", "n0", "n2", RAIL, cost_usd_per_t=20.0),
        Link("cb", "n2", "n1", RAIL, cost_usd_per_t=20.0),
        Link("ab-road", "n0", "n1", "road", cost_usd_per_t=25.0, capacity_teu=road_teu),
    )
    net = Network("two", _nodes(3), links, (), (COAL, container))
    rows = (DemandRow("coal", "n0", "n1", "coal", 2021, 0.8e6),
            DemandRow("box", "n0", "n1", "container", 2021, 0.5e6, 25_000.0))
    return net, Demand(rows)


def test_each_formulation_is_used(formulation: str) -> None:
    net, demand = _two_commodity()
    assert solve_lp(net, demand).meta["formulation"] == formulation


# (2) hand-made two-commodity case with a shared bottleneck
def test_two_commodities_shared_bottleneck() -> None:
    # Rail a-b: 10 USD/t, 1 Mt/yr, shared. Coal's alternative is the rail detour via c (40 USD/t,
    # +30); containers' is the road (25 USD/t, +15). So coal takes 0.8 Mt of a-b, containers the other
    # 0.2 Mt and 0.3 Mt by road: 0.8e6*10 + 0.2e6*10 + 0.3e6*25 = 17.5e6 USD/yr. One more t/yr on a-b
    # moves a container tonne off the road: 15 USD/yr.
    net, demand = _two_commodity()
    res = solve_lp(net, demand)
    assert res.objective == pytest.approx(17.5e6)
    assert res.link_flow("ab", commodity="coal") == pytest.approx(0.8e6)
    assert res.link_flow("ab", commodity="container") == pytest.approx(0.2e6)
    assert res.link_flow("ab-road", commodity="container") == pytest.approx(0.3e6)
    top = res.bottlenecks[0]
    assert (top["id"], top["from"], top["to"], top["unit"]) == ("ab", "n0", "n1", "t/yr")
    assert top["usd_per_t_yr"] == pytest.approx(15.0)
    assert top["usd_per_mt_yr"] == pytest.approx(15e6)
    assert res.by_corridor["other"]["teu"] == pytest.approx(25_000.0)


def test_two_commodities_teu_capacity() -> None:
    # Road limited to 10,000 TEU = 0.2 Mt: a-b 1 Mt (10e6), road 0.2 Mt (5e6), detour 0.1 Mt (4e6) = 19e6.
    # a-b: one more tonne leaves the detour: 30 USD; road: one more TEU moves 20 t from detour to road:
    # 20 * 15 = 300 USD.
    net, demand = _two_commodity(road_teu=10_000.0)
    res = solve_lp(net, demand)
    assert res.objective == pytest.approx(19e6)
    by_id = {(b["id"], b["unit"]): b for b in res.bottlenecks}
    assert by_id["ab", "t/yr"]["usd_per_t_yr"] == pytest.approx(30.0)
    assert by_id["ab-road", "TEU/yr"]["usd_per_teu_yr"] == pytest.approx(300.0)
    assert by_id["ab-road", "TEU/yr"]["usd_per_t_yr"] == pytest.approx(15.0)
    values = [b["usd_per_t_yr"] for b in res.bottlenecks]
    assert values == sorted(values, reverse=True)


# (3) duals agree with finite differences
@pytest.mark.parametrize("road_teu", [None, 10_000.0])
def test_duals_match_finite_differences(road_teu: float | None) -> None:
    net, demand = _two_commodity(road_teu)
    base = solve_lp(net, demand)
    for b in base.bottlenecks:
        step = 1000.0 if b["unit"] == "t/yr" else 50.0
        model = FreightLP.build(net, demand)
        up = {"mtpa": (b["capacity"] + step) / 1e6} if b["unit"] == "t/yr" else {"teu": b["capacity"] + step}
        model.set_link_capacity(b["id"], **up)
        saving = (base.objective - model.solve().objective) / step
        assert saving == pytest.approx(b["usd_per_unit"], rel=1e-6)


def test_eurasia_duals_bracketed_by_finite_differences() -> None:
    ds = data.load("eurasia")
    model = FreightLP.build(ds.network, ds.demand)
    model.set_demand_scale(2.0)  # Aktau's port binds
    base = model.solve()
    assert base.bottlenecks
    for b in base.bottlenecks[:3]:
        step = {"t/yr": 1000.0, "TEU/yr": 50.0}.get(b["unit"], 20.0)
        savings = []
        for sign in (+1, -1):
            m = FreightLP.build(ds.network, ds.demand)
            m.set_demand_scale(2.0)
            cap = b["capacity"] + sign * step
            m.set_row_capacity((b["kind"], b["id"], b["from"], b["to"], b["unit"]), cap)
            savings.append(sign * (base.objective - m.solve().objective) / step)
        right, left = savings  # saving per unit when adding, cost per unit when removing
        tol = 1e-6 * max(1.0, abs(b["usd_per_unit"]))
        assert right - tol <= b["usd_per_unit"] <= left + tol


# (5) the eurasia baseline
def test_eurasia_baseline() -> None:
    ds = data.load("eurasia")
    res = solve_lp(ds.network, ds.demand)
    assert res.status == "optimal"
    assert set(res.by_corridor) == {"northern", "trans-caspian", "southern", "china-access", "maritime", "other"}
    assert res.demand_t == pytest.approx(ds.demand.total_tonnes())
    assert res.served_t + res.unserved_t == pytest.approx(res.demand_t)
    for od in res.by_od:
        assert (od["unserved_t"] == 0) == (od["reason"] == "")
    values = [b["usd_per_t_yr"] for b in res.bottlenecks]
    assert values == sorted(values, reverse=True)
    assert res.tonne_km > 0 and res.co2e_kg > 0
    json.dumps(res.to_dict())
    assert not res.links_frame().empty
    assert len(res.od_frame()) == len(ds.demand)
    assert list(res.bottlenecks_frame()["id"]) == [b["id"] for b in res.bottlenecks]


def test_eurasia_with_options_and_groups() -> None:
    ds = data.load("eurasia")
    steps: list[tuple[str, float]] = []
    res = solve_lp(ds.network, ds.demand, value_of_time=1.0, carbon_price=100.0, groups=["titr"],
                   progress=lambda s, f: steps.append((s, f)))
    assert res.status == "optimal"
    assert {od["group"] for od in res.by_od} == {"titr"}
    assert res.total_cost > res.money_usd > 0
    assert steps[-1] == ("solve", 1.0)


# (6) bad input
@pytest.mark.parametrize(("row", "field"), [
    (DemandRow("bad-node", "nowhere", "n1", "coal", 2021, 1.0), "origin"),
    (DemandRow("bad-dest", "n0", "nowhere", "coal", 2021, 1.0), "destination"),
    (DemandRow("bad-com", "n0", "n1", "unobtainium", 2021, 1.0), "commodity"),
    (DemandRow("bad-neg", "n0", "n1", "coal", 2021, -5.0), "tonnes"),
    (DemandRow("bad-nan", "n0", "n1", "coal", 2021, math.nan), "tonnes"),
])
def test_bad_input_names_the_row(row: DemandRow, field: str) -> None:
    net, _ = _two_commodity()
    with pytest.raises(InputError) as err:
        solve_lp(net, Demand((row,)))
    assert row.id in str(err.value)
    assert err.value.problems[0].field == field


def test_bad_options() -> None:
    net, demand = _two_commodity()
    with pytest.raises(InputError):
        solve_lp(net, demand, unserved_penalty_usd_per_t=0.0)
    with pytest.raises(InputError):
        solve_lp(net, demand, value_of_time=-1.0)
    model = FreightLP.build(net, demand)
    with pytest.raises(InputError):
        model.set_link_capacity("nope", mtpa=1.0)
    with pytest.raises(InputError):
        model.set_link_capacity("ab", mtpa=-1.0)


@pytest.mark.parametrize(("kw", "field", "value"), [
    ({"carbon_price": 1e308}, "carbon_price", 1e308),
    ({"value_of_time": math.inf}, "value_of_time", math.inf),
    ({"risk_price": math.nan}, "risk_price", math.nan),
    ({"unserved_penalty_usd_per_t": 1e13}, "unserved_penalty_usd_per_t", 1e13),
    ({"country_risk": {"RU": 1e308}}, "country_risk[RU]", 1e308),
])
def test_prices_beyond_their_limits_are_refused(kw: dict, field: str, value: float) -> None:
    net, demand = _two_commodity()
    with pytest.raises(InputError) as err:
        FreightLP.build(net, demand, **kw)
    (problem,) = err.value.problems
    assert problem.field == field
    assert repr(value) in problem.message


def test_prices_at_their_limits_are_accepted() -> None:
    # The links have no running time, distance or risk: the weights multiply zeros and the optimum
    # of test_two_commodities_shared_bottleneck stands.
    net, demand = _two_commodity()
    res = solve_lp(net, demand, value_of_time=1e6, carbon_price=1e6, risk_price=1e6, unserved_penalty_usd_per_t=1e12)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(17.5e6)


def test_zero_capacity_everywhere_leaves_everything_unserved() -> None:
    ds = data.load("eurasia")
    links = [lk.id for lk in ds.network.links]
    net = ds.network
    for lid in links:
        net = net.replace(lid, capacity_mtpa=0.0)
    res = solve_lp(net, ds.demand)
    assert res.status == "optimal"
    assert res.served_t == pytest.approx(0.0, abs=1e-3)
    assert res.unserved_t == pytest.approx(ds.demand.total_tonnes())
    assert {od["reason"] for od in res.by_od} == {"capacity"}
    json.dumps(res.to_dict())


def test_no_route_is_explained() -> None:
    net, _ = _two_commodity()
    net = net.with_records(nodes=[Node("island", "Island", "KZ", "city", 50.0, 40.0)])
    res = solve_lp(net, Demand((DemandRow("r", "n0", "island", "coal", 2021, 1e6),)))
    assert res.unserved_t == pytest.approx(1e6)
    assert res.by_od[0]["reason"] == "no route"


# (7) warm re-solve equals a cold build
def test_warm_resolve_matches_cold_build() -> None:
    ds = data.load("eurasia")
    net = ds.network
    model = FreightLP.build(net, ds.demand)
    model.set_demand_scale(2.0)
    first = model.solve()
    top = first.bottlenecks[0]
    # the crude fills the CPC first (markets: the gateway is chosen); the ferries bind further down
    assert (top["kind"], top["id"]) == ("link", "cpc-pipeline")
    assert ("fleet", "asco-kazakhstan") in {(b["kind"], b["id"]) for b in first.bottlenecks}
    link = "kartsakhi-kars"
    for mtpa in (0.5, 3.0, math.inf):
        model.set_link_capacity(link, mtpa=mtpa)
        warm = model.solve()
        assert warm.meta["warm_start"]
        cold_net = net.replace(link, capacity_mtpa=None if math.isinf(mtpa) else mtpa)
        cold_model = FreightLP.build(cold_net, ds.demand)
        cold_model.set_demand_scale(2.0)
        cold = cold_model.solve()
        assert warm.objective == pytest.approx(cold.objective, rel=1e-9)
    # a capacity that was not in the network is added as a new row
    model.set_link_capacity("aktau-alat-feeder", mtpa=0.1)
    warm = model.solve()
    cold_model = FreightLP.build(net.replace(link, capacity_mtpa=None).replace("aktau-alat-feeder", capacity_mtpa=0.1),
                                 ds.demand)
    cold_model.set_demand_scale(2.0)
    assert warm.objective == pytest.approx(cold_model.solve().objective, rel=1e-9)


def test_scale_and_cost_factor_match_cold_build() -> None:
    ds = data.load("eurasia")
    net = ds.network
    model = FreightLP.build(net, ds.demand)
    model.solve()
    model.scale_capacity(0.5, transfer_ids=["saryagash-border"])
    model.set_link_cost_factor("kartsakhi-kars", 2.0)
    warm = model.solve()
    t = next(t for t in net.transfers if t.id == "saryagash-border")
    lk = net.link("kartsakhi-kars")
    cold_net = net.replace("saryagash-border", capacity_mtpa=t.capacity_mtpa * 0.5)
    cold_net = cold_net.replace("kartsakhi-kars", cost_usd_per_t=None if lk.cost_usd_per_t is None
                                else lk.cost_usd_per_t * 2,
                                cost_usd_per_teu=None if lk.cost_usd_per_teu is None else lk.cost_usd_per_teu * 2)
    assert warm.objective == pytest.approx(solve_lp(cold_net, ds.demand).objective, rel=1e-9)


def test_uncapacitated_eurasia_equals_route_planner() -> None:
    """Without capacities every OD takes its cheapest route: the LP must price transfers (gauge
    changes, borders, ports), value of time and carbon exactly as the route planner does."""
    from corridor.model.costs import unit_of
    from corridor.routing.planner import plan_routes

    ds = data.load("eurasia")
    net = ds.network
    for lk in net.links:
        net = net.replace(lk.id, capacity_mtpa=None, capacity_teu=None)
    for t in net.transfers:
        net = net.replace(t.id, capacity_mtpa=None, capacity_teu=None)
    for line, per_year in line_departures(net.fleets).items():  # the fleets' waits without their capacity
        net = net.replace(line, departures_per_year=per_year)
    net = dataclasses.replace(net, facilities=(), fleets=())
    kw = {"value_of_time": 0.5, "carbon_price": 50.0}
    res = solve_lp(net, ds.demand, **kw)
    assert res.unserved_t == 0.0
    assert not res.bottlenecks
    expected = 0.0
    for row in ds.demand:
        best = plan_routes(net, row.origin, row.destination, cargo=row.commodity, **kw).routes[0]
        expected += row.tonnes * best.generalized_cost / unit_of(net, row.commodity)[1]
    assert res.objective == pytest.approx(expected, rel=1e-9)
