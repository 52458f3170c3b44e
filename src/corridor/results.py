"""The typed results of the Python API (:func:`corridor.route`, :func:`corridor.assign` ...).

Each result holds what the engine returned together with what is needed to draw it (the
network), and offers the same ways out:

- ``to_frame()``: the main table as a pandas DataFrame;
- ``to_dict()``: plain values for JSON (what the CLI prints with ``--json``);
- ``to_geojson()``: a GeoJSON FeatureCollection, where the result has geometry;
- ``to_html()`` and ``write_report(path)``: a self-contained HTML report (inline SVG, no network);
- ``_repr_html_()``: a table and a small map or chart in a notebook.

The engine's own result stays available as ``.result`` for everything else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os
    from pathlib import Path

    import pandas as pd

    from corridor.analytics import CPMMResult, ShipmentLog, TCDResult
    from corridor.assignment import EquilibriumResult, FreightEquilibriumResult, LPResult
    from corridor.assignment.sue import SUEResult
    from corridor.hub import SimulationResult
    from corridor.model import Network
    from corridor.routing import Route, RouteSet
    from corridor.scenarios.calibrate import Calibration as CalibrationResult
    from corridor.scenarios.premium import PremiumCurveResult
    from corridor.scenarios.runner import Comparison
    from corridor.scenarios.sweep import SweepResult

__all__ = ["Assignment", "Calibration", "CorridorPerformance", "HubSimulation", "PremiumCurve", "Result", "Routes",
           "ScenarioRun", "Sweep", "TimeCostDistance"]


class Result(ABC):
    """What every result of the Python API offers (see the module docstring).

    Every result is a :class:`Result`: ``to_frame()``, ``to_dict()``, ``to_html()``,
    ``write_report(path)``, and a table with a map or chart in a notebook (``_repr_html_()``).

    Examples
    --------
    >>> import corridor
    >>> routes = corridor.route(corridor.load(), "Aktau", "Baku")
    >>> isinstance(routes, corridor.Result)
    True
    >>> html = routes.to_html(title="Aktau to Baku")
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """The main table."""

    @abstractmethod
    def _render(self, *, fragment: bool, title: str | None) -> str:
        """The HTML view: a whole page, or a fragment for a notebook."""

    def to_html(self, *, title: str | None = None) -> str:
        """A self-contained HTML report (one file, inline SVG, nothing loaded from the network)."""
        return self._render(fragment=False, title=title)

    def write_report(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write :meth:`to_html` to ``path`` atomically; returns the path.

        Raises
        ------
        InputError
            If ``path`` cannot be written (naming it).
        """
        from corridor.io.files import write_text

        return write_text(path, self.to_html(title=title))

    def _repr_html_(self) -> str:
        return self._render(fragment=True, title=None)


@dataclass(frozen=True, eq=False)
class Routes(Result):
    """Routes from one place to another, best first (from :func:`corridor.route`).

    Attributes
    ----------
    result
        The route planner's :class:`~corridor.routing.RouteSet` (constraints, search, message).
    network
        The network searched.

    Examples
    --------
    >>> import corridor
    >>> routes = corridor.route(corridor.load(), "Dostyk", "Poti", k=2, avoid_countries=["RU"])
    >>> len(routes), list(routes.to_frame().columns[:5])
    (2, ['route', 'distance_km', 'time_h', 'cost_usd', 'co2e_kg'])
    >>> d = routes.to_dict()
    >>> d["origin"], d["destination"], len(d["routes"])
    ('dostyk', 'poti', 2)
    """

    result: RouteSet
    network: Network = field(repr=False)

    @property
    def routes(self) -> tuple[Route, ...]:
        """The routes, best first (a Pareto set: by generalised cost)."""
        return self.result.routes

    @property
    def best(self) -> Route:
        """The first route."""
        return self.result.routes[0]

    def __len__(self) -> int:
        return len(self.result.routes)

    def __getitem__(self, i: int) -> Route:
        return self.result.routes[i]

    def to_dict(self) -> dict[str, Any]:
        """Plain values: the request, the constraints and every route with its legs, stops and profile."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per route: distance, time, cost, CO2e, risk, borders, countries, nodes."""
        return self.result.to_frame()

    def to_geojson(self) -> dict[str, Any]:
        """Every route's legs as LineStrings and stops as Points (property ``route`` numbers them)."""
        return self.result.to_geojson()

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_routes

        a, b = self.network.node(self.result.origin).name, self.network.node(self.result.destination).name
        return render_routes(self.to_dict(), self.network, title=title or f"Routes {a} → {b}", fragment=fragment)


@dataclass(frozen=True, eq=False)
class Assignment(Result):
    """Demand assigned to the network (from :func:`corridor.assign`).

    Attributes
    ----------
    method
        ``"lp"`` (system view: least total cost within capacities), ``"equilibrium"``
        (behavioural view: each shipper's cheapest route, capacities as delays) or ``"sue"``
        (shippers who choose: a path-size logit over routes and gateways, capacities priced).
    result
        The engine's result: :class:`~corridor.assignment.LPResult`,
        :class:`~corridor.assignment.FreightEquilibriumResult` or, on a research network without
        freight capacities, :class:`~corridor.assignment.EquilibriumResult`.
    network
        The network assigned.

    Examples
    --------
    >>> import corridor
    >>> lp = corridor.assign(corridor.load(), method="lp")
    >>> list(lp.to_frame().columns[:6])
    ['link', 'from', 'to', 'mode', 'corridor', 'tonnes']
    >>> lp.to_dict()["method"], lp.converged
    ('lp', True)
    >>> list(lp.bottlenecks().columns[:4])
    ['kind', 'id', 'from', 'to']
    """

    method: str
    result: LPResult | FreightEquilibriumResult | EquilibriumResult | SUEResult
    network: Network = field(repr=False)

    @property
    def converged(self) -> bool:
        """Whether the equilibrium reached its target gap (an LP solved to optimality)."""
        if hasattr(self.result, "converged"):
            return bool(self.result.converged)
        return str(getattr(self.result, "status", "")) == "optimal"

    @property
    def is_freight(self) -> bool:
        """True for freight results (tonnes, corridors, capacities); False on research networks."""
        return not hasattr(self.result, "costs")

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor assign --json`` prints them."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """Flows by link direction (freight: by commodity, in tonnes per year)."""
        return self.result.links_frame()

    def bottlenecks(self) -> pd.DataFrame:
        """LP: binding capacities with the value of one more unit; equilibrium: the most delayed ones."""
        import pandas as pd

        res = self.result
        if hasattr(res, "bottlenecks_frame"):
            return res.bottlenecks_frame()
        if hasattr(res, "congestion"):
            return pd.DataFrame([dict(r) for r in res.congestion if r.get("delay_h", 0.0) > 0])
        return pd.DataFrame()

    @property
    def measures(self) -> dict[str, Any]:
        """What the routes physically do (:mod:`corridor.assignment.measures`); empty on research networks.

        ``served_t``, ``russia_t``, ``titr_t``, ``titr_teu``, ``caspian_oil_t``, ``kz_transit_teu``,
        ``by_corridor`` (each route assigned to one corridor), ``by_border`` ...
        """
        flows = getattr(self.result, "flows", self.result)
        return dict(getattr(flows, "measures", {}) or {})

    def measures_frame(self) -> pd.DataFrame:
        """The physical measures per demand row (one row each; empty on research networks)."""
        import pandas as pd

        rows = [{k: v for k, v in r.items() if k != "by_corridor"} for r in self.measures.get("by_od", [])]
        return pd.DataFrame(rows)

    def od(self) -> pd.DataFrame:
        """One row per demand row: served and unserved tonnes and why (freight results only)."""
        import pandas as pd

        flows = getattr(self.result, "flows", self.result)
        return flows.od_frame() if hasattr(flows, "od_frame") else pd.DataFrame()

    def to_geojson(self) -> dict[str, Any]:
        """The link flows as LineStrings between their nodes, with the flow table's columns as properties."""
        from corridor.io import link_flows_geojson

        frame = self.to_frame()
        if "from" not in frame.columns and "a" in frame.columns:  # research networks: a→b per link
            frame = frame.rename(columns={"a": "from", "b": "to"})
        return link_flows_geojson(frame, self.network, name=f"{self.method} flows on {self.network.name}")

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_assignment

        name = {"lp": "LP assignment", "sue": "Stochastic equilibrium"}.get(self.method, "Equilibrium")
        return render_assignment(self.to_dict(), self.to_frame(), self.network,
                                 title=title or f"{name} on {self.network.name}", fragment=fragment)


@dataclass(frozen=True, eq=False)
class ScenarioRun(Result):
    """A scenario run against its baseline (from :func:`corridor.run_scenario`).

    Attributes
    ----------
    comparison
        The specs, both runs (run ids in the store, reused or not) and the difference.
    network
        The base network (for maps).

    Examples
    --------
    >>> import corridor
    >>> run = corridor.run_scenario("northern-route-closed")
    >>> run.to_frame().columns.tolist()
    ['figure', 'baseline', 'scenario', 'change', 'change_pct']
    >>> list(run.to_dict())
    ['scenario', 'baseline', 'result', 'diff']
    """

    comparison: Comparison
    network: Network = field(repr=False)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.comparison.scenario.name

    @property
    def diff(self) -> dict[str, Any]:
        """What changed: totals, by commodity and corridor, borders, bottlenecks, links."""
        return self.comparison.diff

    @property
    def summary(self) -> dict[str, Any]:
        """The scenario run's summary (totals, by commodity, physical measures, bottlenecks ...)."""
        return self.comparison.scenario_run.summary

    @property
    def baseline_summary(self) -> dict[str, Any]:
        """The baseline run's summary."""
        return self.comparison.baseline_run.summary

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor scenario run --json`` prints them: scenario, baseline, result, diff."""
        return self.comparison.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """The totals side by side: figure, baseline, scenario, change, change in percent."""
        import pandas as pd

        rows = [{"figure": k, **v} for k, v in self.diff["totals"].items()]
        return pd.DataFrame(rows, columns=["figure", "baseline", "scenario", "change", "change_pct"])

    def link_changes(self) -> pd.DataFrame:
        """Every link direction whose flow changed, largest change first (tonnes per year)."""
        import pandas as pd

        return pd.DataFrame(self.diff["links"], columns=["link", "from", "to", "mode", "corridor", "baseline_t",
                                                         "scenario_t", "change_t"])

    def tables(self) -> dict[str, pd.DataFrame]:
        """The scenario run's result tables (link_flows, od, capacities, transfers, geometry)."""
        return dict(self.comparison.scenario_run.tables)

    def to_geojson(self) -> dict[str, Any]:
        """The map of the run: link flows of both runs, capacities, utilisation and closed elements.

        One LineString per link direction with flow in either run or closed by the scenario
        (``baseline_t``, ``scenario_t``, ``change_t`` in t/yr; ``closed``; ``capacity``,
        ``capacity_unit``, ``capacity_flow`` and ``utilisation`` only where the link has a capacity),
        and Points for the transfers and facilities with a capacity and for the nodes the scenario
        cut off: see :mod:`corridor.scenarios.flow_map`.
        """
        from corridor.scenarios.flow_map import flow_map_geojson

        return flow_map_geojson(self.comparison, self.network, name=f"{self.name}: link flows against the baseline")

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_comparisons

        return render_comparisons([self.to_dict()], self.network, title=title or f"corridor: {self.name}",
                                  fragment=fragment)


@dataclass(frozen=True, eq=False)
class Sweep(Result):
    """A Monte Carlo sweep of a scenario's uncertain parameters (from :func:`corridor.sweep`).

    Attributes
    ----------
    result
        The sweep's :class:`~corridor.scenarios.SweepResult` (summary and samples).
    uncertain
        The parameters swept, as plain values (distribution, source, status).
    store
        The run store's path, ``""`` without one.

    Examples
    --------
    >>> import corridor
    >>> sw = corridor.sweep("northern-risk-premium", samples=3, seed=1, workers=1)
    >>> sw.to_frame()["idx"].tolist()
    [0, 1, 2]
    >>> d = sw.to_dict()
    >>> d["samples"], "metrics" in d, "histograms" in d
    (3, True, True)
    """

    result: SweepResult
    uncertain: dict[str, Any] = field(default_factory=dict)
    store: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        """Quantiles, exceedance probabilities, bottleneck frequencies and the tornado ranking."""
        return self.result.summary

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor scenario sweep --json`` prints them.

        The summary (``metrics`` with their quantiles, ``bottleneck_frequency`` ...), ``store``,
        ``uncertain`` and ``histograms``: samples per bin of each metric and parameter
        (:func:`corridor.scenarios.sweep.histograms`), so that a client draws the distributions
        without the samples table.
        """
        from corridor.scenarios.sweep import histograms

        return {**self.result.to_dict(), "store": self.store, "uncertain": self.uncertain,
                "histograms": histograms(self.result.frame)}

    def to_frame(self) -> pd.DataFrame:
        """One row per sample: idx, seed, ``param.<name>`` and the metrics."""
        return self.result.frame

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_sweep

        return render_sweep(self.to_dict(), self.to_frame(), title=title or f"corridor sweep: {self.result.scenario}",
                            fragment=fragment)


@dataclass(frozen=True, eq=False)
class PremiumCurve(Result):
    """A scenario's stochastic equilibrium along a ladder of risk premiums (from :func:`corridor.premium_curve`).

    Attributes
    ----------
    result
        The :class:`~corridor.scenarios.premium.PremiumCurveResult` (steps, elasticities, capacities
        in the order they bind).

    Examples
    --------
    >>> import corridor
    >>> curve = corridor.premium_curve(max_usd_per_t=10, step_usd_per_t=10)
    >>> curve.to_frame()["premium_usd_per_t"].tolist()
    [0.0, 10.0]
    >>> d = curve.to_dict()
    >>> d["premiums_usd_per_t"], len(d["steps"])
    ([0.0, 10.0], 2)
    """

    result: PremiumCurveResult

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor scenario premium --json`` prints them."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per premium: the measures, ``corridor.<name>`` and ``gateway.<node>`` tonnes, binding capacities."""
        import pandas as pd

        rows = []
        for s in self.result.steps:
            rec: dict[str, Any] = {k: v for k, v in s.to_dict().items() if not isinstance(v, dict | list)}
            rec.update({f"corridor.{k}": v for k, v in s.by_corridor.items()})
            rec.update({f"gateway.{k}": v for k, v in s.by_gateway.items()})
            rec["binding"] = ";".join(b["capacity"] for b in s.binding)
            rows.append(rec)
        return pd.DataFrame(rows)

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_premium

        return render_premium(self.to_dict(), title=title or f"corridor premium curve: {self.result.scenario}",
                              fragment=fragment)


@dataclass(frozen=True, eq=False)
class HubSimulation(Result):
    """KPIs of the container hub over seeded replications (from :func:`corridor.simulate_hub`).

    Attributes
    ----------
    result
        The simulation's :class:`~corridor.hub.SimulationResult` (config, KPI estimates, series).
    run_id
        The run's id in the store, ``""`` when not recorded.

    Examples
    --------
    >>> import corridor
    >>> sim = corridor.simulate_hub(days=30, replications=2, seed=1)
    >>> sim.to_frame().columns.tolist()[:5]
    ['kpi', 'mean', 'sd', 'ci_low', 'ci_high']
    >>> d = sim.to_dict()
    >>> d["config"], d["replications"], d["days"]
    ('aktau-hub', 2, 30)
    """

    result: SimulationResult
    run_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor hub simulate --json`` prints them (the same for the same seed).

        Where the run was recorded is not part of it: see :attr:`run_id`.
        """
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per KPI: mean, sd, 95 % interval, p95 companion, unit and replications (as in the store)."""
        from corridor.scenarios.hub_runs import kpi_frame

        return kpi_frame(self.result)

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_hub

        return render_hub(self.result.to_dict(), title=title or f"Hub simulation: {self.result.config.name}",
                          fragment=fragment)


@dataclass(frozen=True, eq=False)
class Calibration(Result):
    """The shippers' choice calibrated on a base year (from :func:`corridor.calibrate`).

    Attributes
    ----------
    result
        The :class:`~corridor.scenarios.calibrate.Calibration`: targets against the model, the
        parameters with their standard errors, the profiles.

    Examples
    --------
    >>> import corridor
    >>> cal = corridor.calibrate(fit=["theta"], profile=False, max_evaluations=4)
    >>> cal.to_frame().columns.tolist()[:4]
    ['name', 'measure', 'observed', 'model']
    >>> cal.parameters().columns.tolist()
    ['name', 'value', 'se', 'unit', 'status', 'method']
    >>> d = cal.to_dict()
    >>> d["dataset"], d["year"], "targets" in d and "parameters" in d
    ('eurasia', 2021, True)
    """

    result: CalibrationResult

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor calibrate --json`` prints them: ``targets`` and ``parameters`` first."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """The targets: name, measure, observed, model, ratio, unit, source, status, fit, within."""
        import pandas as pd

        cols = ["name", "measure", "observed", "model", "ratio", "unit", "source", "status", "fit", "within"]
        return pd.DataFrame([{k: t.get(k) for k in cols} for t in self.result.targets], columns=cols)

    def parameters(self) -> pd.DataFrame:
        """The parameters: name, value, se, unit, status, method."""
        import pandas as pd

        cols = ["name", "value", "se", "unit", "status", "method"]
        return pd.DataFrame([{k: getattr(p, k) for k in cols} for p in self.result.parameters], columns=cols)

    def write_parameters(self, path: str | os.PathLike[str]) -> Path:
        """Write the parameters as a dataset's ``choice.csv`` (a file path, or a folder)."""
        from corridor.scenarios.choice_data import write_choice

        return write_choice(str(path), self.result.parameters)

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_calibration

        return render_calibration(self.to_dict(), title=title or "corridor: calibration", fragment=fragment)


def _trimmed_tcd(tcd: TCDResult) -> dict[str, Any]:
    """The TCD record a report draws: every corridor and stop, the points of the trips it can draw."""
    from dataclasses import replace

    from corridor.report._analytics import MAX_TRIP_LINES

    p = tcd.points
    keys = ["trip_mode" if b == "mode" else b for b in tcd.by]
    first = p.drop_duplicates("shipment")
    keep = first[first.groupby(keys, sort=False).cumcount() < MAX_TRIP_LINES]["shipment"]
    return replace(tcd, points=p[p["shipment"].isin(keep)]).to_dict()


@dataclass(frozen=True, eq=False)
class TimeCostDistance(Result):
    """UNESCAP time/cost–distance points of a shipment log (from :func:`corridor.tcd`).

    Attributes
    ----------
    result
        The :class:`~corridor.analytics.TCDResult`: ``points`` per trip, ``corridors`` (median and
        p10/p90 per section), ``stops``.

    Examples
    --------
    >>> import corridor
    >>> from corridor.analytics import shipment_log, synthesize
    >>> ds = corridor.load()
    >>> t = corridor.tcd(shipment_log(synthesize(ds.network, shipments=6, seed=1), network=ds.network))
    >>> t.to_frame()["shipment"].nunique()
    6
    >>> d = t.to_dict()
    >>> d["by"], d["synthetic"]
    (['section'], True)
    """

    result: TCDResult

    @property
    def points(self) -> pd.DataFrame:
        """One row per event of every trip: distance, elapsed hours, cumulative cost, label."""
        return self.result.points

    @property
    def corridors(self) -> pd.DataFrame:
        """Per corridor group, the median line with its p10–p90 spread of time and cost."""
        return self.result.corridors

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor analytics tcd --json`` prints them: by, synthetic, points, corridors, stops."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """The per-trip points (:attr:`points`)."""
        return self.result.points

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_tcd

        return render_tcd(_trimmed_tcd(self.result), title=title or "Time/cost–distance", fragment=fragment)


@dataclass(frozen=True, eq=False)
class CorridorPerformance(Result):
    """CAREC CPMM indicators of a shipment log (from :func:`corridor.cpmm`).

    Attributes
    ----------
    result
        The :class:`~corridor.analytics.CPMMResult`: ``crossings`` (TFI1, TFI2) and ``trips`` (D, T,
        S, C, W, SWD, SWOD, delay share, TFI3), with their breakdowns.
    log
        The validated log the indicators come from.

    Examples
    --------
    >>> import corridor
    >>> from corridor.analytics import shipment_log, synthesize
    >>> ds = corridor.load()
    >>> perf = corridor.cpmm(shipment_log(synthesize(ds.network, shipments=6, seed=1), network=ds.network))
    >>> len(perf.to_frame()), list(perf.crossings.columns[-2:])
    (6, ['tfi1_h', 'tfi2_usd'])
    >>> list(perf.to_dict())[:2]
    ['crossings', 'trips']
    """

    result: CPMMResult
    log: ShipmentLog = field(repr=False)

    @cached_property
    def tcd(self) -> TCDResult:
        """The time/cost–distance points of the same log, drawn in the report (computed when first asked)."""
        from corridor.analytics import tcd

        return tcd(self.log, trip_table=self.result.trips)

    @property
    def synthetic(self) -> bool:
        """Whether the log is synthetic (every row's ``source`` starts with ``synthetic``)."""
        from corridor.analytics import is_synthetic

        return is_synthetic(self.log)

    @property
    def crossings(self) -> pd.DataFrame:
        """One row per border crossing: TFI1 (h) and TFI2 (USD)."""
        return self.result.crossings

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as ``corridor analytics cpmm --json`` prints them (``CPMMResult.to_dict()``)."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per trip: D, T, S, C, W, SWD, SWOD, delay share, TFI3 (crossings: :attr:`crossings`)."""
        return self.result.trips

    def _render(self, *, fragment: bool, title: str | None) -> str:
        from corridor.report import render_cpmm

        return render_cpmm(self.to_dict(), _trimmed_tcd(self.tcd), synthetic=self.synthetic,
                           title=title or "Corridor performance (CAREC CPMM)", fragment=fragment)
