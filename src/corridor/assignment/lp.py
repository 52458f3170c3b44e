"""System-view assignment: capacity-constrained multicommodity min-cost flow on HiGHS.

The graph is *transfer-expanded*, so transfers (gauge change, border clearance, port handling)
are priced and capacity-limited exactly:

- every node ``v`` and every mode ``m`` of the links at ``v`` give an *in* vertex ``(v, m, in)``
  and an *out* vertex ``(v, m, out)``;
- a link gives the arc ``(u, m, out) → (v, m, in)`` for each direction it runs;
- a *pass* arc ``(v, m1, in) → (v, m2, out)`` for every pair of modes at ``v`` carries every
  transfer at ``v`` that applies to ``(m1, m2)`` (see :meth:`corridor.model.Transfer.applies`).
  Going straight back on the link one came by is representable; it costs the link twice, so an
  optimum never uses it unless the links are free;
- a super-source per origin feeds ``(o, m, out)`` through the transfers that apply to
  ``(None, m)``; ``(d, m, in)`` drains into a sink per destination through those that apply to
  ``(m, None)``.

A commodity uses only the arcs it may: links of modes in ``commodity.modes`` that admit it, and
no pass arc whose transfer excludes it. Demand rows are aggregated by (commodity, origin) into
*blocks*; each block has its own flow variables (t/yr) and conservation rows. Every demand row
has an *unserved* slack priced at ``unserved_penalty_usd_per_t``, so the model is never
infeasible: tonnes go unserved only when no route exists or capacities cut them off.

Objective, per tonne: money (tariffs and transfer charges, :func:`corridor.routing.costs.arc_costs`
and :func:`~corridor.routing.costs.transfer_vector` per unit over tonnes per unit) + value of
time × hours + carbon price × t CO2e + risk price × risk exposure — the generalised cost of
:class:`corridor.routing.RouteOptions`.

Capacities are shared by all commodities: per link direction ``Σ tonnes ≤ capacity_mtpa × 10⁶``
and ``Σ container tonnes / t_per_teu ≤ capacity_teu``; per transfer the same on the sum of its
pass (and origin/destination) arcs. Only commodities counted in TEU load TEU capacities. The duals
of these rows, sign-flipped, are the USD per year saved by one more unit of capacity.

>>> from corridor import data
>>> ds = data.load("eurasia")
>>> res = solve_lp(ds.network, ds.demand)
>>> res.status
'optimal'
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_results import LPResult
from corridor.exceptions import InputError, Problem
from corridor.model.network import CORRIDORS
from corridor.routing.costs import RouteOptions, arc_costs, transfer_vector, unit_of

if TYPE_CHECKING:
    from corridor.model import CompiledNetwork, Demand, DemandRow, Link, Network, Transfer

__all__ = ["DEFAULT_UNSERVED_PENALTY", "FreightLP", "solve_lp"]

DEFAULT_UNSERVED_PENALTY: float = 10_000.0
"""USD per unserved tonne. Far above any route's cost in the built-in data (a few hundred USD per
tonne even with a value of time), so that the LP serves whatever the capacities allow, yet finite
so that it never turns infeasible. Lower it to let expensive demand go unserved on purpose."""

_LINK, _PASS, _SOURCE, _SINK = 0, 1, 2, 3
_TOL = 1e-6


@dataclass
class _CapRow:
    kind: str  # "link" or "transfer"
    record: str
    tail: str
    head: str
    unit: str  # "t/yr" or "TEU/yr"
    row: int
    base: float  # capacity as built, in the unit (inf: unlimited)
    current: float
    cols: np.ndarray
    coefs: np.ndarray


def _check(network: Network, rows: Iterable[DemandRow]) -> list[DemandRow]:
    problems: list[Problem] = []
    out: list[DemandRow] = []
    seen: set[str] = set()
    for r in rows:
        where = f"demand row {r.id}" + (f" ({r.origin_ref})" if r.origin_ref else "")
        bad = False
        for name in ("origin", "destination"):
            nid = getattr(r, name)
            if nid not in network.node_index:
                problems.append(Problem(where, name, f"unknown node {nid!r}"))
                bad = True
        if r.commodity not in network.commodity_index:
            known = ", ".join(sorted(network.commodity_index))
            problems.append(Problem(where, "commodity", f"unknown commodity {r.commodity!r}; known: {known}"))
            bad = True
        if not isinstance(r.tonnes, int | float) or not math.isfinite(r.tonnes) or r.tonnes < 0:
            problems.append(Problem(where, "tonnes", f"must be a finite number >= 0, got {r.tonnes!r}"))
            bad = True
        if not bad and r.origin == r.destination:
            problems.append(Problem(where, "destination", "equals the origin"))
            bad = True
        if r.id in seen:
            problems.append(Problem(where, "id", "duplicate row id"))
        seen.add(r.id)
        out.append(r)
    if problems:
        raise InputError(problems)
    return out


class FreightLP:
    """A built multicommodity flow model that can be solved, changed in place and solved again.

    Build it with :meth:`build`. The ``set_*``/``scale_*`` methods change the HiGHS model in place;
    the next :meth:`solve` starts from the previous basis (a warm start), which is far faster than
    building anew.
    """

    def __init__(self) -> None:  # filled by build()
        self.network: Network
        self.rows: list[DemandRow]
        self._highs: Any
        self._cap: dict[tuple[str, str, str, str, str], _CapRow] = {}
        self._progress: Callable[[str, float], None] | None = None

    # ------------------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        network: Network,
        demand: Demand | Iterable[DemandRow],
        *,
        value_of_time: float = 0.0,
        carbon_price: float = 0.0,
        risk_price: float = 0.0,
        unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY,
        groups: str | Iterable[str] | None = None,
        country_risk: Mapping[str, float] | None = None,
        no_transit: Iterable[str] = (),
        progress: Callable[[str, float], None] | None = None,
    ) -> FreightLP:
        """Build the model (not yet solved).

        Parameters
        ----------
        network
            The network.
        demand
            OD rows (t/yr). TEU figures of the rows are not used: tonnes are, and containers turn
            into TEU by the commodity's ``t_per_teu``.
        value_of_time
            USD per tonne-hour (running time plus transfer dwell).
        carbon_price
            USD per tonne CO2e.
        risk_price
            USD per tonne per unit of risk exposure (default country scores of
            :class:`~corridor.routing.RouteOptions`).
        unserved_penalty_usd_per_t
            Price of one unserved tonne; see :data:`DEFAULT_UNSERVED_PENALTY`.
        groups
            Keep only demand rows of these groups.
        country_risk
            Risk score per country code for ``risk_price`` (default: those of :class:`RouteOptions`).
        no_transit
            Country codes closed to transit: a demand row with neither end in these countries may
            not use their links, nodes or transfers; rows that start or end there still may
            (bilateral trade goes on).
        progress
            Called with ``(stage, fraction done)``.

        Raises
        ------
        InputError
            A demand row names an unknown node or commodity, has negative or non-finite tonnes,
            or starts where it ends; or an option is negative.
        """
        self = cls()
        self._progress = progress
        self._report("build", 0.0)
        if not math.isfinite(unserved_penalty_usd_per_t) or unserved_penalty_usd_per_t <= 0:
            raise InputError(Problem("options", "unserved_penalty_usd_per_t", "must be a finite number > 0"))
        risk = {} if country_risk is None else {"country_risk": dict(country_risk)}
        RouteOptions(value_of_time=value_of_time, carbon_price=carbon_price, risk_price=risk_price, **risk)
        self._risk = risk
        self._no_transit = frozenset(no_transit)
        rows = list(demand.rows if hasattr(demand, "rows") else demand)
        if groups is not None:
            gs = {groups} if isinstance(groups, str) else set(groups)
            rows = [r for r in rows if r.group in gs]
        rows = _check(network, rows)
        self.network, self.rows = network, rows
        self.options = {"value_of_time": float(value_of_time), "carbon_price": float(carbon_price),
                        "risk_price": float(risk_price),
                        "unserved_penalty_usd_per_t": float(unserved_penalty_usd_per_t)}
        comp = network.compile()
        self._compiled = comp
        self._template(comp)
        self._report("build", 0.3)
        self._blocks(comp)
        self._report("build", 0.7)
        self._pass_model()
        self._report("build", 1.0)
        return self

    def _report(self, stage: str, fraction: float) -> None:
        if self._progress is not None:
            self._progress(stage, fraction)

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
            add(_LINK, vout[u, m], vin[v, m], a, -1, m, m)
        for v in range(n_nodes):
            for m1 in modes_at[v]:
                for m2 in modes_at[v]:
                    add(_PASS, vin[v, m1], vout[v, m2], -1, v, m1, m2)
            if v in origins:
                for m in modes_at[v]:
                    add(_SOURCE, -1, vout[v, m], -1, v, None, m)
            if v in dests:
                for m in modes_at[v]:
                    add(_SINK, vin[v, m], -1, -1, v, m, None)
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
            is_link = self._t_kind == _LINK
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
            mask &= (kind != _SOURCE) | (t_node == o)
            is_dest = np.zeros(comp.n_nodes + 1, dtype=bool)
            is_dest[dests] = True
            mask &= (kind != _SINK) | is_dest[t_node]
            cols = np.flatnonzero(mask)
            k = kind[cols]
            tr = np.where(k == _SOURCE, n_vert, t_tail[cols])
            dpos_arr = np.zeros(comp.n_nodes + 1, dtype=np.int64)
            dpos_arr[dests] = np.arange(len(dests))
            sink_row = n_vert + 1 + dpos_arr[t_node[cols]]
            hr = np.where(k == _SINK, sink_row, t_head[cols])
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
            self._cap[key] = _CapRow(key[0], key[1], key[2], key[3], key[4], row, cap, cap, cols, coefs)
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
        is_link = self._t_kind == _LINK
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
        return np.flatnonzero(np.isin(self._t_arc, a) & (self._t_kind == _LINK))

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

    def _pass_model(self) -> None:
        from highspy import _core

        r, c, v = self._tri
        order = np.lexsort((r, c))  # column-wise, rows ascending within a column
        start = np.searchsorted(c[order], np.arange(self._n_col + 1)).astype(np.int32)
        try:  # the public subclass highspy.Highs prints a banner on first use; engines never print
            h = _core._Highs()
        except AttributeError:  # pragma: no cover - other highspy versions
            import highspy

            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        # presolve costs more than it saves on these sparse network LPs (about half the solve time)
        h.setOptionValue("presolve", "off")
        # the simplex is serial; one thread per model keeps parallel sweeps from oversubscribing the cores
        h.setOptionValue("threads", 1)
        status = h.passModel(self._n_col, self._n_row, len(order), int(_core.MatrixFormat.kColwise),
                             int(_core.ObjSense.kMinimize), 0.0, self._col_coef.astype(np.float64),
                             np.zeros(self._n_col), np.full(self._n_col, np.inf), self._row_lower.astype(np.float64),
                             self._row_upper.astype(np.float64), start[:-1], r[order].astype(np.int32),
                             v[order].astype(np.float64), np.zeros(self._n_col, dtype=np.int32))
        if status == _core.HighsStatus.kError:  # pragma: no cover - a bug here, not bad input
            msg = "HiGHS refused the model"
            raise RuntimeError(msg)
        self._highs = h
        self._solves = 0
        self._transfer_mat: Any = None
        self._static: dict[str, np.ndarray] | None = None

    # --- warm re-solve helpers --------------------------------------------------------------------
    def _set_row(self, key: tuple[str, str, str, str, str], cap: float,
                 spec: Callable[[], tuple[tuple[str, ...], np.ndarray, np.ndarray]]) -> None:
        if cap < 0 or math.isnan(cap):
            raise InputError(Problem(f"{key[0]} {key[1]}", "capacity", f"must be >= 0, got {cap!r}"))
        row = self._cap.get(key)
        if row is None:
            if math.isinf(cap):
                return
            _, cols, coefs = spec()
            self._highs.addRow(-np.inf, cap, len(cols), cols.astype(np.int32), coefs.astype(np.float64))
            row = _CapRow(key[0], key[1], key[2], key[3], key[4], self._n_row, math.inf, cap, cols, coefs)
            self._cap[key] = row
            self._n_row += 1
        row.current = cap
        self._highs.changeRowBounds(row.row, -np.inf, cap if math.isfinite(cap) else np.inf)

    def set_link_capacity(self, link_id: str, mtpa: float | None = None, teu: float | None = None,
                          wagons: float | None = None) -> None:
        """Set a link's capacity per direction (both directions unless one-way).

        ``None`` leaves that capacity as it is; ``math.inf`` removes it.
        """
        li = self._link_index(link_id)
        lk = self.network.links[li]
        for reverse in ((False,) if lk.oneway else (False, True)):
            a, b = (lk.b, lk.a) if reverse else (lk.a, lk.b)
            if mtpa is not None:
                self._set_row(("link", lk.id, a, b, "t/yr"), float(mtpa) * 1e6,
                              lambda r=reverse: self._link_row_spec(li, r, "t/yr"))
            if teu is not None:
                self._set_row(("link", lk.id, a, b, "TEU/yr"), float(teu),
                              lambda r=reverse: self._link_row_spec(li, r, "TEU/yr"))
            if wagons is not None:
                self._set_row(("link", lk.id, a, b, "wagons/yr"), float(wagons),
                              lambda r=reverse: self._link_row_spec(li, r, "wagons/yr"))

    def set_transfer_capacity(self, transfer_id: str, mtpa: float | None = None, teu: float | None = None,
                              wagons: float | None = None) -> None:
        """Set a transfer's capacity; ``None`` leaves it as it is, ``math.inf`` removes it."""
        ids = [t.id for t in self.network.transfers]
        if transfer_id not in ids:
            raise InputError(Problem("options", "transfer", f"unknown transfer {transfer_id!r}"))
        ti = ids.index(transfer_id)
        if mtpa is not None:
            self._set_row(("transfer", transfer_id, "", "", "t/yr"), float(mtpa) * 1e6,
                          lambda: self._transfer_row_spec(ti, "t/yr"))
        if teu is not None:
            self._set_row(("transfer", transfer_id, "", "", "TEU/yr"), float(teu),
                          lambda: self._transfer_row_spec(ti, "TEU/yr"))
        if wagons is not None:
            self._set_row(("transfer", transfer_id, "", "", "wagons/yr"), float(wagons),
                          lambda: self._transfer_row_spec(ti, "wagons/yr"))

    def scale_capacity(self, factor: float, *, link_ids: Iterable[str] | None = None,
                       transfer_ids: Iterable[str] | None = None) -> None:
        """Set capacities to ``factor`` × their values in the network as built (calls do not compound).

        With neither ``link_ids`` nor ``transfer_ids``, every finite capacity is scaled; otherwise only
        those of the named records.
        """
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        links = None if link_ids is None else set(link_ids)
        transfers = None if transfer_ids is None else set(transfer_ids)
        everything = links is None and transfers is None
        for lid in links or ():
            self._link_index(lid)
        idx: list[int] = []
        val: list[float] = []
        for (kind, rid, *_), row in self._cap.items():
            chosen = everything or (kind == "link" and links is not None and rid in links) or (
                kind == "transfer" and transfers is not None and rid in transfers)
            if chosen and math.isfinite(row.base):
                row.current = row.base * factor
                idx.append(row.row)
                val.append(row.current)
        if idx:
            self._highs.changeRowsBounds(len(idx), np.asarray(idx, dtype=np.int32), np.full(len(idx), -np.inf),
                                         np.asarray(val, dtype=np.float64))

    def set_demand_scale(self, factor: float) -> None:
        """Scale every demand row by ``factor`` relative to the demand as built."""
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        self._demand_scale = float(factor)
        rhs = self._demand_rhs * factor
        self._highs.changeRowsBounds(len(rhs), self._demand_rows, rhs, rhs)

    def set_link_cost_factor(self, link_id: str, factor: float) -> None:
        """Multiply the money part (tariff) of a link's cost, both directions, by ``factor`` (not compounding)."""
        li = self._link_index(link_id)
        if not math.isfinite(factor) or factor < 0:
            raise InputError(Problem("options", "factor", f"must be a finite number >= 0, got {factor!r}"))
        cols = np.concatenate([self._cols_for(self._link_tarcs(li, r)) for r in (False, True)])
        self._col_factor_link[cols] = factor
        self._col_coef[cols] = self._col_money[cols] * factor + self._col_rest[cols]
        self._highs.changeColsCost(len(cols), cols.astype(np.int32), self._col_coef[cols])

    def update_network(self, network: Network) -> bool:
        """Take the figures of ``network`` — same records, new tariffs, times and capacities — in place.

        Costs of every column are re-priced and capacities re-bounded, so that the next
        :meth:`solve` starts from the current basis. Returns False (and changes nothing) when the
        network differs in structure (records, modes, admissible cargo), which needs a new build.
        """
        old = self.network
        same = (tuple(lk.id for lk in old.links) == tuple(lk.id for lk in network.links)
                and tuple(t.id for t in old.transfers) == tuple(t.id for t in network.transfers)
                and tuple(n.id for n in old.nodes) == tuple(n.id for n in network.nodes)
                and all(a.mode == b.mode and a.commodities == b.commodities and a.oneway == b.oneway
                        for a, b in zip(old.links, network.links, strict=True))
                and all(a.from_modes == b.from_modes and a.to_modes == b.to_modes and a.commodities == b.commodities
                        for a, b in zip(old.transfers, network.transfers, strict=True)))
        if not same:
            return False
        adm = dict(self._adm)
        self.network = network
        comp = network.compile()
        self._compiled = comp
        self._price(comp)
        if any(not np.array_equal(adm[c], self._adm[c]) for c in adm):  # pragma: no cover - guarded above
            msg = "internal: admissibility changed under update_network"
            raise RuntimeError(msg)
        flow = np.flatnonzero(self._col_t >= 0)
        coms = [k[0] for k in self._block_keys]
        coef = self._col_coef.copy()
        for b, c in enumerate(coms):
            sel = flow[self._col_b[flow] == b]
            t = self._col_t[sel]
            coef[sel] = self._coef[c][t]
            self._col_money[sel] = self._money[c][t]
            self._col_co2[sel] = self._co2[c][t]
            self._col_hours[sel] = self._hours[c][t]
        self._col_rest = coef - self._col_money
        self._col_factor_link = np.ones(self._n_col)
        changed = np.flatnonzero(coef != self._col_coef)
        self._col_coef = coef
        if len(changed):
            self._highs.changeColsCost(len(changed), changed.astype(np.int32), coef[changed])
        def caps(r: Link | Transfer) -> tuple[float, ...]:
            return tuple(math.inf if v is None else float(v) for v in (r.capacity_mtpa, r.capacity_teu,
                                                                        r.capacity_wagons))

        for lo, ln in zip(old.links, network.links, strict=True):
            if caps(lo) != caps(ln):
                self.set_link_capacity(ln.id, *caps(ln))
        for to, tn in zip(old.transfers, network.transfers, strict=True):
            if caps(to) != caps(tn):
                self.set_transfer_capacity(tn.id, *caps(tn))
        self._static = None
        return True

    def _link_index(self, link_id: str) -> int:
        try:
            return self.network.link_index[link_id]
        except KeyError:
            raise InputError(Problem("options", "link", f"unknown link {link_id!r}")) from None

    # --- solve and report -------------------------------------------------------------------------
    def solve(self) -> LPResult:
        """Solve (warm-started from the last basis after the first call) and collect the results."""
        self._report("solve", 0.0)
        h = self._highs
        warm = self._solves > 0
        t0 = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t0
        self._solves += 1
        status = h.modelStatusToString(h.getModelStatus()).lower()
        sol = h.getSolution()
        x = np.maximum(np.asarray(sol.col_value, dtype=float), 0.0)
        duals = np.asarray(sol.row_dual, dtype=float)
        info = h.getInfo()
        res = self._collect(x, duals, status, float(info.objective_function_value),
                            {"solve_seconds": seconds, "iterations": int(info.simplex_iteration_count),
                             "warm_start": warm})
        self._report("solve", 1.0)
        return res

    def _collect(self, x: np.ndarray, duals: np.ndarray, status: str, objective: float,  # noqa: PLR0915
                 meta: dict[str, Any]) -> LPResult:
        net, comp = self.network, self._compiled
        scale = self._demand_scale
        slack = x[self._slack_cols]
        flow_cols = self._col_t >= 0
        penalty = float(np.sum(slack)) * self.options["unserved_penalty_usd_per_t"]
        total_cost = float(self._col_coef[flow_cols] @ x[flow_cols])
        money = float((self._col_money * self._col_factor_link)[flow_cols] @ x[flow_cols])
        # --- demand
        by_od: list[dict[str, Any]] = []
        by_com: dict[str, dict[str, float]] = {}
        by_group: dict[str, dict[str, float]] = {}
        unreachable = self._unreachable(slack)
        # rows of one (commodity, origin, destination) share a sink, so their slacks are interchangeable:
        # share the unserved tonnes among them in proportion to demand
        group_slack: dict[tuple[str, str, str], list[float]] = {}
        for i, r in enumerate(self.rows):
            acc = group_slack.setdefault((r.commodity, r.origin, r.destination), [0.0, 0.0])
            acc[0] += float(slack[i])
            acc[1] += r.tonnes * scale
        for i, r in enumerate(self.rows):
            dem = r.tonnes * scale
            g_uns, g_dem = group_slack[r.commodity, r.origin, r.destination]
            uns = min(g_uns * dem / g_dem, dem) if g_dem > 0 else 0.0
            if uns < _TOL * max(1.0, dem):
                uns = 0.0
            reason = "" if uns == 0.0 else ("no route" if i in unreachable else "capacity")
            by_od.append({"id": r.id, "origin": r.origin, "destination": r.destination, "commodity": r.commodity,
                          "group": r.group, "demand_t": float(dem), "served_t": float(dem - uns),
                          "unserved_t": float(uns), "reason": reason})
            for table, key in ((by_com, r.commodity), (by_group, r.group)):
                acc = table.setdefault(key, {"demand_t": 0.0, "served_t": 0.0, "unserved_t": 0.0})
                acc["demand_t"] += dem
                acc["served_t"] += dem - uns
                acc["unserved_t"] += uns
        demand_t = float(sum(o["demand_t"] for o in by_od))
        unserved_t = float(sum(o["unserved_t"] for o in by_od))
        # --- link flows
        coms = [k[0] for k in self._block_keys]
        n_com = len(self._com_ids)
        n_corr = len(CORRIDORS)
        nb = len(self._block_keys)
        if self._static is None:  # column data that re-solves share
            com_pos = {c: i for i, c in enumerate(self._com_ids)}
            lcols = np.flatnonzero(flow_cols)
            lcols = lcols[self._t_kind[self._col_t[lcols]] == _LINK]
            arcs = self._t_arc[self._col_t[lcols]]
            col_com = np.asarray([com_pos[c] for c in coms], dtype=np.int64)[self._col_b[lcols]]
            corr = comp.corridor[arcs]
            bl = self._col_b[lcols]
            self._static = {
                "lcols": lcols, "arcs": arcs, "arc_com": arcs * n_com + col_com, "corr": corr,
                "dist": comp.distance_km[arcs], "co2": self._col_co2[lcols],
                "io_tail": (bl * comp.n_nodes + comp.tail[arcs]) * n_corr + corr,
                "io_head": (bl * comp.n_nodes + comp.head[arcs]) * n_corr + corr,
            }
        st = self._static
        lcols = st["lcols"]
        xl = x[lcols]
        arc_com = np.bincount(st["arc_com"], weights=xl, minlength=comp.n_arcs * n_com).reshape(comp.n_arcs, n_com)
        links = net.links
        link_flows: list[dict[str, Any]] = []
        for a, ci in zip(*np.nonzero(arc_com > _TOL), strict=True):
            lk = links[comp.arc_link[a]]
            link_flows.append({"link": lk.id, "from": comp.node_ids[comp.tail[a]], "to": comp.node_ids[comp.head[a]],
                               "mode": lk.mode, "corridor": lk.corridor, "commodity": self._com_ids[ci],
                               "tonnes": float(arc_com[a, ci])})
        tkm_cols = xl * st["dist"]
        co2_cols = xl * st["co2"]
        by_corr_tkm = np.bincount(st["corr"], weights=tkm_cols, minlength=n_corr)
        by_corr_co2 = np.bincount(st["corr"], weights=co2_cols, minlength=n_corr)
        # corridor entries: per block, node and corridor, positive (out - in)
        size = nb * comp.n_nodes * n_corr
        flow_io = (np.bincount(st["io_tail"], weights=xl, minlength=size)
                   - np.bincount(st["io_head"], weights=xl, minlength=size)).reshape(nb, comp.n_nodes, n_corr)
        entries = np.maximum(flow_io, 0.0).sum(axis=1)  # (nb, n_corr)
        teu_per_t = np.asarray([1.0 / self._tpt[c] if self._unit[c] == "TEU" else 0.0 for c in coms])
        by_corridor = {
            name: {"tonnes": float(entries[:, k].sum()), "teu": float(teu_per_t @ entries[:, k]),
                   "tonne_km": float(by_corr_tkm[k]), "co2e_kg": float(by_corr_co2[k])}
            for k, name in enumerate(CORRIDORS)
        }
        # --- transfers
        if self._transfer_mat is None:
            from scipy import sparse

            parts = [self._cols_for(arcs) for arcs in self._transfer_arcs]
            rows = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
            cols = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            self._transfer_mat = sparse.csr_array((np.ones(len(cols)), (rows, cols)),
                                                  shape=(len(parts), self._n_col))
        through = self._transfer_mat @ x
        throughput = {t.id: float(through[i]) for i, t in enumerate(net.transfers)}
        # --- capacities and bottlenecks
        capacities: list[dict[str, Any]] = []
        bottlenecks: list[dict[str, Any]] = []
        activity = self._row_activity(x)
        for (kind, rid, a, b, unit), row in self._cap.items():
            cap = row.current
            flow = activity[row.row]
            value = max(0.0, -float(duals[row.row])) if math.isfinite(cap) else 0.0
            if abs(value) < 1e-9:
                value = 0.0
            util = float(flow / cap) if math.isfinite(cap) and cap > 0 else None
            rec = {"kind": kind, "id": rid, "from": a, "to": b, "unit": unit,
                   "capacity": float(cap) if math.isfinite(cap) else None, "flow": float(flow),
                   "utilisation": util, "usd_per_unit": value}
            capacities.append(rec)
            binding = math.isfinite(cap) and (value > 0 or flow >= cap - _TOL * max(1.0, cap))
            if binding:
                per_t = value * float(np.max(row.coefs)) if unit != "t/yr" and len(row.coefs) else value
                bottlenecks.append({**rec, "usd_per_t_yr": float(per_t), "usd_per_mt_yr": float(per_t * 1e6),
                                    "usd_per_teu_yr": float(value) if unit == "TEU/yr" else None})
        bottlenecks.sort(key=lambda r: (-r["usd_per_t_yr"], r["kind"], r["id"], r["from"], r["unit"]))
        hours = float(self._col_hours[flow_cols] @ x[flow_cols])
        meta = {**meta, **self.options, "tonne_hours": hours, "demand_scale": scale, "n_columns": self._n_col,
                "n_rows": self._n_row, "n_blocks": nb, "network": net.name}
        return LPResult(
            method="lp", status=status, objective=float(objective), total_cost=total_cost, money_usd=money,
            unserved_penalty_usd=penalty, demand_t=demand_t, served_t=demand_t - unserved_t, unserved_t=unserved_t,
            tonne_km=float(tkm_cols.sum()), co2e_kg=float(co2_cols.sum()), by_commodity=by_com, by_group=by_group,
            by_od=tuple(by_od), by_corridor=by_corridor, link_flows=tuple(link_flows),
            transfer_throughput=throughput, capacities=tuple(capacities), bottlenecks=tuple(bottlenecks),
            meta=meta)

    def _row_activity(self, x: np.ndarray) -> np.ndarray:
        act = np.zeros(self._n_row)
        for row in self._cap.values():
            act[row.row] = float(row.coefs @ x[row.cols]) if len(row.cols) else 0.0
        return act

    def _unreachable(self, slack: np.ndarray) -> set[int]:
        """Demand rows (indices) with unserved tonnes and no admissible route at all."""
        from scipy import sparse
        from scipy.sparse.csgraph import breadth_first_order

        out: set[int] = set()
        if not len(slack) or slack.max() <= _TOL:
            return out
        n_vert = self._n_vert
        for b, members in enumerate(self._blocks_members):
            if not any(slack[i] > _TOL for i in members):
                continue
            cols = np.flatnonzero((self._col_b == b) & (self._col_t >= 0))
            t = self._col_t[cols]
            kind = self._t_kind[t]
            dests = self._block_dests[b]
            dpos = {d: k for k, d in enumerate(dests)}
            tail = np.where(kind == _SOURCE, n_vert, self._t_tail[t])
            head = np.where(kind == _SINK, n_vert + 1 + np.asarray([dpos.get(int(v), 0) for v in self._t_node[t]],
                                                                   dtype=np.int64), self._t_head[t])
            n = n_vert + 1 + len(dests)
            g = sparse.csr_array((np.ones(len(t)), (tail, head)), shape=(n, n))
            reached = set(breadth_first_order(g, n_vert, directed=True, return_predecessors=False).tolist())
            for i in members:
                d = dpos[self.network.node_index[self.rows[i].destination]]
                if n_vert + 1 + d not in reached:
                    out.add(i)
        return out


def solve_lp(network: Network, demand: Demand | Iterable[DemandRow], **kw: Any) -> LPResult:
    """Build and solve in one call; keyword arguments go to :meth:`FreightLP.build`."""
    return FreightLP.build(network, demand, **kw).solve()
