"""The compiled arc-state search: kernel == plain-Python reference == SciPy, and == the planner's Python search."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse as sp
from scipy.sparse import csgraph

import corridor
from corridor._kernels import HAVE_NUMBA
from corridor._kernels.arcwalk import arc_walk, arc_walk_reference
from corridor.exceptions import CorridorError
from corridor.model.costs import RouteOptions
from corridor.routing.search import (
    _best,
    _compiled_walk,
    _dijkstra,
    _Problem,
    _Start,
    k_shortest,
    k_shortest_paths,
)
from corridor.routing.space import Constraints, SearchSpace

_cost = st.one_of(st.just(0.0), st.integers(0, 5).map(float), st.floats(0.0, 100.0))


@st.composite
def walk_problems(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Random transitions between ``n`` arc states, starts, ends, blocked and stop masks."""
    n = draw(st.integers(1, 25))
    trans = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), _cost), max_size=4 * n))
    trans.sort(key=lambda t: t[0])
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(np.array([t[0] for t in trans], dtype=np.int64), minlength=n), out=ptr[1:])
    to = np.array([t[1] for t in trans], dtype=np.int64)
    cost = np.array([t[2] for t in trans], dtype=np.float64)
    starts = draw(st.lists(st.tuples(st.integers(0, n - 1), _cost), min_size=1, max_size=4))
    end_cost = np.array([draw(st.one_of(st.just(np.inf), _cost)) for _ in range(n)])
    blocked = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    expand = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    # Transition costs as criteria vectors times weights: one criterion carries the cost, the
    # others are zero or carry a zero weight, so the scalar costs are exactly the drawn ones.
    vectors = np.column_stack([cost, np.zeros_like(cost), np.full_like(cost, 7.0)])
    w = np.array([1.0, draw(_cost), 0.0])
    return (ptr, to, vectors, w, np.array([s[0] for s in starts], dtype=np.int64),
            np.array([s[1] for s in starts], dtype=np.float64), end_cost, blocked, expand)


def _scipy_total(ptr: np.ndarray, to: np.ndarray, vectors: np.ndarray, w: np.ndarray, start_arc: np.ndarray,
                 start_cost: np.ndarray, end_cost: np.ndarray, blocked: np.ndarray, expand: np.ndarray) -> float:
    """The same problem as a plain graph (source, arcs, sink) solved by SciPy."""
    n = len(end_cost)
    cost = vectors @ w
    src, sink = n, n + 1
    edges: dict[tuple[int, int], float] = {}  # a sparse matrix would add parallel edges up: keep the least

    def edge(u: int, v: int, c: float) -> None:
        edges[u, v] = min(c, edges.get((u, v), np.inf))

    for a, c in zip(start_arc, start_cost, strict=True):
        if not blocked[a]:
            edge(src, int(a), float(c))
    for e in range(n):
        if end_cost[e] < np.inf:  # an arc where the walk may end never goes on
            edge(e, sink, float(end_cost[e]))
        elif expand[e]:
            for t in range(ptr[e], ptr[e + 1]):
                if not blocked[to[t]]:
                    edge(e, int(to[t]), float(cost[t]))
    rows, cols = [k[0] for k in edges], [k[1] for k in edges]
    # Explicit zeros would vanish from a sparse matrix: nudge them (as the planner's own code does).
    vals = np.maximum(np.array(list(edges.values()), dtype=float), 1e-300)
    g = sp.csr_array((vals, (rows, cols)), shape=(n + 2, n + 2))
    return float(csgraph.dijkstra(g, directed=True, indices=src, min_only=True)[sink])


def _walk_cost(prob: tuple[np.ndarray, ...], goal: int, pred: np.ndarray) -> float:
    """The cost of the walk read back from ``pred`` (checks the tree, not only the total)."""
    ptr, to, vectors, w, start_arc, start_cost, end_cost, *_ = prob
    cost = vectors @ w
    tail = np.repeat(np.arange(len(end_cost)), np.diff(ptr))
    total, a = end_cost[goal], goal
    while pred[a] >= 0:
        t = pred[a]
        assert to[t] == a
        total += cost[t]
        a = tail[t]
    assert pred[a] == -2
    return total + min(c for s, c in zip(start_arc, start_cost, strict=True) if s == a)


@given(walk_problems())
def test_kernel_matches_reference_and_scipy(prob: tuple[np.ndarray, ...]) -> None:
    want = _scipy_total(*prob)
    for impl in (arc_walk_reference, arc_walk):
        goal, total, pred = impl(*prob)
        if want == np.inf:
            assert goal == -1
            assert total == np.inf
        else:
            assert total == pytest.approx(want, rel=1e-9, abs=1e-250)
            assert _walk_cost(prob, goal, pred) == pytest.approx(total, rel=1e-9, abs=1e-250)


def test_kernel_is_compiled() -> None:
    if not HAVE_NUMBA:
        pytest.skip("numba does not import here")
    assert arc_walk is not arc_walk_reference
    assert hasattr(arc_walk, "signatures")


