"""Running a scenario: apply its changes, run the engine, summarise in plain values and tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios.changes import Applied, apply_changes
from corridor.scenarios.spec import ScenarioSpec

if TYPE_CHECKING:
    import pandas as pd

    from corridor.assignment.lp import FreightLP
    from corridor.model import Dataset, Network

__all__ = [
    "RunOutcome", "base_demand", "base_of", "build_model", "engine_kwargs", "engine_network", "load_base", "run_spec",
    "solve_model", "summarise",
]

_TOP_BOTTLENECKS = 25


@dataclass(frozen=True, eq=False)
class RunOutcome:
    r"""What one run of a scenario produced.

    Attributes
    ----------
    name
        The scenario's name.
    spec_hash
        :meth:`ScenarioSpec.content_hash` of the spec and parameter values.
    params
        Values of the uncertain parameters used.
    summary
        Plain values: ``engine``, ``status``, ``totals``, ``by_commodity``, ``measures`` (the physical
        measures of :mod:`corridor.assignment.measures` without ``by_od``), ``by_corridor_tag``
        (tonne-km and CO2e of the links by corridor tag),
        ``border_crossings``, ``bottlenecks`` (LP: binding capacities with their value; equilibrium:
        the most delayed capacities), ``unserved_od``, ``changes_applied``.
    tables
        ``link_flows``, ``od``, ``capacities``, ``transfers`` and ``geometry`` as DataFrames.
    elapsed_s
        Wall time.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\nengine: {method: lp}\n")
    >>> out = run_spec(spec)
    >>> out.spec_hash == spec.content_hash(out.params), out.summary["status"]
    (True, 'optimal')
    >>> out.tables["link_flows"].columns.tolist()
    ['link', 'from', 'to', 'mode', 'corridor', 'commodity', 'tonnes']
    """

    name: str
    spec_hash: str
    params: Mapping[str, float]
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(repr=False)
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain values (no tables)."""
        return {"name": self.name, "spec_hash": self.spec_hash, "params": dict(self.params), **self.summary}


def load_base(dataset: str, *, relative_to: str | Path | None = None, where: str = "base",
              year: int | None = None) -> Dataset:
    """The base of a scenario: a built-in dataset by name, or a network file or folder (validated).

    A relative path is looked up next to the scenario file (``relative_to``) first, then in the
    working directory. ``where`` (``file:line`` of the scenario's ``base:``) locates the error.
    ``year`` keeps the records that existed then (see :func:`corridor.data.load`).

    Raises
    ------
    InputError
        An unknown dataset name, or a bad network.

    Examples
    --------
    >>> ds = load_base("eurasia", year=2021)
    >>> ds.network.name, ds.network.meta["path"]
    ('eurasia', 'builtin:eurasia')
    """
    from corridor import data

    if dataset in data.available():
        return data.load(dataset, year=year)
    path = Path(dataset)
    if not path.is_absolute() and relative_to:
        beside = Path(relative_to).parent / path
        if beside.exists():
            path = beside
    if not path.exists():
        known = ", ".join(data.available())
        raise InputError(Problem(where, "base.dataset", f"{dataset!r} is neither a built-in dataset ({known}) nor a "
                                 "network file or folder"))
    return data.load(path, year=year)


def base_of(spec: ScenarioSpec) -> Dataset:
    """The base dataset of ``spec`` (:func:`load_base`) as of its year, errors located at its ``base:`` line.

    Examples
    --------
    >>> from corridor.scenarios import load_scenario
    >>> base_of(load_scenario("northern-route-closed")).network.name
    'eurasia'
    """
    return load_base(spec.dataset, relative_to=spec.path, where=spec.base_where or spec.path or spec.name,
                     year=spec.year)


def engine_kwargs(spec: ScenarioSpec, applied: Applied) -> dict[str, Any]:
    r"""Keyword arguments of :meth:`FreightLP.build` for this scenario.

    Examples
    --------
    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    >>> kw = engine_kwargs(spec, applied)
    >>> kw["value_of_time"], sorted(kw["no_transit"])
    (0.12, ['BY', 'RU'])
    """
    eng = spec.engine
    vot = eng.get("value_of_time")
    if eng.get("method") == "sue":
        vot = 0.0  # the stochastic equilibrium prices time per shipper segment
    elif vot is None and eng.get("method") == "equilibrium":
        from corridor.assignment.freight_eq import DEFAULT_VALUE_OF_TIME

        vot = DEFAULT_VALUE_OF_TIME
    kw: dict[str, Any] = {
        "value_of_time": float(vot or 0.0),
        "carbon_price": float(eng.get("carbon_price", 0.0)),
        "risk_price": float(eng.get("risk_price", 0.0)),
        "unserved_penalty_usd_per_t": float(eng.get("unserved_penalty_usd_per_t", 10_000.0)),
        "no_transit": sorted(applied.no_transit),
    }
    if applied.country_risk is not None:
        kw["country_risk"] = dict(applied.country_risk)
    if eng.get("method", "lp") in ("lp", "equilibrium") and not eng.get("slices"):
        kw["formulation"] = "auto"  # routes on large networks (the SUE and time slices need the arc graph)
    return kw


