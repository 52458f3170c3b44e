from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.routing.brute import all_simple_paths, non_dominated
from tests.strategies import networks

from corridor.model import MODES, Network, Transfer
from corridor.model.costs import RouteOptions
from corridor.routing.search import best_path, k_shortest_paths, pareto_paths
from corridor.routing.space import Constraints, SearchSpace


@st.composite
def problems(draw: st.DrawFn) -> tuple[Network, str, str, Constraints]:
    net = draw(networks(min_nodes=3, max_nodes=7))
    ids = [n.id for n in net.nodes]
    transfers = []
    for i in range(draw(st.integers(0, 4))):
        transfers.append(Transfer(
            f"t{i}", draw(st.sampled_from(ids)), draw(st.sampled_from(["gauge-change", "border-clearance"])),
            frozenset(draw(st.sets(st.sampled_from(MODES), max_size=2))),
            frozenset(draw(st.sets(st.sampled_from(MODES), max_size=2))),
            time_h=draw(st.floats(0, 50)), cost_usd_per_t=draw(st.floats(0, 100)),
            commodities=frozenset(draw(st.sets(st.sampled_from(["container", "coal"]), max_size=1)))))
    net = dataclasses.replace(net, transfers=tuple(transfers))
    origin, dest = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
    others = [i for i in ids if i not in (origin, dest)]
    cons = Constraints(
        avoid_nodes=frozenset(draw(st.sets(st.sampled_from(others), max_size=1))) if others else frozenset(),
        avoid_modes=frozenset(draw(st.sets(st.sampled_from(MODES), max_size=2))),
        via=tuple(draw(st.lists(st.sampled_from(others), max_size=1, unique=True))) if others else (),
        max_transfers=draw(st.none() | st.integers(0, 3)),
    )
    return net, origin, dest, cons


def _space(net: Network, cons: Constraints, commodity: str = "coal") -> SearchSpace:
    return SearchSpace.build(net, RouteOptions(commodity=commodity, value_of_time=0.3, carbon_price=50.0,
                                               country_risk={"KZ": 0.5}), cons)


@given(problems(), st.sampled_from(["coal", "container"]))
def test_pareto_equals_brute_force(problem: tuple[Network, str, str, Constraints], commodity: str) -> None:
    net, origin, dest, cons = problem
    if origin == dest:
        return
    space = _space(net, cons, commodity)
    everything = list(all_simple_paths(space, origin, dest))
    for criteria in ([0, 1, 2, 3], [1], [0, 1]):
        got = pareto_paths(space, origin, dest, criteria)
        assert got.complete
        want = non_dominated(everything, criteria)
        vectors = dict(everything)
        # every path found is non-dominated, and every non-dominated trade-off is found; of paths that tie
        # on every criterion (equal vectors) the search keeps one, as label-setting algorithms do
        assert {p.arcs for p in got.paths} <= want
        assert ({tuple(np.round(vectors[a][criteria], 9)) for a in want}
                == {tuple(np.round(np.asarray(p.vector)[criteria], 9)) for p in got.paths})
        for p in got.paths:
            np.testing.assert_allclose(p.vector, vectors[p.arcs])


@given(problems())
def test_best_is_the_cheapest_simple_path(problem: tuple[Network, str, str, Constraints]) -> None:
    net, origin, dest, cons = problem
    if origin == dest:
        return
    space = _space(net, cons)
    w = np.array([1.0, 0.3, 0.05, 10.0])
    everything = list(all_simple_paths(space, origin, dest))
    got = best_path(space, origin, dest, w)
    if not everything:
        assert got is None
        return
    assert got is not None
    assert float(w @ np.array(got.vector)) == pytest.approx(min(float(w @ v) for _, v in everything))


@given(problems(), st.integers(1, 4))
def test_k_shortest_are_the_k_cheapest_simple_paths(problem: tuple[Network, str, str, Constraints], k: int) -> None:
    net, origin, dest, cons = problem
    if origin == dest:
        return
    space = _space(net, cons)
    w = np.array([1.0, 0.3, 0.05, 10.0])
    costs = sorted(float(w @ v) for _, v in all_simple_paths(space, origin, dest))
    got = k_shortest_paths(space, origin, dest, w, k)
    assert len(got) == min(k, len(costs))
    assert [float(w @ np.array(p.vector)) for p in got] == pytest.approx(costs[: len(got)])
    assert len({p.arcs for p in got}) == len(got)


def test_constraints_hold(tiny_network: Network) -> None:
    space = SearchSpace.build(tiny_network, RouteOptions(commodity="container"), Constraints(avoid_modes={"road"}))
    p = best_path(space, "mid", "east", [0, 1, 0, 0])
    assert p is not None
    assert all(space.modes[a] != "road" for a in p.arcs)
    # time: 1500/40 + 700/50 h running + 5 h gauge change + 24 h border
    assert p.vector[1] == pytest.approx(1500 / 40 + 700 / 50 + 5 + 24)


