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