def run_spec(
    spec: ScenarioSpec,
    params: Mapping[str, float] | None = None,
    *,
    base: Dataset | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> RunOutcome:
    """Run ``spec`` once at the given parameter values (default: nominal).

    Parameters
    ----------
    spec
        The scenario.
    params
        Values of its uncertain parameters.
    base
        The base dataset, if already loaded (else :func:`load_base` of ``spec.dataset``).
    progress
        Called with ``(stage, fraction)``.

    Raises
    ------
    InputError
        Bad changes (see :func:`apply_changes`) or demand.

    Examples
    --------
    A small what-if solved with the linear programme (the fastest engine):

    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text('''
    ... name: no-northern-transit
    ... base: {dataset: eurasia, year: 2021}
    ... changes:
    ...   - close_transit: [RU, BY]
    ... engine: {method: lp}
    ... ''')
    >>> out = run_spec(spec)
    >>> out.name, out.summary["engine"], out.summary["status"]
    ('no-northern-transit', 'lp', 'optimal')
    >>> totals = out.summary["totals"]
    >>> totals["served_t"] == totals["demand_t"]
    True
    >>> sorted(out.tables)
    ['capacities', 'geometry', 'link_flows', 'od', 'transfers']
    """
    start = time.perf_counter()
    values = {**spec.nominal(), **(params or {})}
    ds = base if base is not None else base_of(spec)
    applied = apply_changes(spec, ds.network, base_demand(spec, ds), values)
    if progress:
        progress("build", 0.2)
    network, lp = build_model(spec, applied)
    if progress:
        progress("solve", 0.5)
    res, extra, hours = solve_model(spec, network, applied, lp)
    summary, tables = summarise(res, applied, spec, hours)
    summary.update(extra)
    summary["changes_applied"] = list(applied.log)
    if spec.year is not None and demand_year(spec, ds) != spec.year:
        summary["demand_year"] = demand_year(spec, ds)  # a later year's network, an earlier year's demand
    if progress:
        progress("done", 1.0)
    return RunOutcome(spec.name, spec.content_hash(values), values, summary, tables, time.perf_counter() - start)


def base_demand(spec: ScenarioSpec, ds: Dataset) -> Any:
    r"""The base demand of the scenario's year, or of the latest earlier year that has demand.

    A scenario for a later year (``base: {dataset: eurasia, year: 2030}``) gets the network as of
    that year and, when the dataset has no demand for it, the demand of its latest earlier year
    (grow it with ``grow_demand``); see :func:`demand_year`.

    Raises
    ------
    InputError
        If the dataset has no demand for that year or any earlier one.

    Examples
    --------
    The built-in data has demand for 2021 only, so a 2030 scenario starts from it:

    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> demand = base_demand(spec, ds)
    >>> {r.year for r in demand.rows}, len(demand.rows) == len(ds.demand.rows)
    ({2021}, True)
    """
    year = demand_year(spec, ds)
    return ds.demand if year is None else ds.demand.filter(year=year)


def demand_year(spec: ScenarioSpec, ds: Dataset) -> int | None:
    """The year whose demand a scenario starts from: its own, else the latest earlier one with demand.

    Raises
    ------
    InputError
        If the dataset has no demand for the scenario's year or any earlier one.
    """
    if spec.year is None:
        return None
    years = sorted({r.year for r in ds.demand.rows})
    earlier = [y for y in years if y <= spec.year]
    if not earlier:
        have = ", ".join(map(str, years)) or "none"
        msg = f"the dataset has no demand for {spec.year} or an earlier year; it has {have}"
        raise InputError(Problem(spec.base_where or spec.path or spec.name, "base.year", msg))
    return earlier[-1]


def build_model(spec: ScenarioSpec, applied: Applied) -> tuple[Network, FreightLP]:
    r"""The network the engine sees (with the simulated hub if asked for) and its flow model.

    Examples
    --------
    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    >>> network, lp = build_model(spec, applied)
    >>> type(lp).__name__, network is applied.network
    ('FreightLP', True)
    """
    from corridor.assignment.lp import FreightLP

    network = engine_network(spec, applied)
    return network, FreightLP.build(network, applied.demand, **engine_kwargs(spec, applied))


def engine_network(spec: ScenarioSpec, applied: Applied) -> Network:
    r"""The network the engine sees: the changed one, with the simulated hub's no-load time if asked for.

    Examples
    --------
    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    >>> engine_network(spec, applied) is applied.network  # no simulated hub asked for
    True
    """
    if spec.engine.get("hub_delay") != "simulated":
        return applied.network
    if spec.engine.get("method") != "equilibrium":
        raise InputError(Problem(spec.path or spec.name, "engine.hub_delay", "'simulated' needs engine.method: "
                                 "equilibrium (a delay depends on the flow); for routes use corridor route "
                                 "--hub-throughput"))
    from corridor.scenarios.hub_delay import simulated_hub

    return simulated_hub(applied.network)[0]


def solve_model(spec: ScenarioSpec, network: Network, applied: Applied, lp: FreightLP
                ) -> tuple[Any, dict[str, Any], float]:
    r"""Run the scenario's engine on a built model: ``(flow result, extra summary, tonne-hours)``.

    Examples
    --------
    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    >>> network, lp = build_model(spec, applied)
    >>> res, extra, tonne_hours = solve_model(spec, network, applied, lp)
    >>> type(res).__name__, res.status, extra
    ('LPResult', 'optimal', {})
    """
    if spec.engine.get("slices"):
        res = _solve_sliced(spec, network, applied, lp)
        return res, {"slices": [s.summary() for s in res.slices]}, float(res.meta.get("tonne_hours", 0.0))
    if spec.engine.get("method") == "sue":
        return _solve_sue(spec, network, applied, lp)
    if spec.engine.get("method") != "equilibrium":
        res = lp.solve()
        return res, {}, float(res.meta.get("tonne_hours", 0.0))
    import warnings

    from corridor.assignment.freight_eq import FreightDelays, FreightEquilibriumOptions, freight_equilibrium
    from corridor.exceptions import ConvergenceWarning

    curves = {}
    if spec.engine.get("hub_delay") == "simulated":
        from corridor.scenarios.hub_delay import simulated_hub

        curves = simulated_hub(applied.network)[1]
    kw = lp.options
    opts = FreightEquilibriumOptions(
        gap=float(spec.engine.get("gap", 1e-4)), max_iter=int(spec.engine.get("max_iter", 500)),
        value_of_time=kw["value_of_time"], carbon_price=kw["carbon_price"], risk_price=kw["risk_price"],
        unserved_penalty_usd_per_t=kw["unserved_penalty_usd_per_t"], delays=FreightDelays(transfer_curves=curves))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        eq = freight_equilibrium(network, applied.demand, opts, lp=lp)
    extra = {"gap": eq.gap, "iterations": eq.iterations, "converged": eq.converged,
             "congestion": [dict(r) for r in eq.congestion if r["delay_h"] > 0][:_TOP_BOTTLENECKS]}
    return eq.flows, extra, eq.total_travel_time


def _solve_sue(spec: ScenarioSpec, network: Network, applied: Applied, lp: FreightLP
               ) -> tuple[Any, dict[str, Any], float]:
    """The stochastic equilibrium with the dataset's choice parameters and the scenario's risk."""
    import warnings

    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
    from corridor.exceptions import ConvergenceWarning
    from corridor.scenarios.choice_data import choice_for

    kw = lp.options
    opts = SUEOptions(choice=choice_for(dict(network.meta)), risk=applied.risk, gap=float(spec.engine.get("gap", 1e-4)),
                      carbon_price=kw["carbon_price"], risk_price=kw["risk_price"],
                      unserved_penalty_usd_per_t=kw["unserved_penalty_usd_per_t"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        eq = stochastic_equilibrium(network, applied.demand, opts, lp=lp)
    extra = {"gap": eq.gap, "iterations": eq.iterations, "converged": eq.converged,
             "choice": dict(eq.options["choice"]), "risk": list(eq.options["risk"]),
             "prices": list(eq.prices)[:_TOP_BOTTLENECKS]}
    return eq.flows, extra, float(eq.flows.meta.get("tonne_hours", 0.0))


def _solve_sliced(spec: ScenarioSpec, network: Network, applied: Applied, lp: FreightLP) -> Any:
    """The LP per time slice of ``engine.slices`` (a set of the base dataset, or a CSV next to the scenario)."""
    from corridor.assignment.slices import solve_slices
    from corridor.data.slices import slice_set_for

    name = str(spec.engine["slices"])
    file = name.partition("#")[0]
    beside = Path(spec.path).parent / file if spec.path else None
    if file.endswith(".csv") and beside is not None and not Path(file).is_absolute() and beside.exists():
        name = str(Path(spec.path or "").parent / name)
    sset = slice_set_for(network.meta, name, where=spec.path or spec.name)
    return solve_slices(network, applied.demand, sset, lp=lp)


def summarise(res: Any, applied: Applied, spec: ScenarioSpec, hours: float) -> tuple[dict[str, Any], dict[str, Any]]:
    r"""The summary dict and result tables of an LP (or equilibrium flow) result.

    Examples
    --------
    >>> from corridor.scenarios import apply_changes, scenario_from_text
    >>> spec = scenario_from_text("name: in-2030\nbase: {dataset: eurasia, year: 2030}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp, value_of_time: 0.12}\n")
    >>> ds = base_of(spec)
    >>> applied = apply_changes(spec, ds.network, base_demand(spec, ds))
    >>> network, lp = build_model(spec, applied)
    >>> res, _, tonne_hours = solve_model(spec, network, applied, lp)
    >>> summary, tables = summarise(res, applied, spec, tonne_hours)
    >>> summary["engine"], summary["status"], sorted(tables)
    ('lp', 'optimal', ['capacities', 'geometry', 'link_flows', 'od', 'transfers'])
    """
    import pandas as pd

    from corridor.assignment.measures import summary_measures

    net = applied.network
    kinds = {t.id: (t.kind, t.node) for t in net.transfers}
    border = {
        tid: float(v)
        for tid, v in res.transfer_throughput.items()
        if kinds.get(tid, ("", ""))[0] == "border-clearance" and v > 0
    }
    through = {tid: float(v) for tid, v in res.transfer_throughput.items() if v > 0}
    totals = {
        "demand_t": res.demand_t,
        "served_t": res.served_t,
        "unserved_t": res.unserved_t,
        "total_cost_usd": res.total_cost,
        "money_usd": res.money_usd,
        "tonne_km": res.tonne_km,
        "co2e_kg": res.co2e_kg,
        "hours_t": hours,
        "border_crossings_t": float(sum(border.values())),
    }
    summary: dict[str, Any] = {
        "engine": spec.engine.get("method", "lp"),
        "status": res.status,
        "totals": totals,
        "by_commodity": {k: dict(v) for k, v in res.by_commodity.items()},
        "measures": summary_measures(res.measures),
        "by_corridor_tag": {k: {"tonne_km": v["tonne_km"], "co2e_kg": v["co2e_kg"]}
                            for k, v in res.by_corridor.items()},
        "border_crossings": border,
        "transfers": through,
        "bottlenecks": [dict(b) for b in res.bottlenecks][:_TOP_BOTTLENECKS],
        "unserved_od": [dict(o) for o in res.by_od if o["unserved_t"] > 0],
        "engine_options": {
            k: v
            for k, v in res.meta.items()
            if k in ("value_of_time", "carbon_price", "risk_price", "unserved_penalty_usd_per_t")
        },
    }
    pos = {n.id: (n.lon, n.lat) for n in net.nodes}
    geometry = []
    for lk in net.links:
        for a, b in ((lk.a, lk.b),) if lk.oneway else ((lk.a, lk.b), (lk.b, lk.a)):
            geometry.append(
                {
                    "link": lk.id,
                    "from": a,
                    "to": b,
                    "mode": lk.mode,
                    "corridor": lk.corridor,
                    "lon_from": pos[a][0],
                    "lat_from": pos[a][1],
                    "lon_to": pos[b][0],
                    "lat_to": pos[b][1],
                }
            )
    tables = {
        "link_flows": pd.DataFrame(
            list(res.link_flows), columns=["link", "from", "to", "mode", "corridor", "commodity", "tonnes"]
        ),
        "od": res.od_frame(),
        "capacities": pd.DataFrame(
            list(res.capacities),
            columns=["kind", "id", "from", "to", "unit", "capacity", "flow", "utilisation", "usd_per_unit"],
        ),
        "transfers": pd.DataFrame(
            [
                {
                    "id": tid,
                    "kind": kinds.get(tid, ("", ""))[0],
                    "node": kinds.get(tid, ("", ""))[1],
                    "tonnes": float(v),
                }
                for tid, v in res.transfer_throughput.items()
            ],
            columns=["id", "kind", "node", "tonnes"],
        ),
        "geometry": pd.DataFrame(
            geometry, columns=["link", "from", "to", "mode", "corridor", "lon_from", "lat_from", "lon_to", "lat_to"]
        ),
    }
    return summary, tables
