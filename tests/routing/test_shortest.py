"""Dijkstra: numba kernel == plain-Python reference == SciPy == NetworkX, and the tree API."""

from __future__ import annotations

import dataclasses
import itertools
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse as sp
from scipy.sparse import csgraph

from corridor import data
from corridor._kernels import HAVE_NUMBA, dijkstra, dijkstra_kernel, dijkstra_reference
from corridor._kernels.sssp import astar_kernel, astar_reference, tree_path_kernel, tree_path_reference
from corridor.exceptions import NodeNotFound
from corridor.model import CompiledNetwork, Link, Network
from corridor.routing.shortest import ShortestPathTree, shortest_path, shortest_path_tree

_weights = st.one_of(st.just(0.0), st.integers(0, 5).map(float), st.floats(0.0, 100.0))


@st.composite
def csr_graphs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """A random directed graph in CSR form with parallel arcs, zero weights and unreachable nodes."""
    n = draw(st.integers(1, 30))
    arcs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), _weights), max_size=4 * n))
    # Parallel arcs: copies of drawn arcs with other weights.
    for i in draw(st.lists(st.integers(0, max(len(arcs) - 1, 0)), max_size=5 if arcs else 0)):
        arcs.append((arcs[i][0], arcs[i][1], draw(_weights)))
    arcs.sort(key=lambda a: a[0])
    tail = np.array([a[0] for a in arcs], dtype=np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    head = np.array([a[1] for a in arcs], dtype=np.int64)
    weight = np.array([a[2] for a in arcs], dtype=np.float64)
    return indptr, head, weight, draw(st.integers(0, n - 1))


def _tails(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))


def _check_tree(indptr: np.ndarray, head: np.ndarray, weight: np.ndarray, source: int,
                dist: np.ndarray, pred: np.ndarray, *, record_arc: bool) -> None:
    """Every reached node other than the source hangs off a tight arc; others have no predecessor."""
    tail = _tails(indptr)
    assert dist[source] == 0.0
    assert pred[source] == -1
    for v in range(len(dist)):
        if v == source or not math.isfinite(dist[v]):
            assert pred[v] == -1
            continue
        if record_arc:
            a = pred[v]
            assert head[a] == v
            assert dist[v] == dist[tail[a]] + weight[a]
        else:
            p = pred[v]
            tight = (tail == p) & (head == v) & (dist[p] + weight == dist[v])
            assert tight.any()


@given(csr_graphs(), st.booleans())
def test_kernel_matches_reference_and_scipy(graph: tuple, record_arc: bool) -> None:
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    d_kernel, p_kernel = dijkstra(indptr, head, weight, source, record_arc=record_arc)
    d_ref, p_ref = dijkstra(indptr, head, weight, source, record_arc=record_arc, kernel=dijkstra_reference)
    # SciPy keeps explicitly stored zeros and duplicate entries as arcs, like the kernel.
    g = sp.csr_array((weight, head, indptr), shape=(n, n))
    d_scipy = csgraph.dijkstra(g, directed=True, indices=source)
    np.testing.assert_allclose(d_kernel, d_ref, rtol=1e-12)
    np.testing.assert_allclose(d_kernel, d_scipy, rtol=1e-12)
    reachable = csgraph.breadth_first_order(g, source, directed=True, return_predecessors=False)
    assert set(np.flatnonzero(np.isfinite(d_kernel))) == set(reachable.tolist())
    _check_tree(indptr, head, weight, source, d_kernel, p_kernel, record_arc=record_arc)
    _check_tree(indptr, head, weight, source, d_ref, p_ref, record_arc=record_arc)


@given(csr_graphs(), st.data())
def test_early_stop_at_target(graph: tuple, draw: st.DataObject) -> None:
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    target = draw.draw(st.integers(0, n - 1))
    full, _ = dijkstra(indptr, head, weight, source)
    for kernel in (dijkstra_kernel, dijkstra_reference):
        dist, pred = dijkstra(indptr, head, weight, source, target=target, kernel=kernel)
        assert dist[target] == full[target]
        tree = ShortestPathTree(dist, pred, source)
        path = tree.path_to(target)
        if math.isfinite(full[target]):
            assert path[0] == source
            assert path[-1] == target
        else:
            assert path == []