def _loop_network() -> Network:
    """o → v → d, where the only simple path changes gauge at v (dear); a walk round the loop v → x → v
    changes gauge at x instead (cheap) and passes v twice."""
    from tests.conftest import P

    from corridor.model import Commodity, Link, Node, Source

    nodes = tuple(Node(i, i.upper(), "KZ", "junction", 60.0 + j, 45.0, provenance={"coords": P})
                  for j, i in enumerate(("o", "v", "x", "d")))
    prov = {"distance_km": P, "speed_kmh": P, "capacity_mtpa": P}

    def link(lid: str, a: str, b: str, mode: str, km: float) -> Link:
        return Link(lid, a, b, mode, "c", "KZ", distance_km=km, speed_kmh=40.0, capacity_mtpa=10.0, provenance=prov)

    gauges = frozenset({"rail-1520", "rail-1435"})
    narrow, broad = frozenset({"rail-1435"}), frozenset({"rail-1520"})
    return Network(
        "loop", nodes,
        (link("ov", "o", "v", "rail-1435", 100.0), link("vx", "v", "x", "rail-1435", 10.0),
         link("xv", "x", "v", "rail-1520", 10.0), link("vd", "v", "d", "rail-1520", 100.0)),
        (Transfer("v-gauge", "v", "gauge-change", narrow, broad, time_h=1.0, cost_usd_per_t=1000.0),
         Transfer("x-gauge", "x", "gauge-change", narrow, broad, time_h=30.0, cost_usd_per_t=1.0)),
        (Commodity("coal", "Coal", "t", modes=gauges),), {"T1": Source("T1", "Test source")})


def test_a_walk_through_a_node_twice_makes_the_node_critical() -> None:
    """The relaxation's first round finds the cheap walk round the loop (v twice); the second tracks v
    and finds the simple path, the same set as brute force."""
    space = _space(_loop_network(), Constraints())
    everything = list(all_simple_paths(space, "o", "d"))
    assert len(everything) == 1
    got = pareto_paths(space, "o", "d", [0, 1])
    assert got.complete and got.extra["rounds"] == 2 and got.extra["critical_nodes"] == 1
    assert [p.arcs for p in got.paths] == [everything[0][0]]
    best = best_path(space, "o", "d", [1.0, 0, 0, 0])
    assert best is not None and best.arcs == everything[0][0]


@given(problems(), st.sampled_from([0.01, 0.1, 0.5]))
def test_epsilon_pareto_covers_every_pareto_route(problem: tuple[Network, str, str, Constraints],
                                                   epsilon: float) -> None:
    """Every Pareto route is within 1 + epsilon on every criterion of a simple route returned."""
    net, origin, dest, cons = problem
    if origin == dest:
        return
    space = _space(net, cons, "container")
    everything = list(all_simple_paths(space, origin, dest))
    vectors = dict(everything)
    for criteria in ([0, 1, 2, 3], [0, 1]):
        got = pareto_paths(space, origin, dest, criteria, epsilon=epsilon)
        assert got.complete and bool(got.paths) == bool(everything)
        for p in got.paths:
            np.testing.assert_allclose(p.vector, vectors[p.arcs])
        for arcs in non_dominated(everything, criteria):
            want = vectors[arcs][criteria]
            assert any(np.all(np.asarray(p.vector)[criteria] <= (1 + epsilon) * want + 1e-9) for p in got.paths)


def test_epsilon_returns_fewer_routes_within_its_factor() -> None:
    from corridor import data

    space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    exact = pareto_paths(space, "urumqi", "moscow")
    coarse = pareto_paths(space, "urumqi", "moscow", epsilon=0.05)
    assert coarse.complete and len(coarse.paths) < len(exact.paths) and coarse.labels < exact.labels
    for p in exact.paths:
        assert any(np.all(np.asarray(q.vector) <= 1.05 * np.asarray(p.vector) + 1e-9) for q in coarse.paths)


def test_budgets_return_what_was_found_and_say_so() -> None:
    from corridor import data

    space = SearchSpace.build(data.load().network, RouteOptions(commodity="container"))
    exact = pareto_paths(space, "urumqi", "moscow")
    assert exact.complete and exact.message == ""
    timed = pareto_paths(space, "urumqi", "moscow", max_seconds=0.0)
    assert not timed.complete and "stopped after 0 s: the set may be incomplete" in timed.message
    capped = pareto_paths(space, "urumqi", "moscow", max_labels=exact.labels // 2)
    assert not capped.complete and "labels: the set may be incomplete" in capped.message
    exact_arcs = {p.arcs for p in exact.paths}
    for res in (timed, capped):  # what a stopped search returns are real simple paths, none dominating a Pareto route
        assert len(res.paths) < len(exact.paths)
        for p in res.paths:
            assert len({space.compiled.head[a] for a in p.arcs}) == len(p.arcs)
            assert p.arcs in exact_arcs or not any(
                np.all(np.asarray(p.vector) <= np.asarray(e.vector)) for e in exact.paths)
    with pytest.raises(ValueError, match="epsilon"):
        pareto_paths(space, "urumqi", "moscow", epsilon=-0.1)
    with pytest.raises(ValueError, match="max_seconds"):
        pareto_paths(space, "urumqi", "moscow", max_seconds=-1.0)
