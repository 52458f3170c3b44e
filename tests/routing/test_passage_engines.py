"""No engine lets cargo change mode without a transfer or cross a border without its clearance.

The router, the LP and the freight equilibrium price a node in one place
(:func:`corridor.model.costs.transfer_vector`); these tests check each engine's paths.
"""

from __future__ import annotations

import itertools
import warnings
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.assignment import freight_eq
from corridor.assignment.freight_eq import freight_equilibrium
from corridor.assignment.freight_options import FreightEquilibriumOptions
from corridor.assignment.lp import FreightLP, solve_lp
from corridor.assignment.lp_collect import LPSolution
from corridor.assignment.lp_graph import LINK, PASS, SINK, SOURCE
from corridor.assignment.lp_results import LPResult
from corridor.exceptions import ConvergenceWarning
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node, Transfer, validate_network
from corridor.model.passage import MODE_CHANGE_KINDS, crosses_border
from corridor.routing import plan_routes
from corridor.routing.planner import NoRoute

BROAD, RAIL, ROAD = "rail-1520", "rail-1435", "road"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({BROAD, RAIL, ROAD}))


# --- a hand-made network where a free change of mode would be cheaper -----------------------------------

def _shortcut(*transfers: Transfer, direct: bool = True) -> Network:
    """a -rail 10 USD/t- m -road 10 USD/t- b, and a direct rail a-b at 100 USD/t (all in KZ)."""
    nodes = tuple(Node(n, n.upper(), "KZ", "city", 70.0 + i, 45.0) for i, n in enumerate("amb"))
    links = [Link("am", "a", "m", BROAD, distance_km=100.0, speed_kmh=50.0, cost_usd_per_t=10.0),
             Link("mb", "m", "b", ROAD, distance_km=100.0, speed_kmh=50.0, cost_usd_per_t=10.0)]
    if direct:
        links.append(Link("ab", "a", "b", BROAD, distance_km=400.0, speed_kmh=50.0, cost_usd_per_t=100.0))
    return Network("shortcut", nodes, tuple(links), transfers, (COAL,))


TRANSHIP = Transfer("m-t", "m", "transshipment", frozenset({BROAD}), frozenset({ROAD}), time_h=5.0, cost_usd_per_t=30.0)
DEMAND = Demand((DemandRow("d", "a", "b", "coal", 2021, 1e6),))


def test_router_takes_the_direct_line_when_the_mode_change_has_no_transfer() -> None:
    route = plan_routes(_shortcut(), "a", "b", cargo="coal", by="cost").routes[0]
    assert [leg.link for leg in route.legs] == ["ab"]
    assert route.cost_usd == pytest.approx(100.0)


def test_router_pays_the_transfer_where_there_is_one() -> None:
    route = plan_routes(_shortcut(TRANSHIP), "a", "b", cargo="coal", by="cost").routes[0]
    assert [leg.link for leg in route.legs] == ["am", "mb"]
    assert [s.transfer for s in route.stops] == ["m-t"]
    assert route.cost_usd == pytest.approx(10.0 + 30.0 + 10.0)
    assert route.time_h == pytest.approx(2.0 + 5.0 + 2.0)


def test_router_finds_no_route_when_only_a_free_mode_change_would_connect() -> None:
    with pytest.raises(NoRoute, match="only through changes of mode") as err:
        plan_routes(_shortcut(direct=False), "a", "b", cargo="coal", by="cost")
    assert err.value.constraint == "transfers"
    apart = _shortcut(direct=False).without(["mb"])
    with pytest.raises(NoRoute, match="does not connect them"):
        plan_routes(apart, "a", "b", cargo="coal", by="cost")


def test_lp_pays_the_transfer_or_takes_the_direct_line() -> None:
    without = solve_lp(_shortcut(), DEMAND)
    assert without.total_cost == pytest.approx(100.0 * 1e6)
    assert {f["link"] for f in without.link_flows if f["tonnes"] > 0} == {"ab"}
    paid = solve_lp(_shortcut(TRANSHIP), DEMAND)
    assert paid.total_cost == pytest.approx(50.0 * 1e6)
    assert paid.transfer_throughput["m-t"] == pytest.approx(1e6)
    cut = solve_lp(_shortcut(direct=False), DEMAND)
    assert cut.unserved_t == pytest.approx(1e6)