def _python_space(space: SearchSpace) -> SearchSpace:
    """The same space without its CSR transitions: the searches then take the plain-Python path."""
    return dataclasses.replace(space, transitions=None)


def test_compiled_walk_equals_python_search_on_the_built_in_network() -> None:
    """Random origins, destinations, cargo, weights, banned arcs and nodes: the same walk and totals."""
    ds = corridor.load()
    net = ds.network
    nodes = [n.id for n in net.nodes]
    cargos = [c.id for c in net.commodities]
    rng = random.Random(7)
    checked = 0
    for _ in range(300):
        o, d = rng.sample(nodes, 2)
        cons = Constraints(avoid_countries=frozenset(rng.choice([(), ("RU",), ("RU", "IR"), ("KZ",)])))
        opts = RouteOptions(rng.choice(cargos), od_countries=(net.node(o).country, net.node(d).country))
        try:
            space = SearchSpace.build(net, opts, cons)
        except CorridorError:
            continue
        w = np.array([rng.uniform(0, 1), rng.uniform(0, 50), rng.uniform(0, 0.1), rng.uniform(0, 100)])
        prob, slow = _Problem(space, o, d), _Problem(_python_space(space), o, d)
        arcs = np.flatnonzero(space.allowed)
        banned = frozenset(rng.sample(arcs.tolist(), min(3, len(arcs))))
        bnodes = frozenset(rng.sample(range(len(nodes)), 2)) - {prob.origin, prob.dest}
        for args in ((frozenset(), frozenset()), (banned, bnodes)):
            fast, ref = _compiled_walk(prob, w, _Start(), *args), _dijkstra(slow, w, _Start(), *args)
            assert (fast is None) == (ref is None)
            if ref is not None and fast is not None:
                assert float(w @ np.array(fast.vector)) == pytest.approx(float(w @ np.array(ref.vector)), rel=1e-12)
                assert fast.vector == pytest.approx(np.array(ref.vector), rel=1e-12) or fast.arcs != ref.arcs
                checked += 1
        best_fast, best_ref = _best(prob, w, _Start(), frozenset(), frozenset(), 200_000), _best(
            slow, w, _Start(), frozenset(), frozenset(), 200_000)
        assert (best_fast is None) == (best_ref is None)
    assert checked > 200


def test_k_shortest_paths_same_costs_either_way() -> None:
    """Yen's algorithm with compiled spur searches finds alternatives of the same costs as without."""
    net = corridor.load().network
    for o, d, cargo in (("Xian", "Istanbul", "container"), ("Dostyk", "Poti", "container"),
                        ("Kostanay", "Bandar Abbas", "grain"), ("Almaty", "Duisburg", "metals")):
        opts = RouteOptions(cargo, od_countries=(net.node(o).country, net.node(d).country))
        space = SearchSpace.build(net, opts)
        w = np.array([1.0, 10.0, 0.0, 0.0])
        fast = k_shortest_paths(space, net.node(o).id, net.node(d).id, w, 5, max_overlap=0.8)
        slow = k_shortest_paths(_python_space(space), net.node(o).id, net.node(d).id, w, 5, max_overlap=0.8)
        assert [float(w @ np.array(p.vector)) for p in fast] == pytest.approx(
            [float(w @ np.array(p.vector)) for p in slow], rel=1e-12)


def test_a_detour_without_a_simple_path_is_settled_and_a_capped_one_said() -> None:
    """Pavlodar → Nur-Zholy by cost, 3 alternatives: one deviation (at Khorgos, its direct line banned)
    can only close by passing Altynkol twice. Tracking every visited node, the exact search behind it
    tried every simple path and stopped at SPUR_LABELS; the relaxation (routing._labels) tracks
    Altynkol once a walk passes it twice and then proves that no simple detour exists, so the answer
    is exact. Under a small label cap that search still stops, and the result says so."""
    ds = corridor.load()
    r = corridor.route(ds, "Pavlodar", "Nur-Zholy", cargo="container", by="cost", k=3)
    assert r.result.complete and r.result.message == ""
    assert len(r.routes) == 3
    costs = [x.cost_usd for x in r.routes]
    assert costs == sorted(costs)
    space = _space_of(ds, "pavlodar", "nur-zholy")
    w = np.array([1.0, 0, 0, 0])
    exact = k_shortest(space, "pavlodar", "nur-zholy", w, 3, max_overlap=0.8)
    capped = k_shortest(space, "pavlodar", "nur-zholy", w, 3, max_overlap=0.8, max_labels=50)
    assert exact.complete and not capped.complete
    assert "detour" in capped.message and "50 labels" in capped.message and capped.labels > 50
    assert [p.vector for p in capped.paths] == [p.vector for p in exact.paths]


def _space_of(ds: object, o: str, d: str) -> SearchSpace:
    net = ds.network  # type: ignore[attr-defined]
    return SearchSpace.build(net, RouteOptions("container", od_countries=(net.node(o).country, net.node(d).country)))
