"""Pricing for the path formulation of the freight LP: shortest paths on the transfer-expanded graph.

The column generation of :mod:`corridor.assignment.lp_paths` asks, for every (commodity, origin)
block, for the cheapest route to each of its destinations when every template arc costs the
commodity's price per tonne minus what the capacity rows through it are worth now (their duals,
which are never positive for ``≤`` rows of a minimisation, so the weights never fall below the
prices: Dijkstra applies). :class:`PricingGraph` holds the template arcs a block may use in
compressed sparse row form, with one source vertex per origin node and one sink vertex per
destination node; :meth:`PricingGraph.tree` is one call of the shortest-path kernel
(:data:`corridor._kernels.sssp.dijkstra_kernel`).

A search to one destination can be goal-directed: :meth:`PricingGraph.potential` gives every
vertex's distance to that destination's sink at the prices alone (one search on the reversed
graph), a consistent lower bound at any duals since the weights are never below the prices, and
:meth:`PricingGraph.route` runs A* (:data:`corridor._kernels.sssp.astar_kernel`) with it: the same
distance, fewer vertices settled. :class:`Potential` keeps only the vertices near the destination.

Vertices: the template's ``(node, mode, in/out)`` vertices first, then the source of node ``v`` at
``n_vertices + v`` and its sink at ``n_vertices + n_nodes + v``. Source vertices have no arc in
and sink vertices none out, so a route never passes another origin's source or another
destination's sink.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corridor._kernels.sssp import astar_kernel, dijkstra_kernel, tree_path_kernel
from corridor.assignment.lp_graph import SINK, SOURCE

if TYPE_CHECKING:
    from corridor.assignment.lp_graph import TemplateArcs

__all__ = ["Potential", "PricingGraph", "pricing_graph"]


@dataclass(frozen=True, eq=False)
class Potential:
    """Distances to one destination's sink at the prices, kept for the vertices within ``radius``.

    ``min(distance, radius)`` is consistent like the distance itself (the minimum of two
    consistent potentials, the constant being one), so vertices farther than ``radius`` need not
    be stored: they count as ``radius`` (as unreachable, ``inf``, when the radius is infinite).

    Attributes
    ----------
    radius
        Distance up to which vertices are stored (``inf``: all that reach the sink).
    vertices
        Vertices stored, ``int32``.
    values
        Their distances to the sink.

    Examples
    --------
    >>> import numpy as np
    >>> p = Potential(radius=5.0, vertices=np.array([2, 0], dtype=np.int32), values=np.array([0.0, 4.0]))
    >>> p.dense(4).tolist()
    [4.0, 5.0, 0.0, 5.0]
    """

    radius: float
    vertices: np.ndarray
    values: np.ndarray

    def dense(self, n: int) -> np.ndarray:
        """The potential of every one of ``n`` vertices."""
        out = np.full(n, self.radius)
        out[self.vertices] = self.values
        return out

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return int(self.vertices.nbytes + self.values.nbytes)


@dataclass(frozen=True, eq=False)
class PricingGraph:
    """The template arcs a group of blocks may use, as a CSR graph for Dijkstra.

    Attributes
    ----------
    n_template_vertices
        Vertices of the template (sources and sinks follow).
    n_nodes
        Nodes of the network.
    indptr, heads
        CSR arrays: the arcs out of vertex ``u`` are ``indptr[u]:indptr[u + 1]``, ending at ``heads``.
    arcs
        Template arc of each CSR position.
    tails
        Tail vertex of each CSR position.

    Examples
    --------
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> graph = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)])).graph
    >>> pg = pricing_graph(graph.template, graph.pricing["coal"].admissible, net.compile().n_nodes)
    >>> dist, pred = pg.tree(graph.pricing["coal"].usd_per_t, origin=0)
    >>> float(dist[pg.sink(1)]), [int(a) for a in pg.path(pred, 0, 1)][1:-1]  # mine -> port: the direct link
    (10.0, [0])

    Goal-directed, to the port only, with the distances at the prices as potential:

    >>> h = pg.potential(graph.pricing["coal"].usd_per_t, dest=1)
    >>> dist, pred = pg.route(pg.csr_weights(graph.pricing["coal"].usd_per_t), 0, 1, h)
    >>> float(dist[pg.sink(1)]), [int(a) for a in pg.path(pred, 0, 1)][1:-1]
    (10.0, [0])
    """

    n_template_vertices: int
    n_nodes: int
    indptr: np.ndarray
    heads: np.ndarray
    arcs: np.ndarray
    tails: np.ndarray

    def source(self, node: int) -> int:
        """The source vertex of ``node``."""
        return self.n_template_vertices + node

    def sink(self, node: int) -> int:
        """The sink vertex of ``node``."""
        return self.n_template_vertices + self.n_nodes + node

    def tree(self, weights: np.ndarray, origin: int, dest: int = -1) -> tuple[np.ndarray, np.ndarray]:
        """Shortest distances and predecessor CSR positions from ``origin``'s source.

        ``weights`` holds a non-negative cost per *template* arc. With ``dest >= 0`` the search
        stops once that node's sink is settled: only its distance and tree route are then final.
        """
        w = np.ascontiguousarray(weights[self.arcs], dtype=np.float64)
        target = self.sink(dest) if dest >= 0 else -1
        dist, pred = dijkstra_kernel(self.indptr, self.heads, w, self.source(origin), target, True)
        return dist, pred

    @functools.cached_property
    def _reversed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The graph turned round, in CSR form: row pointers, heads (the tails) and CSR positions."""
        order = np.argsort(self.heads, kind="stable")
        n = len(self.indptr) - 1
        indptr = np.searchsorted(self.heads[order], np.arange(n + 1)).astype(np.int64)
        return indptr, np.ascontiguousarray(self.tails[order]), order

    def potential(self, prices: np.ndarray, dest: int, radius: float = math.inf) -> Potential:
        """Every vertex's distance to ``dest``'s sink at ``prices`` (per template arc), within ``radius``.

        One Dijkstra on the reversed graph, stopped beyond ``radius``. With weights never below
        ``prices`` it is a consistent potential for :meth:`route` to ``dest``.
        """
        indptr, heads, order = self._reversed
        w = np.ascontiguousarray(prices[self.arcs[order]], dtype=np.float64)
        n = len(indptr) - 1
        dist, _ = astar_kernel(indptr, heads, w, self.sink(dest), -1, np.zeros(n), radius, False)
        dist[self.n_template_vertices:self.n_template_vertices + self.n_nodes] = np.inf  # sources: see route()
        keep = np.flatnonzero(dist <= radius).astype(np.int32)
        return Potential(radius=radius, vertices=keep, values=dist[keep])

    def csr_weights(self, weights: np.ndarray) -> np.ndarray:
        """The weight of each CSR position, from a weight per template arc (for :meth:`route`)."""
        return np.ascontiguousarray(weights[self.arcs], dtype=np.float64)

    def route(self, weights: np.ndarray, origin: int, dest: int, potential: Potential,
              bound: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`tree` to ``dest``, by A* with a :meth:`potential` to ``dest``.

        ``weights`` are per CSR position (:meth:`csr_weights`), never below the prices of the
        potential. The potential keeps no source vertex (a route passes none but its own): the
        origin's counts as 0, which is consistent as no weight is negative. The search gives up
        once no route can cost ``bound`` or less (the sink's distance is then above ``bound``).
        """
        h = potential.dense(len(self.indptr) - 1)
        h[self.source(origin)] = 0.0
        return astar_kernel(self.indptr, self.heads, weights, self.source(origin), self.sink(dest), h, bound, True)

    def path(self, pred: np.ndarray, origin: int, dest: int) -> np.ndarray:
        """Template arcs, source to sink, of the tree route from ``origin`` to ``dest`` (reachable)."""
        return tree_path_kernel(pred, self.tails, self.arcs, self.source(origin), self.sink(dest))


def pricing_graph(template: TemplateArcs, mask: np.ndarray, n_nodes: int) -> PricingGraph:
    """The :class:`PricingGraph` of the template arcs in ``mask``.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> ds = data.load()
    >>> g = FreightLP.build(ds.network, ds.demand).graph
    >>> pg = pricing_graph(g.template, g.pricing["container"].admissible, g.compiled.n_nodes)
    >>> len(pg.arcs) == int(g.pricing["container"].admissible.sum())  # one CSR position per arc it may use
    True
    """
    n_vert = template.n_vertices
    sel = np.flatnonzero(mask)
    kind = template.kind[sel]
    node = template.node[sel]
    tail = np.where(kind == SOURCE, n_vert + node, template.tail[sel])
    head = np.where(kind == SINK, n_vert + n_nodes + node, template.head[sel])
    order = np.argsort(tail, kind="stable")
    n = n_vert + 2 * n_nodes
    indptr = np.searchsorted(tail[order], np.arange(n + 1)).astype(np.int64)
    return PricingGraph(n_template_vertices=n_vert, n_nodes=n_nodes, indptr=indptr,
                        heads=np.ascontiguousarray(head[order], dtype=np.int64),
                        arcs=np.ascontiguousarray(sel[order], dtype=np.int64),
                        tails=np.ascontiguousarray(tail[order], dtype=np.int64))
