"""The transfer-expanded graph of :class:`~corridor.assignment.lp.FreightLP`, commodity by commodity.

A mixin: the template arcs (links, pass arcs at nodes, sources and sinks), their admissibility and
cost per tonne for each commodity, the flow blocks per (commodity, origin) with their conservation
rows and unserved slacks, and the capacity rows in their own units (t/yr, TEU/yr, wagons/yr).
See :mod:`corridor.assignment.lp` for the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.model.costs import RouteOptions, arc_costs, transfer_vector, unit_of

if TYPE_CHECKING:
    from corridor.model import CompiledNetwork, DemandRow, Network

__all__ = ["LINK", "PASS", "SINK", "SOURCE", "TOL", "CapRow", "ExpandedGraph"]

LINK, PASS, SOURCE, SINK = 0, 1, 2, 3
"""Kinds of template arcs."""
TOL = 1e-6
"""Relative tolerance for "binding" and "unserved"."""


class CapRow:
    """One capacity row of the model: a link direction or a transfer, in one unit."""

    __slots__ = ("base", "coefs", "cols", "current", "head", "kind", "record", "row", "tail", "unit")

    def __init__(self, kind: str, record: str, tail: str, head: str, unit: str, row: int, base: float,
                 current: float, cols: np.ndarray, coefs: np.ndarray) -> None:
        self.kind, self.record, self.tail, self.head, self.unit = kind, record, tail, head, unit
        self.row, self.base, self.current, self.cols, self.coefs = row, base, current, cols, coefs


class ExpandedGraph:
    """Mixin of :class:`~corridor.assignment.lp.FreightLP`: builds the graph and the constraint matrix."""

    network: Network
    rows: list[DemandRow]
    options: dict[str, float]
    _risk: dict[str, Any]
    _no_transit: frozenset[str]
    _cap: dict[tuple[str, str, str, str, str], CapRow]

    # --- the expanded graph, commodity by commodity ---------------------------------------------
    def _template(self, comp: CompiledNetwork) -> None:  # noqa: PLR0912, PLR0915 - one pass over the graph
        net = self.network
        n_nodes = comp.n_nodes
        link_modes = [net.links[i].mode for i in comp.arc_link]
        modes_at: list[list[str]] = [[] for _ in range(n_nodes)]
        for a in range(comp.n_arcs):
            for v in (int(comp.tail[a]), int(comp.head[a])):
                if link_modes[a] not in modes_at[v]:
                    modes_at[v].append(link_modes[a])
        vin: dict[tuple[int, str], int] = {}
        vout: dict[tuple[int, str], int] = {}
        for v in range(n_nodes):
            for m in modes_at[v]:
                vin[v, m] = len(vin) + len(vout)
                vout[v, m] = len(vin) + len(vout)
        n_vert = len(vin) + len(vout)
        origins = {net.node_index[r.origin] for r in self.rows}
        dests = {net.node_index[r.destination] for r in self.rows}
        kind: list[int] = []
        tail: list[int] = []
        head: list[int] = []
        arc: list[int] = []  # compiled arc of link arcs, else -1
        node: list[int] = []
        m_in: list[str | None] = []
        m_out: list[str | None] = []

        def add(k: int, t: int, h: int, a: int, v: int, mi: str | None, mo: str | None) -> None:
            kind.append(k)
            tail.append(t)
            head.append(h)
            arc.append(a)
            node.append(v)
            m_in.append(mi)
            m_out.append(mo)

        for a in range(comp.n_arcs):
            u, v, m = int(comp.tail[a]), int(comp.head[a]), link_modes[a]
            add(LINK, vout[u, m], vin[v, m], a, -1, m, m)
        for v in range(n_nodes):
            for m1 in modes_at[v]:
                for m2 in modes_at[v]:
                    add(PASS, vin[v, m1], vout[v, m2], -1, v, m1, m2)
            if v in origins:
                for m in modes_at[v]:
                    add(SOURCE, -1, vout[v, m], -1, v, None, m)
            if v in dests:
                for m in modes_at[v]:
                    add(SINK, vin[v, m], -1, -1, v, m, None)
        self._n_vert = n_vert
        self._t_kind = np.asarray(kind, dtype=np.int64)
        self._t_tail = np.asarray(tail, dtype=np.int64)
        self._t_head = np.asarray(head, dtype=np.int64)
        self._t_arc = np.asarray(arc, dtype=np.int64)
        self._t_node = np.asarray(node, dtype=np.int64)
        n_t = len(kind)
        self._t_min, self._t_mout, self._t_nodes = m_in, m_out, node
        self._price(comp)
        # transfers with their arcs (for capacity rows and throughput)
        at_node: dict[int, list[int]] = {}
        for i in range(comp.n_arcs, n_t):  # pass, source and sink arcs follow the link arcs
            at_node.setdefault(node[i], []).append(i)
        self._transfer_arcs: list[np.ndarray] = []
        for t in net.transfers:
            here = at_node.get(comp.node_index.get(t.node, -1), [])
            sel = [i for i in here if t.applies(m_in[i], m_out[i])]
            self._transfer_arcs.append(np.asarray(sel, dtype=np.int64))
        self._vin, self._vout = vin, vout

    def _price(self, comp: CompiledNetwork) -> None:
        """Admissibility and cost per tonne of every template arc, per commodity in the demand."""
        net = self.network
        n_t = len(self._t_kind)
        node, m_in, m_out = self._t_nodes, self._t_min, self._t_mout
        # per-commodity admissibility and cost per tonne
        transfers_at = net.transfers_at
        self._com_ids = [c.id for c in net.commodities]
        self._tpt: dict[str, float] = {}
        self._unit: dict[str, str] = {}
        self._adm: dict[str, np.ndarray] = {}
        self._coef: dict[str, np.ndarray] = {}
        self._money: dict[str, np.ndarray] = {}
        self._co2: dict[str, np.ndarray] = {}
        self._hours: dict[str, np.ndarray] = {}
        used = {r.commodity for r in self.rows}
        priced: dict[tuple[str, float], np.ndarray] = {}
        opts = self.options
        for c in self._com_ids:
            if c not in used:
                continue
            com = net.commodity_index[c]
            ro = RouteOptions(commodity=c, value_of_time=opts["value_of_time"], carbon_price=opts["carbon_price"],
                              risk_price=opts["risk_price"], **self._risk)
            unit, tpu = unit_of(net, c)
            # the per-unit vectors depend on the commodity only through its unit: price once per unit
            if (unit, tpu) not in priced:
                priced[unit, tpu] = arc_costs(net, comp, ro).vectors
            self._unit[c], self._tpt[c] = unit, tpu
            w = ro.weights(tpu) / tpu  # per unit vector -> USD per tonne
            adm = np.zeros(n_t, dtype=bool)
            vec = np.zeros((n_t, 4))
            is_link = self._t_kind == LINK
            la = self._t_arc[is_link]
            link_ok = np.array([lk.mode in com.modes and (not lk.commodities or c in lk.commodities)
                                for lk in net.links], dtype=bool)  # as in arc_costs
            adm[is_link] = link_ok[comp.arc_link[la]]
            vec[is_link] = priced[unit, tpu][la]
            for i in np.flatnonzero(~is_link):
                mi, mo = m_in[i], m_out[i]
                if (mi is not None and mi not in com.modes) or (mo is not None and mo not in com.modes):
                    continue
                here = transfers_at.get(comp.node_ids[node[i]], ())
                if not here:  # nothing to pay or refuse here
                    adm[i] = True
                    continue
                tv = transfer_vector(here, mi, mo, c, unit, tpu)
                if tv is not None:
                    adm[i] = True
                    vec[i] = tv
            self._adm[c] = adm
            self._coef[c] = vec @ w
            self._money[c] = vec[:, 0] / tpu
            self._co2[c] = vec[:, 2] / tpu
            self._hours[c] = vec[:, 1]  # hours do not depend on the load unit

    def _blocks(self, comp: CompiledNetwork) -> None:  # noqa: PLR0915 - assembles the whole matrix
        net = self.network
        n_vert = self._n_vert
        blocks: dict[tuple[str, int, bool], list[int]] = {}
        closed = self._no_transit
        country = {nd.id: nd.country for nd in net.nodes}
        for i, r in enumerate(self.rows):
            barred = bool(closed) and country[r.origin] not in closed and country[r.destination] not in closed
            blocks.setdefault((r.commodity, net.node_index[r.origin], barred), []).append(i)
        transit_mask = self._transit_mask(comp) if closed else None
        col_t: list[np.ndarray] = []
        col_b: list[np.ndarray] = []
        ri: list[np.ndarray] = []
        ci: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        row_lo: list[np.ndarray] = []
        n_col = 0
        n_row = 0
        self._block_keys: list[tuple[str, int]] = []
        self._block_row0: list[int] = []
        self._block_dests: list[list[int]] = []
        demand_rows: list[int] = []  # rows whose rhs scale with demand
        demand_rhs: list[float] = []
        slack_cols = np.zeros(len(self.rows), dtype=np.int64)
        kind, t_tail, t_head, t_node = self._t_kind, self._t_tail, self._t_head, self._t_node
        for b, ((c, o, barred), members) in enumerate(blocks.items()):
            dests = sorted({net.node_index[self.rows[i].destination] for i in members})
            dpos = {d: k for k, d in enumerate(dests)}
            mask = self._adm[c].copy()
            if barred and transit_mask is not None:
                mask &= ~transit_mask
            mask &= (kind != SOURCE) | (t_node == o)
            is_dest = np.zeros(comp.n_nodes + 1, dtype=bool)
            is_dest[dests] = True
            mask &= (kind != SINK) | is_dest[t_node]
            cols = np.flatnonzero(mask)
            k = kind[cols]
            tr = np.where(k == SOURCE, n_vert, t_tail[cols])
            dpos_arr = np.zeros(comp.n_nodes + 1, dtype=np.int64)
            dpos_arr[dests] = np.arange(len(dests))
            sink_row = n_vert + 1 + dpos_arr[t_node[cols]]
            hr = np.where(k == SINK, sink_row, t_head[cols])
            ids = np.arange(n_col, n_col + len(cols))
            ri += [n_row + tr, n_row + hr]
            ci += [ids, ids]
            vals += [np.ones(len(cols)), -np.ones(len(cols))]
            col_t.append(cols)
            col_b.append(np.full(len(cols), b))
            n_col += len(cols)
            # slack per demand row: source row -> sink row
            supply = 0.0
            sink_dem = np.zeros(len(dests))
            for i in members:
                r = self.rows[i]
                d = dpos[net.node_index[r.destination]]
                ri += [np.array([n_row + n_vert, n_row + n_vert + 1 + d])]
                ci += [np.array([n_col, n_col])]
                vals += [np.array([1.0, -1.0])]
                slack_cols[i] = n_col
                col_t.append(np.array([-1]))
                col_b.append(np.array([b]))
                n_col += 1
                supply += r.tonnes
                sink_dem[d] += r.tonnes
            rhs = np.zeros(n_vert + 1 + len(dests))
            rhs[n_vert] = supply
            rhs[n_vert + 1:] = -sink_dem
            row_lo.append(rhs)
            demand_rows += [n_row + n_vert, *range(n_row + n_vert + 1, n_row + n_vert + 1 + len(dests))]
            demand_rhs += [supply, *(-sink_dem).tolist()]
            self._block_keys.append((c, o))  # barred blocks share the key; columns tell them apart
            self._block_row0.append(n_row)
            self._block_dests.append(dests)
            n_row += len(rhs)
        self._blocks_members = list(blocks.values())
        self._col_t = np.concatenate(col_t) if col_t else np.zeros(0, dtype=np.int64)
        self._col_b = np.concatenate(col_b) if col_b else np.zeros(0, dtype=np.int64)
        self._slack_cols = slack_cols
        self._n_cons = n_row
        self._demand_rows = np.asarray(demand_rows, dtype=np.int32)
        self._demand_rhs = np.asarray(demand_rhs)
        self._demand_scale = 1.0
        # costs per column
        coms = [k[0] for k in self._block_keys]
        money = np.zeros(n_col)
        coef = np.zeros(n_col)
        co2 = np.zeros(n_col)
        hours = np.zeros(n_col)
        tpt_inv = np.zeros(n_col)  # 1/t_per_teu for TEU commodities, else 0
        tpw_inv = np.zeros(n_col)  # 1/t_per_wagon where the commodity has one, else 0
        flow = self._col_t >= 0
        for b, c in enumerate(coms):
            sel = np.flatnonzero((self._col_b == b) & flow)
            money[sel] = self._money[c][self._col_t[sel]]
            coef[sel] = self._coef[c][self._col_t[sel]]
            co2[sel] = self._co2[c][self._col_t[sel]]
            hours[sel] = self._hours[c][self._col_t[sel]]
            if self._unit[c] == "TEU":
                tpt_inv[self._col_b == b] = 1.0 / self._tpt[c]
            tpw = self.network.commodity_index[c].t_per_wagon
            if tpw:
                tpw_inv[sel] = 1.0 / float(tpw)
        coef[slack_cols] = self.options["unserved_penalty_usd_per_t"]
        self._col_money, self._col_coef, self._col_co2, self._col_teu = money, coef, co2, tpt_inv
        self._col_hours = hours
        self._col_wagon = tpw_inv
        self._col_rest = coef - money
        self._col_factor_link = np.ones(n_col)
        # columns of every template arc (for capacity rows)
        order = np.argsort(self._col_t, kind="stable")
        st = self._col_t[order]
        n_t = len(self._t_kind)
        bounds = np.searchsorted(st, np.arange(n_t + 1))
        self._cols_of_t = (order, bounds)
        # capacity rows
        cap_ri: list[np.ndarray] = []
        cap_ci: list[np.ndarray] = []
        cap_v: list[np.ndarray] = []
        cap_rhs: list[float] = []
        row = n_row
        for key, cols, coefs, cap in self._capacity_specs():
            if not math.isfinite(cap):
                continue
            self._cap[key] = CapRow(key[0], key[1], key[2], key[3], key[4], row, cap, cap, cols, coefs)
            cap_ri.append(np.full(len(cols), row))
            cap_ci.append(cols)
            cap_v.append(coefs)
            cap_rhs.append(cap)
            row += 1
        self._tri = (np.concatenate(ri + cap_ri) if ri else np.zeros(0, np.int64),
                     np.concatenate(ci + cap_ci) if ci else np.zeros(0, np.int64),
                     np.concatenate(vals + cap_v) if vals else np.zeros(0))
        cons = np.concatenate(row_lo) if row_lo else np.zeros(0)
        self._row_lower = np.concatenate([cons, np.full(len(cap_rhs), -np.inf)])
        self._row_upper = np.concatenate([cons, np.asarray(cap_rhs, dtype=float)])
        self._n_col, self._n_row = n_col, row

    def _transit_mask(self, comp: CompiledNetwork) -> np.ndarray:
        """Template arcs inside the countries closed to transit (links there or touching them, and their nodes)."""
        net, closed = self.network, self._no_transit
        in_node = np.array([nd.country in closed for nd in net.nodes] + [False], dtype=bool)
        link_in = np.array([lk.country in closed for lk in net.links], dtype=bool)
        out = np.zeros(len(self._t_kind), dtype=bool)
        is_link = self._t_kind == LINK
        arcs = self._t_arc[is_link]
        out[is_link] = (link_in[comp.arc_link[arcs]] | in_node[comp.tail[arcs]] | in_node[comp.head[arcs]])
        out[~is_link] = in_node[self._t_node[~is_link]]
        return out

    def _cols_for(self, tarcs: np.ndarray) -> np.ndarray:
        order, bounds = self._cols_of_t
        parts = [order[bounds[t]:bounds[t + 1]] for t in tarcs]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _link_tarcs(self, link_index: int, reverse: bool) -> np.ndarray:
        comp = self._compiled
        a = np.flatnonzero((comp.arc_link == link_index) & (comp.arc_reverse == reverse))
        return np.flatnonzero(np.isin(self._t_arc, a) & (self._t_kind == LINK))

    def _link_row_spec(self, li: int, reverse: bool, unit: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
        lk = self.network.links[li]
        a, b = (lk.b, lk.a) if reverse else (lk.a, lk.b)
        cols, coefs = self._unit_coefs(self._cols_for(self._link_tarcs(li, reverse)), unit)
        return ("link", lk.id, a, b, unit), cols, coefs

    def _transfer_row_spec(self, ti: int, unit: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
        t = self.network.transfers[ti]
        cols, coefs = self._unit_coefs(self._cols_for(self._transfer_arcs[ti]), unit)
        return ("transfer", t.id, "", "", unit), cols, coefs

    def _unit_coefs(self, cols: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray]:
        """The columns that load a capacity counted in ``unit``, and units per tonne of each."""
        per_t = {"TEU/yr": self._col_teu, "wagons/yr": self._col_wagon}.get(unit)
        if per_t is None:
            return cols, np.ones(len(cols))
        cols = cols[per_t[cols] > 0]
        return cols, per_t[cols]

    def _capacity_specs(self) -> Iterable[tuple[tuple[str, ...], np.ndarray, np.ndarray, float]]:
        net = self.network
        for li, lk in enumerate(net.links):
            for reverse in ((False,) if lk.oneway else (False, True)):
                if lk.capacity_mtpa is not None:
                    yield (*self._link_row_spec(li, reverse, "t/yr"), float(lk.capacity_mtpa) * 1e6)
                if lk.capacity_teu is not None:
                    yield (*self._link_row_spec(li, reverse, "TEU/yr"), float(lk.capacity_teu))
                if lk.capacity_wagons is not None:
                    yield (*self._link_row_spec(li, reverse, "wagons/yr"), float(lk.capacity_wagons))
        for ti, t in enumerate(net.transfers):
            if t.capacity_mtpa is not None:
                yield (*self._transfer_row_spec(ti, "t/yr"), float(t.capacity_mtpa) * 1e6)
            if t.capacity_teu is not None:
                yield (*self._transfer_row_spec(ti, "TEU/yr"), float(t.capacity_teu))
            if t.capacity_wagons is not None:
                yield (*self._transfer_row_spec(ti, "wagons/yr"), float(t.capacity_wagons))
