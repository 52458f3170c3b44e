"""Choice sets: the routes and gateways a shipper of each demand row weighs.

Routes are paths on the transfer-expanded graph of a :class:`~corridor.assignment.lp.FreightLP`
(so every border clearance, gauge change and port handling on the way is part of the route), from
the row's origin to its destination — a market reached through any of its gateways, or a fixed
end. A set is generated before the equilibrium and grown during it:

1. the least-cost route of each value-of-time segment;
2. *country-avoiding* routes: the least-cost route when each country the routes found so far
   cross (other than the row's own ends' countries) is banned, and then pairs of such countries
   (a tree of bans ``ban_depth`` deep) — so the set holds the route through Russia, the one that
   avoids it across the Caspian, the one that also avoids Azerbaijan through Iran, …;
3. *link penalisation*: the least-cost route again with every arc of the routes found dearer by
   ``penalty`` (twice), which finds other gateways within one country (Poti and Batumi);
4. during the equilibrium, the least-cost route under the capacity prices (column generation).

A route that visits a country, leaves it and comes back is not kept (a shipment does not clear
the same border twice); nor one dearer than ``max_cost_ratio`` × the row's cheapest route.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_graph import LINK
from corridor.assignment.lp_matrix import column_ends
from corridor.assignment.measures import route_corridor

if TYPE_CHECKING:
    from corridor.assignment.lp_graph import TemplateArcs
    from corridor.assignment.lp_matrix import ExpandedGraph

__all__ = ["Path", "PathSpace"]

_EPS = 1e-9  # added to every arc weight: Dijkstra on sparse matrices needs strictly positive weights


@dataclass(frozen=True, eq=False)
class Path:
    """One route of a demand row.

    Attributes
    ----------
    cols
        Columns of the expanded graph, source to sink.
    nodes
        Node ids in the order the route visits them.
    countries
        Countries in the order the route visits them (consecutive repeats merged).
    corridor
        Route corridor by the rule of :mod:`corridor.assignment.measures`.
    distance_km
        Length over links.

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> space = PathSpace.of(lp.graph)
    >>> [cols] = space.shortest(np.asarray(lp.graph.costs.coef, dtype=float))
    >>> path = space.path(cols)
    >>> path.nodes, path.countries, path.corridor
    (('mine', 'port'), ('KZ',), 'other')
    """

    cols: np.ndarray
    nodes: tuple[str, ...]
    countries: tuple[str, ...]
    corridor: str
    distance_km: float

    @property
    def key(self) -> bytes:
        """Identity of the route (its columns)."""
        return self.cols.tobytes()


class PathSpace:
    """Shortest routes of every demand row of an expanded graph under given column weights.

    Parameters
    ----------
    graph
        The expanded graph (its demand rows, blocks and columns).

    Examples
    --------
    The cheapest route of each demand row at the model's own column costs:

    >>> import numpy as np
    >>> from corridor.assignment import FreightLP
    >>> from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node
    >>> coal = Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520"}))
    >>> nodes = [Node(i, i.title(), "KZ", "junction", 60.0 + k, 45.0) for k, i in enumerate(["mine", "port", "via"])]
    >>> links = [Link("direct", "mine", "port", "rail-1520", cost_usd_per_t=10.0, capacity_mtpa=1.0),
    ...          Link("mine-via", "mine", "via", "rail-1520", cost_usd_per_t=8.0),
    ...          Link("via-port", "via", "port", "rail-1520", cost_usd_per_t=7.0)]
    >>> net = Network("toy", nodes, links, commodities=[coal])
    >>> lp = FreightLP.build(net, Demand([DemandRow("coal-out", "mine", "port", "coal", 2021, 1.5e6)]))
    >>> space = PathSpace.of(lp.graph)
    >>> [cols] = space.shortest(np.asarray(lp.graph.costs.coef, dtype=float))
    >>> space.path(cols).nodes
    ('mine', 'port')
    """

    def __init__(self, graph: ExpandedGraph) -> None:
        net, comp, tpl = graph.network, graph.compiled, graph.template
        self.graph = graph
        self.tail, self.head = column_ends(graph)
        self.n = graph.n_cons
        self.flow_cols = np.flatnonzero(graph.col_arc >= 0)
        n_vert = tpl.n_vertices
        node_pos = {nid: i for i, nid in enumerate(comp.node_ids)}
        self.source = np.empty(len(graph.rows), dtype=np.int64)
        self.sink = np.empty(len(graph.rows), dtype=np.int64)
        for block in graph.blocks:
            for i in block.members:
                k = block.destinations.index(node_pos[graph.rows[i].destination])
                self.source[i] = block.row0 + n_vert
                self.sink[i] = block.row0 + n_vert + 1 + k
        self.node_country = [net.nodes[net.node_index[nid]].country for nid in comp.node_ids]
        self.node_ids = list(comp.node_ids)
        t = graph.col_arc
        self.col_tail_node = np.full(graph.n_cols, -1, dtype=np.int64)
        self.col_head_node = np.full(graph.n_cols, -1, dtype=np.int64)
        fl = self.flow_cols
        is_link = tpl.kind[t[fl]] == LINK
        arcs = tpl.arc[t[fl]]
        self.col_tail_node[fl] = np.where(is_link, comp.tail[np.maximum(arcs, 0)], tpl.node[t[fl]])
        self.col_head_node[fl] = np.where(is_link, comp.head[np.maximum(arcs, 0)], tpl.node[t[fl]])
        self.row_node = np.full(self.n, -1, dtype=np.int64)
        self.row_node[self.tail[fl]] = self.col_tail_node[fl]
        self.row_node[self.head[fl]] = self.col_head_node[fl]
        self.col_km = np.zeros(graph.n_cols)
        self.col_km[fl[is_link]] = comp.distance_km[arcs[is_link]]
        countries = sorted({c for c in self.node_country if c})
        self.country_names = countries
        code = {c: k for k, c in enumerate(countries)}
        self.node_country_code = np.asarray([code.get(c, -1) for c in self.node_country], dtype=np.int64)
        self.country_cols: dict[str, np.ndarray] = {}
        for c in countries:
            in_c = np.asarray([x == c for x in self.node_country], dtype=bool)
            touch = np.zeros(graph.n_cols, dtype=bool)
            touch[fl] = in_c[self.col_tail_node[fl]] | in_c[self.col_head_node[fl]]
            self.country_cols[c] = touch
        self.generated: dict[bytes, tuple[list[list[Path]], list[set[bytes]], int]] = {}
        self.end_countries = [(self.node_country[node_pos[r.origin]], self.node_country[node_pos[r.destination]])
                              for r in graph.rows]

    @classmethod
    def of(cls, graph: ExpandedGraph) -> PathSpace:
        """The path space of ``graph``, cached while its template lives (a re-priced graph shares it)."""
        got = _SPACES.get(graph.template)
        if got is None or not got.matches(graph):
            got = cls(graph)
            _SPACES[graph.template] = got
        return got

    def matches(self, graph: ExpandedGraph) -> bool:
        """Whether ``graph`` has this space's structure (the same template, rows, blocks and columns)."""
        g = self.graph
        return g is graph or (g.template is graph.template and g.rows is graph.rows and g.blocks is graph.blocks
                              and g.matrix is graph.matrix)

    def shortest(self, weight: np.ndarray, rows: Sequence[int] | None = None) -> list[np.ndarray | None]:
        """Least-weight route (its columns) of each demand row; ``None`` where there is none.

        ``weight`` is per column; ``inf`` bars a column. Slack (unserved) columns are never used.
        """
        from scipy.sparse.csgraph import dijkstra

        rows = range(len(self.source)) if rows is None else rows
        mat, m, key = self._matrix(weight)
        sources = np.unique(self.source[list(rows)])
        pos = {int(s): k for k, s in enumerate(sources)}
        dist, pred = dijkstra(mat, directed=True, indices=sources, return_predecessors=True)
        out: list[np.ndarray | None] = []
        for i in rows:
            s, v = pos[int(self.source[i])], int(self.sink[i])
            if not np.isfinite(dist[s, v]):
                out.append(None)
                continue
            cols = []
            while v != self.source[i]:
                u = int(pred[s, v])
                cols.append(int(m[np.searchsorted(key, u * self.n + v)]))
                v = u
            out.append(np.asarray(cols[::-1], dtype=np.int64))
        return out

    def _matrix(self, weight: np.ndarray) -> tuple[Any, np.ndarray, np.ndarray]:
        """The weighted graph (parallel columns merged to the cheapest), its columns and their keys."""
        from scipy import sparse

        m = self.flow_cols[np.isfinite(weight[self.flow_cols])]
        key = self.tail[m] * self.n + self.head[m]
        order = np.lexsort((weight[m], key))
        m, key = m[order], key[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        m, key = m[first], key[first]
        return sparse.csr_array((weight[m] + _EPS, (self.tail[m], self.head[m])), shape=(self.n, self.n)), m, key

    def via_nodes(self, weight: np.ndarray) -> list[list[np.ndarray]]:
        """Per demand row, the least-weight route through each node of the network (the *via-node* routes).

        The route through node ``v`` joins the least-weight route from the origin to one of ``v``'s
        vertices and the least-weight route from there to the destination. Routes equal to the
        row's least-weight route are left out; routes may repeat (two nodes on one route).
        """
        from scipy.sparse.csgraph import dijkstra

        mat, m, key = self._matrix(weight)
        sources = np.unique(self.source)
        spos = {int(s): k for k, s in enumerate(sources)}
        sinks = np.unique(self.sink)
        tpos = {int(t): k for k, t in enumerate(sinks)}
        df, pf = dijkstra(mat, directed=True, indices=sources, return_predecessors=True)
        db, pb = dijkstra(mat.T.tocsr(), directed=True, indices=sinks, return_predecessors=True)
        has_node = self.row_node >= 0
        verts = np.arange(self.n)

        def lookup(tails: np.ndarray, heads: np.ndarray) -> list[int]:
            """Column of each (tail, head) edge of the tree; -1 where there is none."""
            ok = (tails >= 0) & (heads >= 0)
            col = np.full(len(tails), -1, dtype=np.int64)
            col[ok] = m[np.searchsorted(key, tails[ok] * self.n + heads[ok])]
            return col.tolist()

        into = {k: lookup(pf[k], verts) for k in range(len(sources))}
        out_of = {k: lookup(verts, pb[k]) for k in range(len(sinks))}
        out: list[list[np.ndarray]] = []
        for i in range(len(self.source)):
            s, t = spos[int(self.source[i])], tpos[int(self.sink[i])]
            tot = df[s] + db[t]
            # leave out the vertices of the least-weight route itself (not every vertex as cheap as
            # it: a distinct route of equal weight is an alternative)
            on_best = np.zeros(self.n, dtype=bool)
            v = int(self.sink[i])
            while 0 <= v != int(self.source[i]):
                on_best[v] = True
                v = int(pf[s, v])
            ok = np.flatnonzero(np.isfinite(tot) & has_node & ~on_best)
            routes: list[np.ndarray] = []
            if len(ok):
                order = np.lexsort((tot[ok], self.row_node[ok]))
                ok = ok[order]
                first = np.ones(len(ok), dtype=bool)
                first[1:] = self.row_node[ok][1:] != self.row_node[ok][:-1]
                pfs, pbt, ci, co = pf[s].tolist(), pb[t].tolist(), into[s], out_of[t]
                src, snk = int(self.source[i]), int(self.sink[i])
                for u in ok[first].tolist():
                    cols: list[int] = []
                    v = u
                    while v != src:
                        cols.append(ci[v])
                        v = pfs[v]
                    cols.reverse()
                    v = u
                    while v != snk:
                        cols.append(co[v])
                        v = pbt[v]
                    routes.append(np.asarray(cols, dtype=np.int64))
            out.append(routes)
        return out

    def sequence(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Node indices a route visits in order, and the country codes (indices) it passes in order.

        Consecutive repeats are merged; nodes without a country are left out of the countries.
        """
        seq = np.empty(2 * len(cols), dtype=np.int64)
        seq[0::2] = self.col_tail_node[cols]
        seq[1::2] = self.col_head_node[cols]
        seq = seq[seq >= 0]
        if len(seq):
            seq = seq[np.concatenate(([True], seq[1:] != seq[:-1]))]
        cc = self.node_country_code[seq]
        cc = cc[cc >= 0]
        if len(cc):
            cc = cc[np.concatenate(([True], cc[1:] != cc[:-1]))]
        return seq, cc

    def path(self, cols: np.ndarray) -> Path:
        """The :class:`Path` of a column sequence."""
        seq, cc = self.sequence(cols)
        return Path(cols, tuple(self.node_ids[v] for v in seq.tolist()),
                    tuple(self.country_names[c] for c in cc.tolist()),
                    route_corridor(self.graph, cols), float(self.col_km[cols].sum()))

    def banned(self, countries: Iterable[str]) -> np.ndarray:
        """Columns that touch any of ``countries``."""
        out = np.zeros(self.graph.n_cols, dtype=bool)
        for c in countries:
            if c in self.country_cols:
                out |= self.country_cols[c]
        return out


_MAX_CACHED = 8  # generated choice sets kept per path space


def _generation_key(weights: Sequence[np.ndarray], reference: np.ndarray, settings: tuple[object, ...]) -> bytes:
    """Digest of what a generation depends on: the weights and the settings."""
    import hashlib

    h = hashlib.blake2b(repr(settings).encode(), digest_size=16)
    for w in (*weights, reference):
        h.update(np.ascontiguousarray(w, dtype=np.float64).tobytes())
    return h.digest()


_SPACES: weakref.WeakKeyDictionary[TemplateArcs, PathSpace] = weakref.WeakKeyDictionary()


def revisits(countries: Sequence[str]) -> bool:
    """Whether a route leaves a country and comes back (``countries`` with consecutive repeats merged)."""
    return len(set(countries)) < len(countries)


class ChoiceSets:
    """The routes of every demand row, grown by :meth:`add`.

    Parameters
    ----------
    space
        The path space.
    max_paths
        Most routes kept per row (the cheapest at the reference weights).
    max_cost_ratio
        Routes dearer than this × the row's cheapest are dropped.
    """

    def __init__(self, space: PathSpace, *, max_paths: int = 12, max_cost_ratio: float = 3.0) -> None:
        self.space = space
        self.max_paths = max_paths
        self.max_cost_ratio = max_cost_ratio
        n = len(space.source)
        self.paths: list[list[Path]] = [[] for _ in range(n)]
        self._keys: list[set[bytes]] = [set() for _ in range(n)]
        self.rejected_revisits = 0

    def add(self, i: int, cols: np.ndarray | None) -> bool:
        """Add a route to row ``i`` if it is new and does not revisit a country; whether it was added."""
        if cols is None:
            return False
        key = cols.tobytes()
        if key in self._keys[i]:
            return False
        self._keys[i].add(key)
        seq, cc = self.space.sequence(cols)
        if len(np.unique(cc)) < len(cc) or len(np.unique(seq)) < len(seq):
            self.rejected_revisits += 1
            return False
        self.paths[i].append(self.space.path(cols))
        return True

    def generate(self, weights: Sequence[np.ndarray], reference: np.ndarray, *, ban_depth: int = 1,
                 max_ban_sets: int = 40) -> None:
        """Fill the sets: steps 1–3 of the module docstring.

        Parameters
        ----------
        weights
            Column weights of each value-of-time segment (``inf``: barred).
        reference
            The weights of the via-node routes, the ban tree and the pruning (a middle segment).
        ban_depth, max_ban_sets
            Depth of the ban tree and most ban sets tried.
        """
        sp = self.space
        key = _generation_key(weights, reference, (ban_depth, max_ban_sets, self.max_paths, self.max_cost_ratio))
        done = sp.generated.get(key)
        if done is not None:  # the same weights generate the same sets: a sweep's samples often share them
            self.paths = [list(ps) for ps in done[0]]
            self._keys = [set(k) for k in done[1]]
            self.rejected_revisits = done[2]
            return
        for w in weights:
            for i, cols in enumerate(sp.shortest(w)):
                self.add(i, cols)
        for i, found in enumerate(sp.via_nodes(reference)):
            for cols in found:
                self.add(i, cols)
        self._ban_tree(reference, ban_depth, max_ban_sets)
        self.prune(reference)
        if len(sp.generated) >= _MAX_CACHED:
            sp.generated.pop(next(iter(sp.generated)))
        sp.generated[key] = ([list(ps) for ps in self.paths], [set(k) for k in self._keys], self.rejected_revisits)

    def _ban_tree(self, reference: np.ndarray, depth: int, max_sets: int) -> None:
        """Add the least-cost routes that avoid the countries of the routes found, ``depth`` bans deep."""
        sp = self.space
        frontier: list[frozenset[str]] = [frozenset()]
        seen: set[frozenset[str]] = {frozenset()}
        tried = 0
        for _depth in range(depth):
            nxt = [nb for bans in frontier for nb in self._extensions(bans, seen)]
            for nb in nxt[: max(0, max_sets - tried)]:
                tried += 1
                w = reference.copy()
                w[sp.banned(nb)] = np.inf
                for i, cols in enumerate(sp.shortest(w)):
                    if cols is not None and not (set(sp.end_countries[i]) & nb):
                        self.add(i, cols)
            frontier = nxt

    def _extensions(self, bans: frozenset[str], seen: set[frozenset[str]]) -> list[frozenset[str]]:
        """New ban sets: ``bans`` plus one country of a route that avoids ``bans`` (not a row's end)."""
        out = []
        for i, ps in enumerate(self.paths):
            ends = set(self.space.end_countries[i])
            for p in ps:
                if not bans.isdisjoint(p.countries):
                    continue
                for c in p.countries:
                    nb = bans | {c}
                    if c not in ends and c not in bans and nb not in seen:
                        seen.add(nb)
                        out.append(nb)
        return out

    def prune(self, reference: np.ndarray) -> None:
        """Keep per row at most ``max_paths`` routes within ``max_cost_ratio`` of its cheapest.

        The cheapest route of each corridor and of each (corridor, country sequence) comes first, so
        pruning keeps the alternatives that differ in kind; the cheapest of the others fill the rest.
        """
        for i, ps in enumerate(self.paths):
            if not ps:
                continue
            cost = np.asarray([float(reference[p.cols].sum()) for p in ps])
            order = [int(k) for k in np.argsort(cost, kind="stable")
                     if cost[k] <= cost.min() * self.max_cost_ratio + 1e-9]
            keep: list[int] = []
            for kind in (lambda p: p.corridor, lambda p: (p.corridor, p.countries)):
                seen: set[object] = set()
                for k in order:
                    tag = kind(ps[k])
                    if tag not in seen:
                        seen.add(tag)
                        if k not in keep and len(keep) < self.max_paths:
                            keep.append(k)
            for k in order:
                if k not in keep and len(keep) < self.max_paths:
                    keep.append(k)
            self.paths[i] = [ps[k] for k in sorted(keep)]
            # a pruned route may come back (column generation, when capacity prices make it the cheapest)
            self._keys[i] -= {ps[k].key for k in range(len(ps)) if k not in keep}