def _reverse(indptr: np.ndarray, head: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The graph with every arc turned round, in CSR form."""
    tail = _tails(indptr)
    order = np.argsort(head, kind="stable")
    rptr = np.zeros_like(indptr)
    np.cumsum(np.bincount(head, minlength=len(indptr) - 1), out=rptr[1:])
    return rptr, tail[order], weight[order]


def _path_cost(indptr: np.ndarray, head: np.ndarray, weight: np.ndarray, pred: np.ndarray, source: int,
               target: int) -> float:
    """Cost of the tree path (predecessor arcs) from ``source`` to ``target``, checking it is a path."""
    tail = _tails(indptr)
    total, v = 0.0, target
    for _ in range(len(indptr)):
        if v == source:
            return total
        a = pred[v]
        assert head[a] == v
        total += weight[a]
        v = tail[a]
    raise AssertionError("the predecessors loop")


@given(csr_graphs(), st.data())
def test_tree_path_walks_the_tree(graph: tuple, draw: st.DataObject) -> None:
    """The compiled tree walk and its reference return the tree path's arcs, source first, at ``dist``."""
    indptr, head, weight, source = graph
    dist, pred = dijkstra_kernel(indptr, head, weight, source, -1, True)
    reached = np.flatnonzero(np.isfinite(dist))
    end = int(draw.draw(st.sampled_from(reached.tolist())))
    tail = _tails(indptr)
    labels = np.arange(len(head), dtype=np.int64) + 100
    for walk in (tree_path_kernel, tree_path_reference):
        arcs = walk(pred, tail, labels, source, end) - 100
        assert arcs.dtype == np.int64
        nodes = [source, *head[arcs].tolist()]
        assert nodes[-1] == end
        assert all(tail[a] == nodes[i] for i, a in enumerate(arcs))
        assert float(weight[arcs].sum()) == pytest.approx(dist[end], abs=1e-9)


@given(csr_graphs(), st.data())
def test_astar_matches_dijkstra(graph: tuple, draw: st.DataObject) -> None:
    """A* with distances at lower weights as potential finds Dijkstra's distance, kernel and reference alike."""
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    target = draw.draw(st.integers(0, n - 1))
    # Lower weights: each arc's weight scaled by a factor in [0, 1] (0: no guidance; 1: exact distances).
    scale = np.asarray(draw.draw(st.lists(st.sampled_from([0.0, 0.3, 0.5, 0.999, 1.0]), min_size=len(weight),
                                          max_size=len(weight))))
    potential, _ = dijkstra(*_reverse(indptr, head, weight * scale), target)
    full, _ = dijkstra(indptr, head, weight, source)
    for kernel in (astar_kernel, astar_reference):
        dist, pred = kernel(indptr, head, weight, source, target, potential, np.inf, True)
        if math.isfinite(full[target]):
            assert dist[target] == pytest.approx(full[target], rel=1e-12, abs=1e-12)
            assert _path_cost(indptr, head, weight, pred, source, target) == pytest.approx(dist[target], rel=1e-12)
        else:
            assert dist[target] == math.inf
            assert pred[target] == -1
    # A zero potential is Dijkstra stopped at the target.
    dist, _ = astar_kernel(indptr, head, weight, source, target, np.zeros(n), np.inf, False)
    assert dist[target] == full[target]


@given(csr_graphs(), st.data())
def test_astar_survives_rounding(graph: tuple, draw: st.DataObject) -> None:
    """A potential off by a few ulps (inconsistent by rounding) still ends, near the shortest distance."""
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    target = draw.draw(st.integers(0, n - 1))
    exact, _ = dijkstra(*_reverse(indptr, head, weight), target)
    wobble = np.asarray(draw.draw(st.lists(st.sampled_from([-4, -1, 0, 1, 4]), min_size=n, max_size=n)))
    potential = np.where(np.isfinite(exact), exact * (1.0 + wobble * np.finfo(float).eps), exact)
    full, _ = dijkstra(indptr, head, weight, source)
    for kernel in (astar_kernel, astar_reference):
        dist, pred = kernel(indptr, head, weight, source, target, potential, np.inf, True)
        assert dist[target] == pytest.approx(full[target], rel=1e-9, abs=1e-9)
        if math.isfinite(full[target]):
            assert _path_cost(indptr, head, weight, pred, source, target) == pytest.approx(full[target], rel=1e-9)


@given(csr_graphs(), st.data())
def test_astar_bound(graph: tuple, draw: st.DataObject) -> None:
    """With a bound: exact distances within it, nothing settled beyond; zero potential and no target: Dijkstra."""
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    full, _ = dijkstra(indptr, head, weight, source)
    bound = draw.draw(st.sampled_from([0.0, 1.0, 5.0, 50.0, math.inf]))
    target = draw.draw(st.integers(-1, n - 1))
    for kernel in (astar_kernel, astar_reference):
        dist, _ = kernel(indptr, head, weight, source, target, np.zeros(n), bound, False)
        if target < 0:
            within = full <= bound
            np.testing.assert_array_equal(dist[within], full[within])
            assert (dist[~within] > bound).all()
        elif full[target] <= bound:
            assert dist[target] == full[target]
        else:
            assert dist[target] > bound


def test_astar_settles_fewer_nodes() -> None:
    """On a path graph with exact potentials A* queues only the nodes on the way; Dijkstra reaches them all."""
    # 0 - 1 - 2 - ... - 9 both ways, target 9 from 5: nothing left of 5 is ever queued.
    arcs = sorted([(i, i + 1) for i in range(9)] + [(i + 1, i) for i in range(9)])
    tail = np.array([a[0] for a in arcs])
    indptr = np.zeros(11, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=10), out=indptr[1:])
    head = np.array([a[1] for a in arcs], dtype=np.int64)
    weight = np.ones(len(arcs))
    potential = 9.0 - np.arange(10.0)
    for kernel in (astar_kernel, astar_reference):
        dist, _ = kernel(indptr, head, weight, 5, 9, potential, np.inf, False)
        assert dist[9] == 4.0
        assert np.isfinite(dist).sum() == 6  # 4 .. 9: node 4 is reached from 5, never settled
    unreachable = np.where(np.arange(10) < 5, np.inf, potential)  # nodes 0-4 marked as not reaching 9
    dist, _ = astar_kernel(indptr, head, weight, 5, 9, unreachable, np.inf, False)
    assert dist[9] == 4.0
    assert np.isfinite(dist[:5]).sum() == 0
    dist, pred = astar_kernel(indptr, head, weight, 5, 9, np.full(10, np.inf), np.inf, False)
    assert np.isinf(dist[9])
    assert pred[9] == -1