def test_equilibrium_pays_the_transfer_or_takes_the_direct_line() -> None:
    opts = FreightEquilibriumOptions(value_of_time=1e-9)  # tariffs only, in effect
    without = freight_equilibrium(_shortcut(), DEMAND, opts)
    flows = {f["link"]: f["tonnes"] for f in without.flows.link_flows}
    assert flows.get("ab") == pytest.approx(1e6)
    assert flows.get("mb", 0.0) == pytest.approx(0.0)
    paid = freight_equilibrium(_shortcut(TRANSHIP), DEMAND, opts)
    assert paid.flows.transfer_throughput["m-t"] == pytest.approx(1e6)
    assert paid.flows.money_usd == pytest.approx(50.0 * 1e6, rel=1e-6)


# --- property: random multi-country, multi-mode networks ---------------------------------------------------

COUNTRIES = ("KZ", "CN", "RU")
MODES = (BROAD, RAIL, ROAD)
KINDS = ("gauge-change", "transshipment", "port-handling", "border-clearance")


@st.composite
def passage_cases(draw: st.DrawFn) -> tuple[Network, Demand]:
    n = draw(st.integers(3, 7))
    countries = [draw(st.sampled_from(COUNTRIES)) for _ in range(n)]
    nodes = tuple(Node(f"n{i}", f"N{i}", countries[i], "city", 60.0 + i, 45.0) for i in range(n))
    links = []
    for j in range(draw(st.integers(n - 1, 3 * n))):
        a, b = draw(st.sampled_from([(i, k) for i in range(n) for k in range(n) if i != k]))
        country = draw(st.sampled_from((countries[a], countries[b])))
        links.append(Link(f"l{j}", f"n{a}", f"n{b}", draw(st.sampled_from(MODES)), country=country,
                          distance_km=float(draw(st.integers(10, 500))), speed_kmh=50.0,
                          cost_usd_per_t=float(draw(st.integers(1, 50))), oneway=draw(st.booleans())))
    modesets = st.sets(st.sampled_from(MODES), max_size=2).map(frozenset)
    transfers = [Transfer(f"t{j}", f"n{draw(st.integers(0, n - 1))}", draw(st.sampled_from(KINDS)), draw(modesets),
                          draw(modesets), time_h=float(draw(st.integers(0, 40))),
                          cost_usd_per_t=float(draw(st.integers(0, 20))))
                 for j in range(draw(st.integers(0, 2 * n)))]
    rows = []
    for j in range(draw(st.integers(1, 3))):
        o, d = draw(st.sampled_from([(i, k) for i in range(n) for k in range(n) if i != k]))
        rows.append(DemandRow(f"d{j}", f"n{o}", f"n{d}", "coal", 2021, 1e5 * (j + 1)))
    return Network("random", nodes, tuple(links), tuple(transfers), (COAL,)), Demand(tuple(rows))


def _flagged(net: Network, demand: Demand) -> set[str]:
    """Nodes that validation reports as crossable without a clearance (their record's id)."""
    problems = validate_network(net, demand, strict=False, require_sources=False)
    return {p.where.removeprefix("node ") for p in problems if "border-clearance transfer" in p.message}


def _check_route(net: Network, route: object, flagged: set[str]) -> None:
    legs, stops = route.legs, route.stops  # type: ignore[attr-defined]
    country = {nd.id: nd.country for nd in net.nodes}
    sides = [(None, country[legs[0].start])] + [(leg.mode, leg.country) for leg in legs] \
        + [(None, country[legs[-1].end])]
    for i in range(len(sides) - 1):  # node between side i and side i + 1; stops after leg i - 1
        kinds = {s.kind for s in stops if s.after_leg == i - 1}
        node = legs[0].start if i == 0 else legs[i - 1].end
        (m_in, c_in), (m_out, c_out) = sides[i], sides[i + 1]
        if m_in is not None and m_out is not None and m_in != m_out:
            assert kinds & MODE_CHANGE_KINDS, f"free change {m_in}->{m_out} at {node}"
        if crosses_border(c_in, c_out) and node not in flagged:
            assert "border-clearance" in kinds, f"border {c_in}->{c_out} at {node} without clearance"


