"""Collecting the results of a solved :class:`~corridor.assignment.lp.FreightLP` into an :class:`LPResult`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.assignment.lp_graph import LINK, SINK, SOURCE, TOL, CapRow
from corridor.assignment.lp_results import LPResult
from corridor.model.network import CORRIDORS

if TYPE_CHECKING:
    from corridor.model import DemandRow, Network

__all__ = ["ResultCollector"]


class ResultCollector:
    """Mixin of :class:`~corridor.assignment.lp.FreightLP`: flows, demand, corridors, capacities, bottlenecks."""

    network: Network
    rows: list[DemandRow]
    options: dict[str, float]
    _cap: dict[tuple[str, str, str, str, str], CapRow]

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
            if uns < TOL * max(1.0, dem):
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
            lcols = lcols[self._t_kind[self._col_t[lcols]] == LINK]
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
        for a, ci in zip(*np.nonzero(arc_com > TOL), strict=True):
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
            binding = math.isfinite(cap) and (value > 0 or flow >= cap - TOL * max(1.0, cap))
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
        if not len(slack) or slack.max() <= TOL:
            return out
        n_vert = self._n_vert
        for b, members in enumerate(self._blocks_members):
            if not any(slack[i] > TOL for i in members):
                continue
            cols = np.flatnonzero((self._col_b == b) & (self._col_t >= 0))
            t = self._col_t[cols]
            kind = self._t_kind[t]
            dests = self._block_dests[b]
            dpos = {d: k for k, d in enumerate(dests)}
            tail = np.where(kind == SOURCE, n_vert, self._t_tail[t])
            head = np.where(kind == SINK, n_vert + 1 + np.asarray([dpos.get(int(v), 0) for v in self._t_node[t]],
                                                                   dtype=np.int64), self._t_head[t])
            n = n_vert + 1 + len(dests)
            g = sparse.csr_array((np.ones(len(t)), (tail, head)), shape=(n, n))
            reached = set(breadth_first_order(g, n_vert, directed=True, return_predecessors=False).tolist())
            for i in members:
                d = dpos[self.network.node_index[self.rows[i].destination]]
                if n_vert + 1 + d not in reached:
                    out.add(i)
        return out
