"""The compiled, array form of a network that engines work on.

Each link becomes one arc (one-way links) or two arcs (``a→b`` and ``b→a``). Arcs are sorted by
tail node and stored in compressed sparse row (CSR, "forward star") form: the arcs leaving
node ``i`` are ``indptr[i]:indptr[i + 1]``. Missing figures become NaN (costs) or ``inf``
(capacities).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from corridor.model.commodity import MODES
from corridor.model.network import CORRIDORS

if TYPE_CHECKING:
    from corridor.model.network import Network

__all__ = ["CompiledNetwork"]

FloatArray = np.ndarray
IntArray = np.ndarray


def _num(value: float | None, missing: float) -> float:
    return missing if value is None else float(value)


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """Arrays over nodes and arcs, plus the index maps back to ids.

    Attributes
    ----------
    node_ids
        Node ids in index order.
    node_index
        Node id → index.
    indptr
        CSR row pointers, length ``n_nodes + 1``.
    tail, head
        Arc end node indices (sorted by ``tail``).
    arc_link
        Index of each arc's link in ``network.links``.
    arc_reverse
        True where the arc runs ``b→a``.
    distance_km, time_h, cost_usd_per_t, cost_usd_per_teu, capacity_mtpa, capacity_teu
        Per-arc figures; ``time_h`` includes the wait for a departure on scheduled lines
        (:meth:`Network.time_h <corridor.model.Network.time_h>`).
    mode, corridor
        Per-arc codes into :data:`corridor.model.MODES` and :data:`corridor.model.CORRIDORS`.
    country
        Per-arc index into ``countries`` (``-1`` at sea).
    countries
        Country codes.

    Examples
    --------
    >>> from corridor import data
    >>> c = data.load().network.compile()
    >>> c.n_nodes, c.n_arcs
    (94, 263)
    >>> i = c.node_index["aktau"]
    >>> sorted(c.node_ids[c.head[a]] for a in c.out_arcs(i))
    ['baku-alat', 'baku-alat', 'baku-alat', 'beyneu', 'beyneu', 'kuryk', 'zhanaozen']
    """

    network: Network
    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    indptr: IntArray
    tail: IntArray
    head: IntArray
    arc_link: IntArray
    arc_reverse: np.ndarray
    distance_km: FloatArray
    time_h: FloatArray
    cost_usd_per_t: FloatArray
    cost_usd_per_teu: FloatArray
    capacity_mtpa: FloatArray
    capacity_teu: FloatArray
    mode: IntArray
    corridor: IntArray
    country: IntArray
    countries: tuple[str, ...]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_ids)

    @property
    def n_arcs(self) -> int:
        """Number of arcs."""
        return len(self.tail)

    def frozen(self) -> CompiledNetwork:
        """The same network, its arrays made read-only (it is shared; see :meth:`Network.compile`)."""
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        return self

    def out_arcs(self, node: int) -> range:
        """Arc indices leaving node index ``node``."""
        return range(int(self.indptr[node]), int(self.indptr[node + 1]))

    def to_csr(self, weight: FloatArray):  # noqa: ANN201 - scipy type
        """A ``scipy.sparse.csr_array`` adjacency with ``weight`` per arc.

        Parallel arcs keep the smallest weight, as shortest-path routines expect.
        """
        from scipy import sparse

        n = self.n_nodes
        order = np.lexsort((weight, self.head, self.tail))
        t, h, w = self.tail[order], self.head[order], weight[order]
        first = np.ones(len(t), dtype=bool)
        first[1:] = (t[1:] != t[:-1]) | (h[1:] != h[:-1])
        return sparse.csr_array((w[first], (t[first], h[first])), shape=(n, n))

    @classmethod
    def build(cls, net: Network) -> CompiledNetwork:
        """Compile ``net``; see the module docstring."""
        node_ids = tuple(n.id for n in net.nodes)
        index = {nid: i for i, nid in enumerate(node_ids)}
        countries = tuple(sorted({lk.country for lk in net.links if lk.country}))
        cidx = {c: i for i, c in enumerate(countries)}
        mode_code = {m: i for i, m in enumerate(MODES)}
        corr_code = {c: i for i, c in enumerate(CORRIDORS)}
        rows: list[tuple[int, int, int, bool]] = []
        for li, lk in enumerate(net.links):
            rows.append((index[lk.a], index[lk.b], li, False))
            if not lk.oneway:
                rows.append((index[lk.b], index[lk.a], li, True))
        rows.sort(key=lambda r: (r[0], r[2], r[3]))
        m = len(rows)
        tail = np.fromiter((r[0] for r in rows), dtype=np.int64, count=m)
        head = np.fromiter((r[1] for r in rows), dtype=np.int64, count=m)
        arc_link = np.fromiter((r[2] for r in rows), dtype=np.int64, count=m)
        arc_reverse = np.fromiter((r[3] for r in rows), dtype=bool, count=m)
        links = [net.links[i] for i in arc_link]

        def col(values: list[float]) -> FloatArray:
            return np.asarray(values, dtype=np.float64)

        indptr = np.zeros(len(node_ids) + 1, dtype=np.int64)
        np.add.at(indptr, tail + 1, 1)
        np.cumsum(indptr, out=indptr)
        return cls(
            network=net,
            node_ids=node_ids,
            node_index=index,
            indptr=indptr,
            tail=tail,
            head=head,
            arc_link=arc_link,
            arc_reverse=arc_reverse,
            distance_km=col([lk.distance_km for lk in links]),
            time_h=col([net.time_h(lk) for lk in links]),
            cost_usd_per_t=col([_num(lk.cost_usd_per_t, np.nan) for lk in links]),
            cost_usd_per_teu=col([_num(lk.cost_usd_per_teu, np.nan) for lk in links]),
            capacity_mtpa=col([_num(lk.capacity_mtpa, np.inf) for lk in links]),
            capacity_teu=col([_num(lk.capacity_teu, np.inf) for lk in links]),
            mode=np.asarray([mode_code.get(lk.mode, -1) for lk in links], dtype=np.int64),
            corridor=np.asarray([corr_code.get(lk.corridor, -1) for lk in links], dtype=np.int64),
            country=np.asarray([cidx.get(lk.country, -1) for lk in links], dtype=np.int64),
            countries=countries,
        )
