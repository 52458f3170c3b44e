"""Pricing for the path formulation of the freight LP: shortest paths on the transfer-expanded graph.

The column generation of :mod:`corridor.assignment.lp_paths` asks, for every (commodity, origin)
block, for the cheapest route to each of its destinations when every template arc costs the
commodity's price per tonne minus what the capacity rows through it are worth now (their duals,
which are never positive for ``≤`` rows of a minimisation, so the weights never fall below the
prices: Dijkstra applies). :class:`PricingGraph` holds the template arcs a block may use in
compressed sparse row form, with one source vertex per origin node and one sink vertex per
destination node; :meth:`PricingGraph.tree` is one call of the shortest-path kernel
(:data:`corridor._kernels.sssp.dijkstra_kernel`).

Vertices: the template's ``(node, mode, in/out)`` vertices first, then the source of node ``v`` at
``n_vertices + v`` and its sink at ``n_vertices + n_nodes + v``. Source vertices have no arc in
and sink vertices none out, so a route never passes another origin's source or another
destination's sink.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corridor._kernels.sssp import dijkstra_kernel
from corridor.assignment.lp_graph import SINK, SOURCE

if TYPE_CHECKING:
    from corridor.assignment.lp_graph import TemplateArcs

__all__ = ["PricingGraph", "pricing_graph"]


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

    def path(self, pred: np.ndarray, origin: int, dest: int) -> np.ndarray:
        """Template arcs, source to sink, of the tree route from ``origin`` to ``dest`` (reachable)."""
        out: list[int] = []
        v, start = self.sink(dest), self.source(origin)
        while v != start:
            p = int(pred[v])
            out.append(int(self.arcs[p]))
            v = int(self.tails[p])
        out.reverse()
        return np.asarray(out, dtype=np.int64)


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