@given(csr_graphs())
def test_tree_over_scipy_matrix(graph: tuple) -> None:
    indptr, head, weight, source = graph
    n = len(indptr) - 1
    g = sp.csr_matrix((weight, head.astype(np.int32), indptr.astype(np.int32)), shape=(n, n))
    tree = shortest_path_tree(g, None, source)
    assert not tree.pred_is_arc
    np.testing.assert_allclose(tree.dist, csgraph.dijkstra(g, directed=True, indices=source), rtol=1e-12)
    for v in range(n):
        path = tree.path_to(v)
        if not math.isfinite(tree.dist[v]):
            assert path == []
            continue
        assert path[0] == source
        assert path[-1] == v
        # Along the tree path each step is an arc of the graph.
        length = sum(min(weight[a] for a in range(indptr[u], indptr[u + 1]) if head[a] == w)
                     for u, w in itertools.pairwise(path))
        assert length == pytest.approx(tree.dist[v], rel=1e-12, abs=0)


@pytest.mark.parametrize("kernel", [dijkstra_kernel, dijkstra_reference], ids=["kernel", "reference"])
@pytest.mark.parametrize("bad", [-1.0, -1e-300, np.nan])
def test_negative_or_nan_weight_raises(kernel: object, bad: float) -> None:
    indptr = np.array([0, 1, 2, 2])
    head = np.array([1, 2])
    with pytest.raises(ValueError, match="non-negative"):
        dijkstra(indptr, head, np.array([1.0, bad]), 0, kernel=kernel)


def test_bad_input_raises() -> None:
    indptr = np.array([0, 1, 2, 2])
    with pytest.raises(ValueError, match="out of range"):
        dijkstra(indptr, np.array([1, 3]), np.ones(2), 0)
    with pytest.raises(ValueError, match="source 3"):
        dijkstra(indptr, np.array([1, 2]), np.ones(2), 3)
    with pytest.raises(ValueError, match="target -2"):
        dijkstra(indptr, np.array([1, 2]), np.ones(2), 0, target=-2)
    with pytest.raises(ValueError, match="inconsistent"):
        dijkstra(indptr, np.array([1, 2]), np.ones(3), 0)
    g = sp.csr_array(([-1.0], ([0], [1])), shape=(2, 2))
    with pytest.raises(ValueError, match="non-negative"):
        shortest_path_tree(g, None, 0)
    with pytest.raises(TypeError, match="CompiledNetwork or a scipy"):
        shortest_path_tree(np.zeros((2, 2)), None, 0)


