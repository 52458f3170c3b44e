"""The LP assignment per time slice, summed to the year.

:func:`solve_slices` builds one :class:`~corridor.assignment.lp.FreightLP` and solves it once per
slice of a :class:`~corridor.model.slices.SliceSet`, changing only bounds between slices (warm
starts): in slice ``s`` a capacity per year ``C`` of a link or transfer becomes
``C x share_s x factor x (1 - closure)``, and a commodity's annual demand ``D`` becomes
``D x demand share``. Flows, costs and capacities of the slices add up to the year; the year's
value of one more unit of annual capacity is the sum over slices of the slice's dual times the
share of that unit the slice gets.

The freight equilibrium has no slices (its delays are annual): time slices are LP only.

>>> from corridor import data
>>> from corridor.data.slices import builtin_slice_set
>>> ds = data.load("eurasia")
>>> res = solve_slices(ds.network, ds.demand, builtin_slice_set("eurasia", "monthly"), value_of_time=0.15)
>>> len(res.slices), abs(res.demand_t - ds.demand.filter(year=2021).total_tonnes()) < 1.0
(12, True)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from corridor.assignment.lp_results import LPResult
from corridor.exceptions import InputError

if TYPE_CHECKING:
    import pandas as pd

    from corridor.assignment.lp import FreightLP
    from corridor.assignment.lp_matrix import CapKey
    from corridor.model import Demand, DemandRow, Network
    from corridor.model.slices import SliceSet, TimeSlice

__all__ = ["SliceRun", "SlicedLPResult", "apply_slice", "solve_slices"]

_SUM_FIELDS = ("objective", "total_cost", "money_usd", "unserved_penalty_usd", "demand_t", "served_t",
               "unserved_t", "tonne_km", "co2e_kg")


@dataclass(frozen=True)
class SliceRun:
    """One slice's LP result.

    Attributes
    ----------
    id, name, months, share
        Of the slice.
    result
        Its :class:`~corridor.assignment.lp_results.LPResult` (tonnes and capacities in the slice, not per year).
    factors
        ``factor x (1 - closure)`` of the records whose capacity differs from 1 in the slice.
    waits
        Per sea line with a schedule: the fleet serving it and the wait for a departure in the slice
        (h): the year's wait divided by the fleet's open share (fewer sailings, longer intervals). The
        LP prices the year's mean wait in every slice; this is what the schedule gives in the slice.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.data.slices import builtin_slice_set
    >>> ds = data.load()
    >>> year = solve_slices(ds.network, ds.demand, builtin_slice_set("eurasia", "monthly"))
    >>> jan = year.slices[0]
    >>> jan.id, jan.name, jan.months, round(jan.share, 4), jan.result.status
    ('jan', 'January', (1,), 0.0849, 'optimal')
    """

    id: str
    name: str
    months: tuple[int, ...]
    share: float
    result: LPResult
    factors: dict[tuple[str, str], float] = field(default_factory=dict)
    waits: dict[str, tuple[str, float]] = field(default_factory=dict)

    def line_flows(self) -> dict[str, float]:
        """Tonnes per link in the slice, both directions together."""
        out: dict[str, float] = defaultdict(float)
        for f in self.result.link_flows:
            out[f["link"]] += f["tonnes"]
        return dict(out)

    def summary(self) -> dict[str, Any]:
        """Slice id, months, share, totals, link flows per direction and capacities with a finite limit."""
        r = self.result
        flows: dict[tuple[str, str, str], float] = defaultdict(float)
        for f in r.link_flows:
            flows[f["link"], f["from"], f["to"]] += f["tonnes"]
        return {
            "id": self.id, "name": self.name, "months": list(self.months), "share": self.share, "status": r.status,
            **{k: getattr(r, k) for k in _SUM_FIELDS},
            "link_flows": [{"link": k[0], "from": k[1], "to": k[2], "tonnes": v} for k, v in flows.items()],
            "capacities": [dict(c) for c in r.capacities if c["capacity"] is not None],
            "capacity_factors": [{"kind": k, "id": i, "factor": f} for (k, i), f in sorted(self.factors.items())],
            "line_waits": [{"link": lk, "fleet": fleet, "wait_h": w} for lk, (fleet, w) in sorted(self.waits.items())],
        }


@dataclass(frozen=True)
class SlicedLPResult(LPResult):
    """The year as the sum of its slices: an :class:`LPResult` with the slices' own results.

    Every table of the year view sums the slices'. ``capacities`` hold the slices' capacities
    summed (the capacity the year actually offers) and ``usd_per_unit`` the value of one more unit
    of *annual* capacity. ``meta["slices"]`` names the slice set.

    Attributes
    ----------
    slices
        The :class:`SliceRun` of every slice, in order.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.data.slices import builtin_slice_set
    >>> ds = data.load()
    >>> year = solve_slices(ds.network, ds.demand, builtin_slice_set("eurasia", "monthly"))
    >>> sorted(year.affected_links())[:2]
    ['aktau-alat-feeder', 'aktau-alat-ferry']
    >>> rows = year.slice_links_frame(["aktau-alat-ferry"])
    >>> rows.columns.tolist()
    ['slice', 'link', 'from', 'to', 'tonnes', 'capacity', 'utilisation']
    """

    slices: tuple[SliceRun, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The year (as :meth:`LPResult.to_dict`) and ``slices``: each slice's :meth:`SliceRun.summary`."""
        out = super().to_dict()
        out["slices"] = [s.summary() for s in self.slices]
        return out

    def affected_links(self) -> list[str]:
        """Links whose capacity has a factor or closure in some slice, in network order of first appearance."""
        seen: dict[str, None] = {}
        for s in self.slices:
            for kind, rid in s.factors:
                if kind == "link":
                    seen.setdefault(rid)
        return list(seen)

    def slices_frame(self) -> pd.DataFrame:
        """One row per slice: id, name, months, share, demand, served and unserved tonnes, cost."""
        import pandas as pd

        drop = ("link_flows", "capacities", "capacity_factors")
        rows = [{k: v for k, v in s.summary().items() if k not in drop} for s in self.slices]
        for r in rows:
            r["months"] = ";".join(str(m) for m in r["months"])
        return pd.DataFrame(rows)

    def slice_links_frame(self, link_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """Per slice and link direction: tonnes, the t/yr capacity row's capacity and utilisation (if any)."""
        import pandas as pd

        wanted = None if link_ids is None else set(link_ids)
        rows: list[dict[str, Any]] = []
        for s in self.slices:
            caps = {(c["id"], c["from"], c["to"]): c for c in s.result.capacities
                    if c["kind"] == "link" and c["unit"] == "t/yr"}
            for f in s.summary()["link_flows"]:
                if wanted is not None and f["link"] not in wanted:
                    continue
                cap = caps.get((f["link"], f["from"], f["to"]))
                rows.append({"slice": s.id, **f, "capacity": cap["capacity"] if cap else None,
                             "utilisation": cap["utilisation"] if cap else None})
        return pd.DataFrame(rows, columns=["slice", "link", "from", "to", "tonnes", "capacity", "utilisation"])


def apply_slice(lp: FreightLP, s: TimeSlice, factors: Mapping[tuple[str, str], float],
                commodities: Iterable[str], annual: Mapping[CapKey, float]) -> None:
    """Set ``lp``'s capacities and demand to those of slice ``s``.

    ``factors`` maps ``("link" | "transfer", id)`` to ``factor x (1 - closure)`` of records that
    differ from 1 in this slice; ``annual`` holds every capacity row's annual value.

    Examples
    --------
    January of the built-in ``monthly`` slice set (8.5 % of the year), with the CPC pipeline at
    half its capacity (a factor made up for the example; :func:`solve_slices` passes each slice's
    own factors, from its closures and capacity factors):

    >>> from corridor import data
    >>> from corridor.assignment import FreightLP
    >>> from corridor.data.slices import builtin_slice_set
    >>> ds = data.load()
    >>> lp = FreightLP.build(ds.network, ds.demand)
    >>> annual = {key: row.current for key, row in lp.state.capacities.items()}
    >>> jan = builtin_slice_set("eurasia", "monthly").slices[0]
    >>> jan.id, round(jan.share, 4)
    ('jan', 0.0849)
    >>> commodities = sorted({r.commodity for r in lp.rows})
    >>> apply_slice(lp, jan, {("link", "cpc-pipeline"): 0.5}, commodities, annual)
    >>> cpc = ("link", "cpc-pipeline", "atyrau", "novorossiysk", "t/yr")
    >>> annual[cpc], round(lp.state.capacities[cpc].current)  # t/yr: the year's 60.5 Mt x 0.0849 x 0.5
    (60500000.0, 2569178)
    >>> {c: round(f, 4) for c, f in lp.state.commodity_scale.items()}  # the demand moving in January
    {'coal': 0.0849, 'container': 0.0849, 'general': 0.0849, 'grain': 0.0572, 'metals': 0.0849, 'oil': 0.0849}
    >>> lp.solve().status
    'optimal'
    """
    lp.set_capacity_rows({key: cap * s.share * factors.get((key[0], key[1]), 1.0) for key, cap in annual.items()})
    lp.set_commodity_scales({c: s.demand_share(c) for c in commodities})


_FACTORS: WeakKeyDictionary[FreightLP, dict[SliceSet, list[dict[tuple[str, str], float]]]] = WeakKeyDictionary()


def _checked_factors(lp: FreightLP, slices: SliceSet) -> list[dict[tuple[str, str], float]]:
    """The slice set checked against ``lp``'s network and each slice's record factors.

    Kept per model: a model's records, modes and countries never change (a re-priced model keeps
    its structure), so a sweep that solves one model many times checks and matches once.
    """
    per_model = _FACTORS.setdefault(lp, {})
    found = per_model.get(slices)
    if found is None:
        problems = slices.problems(lp.network)
        if problems:
            raise InputError(problems)
        found = per_model[slices] = [_record_factors(lp.network, s) for s in slices.slices]
    return found


def _record_factors(network: Network, s: TimeSlice) -> dict[tuple[str, str], float]:
    """Factors of the records whose capacity differs from 1 in slice ``s``.

    Links and transfers match the slice's selectors themselves. A facility takes the smallest
    factor of its members (a port closed by a storm closes the capacity they share); a fleet takes
    the mean factor of its lines (its sailings are split evenly over them).
    """
    country_of = {n.id: n.country for n in network.nodes}
    out: dict[tuple[str, str], float] = {}
    for kind, records in (("link", network.links), ("transfer", network.transfers)):
        for r in records:
            f = s.capacity_factor(r, country_of)
            if f != 1.0:
                out[kind, r.id] = f
    for fac in network.facilities:
        members = [out.get((kind, r.id), 1.0) for kind, records in (("link", network.links),
                                                                     ("transfer", network.transfers))
                   for r in records if fac.id in r.facility]
        if members and min(members) != 1.0:
            out["facility", fac.id] = min(members)
    for fleet in sorted({g.fleet for g in network.fleets}):
        lines = sorted(set().union(*(g.lines for g in network.fleets if g.fleet == fleet)))
        factors = [out.get(("link", line), 1.0) for line in lines]
        if factors and sum(factors) != len(factors):
            out["fleet", fleet] = sum(factors) / len(factors)
    return out


def _slice_waits(network: Network, factors: Mapping[tuple[str, str], float]) -> dict[str, tuple[str, float]]:
    """Per scheduled line: its fleet and the wait in a slice whose fleet factors are ``factors``."""
    fleet_of = {line: g.fleet for g in network.fleets for line in sorted(g.lines)}
    out = {}
    for line, wait in network.line_waits_h.items():
        fleet = fleet_of.get(line, "")
        f = factors.get(("fleet", fleet), 1.0)
        out[line] = (fleet, wait / f if f > 0 else math.inf)
    return out


def solve_slices(network: Network, demand: Demand | Iterable[DemandRow], slices: SliceSet,
                 *, lp: FreightLP | None = None, **build: Any) -> SlicedLPResult:
    """Solve the LP once per slice (one model, warm starts) and sum the slices to the year.

    Parameters
    ----------
    network, demand
        As for :meth:`~corridor.assignment.lp.FreightLP.build`.
    slices
        The slice set.
    lp
        A model already built on ``network`` and ``demand`` (warm); its capacities as they are
        now are the annual ones, and it is left as it was found.
    **build
        Options of :meth:`~corridor.assignment.lp.FreightLP.build`.

    Raises
    ------
    InputError
        A slice set that does not fit the network (unknown commodity, a selector that matches
        nothing, shares that do not sum to 1), or bad demand or options.

    Examples
    --------
    The built-in data by month (its ``monthly`` slice set of 12 slices):

    >>> from corridor import data
    >>> from corridor.data.slices import builtin_slice_set
    >>> ds = data.load()
    >>> year = solve_slices(ds.network, ds.demand, builtin_slice_set("eurasia", "monthly"))
    >>> year.status, len(year.slices)
    ('optimal', 12)
    >>> frame = year.slices_frame()
    >>> frame[["id", "status"]].values.tolist()[:2]
    [['jan', 'optimal'], ['feb', 'optimal']]
    >>> round(float(frame["served_t"].sum()) / ds.demand.total_tonnes(), 6)  # the slices add up to the year
    1.0
    """
    from corridor.assignment.lp import FreightLP

    model = lp if lp is not None else FreightLP.build(network, demand, **build)
    all_factors = _checked_factors(model, slices)
    commodities = sorted({r.commodity for r in model.rows})
    annual = {key: row.current for key, row in model.state.capacities.items()}
    runs: list[SliceRun] = []
    factors: list[dict[tuple[str, str], float]] = []
    try:
        for s, fs in zip(slices.slices, all_factors, strict=True):
            apply_slice(model, s, fs, commodities, annual)
            runs.append(SliceRun(s.id, s.name, s.months, s.share, model.solve(), fs, _slice_waits(model.network, fs)))
            factors.append(fs)
    finally:
        model.set_capacity_rows(annual)
        model.set_commodity_scales({})
    return _year(slices, runs, factors)


def _year(slices: SliceSet, runs: list[SliceRun], factors: list[dict[tuple[str, str], float]]) -> SlicedLPResult:
    """The year view: every table of the slices summed."""
    results = [r.result for r in runs]
    sums: dict[str, Any] = {k: math.fsum(getattr(r, k) for r in results) for k in _SUM_FIELDS}
    status = next((r.status for r in results if r.status != "optimal"), "optimal")
    meta = {**results[0].meta, "slices": slices.name, "n_slices": len(runs),
            "solve_seconds": math.fsum(r.meta.get("solve_seconds", 0.0) for r in results),
            "iterations": sum(int(r.meta.get("iterations", 0)) for r in results),
            "tonne_hours": math.fsum(r.meta.get("tonne_hours", 0.0) for r in results)}
    capacities, bottlenecks = _capacities(runs, factors)
    return SlicedLPResult(
        method="lp", status=status, **sums,
        by_commodity=_sum_nested(r.by_commodity for r in results),
        by_group=_sum_nested(r.by_group for r in results),
        by_od=tuple(_sum_od(results)), by_corridor=_sum_nested(r.by_corridor for r in results),
        link_flows=tuple(_sum_flows(results)), transfer_throughput=_sum_flat(r.transfer_throughput for r in results),
        capacities=tuple(capacities), bottlenecks=tuple(bottlenecks), meta=meta, slices=tuple(runs),
        measures=_sum_measures([r.measures for r in results]))


_MEASURE_TABLES = {"by_corridor": ("corridor",), "by_border": ("node",), "by_gauge_change": ("node",),
                   "caspian_by_port_pair": ("from", "to")}


def _add_od(row: dict[str, Any], rec: Mapping[str, Any]) -> None:
    """Add one slice's per-row measures (numbers, and dicts of numbers) to the year's row."""
    for k, v in rec.items():
        if isinstance(v, dict):
            sub = row.setdefault(k, {})
            for kk, vv in v.items():
                sub[kk] = sub.get(kk, 0.0) + vv
        elif isinstance(v, int | float) and not isinstance(v, bool):
            row[k] = row.get(k, 0.0) + v


def _sum_measures(per_slice: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The year's physical measures: scalars and the tonnes and TEU of every table row summed over slices.

    Per-row measures (``by_od``) are summed by row id, scalar by scalar.
    """
    from corridor.assignment.measures import SCALAR_MEASURES

    if not any(per_slice):
        return {}
    out: dict[str, Any] = {k: math.fsum(m.get(k, 0.0) for m in per_slice) for k in SCALAR_MEASURES}
    for table, keys in _MEASURE_TABLES.items():
        acc: dict[tuple[Any, ...], dict[str, Any]] = {}
        for m in per_slice:
            for rec in m.get(table, []):
                row = acc.setdefault(tuple(rec[k] for k in keys), {**rec, "tonnes": 0.0, "teu": 0.0})
                row["tonnes"] += rec["tonnes"]
                row["teu"] += rec["teu"]
        out[table] = list(acc.values())
    od: dict[str, dict[str, Any]] = {}
    for m in per_slice:
        for rec in m.get("by_od", []):
            _add_od(od.setdefault(rec["id"], {k: v for k, v in rec.items() if isinstance(v, str)}), rec)
    out["by_od"] = list(od.values())
    out["counts"] = next((m["counts"] for m in per_slice if "counts" in m), {})
    return out


def _sum_flat(tables: Iterable[Mapping[str, float]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for t in tables:
        for k, v in t.items():
            out[k] += v
    return dict(out)


def _sum_nested(tables: Iterable[Mapping[str, Mapping[str, float]]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for t in tables:
        for k, row in t.items():
            acc = out.setdefault(k, dict.fromkeys(row, 0.0))
            for name, v in row.items():
                acc[name] = acc.get(name, 0.0) + v
    return out


def _sum_od(results: list[LPResult]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in results:
        for od in r.by_od:
            acc = out.setdefault(od["id"], {**od, "demand_t": 0.0, "served_t": 0.0, "unserved_t": 0.0, "reason": ""})
            for k in ("demand_t", "served_t", "unserved_t"):
                acc[k] += od[k]
            if od["reason"] and acc["reason"] != "capacity":
                acc["reason"] = od["reason"]
    return list(out.values())


def _sum_flows(results: list[LPResult]) -> list[dict[str, Any]]:
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in results:
        for f in r.link_flows:
            key = (f["link"], f["from"], f["to"], f["commodity"])
            acc = out.setdefault(key, {**f, "tonnes": 0.0})
            acc["tonnes"] += f["tonnes"]
    return sorted(out.values(), key=lambda f: (f["link"], f["from"], f["commodity"]))


@dataclass
class _CapacitySum:
    first: dict[str, Any]
    capacity: float = 0.0
    flow: float = 0.0
    value: float = 0.0
    per_t: list[float] = field(default_factory=list)


def _capacities(runs: list[SliceRun], factors: list[dict[tuple[str, str], float]]) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """Capacity rows of the year: capacities and flows summed; the value of one more unit per year."""
    acc: dict[tuple[Any, ...], _CapacitySum] = {}
    for run, fs in zip(runs, factors, strict=True):
        necks = {(b["kind"], b["id"], b["from"], b["to"], b["unit"]): b for b in run.result.bottlenecks}
        for c in run.result.capacities:
            key = (c["kind"], c["id"], c["from"], c["to"], c["unit"])
            a = acc.setdefault(key, _CapacitySum(c))
            a.capacity += math.inf if c["capacity"] is None else c["capacity"]
            a.flow += c["flow"]
            # one more unit per year gives the slice share x factor x (1 - closure) of a unit
            a.value += c["usd_per_unit"] * run.share * fs.get((c["kind"], c["id"]), 1.0)
            if key in necks and c["usd_per_unit"] > 0:
                a.per_t.append(necks[key]["usd_per_t_yr"] / c["usd_per_unit"])
    capacities, bottlenecks = [], []
    for a in acc.values():
        cap = a.capacity if math.isfinite(a.capacity) else None
        rec = {**a.first, "capacity": cap, "flow": a.flow, "utilisation": a.flow / cap if cap else None,
               "usd_per_unit": a.value}
        capacities.append(rec)
        if a.value > 0:
            per_t = a.value * (a.per_t[0] if a.per_t else 1.0)
            bottlenecks.append({**rec, "usd_per_t_yr": per_t, "usd_per_mt_yr": per_t * 1e6,
                                "usd_per_teu_yr": a.value if rec["unit"] == "TEU/yr" else None})
    bottlenecks.sort(key=lambda r: (-r["usd_per_t_yr"], r["kind"], r["id"], r["from"], r["unit"]))
    return capacities, bottlenecks
