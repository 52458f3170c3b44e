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

Objective, per tonne: money (tariffs and transfer charges, :func:`corridor.model.costs.arc_costs`
and :func:`~corridor.model.costs.transfer_vector` per unit over tonnes per unit) + value of
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
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_collect import ResultCollector
from corridor.assignment.lp_graph import CapRow, ExpandedGraph
from corridor.exceptions import InputError, Problem
from corridor.model.costs import RouteOptions

if TYPE_CHECKING:
    from corridor.assignment.lp_results import LPResult
    from corridor.model import Demand, DemandRow, Link, Network, Transfer

__all__ = ["DEFAULT_UNSERVED_PENALTY", "FreightLP", "solve_lp"]

DEFAULT_UNSERVED_PENALTY: float = 10_000.0
"""USD per unserved tonne. Far above any route's cost in the built-in data (a few hundred USD per
tonne even with a value of time), so that the LP serves whatever the capacities allow, yet finite
so that it never turns infeasible. Lower it to let expensive demand go unserved on purpose."""



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


class FreightLP(ExpandedGraph, ResultCollector):
    """A built multicommodity flow model that can be solved, changed in place and solved again.

    Build it with :meth:`build`. The ``set_*``/``scale_*`` methods change the HiGHS model in place;
    the next :meth:`solve` starts from the previous basis (a warm start), which is far faster than
    building anew.
    """

    def __init__(self) -> None:  # filled by build()
        self.network: Network
        self.rows: list[DemandRow]
        self._highs: Any
        self._cap: dict[tuple[str, str, str, str, str], CapRow] = {}
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
            row = CapRow(key[0], key[1], key[2], key[3], key[4], self._n_row, math.inf, cap, cols, coefs)
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

def solve_lp(network: Network, demand: Demand | Iterable[DemandRow], **kw: Any) -> LPResult:
    """Build and solve in one call; keyword arguments go to :meth:`FreightLP.build`."""
    return FreightLP.build(network, demand, **kw).solve()