def test_numba_is_used() -> None:
    assert HAVE_NUMBA
    assert dijkstra_kernel is not dijkstra_reference


@pytest.fixture(scope="module")
def eurasia() -> CompiledNetwork:
    return data.load("eurasia").network.compile()


def test_eurasia_matches_networkx(eurasia: CompiledNetwork) -> None:
    c = eurasia
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(c.n_nodes))
    for a in range(c.n_arcs):
        g.add_edge(int(c.tail[a]), int(c.head[a]), time=float(c.time_h[a]))
    for source in range(c.n_nodes):
        tree = shortest_path_tree(c, c.time_h, source)
        expected = nx.single_source_dijkstra_path_length(g, source, weight="time")
        got = {v: float(d) for v, d in enumerate(tree.dist) if math.isfinite(d)}
        assert got.keys() == expected.keys()
        for v, d in expected.items():
            assert got[v] == pytest.approx(d, rel=1e-12)
            arcs = tree.arcs_to(v)
            nodes = tree.path_to(v)
            assert [int(c.tail[a]) for a in arcs] == nodes[:-1]
            assert [int(c.head[a]) for a in arcs] == nodes[1:]
            assert float(c.time_h[arcs].sum()) == pytest.approx(d, rel=1e-12)


def test_eurasia_methods_and_names_agree(eurasia: CompiledNetwork) -> None:
    c = eurasia
    fast = shortest_path_tree(c, "time_h", "aktau")
    slow = shortest_path_tree(c, c.time_h, c.node_index["aktau"], method="reference")
    np.testing.assert_array_equal(fast.dist, slow.dist)
    hours, nodes = shortest_path(c, c.time_h, "aktau", "baku-alat")
    assert isinstance(hours, float)
    assert hours == fast.distance_to(c.node_index["baku-alat"])
    assert nodes == fast.path_to(c.node_index["baku-alat"])
    frame = fast.to_frame()
    assert list(frame.columns) == ["node", "id", "dist", "pred", "pred_arc"]
    assert len(frame) == c.n_nodes
    assert frame.loc[frame["id"] == "aktau", "pred"].item() == -1
    with pytest.raises(NodeNotFound):
        shortest_path_tree(c, c.time_h, "atlantis")
    with pytest.raises(ValueError, match="unknown method"):
        shortest_path_tree(c, c.time_h, 0, method="fastest")
    with pytest.raises(ValueError, match="one value per arc"):
        shortest_path_tree(c, c.time_h[:-1], 0)


def test_parallel_links_pick_the_faster_arc(tiny_network: Network) -> None:
    # A road link parallel to the rail link mid→border, faster than rail.
    road = Link("mid-border-road", "mid", "border", "road", "other", "KZ", distance_km=1500.0,
                speed_kmh=75.0, oneway=True)
    net = dataclasses.replace(tiny_network, links=(*tiny_network.links, road))
    c = net.compile()
    mid, border = c.node_index["mid"], c.node_index["border"]
    tree = shortest_path_tree(c, c.time_h, mid)
    (arc,) = tree.arcs_to(border)
    assert net.links[c.arc_link[arc]].id == "mid-border-road"
    assert tree.distance_to(border) == pytest.approx(20.0)
    # Back the other way only the two-way rail link runs.
    back = shortest_path_tree(c, c.time_h, border)
    (arc,) = back.arcs_to(mid)
    assert net.links[c.arc_link[arc]].id == "mid-border"
    assert shortest_path(c, c.time_h, "east", "west")[1][0] == c.node_index["east"]


def test_unreachable_target() -> None:
    g = sp.csr_array(([1.0], ([0], [1])), shape=(3, 3))
    assert shortest_path(g, None, 0, 2) == (math.inf, [])
    assert shortest_path(g, None, 0, 0) == (0.0, [0])
    tree = shortest_path_tree(g, None, 0)
    assert tree.pred.tolist() == [-1, 0, -1]
    with pytest.raises(ValueError, match="records predecessor nodes"):
        tree.arcs_to(1)