def _pays(net: Network, lp: FreightLP) -> list[set[str]]:
    """Kinds of the transfers each template arc pays."""
    tpl = lp.graph.template
    pays: list[set[str]] = [set() for _ in range(tpl.n_arcs)]
    for t, arcs in zip(net.transfers, tpl.transfer_arcs, strict=True):
        for i in arcs:
            pays[int(i)].add(t.kind)
    return pays


def _link_ends(net: Network, lp: FreightLP, arcs: np.ndarray) -> tuple[dict[int, list[Link]], dict[int, list[Link]]]:
    """The links of the used link arcs, by the vertex they enter and the vertex they leave."""
    tpl, comp = lp.graph.template, lp.graph.compiled
    into: dict[int, list[Link]] = {}
    out_of: dict[int, list[Link]] = {}
    for i in (int(i) for i in arcs if tpl.kind[i] == LINK):
        lk = net.links[int(comp.arc_link[tpl.arc[i]])]
        into.setdefault(int(tpl.head[i]), []).append(lk)
        out_of.setdefault(int(tpl.tail[i]), []).append(lk)
    return into, out_of


def _check_columns(net: Network, lp: FreightLP, x: np.ndarray, flagged: set[str]) -> None:
    """Every used pass, source and sink column pays the transfers a change of mode or country needs."""
    g, pays = lp.graph, _pays(net, lp)
    tpl = g.template
    for b in range(len(g.blocks)):
        arcs = g.col_arc[np.flatnonzero((g.col_block == b) & (g.col_arc >= 0) & (x > 1e-6))]
        into, out_of = _link_ends(net, lp, arcs)
        for i in (int(i) for i in arcs if tpl.kind[i] != LINK):
            node = net.nodes[int(tpl.node[i])]
            mi, mo = tpl.mode_in[i], tpl.mode_out[i]
            if tpl.kind[i] == PASS and mi != mo:
                assert pays[i] & MODE_CHANGE_KINDS, f"free change {mi}->{mo} at {node.id}"
            ins = into.get(int(tpl.tail[i]), []) if tpl.kind[i] in (PASS, SINK) else [None]
            outs = out_of.get(int(tpl.head[i]), []) if tpl.kind[i] in (PASS, SOURCE) else [None]
            for e, f in itertools.product(ins, outs):
                c_in = e.country if e is not None else node.country
                c_out = f.country if f is not None else node.country
                same_link = e is not None and f is not None and e.id == f.id
                if crosses_border(c_in, c_out) and not same_link and node.id not in flagged:
                    assert "border-clearance" in pays[i], f"border {c_in}->{c_out} at {node.id}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(passage_cases())
def test_no_engine_path_skips_a_transfer_or_a_border(case: tuple[Network, Demand]) -> None:
    """Router, LP and equilibrium paths: a mode-change transfer at every change of mode, and a border
    clearance at every change of country unless validation reports that node."""
    net, demand = case
    flagged = _flagged(net, demand)
    for row in demand.rows:
        try:
            routes = plan_routes(net, row.origin, row.destination, cargo="coal", by="cost", k=2)
        except NoRoute:
            continue
        for route in routes.routes:
            _check_route(net, route, flagged)
    lp = FreightLP.build(net, demand, value_of_time=0.01)
    solutions: list[np.ndarray] = []
    real_collect = lp.collect

    def keep(solution: LPSolution) -> LPResult:
        solutions.append(solution.x)
        return real_collect(solution)

    with mock.patch.object(lp, "collect", keep):
        res = lp.solve()
    _check_columns(net, lp, solutions[0], flagged)
    loads: list[np.ndarray] = []
    real_load = freight_eq._ArcSpace.load

    def spy(self: freight_eq._ArcSpace, row_cost: np.ndarray) -> tuple[np.ndarray, float]:
        out = real_load(self, row_cost)
        loads.append(out[0])
        return out

    with mock.patch.object(freight_eq._ArcSpace, "load", spy), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        freight_equilibrium(net, demand, FreightEquilibriumOptions(value_of_time=0.01, max_iter=5, gap=1e-3), lp=lp)
    assert loads
    for x in loads:  # every all-or-nothing loading; the equilibrium's flow is a mix of them
        _check_columns(net, lp, x, flagged)
    assert res.served_t + res.unserved_t == pytest.approx(res.demand_t)
