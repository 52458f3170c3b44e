"""The Python API: load a network, plan routes, assign demand, run scenarios and sweeps, simulate the hub.

These functions are what ``import corridor`` offers; the command line calls them and nothing below
them where they suffice. Options are keyword-only; results are the typed objects of
:mod:`corridor.results`. Heavy engines are imported on first use, so ``import corridor`` stays fast.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from corridor.exceptions import InputError, Problem
from corridor.results import (
    Assignment,
    Calibration,
    CorridorPerformance,
    HubSimulation,
    PremiumCurve,
    Routes,
    ScenarioRun,
    Sweep,
    TimeCostDistance,
)

if TYPE_CHECKING:
    from corridor.analytics import ShipmentLog
    from corridor.hub import HubConfig
    from corridor.model import Dataset, Demand, Network
    from corridor.model.slices import SliceSet
    from corridor.scenarios import ScenarioSpec
    from corridor.scenarios.store import RunStore

__all__ = ["Progress", "assign", "calibrate", "cpmm", "load", "open_store", "premium_curve", "read_log", "route",
           "run_scenario", "simulate_hub", "sweep", "tcd"]



@dataclass(frozen=True)
class Progress:
    """What a ``progress`` callback of the Python API receives.

    Attributes
    ----------
    stage
        What is going on (``"solving with HiGHS"``, ``"equilibrium"``, ``"samples"``, ``"replications"``).
    done, total
        How far: units done out of ``total`` (None when the total is not known).
    detail
        A short line for people (``"gap 3.1e-03"``), or ``""``.

    Examples
    --------
    Any callable that takes a :class:`Progress` will do, here ``list.append``:

    >>> import corridor
    >>> seen = []
    >>> sim = corridor.simulate_hub(days=10, replications=2, seed=1, progress=seen.append)
    >>> seen[-1]
    Progress(stage='replications', done=2, total=2, detail='')
    """

    stage: str
    done: float = 0.0
    total: float | None = None
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


def _arg(field: str, message: str) -> InputError:
    """Bad value of an argument: the CLI names it by its flag (``--k``)."""
    return InputError(Problem("argument", field, message))


# -- networks ---------------------------------------------------------------------------------------


def load(path: str | os.PathLike[str] | None = None, *, validate: bool = True) -> Dataset:
    """Load a network and its demand: the built-in ``eurasia`` dataset, or your own.

    Parameters
    ----------
    path
        None for the built-in ``eurasia`` dataset (2021); a built-in dataset's name; or a
        ``.geojson`` file, a folder of CSV tables or a TNTP folder.
    validate
        Check the network and demand first (:func:`corridor.model.validate_network`), so that no
        engine sees a bad network.

    Returns
    -------
    Dataset
        ``.network`` and ``.demand``; immutable.

    Raises
    ------
    InputError
        A missing or bad file; every problem names the file, line or record, and field.

    Examples
    --------
    >>> import corridor
    >>> ds = corridor.load()
    >>> ds.network.node("Aktau").country
    'KZ'
    """
    from corridor import data

    return data.load("eurasia" if path is None else os.fspath(path), validate=validate)


def _network(net: Dataset | Network) -> Network:
    from corridor.model import Dataset, Network

    if isinstance(net, Dataset):
        return net.network
    if isinstance(net, Network):
        return net
    raise _arg("net", f"expected a Dataset (from corridor.load) or a Network, got {type(net).__name__}")


# -- routes -----------------------------------------------------------------------------------------


def route(
    net: Dataset | Network,
    origin: str,
    dest: str,
    *,
    by: Literal["time", "cost", "co2", "risk", "generalized"] = "time",
    pareto: bool = False,
    k: int = 1,
    avoid_countries: Iterable[str] = (),
    avoid_nodes: Iterable[str] = (),
    avoid_links: Iterable[str] = (),
    via: Iterable[str] = (),
    modes: Iterable[str] | None = None,
    cargo: str = "container",
    max_transfers: int | None = None,
    value_of_time: float = 0.0,
    carbon_price: float = 0.0,
    risk_price: float = 0.0,
    country_risk: Mapping[str, float] | None = None,
    hub_throughput: float | None = None,
    max_labels: int = 200_000,
    epsilon: float = 0.0,
    max_seconds: float | None = None,
) -> Routes:
    """Plan routes from ``origin`` to ``dest``: the best one, k alternatives or the Pareto set.

    Parameters
    ----------
    net
        From :func:`load`.
    origin, dest
        Node ids or names, case- and accent-insensitive (``"Aktau"``, ``"baku-alat"``, ``"Constanta"``).
    by
        Rank by ``time`` (door to door, every stop included), ``cost`` (tariffs and charges),
        ``co2`` (kg CO2e), ``risk`` (exposure) or ``generalized`` cost (money + value of time ×
        hours + carbon price × CO2e + risk price × risk).
    pareto
        Every route that no other beats on cost, time, CO2e and risk at once (``k`` must be 1).
    k
        Number of loopless, meaningfully different alternatives.
    avoid_countries, avoid_nodes, avoid_links
        Exact exclusions (ISO country codes of the network, node ids or names, link ids).
    via
        Places to pass, in order.
    modes
        Allowed modes (default: all).
    cargo
        Commodity: decides the unit (TEU or tonne) and the links and terminals that admit it.
    max_transfers
        Most changes of mode or gauge.
    value_of_time, carbon_price, risk_price
        USD per tonne-hour, per tonne CO2e, per tonne per unit of risk (for ``generalized``).
    country_risk
        Risk score per country code (default: RU, BY, IR = 1, an assumption).
    hub_throughput
        Annual TEU through the Aktau hub: its dwell follows the simulated delay curve.
    max_labels
        Cap on the exact searches' labels.
    epsilon
        Pareto sets only: ``0`` the exact set; ``epsilon > 0`` fewer routes, with every Pareto route
        within ``1 + epsilon`` on every criterion of one returned.
    max_seconds
        Pareto sets only: a time budget; a set it stopped says so (``routes.result.complete`` false).

    Returns
    -------
    Routes
        Best first; ``.to_frame()`` one row per route, ``.best.to_frame()`` its legs and stops.

    Raises
    ------
    NodeNotFound
        An unknown place (with suggestions).
    NoRoute
        Nothing satisfies the constraints; the message names the one that cut the last path.
    InputError
        Bad options (``pareto`` with ``k``, an unknown country code, mode or criterion ...).

    Examples
    --------
    >>> import corridor
    >>> routes = corridor.route(corridor.load(), "Dostyk", "Poti", avoid_countries=["RU"])
    >>> "RU" in routes.best.countries
    False
    """
    from corridor.routing import plan_routes

    network = _network(net)
    if pareto and k != 1:
        raise _arg("k", f"a Pareto set has as many routes as it has; give pareto or k, not both (k = {k})")
    avoid = [c.strip().upper() for c in avoid_countries]
    _check_countries(network, avoid)
    if hub_throughput is not None:
        from corridor.scenarios.hub_delay import with_hub_dwell

        network = with_hub_dwell(network, hub_throughput)
    rs = plan_routes(
        network, origin, dest, cargo=cargo, by=by, pareto=pareto, k=k, avoid_countries=avoid,
        avoid_nodes=list(avoid_nodes), avoid_links=list(avoid_links), modes=None if modes is None else list(modes),
        via=list(via), max_transfers=max_transfers, value_of_time=value_of_time, carbon_price=carbon_price,
        risk_price=risk_price, country_risk=country_risk, max_labels=max_labels,
        epsilon=epsilon, max_seconds=max_seconds)
    return Routes(rs, network)


def _check_countries(network: Network, codes: list[str]) -> None:
    """Refuse country codes the network does not know (a typo would avoid nothing)."""
    known = sorted({n.country for n in network.nodes if n.country} | {lk.country for lk in network.links if lk.country})
    for code in codes:
        if code not in known:
            from corridor.validation import did_you_mean

            raise _arg("avoid_countries", f"unknown country code {code!r}{did_you_mean(code, known)}")


# -- assignment -------------------------------------------------------------------------------------


def assign(
    net: Dataset | Network,
    demand: Demand | str | os.PathLike[str] | None = None,
    *,
    method: Literal["lp", "equilibrium", "sue"] = "lp",
    value_of_time: float | None = None,
    carbon_price: float = 0.0,
    risk_price: float = 0.0,
    algorithm: str | None = None,
    gap: float | None = None,
    max_iter: int | None = None,
    toll_factor: float | None = None,
    distance_factor: float | None = None,
    progress: ProgressCallback | None = None,
    slices: str | SliceSet | None = None,
) -> Assignment:
    """Assign a whole demand table to the network.

    Parameters
    ----------
    net
        From :func:`load`.
    demand
        The demand: None for the dataset's own, a :class:`~corridor.model.Demand`, or a CSV file
        with the columns of ``demand.csv``.
    method
        ``"lp"``: the system view, a capacity-constrained min-cost multicommodity flow (HiGHS) that
        reports unserved demand and ranks bottlenecks by the value of one more unit of capacity.
        ``"equilibrium"``: the behavioural view, every shipper on its cheapest route while each
        capacity turns into a delay (on TNTP research networks: their link volume-delay functions).
        ``"sue"``: shippers who choose — value-of-time segments spread over routes and export
        gateways by a path-size logit, hard capacities priced (stochastic user equilibrium,
        :mod:`corridor.assignment.sue`), with the dataset's calibrated choice parameters
        (``choice.csv``). Freight networks only.
    value_of_time
        USD per tonne-hour. LP default 0 (tariffs only); freight equilibrium default
        :data:`corridor.assignment.freight_eq.DEFAULT_VALUE_OF_TIME` (calibrated).
    carbon_price, risk_price
        USD per tonne CO2e, and per tonne per unit of risk exposure.
    algorithm, gap, max_iter
        Equilibrium only: ``bfw`` (default), ``cfw``, ``fw``, ``msa``, ``gp`` or ``b`` (Algorithm B, for
        tight gaps); target relative gap (1e-4); most iterations (500).
    toll_factor, distance_factor
        Equilibrium on research networks only: weights of link tolls and length in the cost.
    progress
        Called with a :class:`Progress` as the solver goes.
    slices
        LP only: solve per time slice and sum to the year — the name of a slice set of the
        dataset (``"monthly"``), a path to a ``slices.csv``, or a
        :class:`~corridor.model.slices.SliceSet`. The result is a
        :class:`~corridor.assignment.slices.SlicedLPResult` (``.slices``: each slice's result).

    Returns
    -------
    Assignment
        ``.to_frame()`` link flows, ``.bottlenecks()``, ``.od()``, ``.to_geojson()``, ``.result``.

    Raises
    ------
    InputError
        No demand, a bad demand file, or options that do not go with the method.

    Examples
    --------
    >>> import corridor
    >>> a = corridor.assign(corridor.load(), method="lp")
    >>> a.result.unserved_t < 0.01 * a.result.demand_t
    True
    """
    ds = _with_demand(net, demand)
    if method not in ("lp", "equilibrium", "sue"):
        raise _arg("method", f"must be 'lp', 'equilibrium' or 'sue', not {method!r}")
    _check_finite(value_of_time=value_of_time, carbon_price=carbon_price, risk_price=risk_price, gap=gap,
                  toll_factor=toll_factor, distance_factor=distance_factor)
    if slices is not None and method != "lp":
        raise _arg("slices", "time slices are solved with the LP only (method='lp'); the equilibrium's delays "
                   "are annual")
    if method == "lp":
        _no_iterations(algorithm=algorithm, gap=gap, max_iter=max_iter, toll_factor=toll_factor,
                       distance_factor=distance_factor)
        return Assignment("lp", _solve_lp(ds, value_of_time or 0.0, carbon_price, risk_price, progress, slices),
                          ds.network)
    if method == "sue":
        return Assignment("sue", _sue(ds, {"value_of_time": value_of_time, "algorithm": algorithm,
                                           "max_iter": max_iter, "toll_factor": toll_factor,
                                           "distance_factor": distance_factor}, gap, carbon_price, risk_price,
                                      progress), ds.network)
    options: dict[str, Any] = {"method": algorithm or "bfw", "gap": 1e-4 if gap is None else gap,
                               "max_iter": 500 if max_iter is None else max_iter}
    if _is_freight(ds.network):
        for name, value in (("toll_factor", toll_factor), ("distance_factor", distance_factor)):
            if value is not None:
                raise _arg(name, "applies to networks with link volume-delay functions (TNTP), not to freight "
                           "networks, whose costs are tariffs, time, CO2e and risk")
        return Assignment("equilibrium", _freight_equilibrium(ds, options, value_of_time, carbon_price, risk_price,
                                                              progress), ds.network)
    for name, value in (("value_of_time", value_of_time), ("risk_price", risk_price or None),
                        ("carbon_price", carbon_price or None)):
        if value is not None:
            raise _arg(name, "applies to freight networks (with capacities in Mt/yr, TEU/yr or wagons); this "
                       "network has link volume-delay functions: use toll_factor and distance_factor")
    return Assignment("equilibrium", _equilibrium(ds, options, toll_factor or 0.0, distance_factor or 0.0, progress),
                      ds.network)


def _no_iterations(**given: Any) -> None:
    """Refuse equilibrium options given to the LP."""
    named = [k for k, v in given.items() if v is not None]
    if named:
        raise _arg(named[0], "applies to the equilibrium method only; the LP has no iterations")


def _sue(ds: Dataset, refused: Mapping[str, Any], gap: float | None, carbon_price: float, risk_price: float,
         progress: ProgressCallback | None) -> Any:
    """The stochastic equilibrium of a freight dataset with its shipped choice parameters."""
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
    from corridor.scenarios.choice_data import choice_for

    for name, value in refused.items():
        if value is not None:
            why = ("the shippers' values of time come from the dataset's choice.csv (segments)"
                   if name == "value_of_time" else "applies to the other equilibrium (method='equilibrium')")
            raise _arg(name, f"not an option of method='sue': {why}")
    if not _is_freight(ds.network):
        raise _arg("method", "'sue' needs a freight network (capacities in Mt/yr, TEU/yr or wagons)")

    def tick(p: Any) -> None:
        if progress is not None:
            progress(Progress("stochastic equilibrium", float(p.iteration), None, f"gap {p.gap:.1e}"))

    opts = SUEOptions(choice=choice_for(dict(ds.network.meta)), gap=1e-4 if gap is None else gap,
                      carbon_price=carbon_price, risk_price=risk_price)
    return stochastic_equilibrium(ds.network, ds.demand, opts, progress=tick)


def _check_finite(**values: float | None) -> None:
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise _arg(name, f"must be a finite number >= 0, not {value!r}")


def _with_demand(net: Dataset | Network, demand: Demand | str | os.PathLike[str] | None) -> Dataset:
    from corridor.model import Dataset, Demand, validate_network

    network = _network(net)
    if demand is None:
        if not isinstance(net, Dataset) or not net.demand.rows:
            raise _arg("demand", f"the network {network.name!r} has no demand; give a demand table or CSV file")
        return net
    if isinstance(demand, Demand):
        ds = Dataset(network, demand)
    else:
        from corridor.io import read_demand_csv

        ds = Dataset(network, read_demand_csv(Path(demand)))
    validate_network(ds.network, ds.demand, strict=True, require_sources=False)
    if not ds.demand.rows:
        raise _arg("demand", "the demand table has no rows")
    return ds


def _is_freight(network: Network) -> bool:
    """A freight network: transfers, or capacities in Mt/yr, TEU/yr or wagons on links (delays come from them)."""
    return bool(network.transfers) or any(
        lk.capacity_mtpa is not None or lk.capacity_teu is not None or lk.capacity_wagons is not None
        for lk in network.links)


def _solve_lp(ds: Dataset, value_of_time: float, carbon_price: float, risk_price: float,
              progress: ProgressCallback | None, slices: str | SliceSet | None = None) -> Any:
    from corridor.assignment.lp import FreightLP

    if slices is not None:
        return _solve_sliced(ds, slices, value_of_time, carbon_price, risk_price)

    def stage(name: str, fraction: float) -> None:
        if progress is not None:
            progress(Progress(name, fraction, 1.0))

    stage("building the LP", 0.0)
    model = FreightLP.build(ds.network, ds.demand, value_of_time=value_of_time, carbon_price=carbon_price,
                            risk_price=risk_price, formulation="auto")
    stage("solving with HiGHS", 0.5)
    return model.solve()


def _solve_sliced(ds: Dataset, slices: str | SliceSet, value_of_time: float, carbon_price: float,
                  risk_price: float) -> Any:
    from corridor.assignment.slices import solve_slices
    from corridor.data.slices import slice_set_for
    from corridor.model.slices import SliceSet

    chosen = slices if isinstance(slices, SliceSet) else slice_set_for(ds.network.meta, slices)
    return solve_slices(ds.network, ds.demand, chosen, value_of_time=value_of_time, carbon_price=carbon_price,
                        risk_price=risk_price)


def _iterations(progress: ProgressCallback | None, max_iter: int) -> Callable[[Any], None] | None:
    if progress is None:
        return None

    def tick(p: Any) -> None:
        if getattr(p, "stage", "iterating") != "iterating":  # "compiling kernels (first run only)"
            progress(Progress(p.stage))
        else:
            progress(Progress("iterating", p.iteration, max_iter, f"gap {p.gap:.2e}"))

    return tick


def _freight_equilibrium(ds: Dataset, options: dict[str, Any], value_of_time: float | None, carbon_price: float,
                         risk_price: float, progress: ProgressCallback | None) -> Any:
    import warnings

    from corridor.assignment.freight_eq import (
        DEFAULT_VALUE_OF_TIME,
        FreightEquilibriumOptions,
        freight_equilibrium,
    )
    from corridor.exceptions import ConvergenceWarning

    opts = FreightEquilibriumOptions(**options, carbon_price=carbon_price, risk_price=risk_price,
                                     value_of_time=DEFAULT_VALUE_OF_TIME if value_of_time is None else value_of_time)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the result says whether it converged
        return freight_equilibrium(ds.network, ds.demand, opts, progress=_iterations(progress, opts.max_iter))


def _equilibrium(ds: Dataset, options: dict[str, Any], toll_factor: float, distance_factor: float,
                 progress: ProgressCallback | None) -> Any:
    import warnings

    from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium
    from corridor.exceptions import ConvergenceWarning

    opts = EquilibriumOptions(**options, toll_factor=toll_factor, distance_factor=distance_factor)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return equilibrium(ds.network, ds.demand, opts, progress=_iterations(progress, opts.max_iter))


# -- scenarios --------------------------------------------------------------------------------------


def _scenario(source: ScenarioSpec | str | os.PathLike[str], field: str) -> ScenarioSpec:
    from corridor.scenarios import ScenarioSpec, load_scenario

    if isinstance(source, ScenarioSpec):
        return source
    if isinstance(source, str | os.PathLike):
        return load_scenario(os.fspath(source))
    raise _arg(field, f"expected a scenario file, a built-in scenario name or a ScenarioSpec, "
               f"got {type(source).__name__}")


def open_store(path: str | os.PathLike[str] | None = None) -> RunStore:
    """The run store: every scenario, baseline, sweep and hub run, queryable in SQL.

    Parameters
    ----------
    path
        A DuckDB file; default ``$CORRIDOR_HOME/runs.duckdb``, else ``./corridor-runs.duckdb``.

    Returns
    -------
    RunStore
        ``.list_runs()``, ``.get(run_id)``, ``.tables(run_id)``, ``.samples(sweep_id)`` and
        ``.sql("select ...")`` (see docs/STORE.md for the tables).

    Examples
    --------
    A store in a temporary folder, with one scenario run and its baseline recorded:

    >>> import tempfile, pathlib
    >>> import corridor
    >>> store = corridor.open_store(pathlib.Path(tempfile.mkdtemp()) / "runs.duckdb")
    >>> run = corridor.run_scenario("northern-route-closed", store=store)
    >>> store.sql("select kind, name from runs order by created").values.tolist()
    [['baseline', 'eurasia-2021'], ['scenario', 'northern-route-closed']]
    """
    from corridor.scenarios.store import RunStore

    return RunStore(path)


def _store(store: RunStore | str | os.PathLike[str] | None) -> RunStore | None:
    from corridor.scenarios.store import RunStore

    if store is None or isinstance(store, RunStore):
        return store
    return RunStore(store)


def run_scenario(
    scenario: ScenarioSpec | str | os.PathLike[str],
    *,
    baseline: ScenarioSpec | str | os.PathLike[str] | None = None,
    store: RunStore | str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ScenarioRun:
    """Run a scenario and its baseline, and compare them.

    Parameters
    ----------
    scenario
        A scenario file (YAML), a built-in scenario's name (``"northern-route-closed"``, see
        :func:`corridor.data.scenarios`), or a parsed :class:`~corridor.scenarios.ScenarioSpec`.
    baseline
        The same kinds; default: the scenario's base and engine with no changes.
    store
        A run store (or its path) to record both runs in; an identical finished run found there is
        reused instead of run again. None runs without recording.
    progress
        Called with a :class:`Progress` before each step (``baseline``, ``scenario``, ``comparing``;
        ``done`` out of 3).

    Returns
    -------
    ScenarioRun
        ``.to_frame()`` totals side by side, ``.link_changes()``, ``.diff``, ``.to_geojson()``,
        ``.write_report(path)``.

    Raises
    ------
    InputError
        A bad scenario file or change (file:line: field: message), found before anything runs.

    Examples
    --------
    >>> import corridor
    >>> run = corridor.run_scenario("northern-route-closed")
    >>> run.diff["totals"]["total_cost_usd"]["change"] > 0
    True
    """
    from corridor.scenarios.run import base_of
    from corridor.scenarios.runner import compare_scenarios

    spec = _scenario(scenario, "scenario")
    base_spec = None if baseline is None else _scenario(baseline, "baseline")
    base = base_of(spec)
    def say(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(Progress(stage, float(done), float(total)))

    comparison = compare_scenarios(spec, base_spec, store=_store(store), base=base, progress=say)
    return ScenarioRun(comparison, base.network)


def sweep(
    scenario: ScenarioSpec | str | os.PathLike[str],
    *,
    samples: int = 100,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    store: RunStore | str | os.PathLike[str] | None = None,
    resume: str | None = None,
    progress: ProgressCallback | None = None,
) -> Sweep:
    """Monte Carlo sweep: draw a scenario's uncertain parameters, solve every sample, summarise.

    Parameters
    ----------
    scenario
        A scenario file (YAML) with ``uncertain:`` parameters, a built-in scenario's name, or a
        :class:`~corridor.scenarios.ScenarioSpec`.
    samples, seed
        How many samples; sample ``i`` draws from child ``i`` of ``SeedSequence(seed)``, so the
        same seed gives the same samples on any number of workers or machines.
    workers
        Local worker processes (default: one per core).
    scheduler
        ``tcp://host:port`` of a Dask distributed scheduler to run on instead.
    store
        A run store (or its path): samples stream into it, so a killed sweep can ``resume``; an
        identical finished sweep is reused.
    resume
        The run id of an interrupted sweep in ``store``.
    progress
        Called with a :class:`Progress` after each chunk of samples.

    Returns
    -------
    Sweep
        ``.to_frame()`` one row per sample, ``.summary`` (quantiles, exceedance, bottleneck
        frequency, tornado), ``.write_report(path)``.

    Examples
    --------
    Four samples of the built-in ``northern-risk-premium`` scenario's uncertain parameters, in this
    process (use 100 or more samples, and all the cores, for a decision):

    >>> import corridor
    >>> sw = corridor.sweep("northern-risk-premium", samples=4, seed=1, workers=1)
    >>> len(sw.to_frame()), sorted(sw.uncertain)
    (4, ['caspian_capacity', 'ru_p_delay', 'ru_risk_premium_usd_per_t', 'ru_transit_closed'])
    """
    from corridor.scenarios.sweep import run_sweep

    spec = _scenario(scenario, "scenario")
    rs = _store(store)
    tick = None
    if progress is not None:
        def tick(p: Any) -> None:
            progress(Progress("samples", p.done, p.total))
    result = run_sweep(spec, samples, seed=seed, workers=workers, scheduler=scheduler, store=rs, resume=resume,
                       progress=tick)
    return Sweep(result, {k: u.to_dict() for k, u in spec.uncertain.items()}, str(rs.path) if rs is not None else "")


def premium_curve(
    scenario: ScenarioSpec | str | os.PathLike[str] = "baseline-2021",
    *,
    countries: Iterable[str] | str = ("RU", "BY"),
    max_usd_per_t: float = 100.0,
    step_usd_per_t: float = 5.0,
    progress: ProgressCallback | None = None,
) -> PremiumCurve:
    """The stochastic equilibrium of a scenario along a ladder of risk premiums on some countries.

    Parameters
    ----------
    scenario
        A scenario file (YAML), a built-in scenario's name or a :class:`~corridor.scenarios.ScenarioSpec`
        (default the 2021 baseline); its engine is run as ``method: sue``.
    countries
        Where the premium is charged, once per shipment whose route touches one of them.
    max_usd_per_t, step_usd_per_t
        The premiums ``0, step ... max``, USD per tonne.
    progress
        Called with a :class:`Progress` after each premium.

    Returns
    -------
    PremiumCurve
        ``.to_dict()`` (steps, elasticities, capacities in the order they bind, shares by gateway and
        corridor), ``.to_frame()`` one row per premium, ``.write_report(path)``.

    Examples
    --------
    Three premiums on transit through Russia and Belarus, 0, 10 and 20 USD per tonne: the
    Trans-Caspian route (TITR) gains tonnes as the premium grows.

    >>> import corridor
    >>> curve = corridor.premium_curve(max_usd_per_t=20, step_usd_per_t=10)
    >>> frame = curve.to_frame()
    >>> frame["premium_usd_per_t"].tolist()
    [0.0, 10.0, 20.0]
    >>> bool(frame["titr_t"].is_monotonic_increasing)
    True
    """
    from corridor.scenarios.premium import premium_curve as run_curve

    spec = _scenario(scenario, "scenario")
    tick = None
    if progress is not None:
        def tick(p: Any) -> None:
            progress(Progress("premiums", p.done, p.total, f"{p.premium_usd_per_t:g} USD/t"))
    return PremiumCurve(run_curve(spec, countries=countries, max_usd_per_t=max_usd_per_t,
                                  step_usd_per_t=step_usd_per_t, progress=tick))


# -- the hub ----------------------------------------------------------------------------------------


def simulate_hub(
    config: HubConfig | str | os.PathLike[str] = "aktau-hub",
    *,
    days: int = 365,
    warmup_days: int = 14,
    replications: int = 5,
    seed: int = 0,
    workers: int = 1,
    scheduler: str | None = None,
    engine: Literal["kernel", "simpy"] = "kernel",
    store: RunStore | str | os.PathLike[str] | None = None,
    progress: ProgressCallback | None = None,
) -> HubSimulation:
    """Simulate the container hub over seeded replications: waits, utilisation, yard, dwell, with 95 % CIs.

    Parameters
    ----------
    config
        A hub config file (YAML), a built-in config's name (``"aktau-hub"``, the 240,000 TEU/yr
        design), or a :class:`~corridor.hub.HubConfig`.
    days, warmup_days
        Days measured, after days simulated and discarded.
    replications, seed
        Independent runs; run ``i`` draws from child ``i`` of ``SeedSequence(seed)``.
    workers, scheduler
        Local worker processes, or a Dask scheduler address.
    engine
        Pure queues only: ``kernel`` (compiled) or ``simpy`` (the reference).
    store
        A run store (or its path) to record the run in (kind ``hub``).
    progress
        Called with a :class:`Progress` after each replication.

    Returns
    -------
    HubSimulation
        ``.to_frame()`` one row per KPI, ``.result.kpis``, ``.write_report(path)``.

    Examples
    --------
    >>> import corridor
    >>> sim = corridor.simulate_hub(days=30, replications=2, seed=1)
    >>> sim.result.kpis["throughput_teu"].mean > 0
    True
    """
    from corridor.hub import HubConfig, load_config
    from corridor.hub import simulate as run

    cfg = config if isinstance(config, HubConfig) else load_config(os.fspath(config))
    tick = None
    if progress is not None:
        def tick(done: int, total: int) -> None:
            progress(Progress("replications", done, total))
    result = run(cfg, days=days, warmup_days=warmup_days, replications=replications, seed=seed, workers=workers,
                 scheduler=scheduler, engine=engine, progress=tick)
    rs = _store(store)
    run_id = ""
    if rs is not None:
        from corridor.scenarios.hub_runs import record_hub_run

        run_id = record_hub_run(rs, result)
    return HubSimulation(result, run_id)


def calibrate(
    dataset: str | os.PathLike[str] = "eurasia",
    *,
    year: int | None = 2021,
    fit: Sequence[str] | None = None,
    profile: bool = True,
    max_evaluations: int = 60,
    progress: ProgressCallback | None = None,
) -> Calibration:
    """Calibrate the shippers' choice (stochastic equilibrium) on the dataset's base-year targets.

    Fits the logit scale, corridor constants … (``fit``) by weighted least squares on the log ratio
    of model to observed for every target of the dataset's ``targets.csv`` marked ``fit``; see
    :mod:`corridor.scenarios.calibrate` for the objective, the method and the standard errors.

    Parameters
    ----------
    dataset
        A built-in dataset name or a dataset folder with ``targets.csv``.
    year
        The base year the targets describe.
    fit
        Parameters to fit (default :data:`corridor.scenarios.calibrate.DEFAULT_FIT`).
    profile
        Also profile each fitted parameter (a few more equilibria).
    max_evaluations
        Most equilibria the search may run.
    progress
        Called with a :class:`Progress` after each equilibrium (stage ``"calibrating"``).

    Returns
    -------
    Calibration
        Targets against the model (``to_frame()``), parameters with standard errors (``parameters()``).

    Raises
    ------
    InputError
        No target to fit, more parameters than targets, an unknown parameter, or a bad dataset.

    Examples
    --------
    A quick fit of the logit scale alone, with few equilibria and no profiles (the defaults fit
    more and take longer):

    >>> import corridor
    >>> cal = corridor.calibrate(fit=["theta"], profile=False, max_evaluations=4)
    >>> bool(cal.parameters().set_index("name").loc["theta", "value"] > 0)
    True
    >>> list(cal.to_frame().columns[:4])
    ['name', 'measure', 'observed', 'model']
    """
    from corridor.scenarios.calibrate import DEFAULT_FIT
    from corridor.scenarios.calibrate import calibrate as fit_choice

    if max_evaluations < 1:
        raise _arg("max_evaluations", f"must be at least 1, got {max_evaluations!r}")

    def tick(n: int, best: float) -> None:
        if progress is not None:
            progress(Progress("calibrating", float(n), None, f"objective {best:.4g}"))

    res = fit_choice(str(dataset), year, fit=tuple(fit) if fit is not None else DEFAULT_FIT, profile=profile,
                     max_evaluations=max_evaluations, progress=tick)
    return Calibration(res)


# -- shipment logs ----------------------------------------------------------------------------------


def read_log(path: str | os.PathLike[str], *, network: Dataset | Network | None = None) -> ShipmentLog:
    """Read and validate a shipment log (``.csv`` or ``.parquet``; format in ``docs/ANALYTICS.md``).

    Parameters
    ----------
    path
        The log file.
    network
        When given, every node id of the log must be one of its nodes.

    Returns
    -------
    ShipmentLog
        The validated events (``.frame``), sorted by shipment and time.

    Raises
    ------
    InputError
        Every problem of the file (up to 200), each with file, line and column.

    Examples
    --------
    A synthetic log of six trips written to a temporary file, then read back and checked against
    the network:

    >>> import tempfile, pathlib
    >>> import corridor
    >>> from corridor.analytics import synthesize
    >>> ds = corridor.load()
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "shipments.csv"
    >>> synthesize(ds.network, shipments=6, seed=1).to_csv(path, index=False)
    >>> log = corridor.read_log(path, network=ds)
    >>> log.frame["shipment"].nunique()
    6
    """
    from corridor.analytics import read_shipment_log

    return read_shipment_log(Path(path), None if network is None else _network(network))


def _log(log_or_path: ShipmentLog | str | os.PathLike[str], network: Dataset | Network | None) -> ShipmentLog:
    from corridor.analytics import ShipmentLog

    if isinstance(log_or_path, ShipmentLog):
        return log_or_path
    if isinstance(log_or_path, str | os.PathLike):
        return read_log(log_or_path, network=network)
    raise _arg("log", f"expected a ShipmentLog (from corridor.read_log) or a path, got {type(log_or_path).__name__}")


def cpmm(log_or_path: ShipmentLog | str | os.PathLike[str], *,
         network: Dataset | Network | None = None) -> CorridorPerformance:
    """CAREC CPMM indicators of a shipment log: TFI1/TFI2 per border crossing, SWD/SWOD/TFI3 per trip.

    Parameters
    ----------
    log_or_path
        A log from :func:`read_log`, or its file.
    network
        Check the file's node ids against this network (when a path is given).

    Returns
    -------
    CorridorPerformance
        ``.to_frame()`` one row per trip, ``.crossings``, ``.result.border("bcp")``,
        ``.write_report(path)`` (with the time/cost–distance chart of each section).

    Raises
    ------
    InputError
        A bad log file.

    Examples
    --------
    The indicators of a synthetic log of six trips (:func:`corridor.analytics.synthesize`; a real log
    comes from :func:`read_log`):

    >>> import corridor
    >>> from corridor.analytics import shipment_log, synthesize
    >>> ds = corridor.load()
    >>> log = shipment_log(synthesize(ds.network, shipments=6, seed=1), network=ds.network)
    >>> perf = corridor.cpmm(log)
    >>> len(perf.to_frame()), perf.synthetic
    (6, True)
    >>> list(perf.to_frame().columns[-4:])
    ['swd_kmh', 'swod_kmh', 'delay_share', 'tfi3_usd']
    """
    from corridor.analytics import cpmm as indicators

    log = _log(log_or_path, network)
    return CorridorPerformance(indicators(log), log)


def tcd(log_or_path: ShipmentLog | str | os.PathLike[str], *, by: Sequence[str] = ("section",),
        network: Dataset | Network | None = None) -> TimeCostDistance:
    """UNESCAP time/cost–distance points of a shipment log, per trip and per corridor (median, p10–p90).

    Parameters
    ----------
    log_or_path
        A log from :func:`read_log`, or its file.
    by
        Group the corridors by these trip columns: ``section`` (origin → destination), ``mode``,
        ``direction``, ``commodity``, ``month``.
    network
        Check the file's node ids against this network (when a path is given).

    Returns
    -------
    TimeCostDistance
        ``.points`` (per trip), ``.corridors`` (per group), ``.write_report(path)``.

    Raises
    ------
    InputError
        A bad log file, or an unknown grouping column.

    Examples
    --------
    The time/cost–distance points of a synthetic log of six trips, grouped by section:

    >>> import corridor
    >>> from corridor.analytics import shipment_log, synthesize
    >>> ds = corridor.load()
    >>> log = shipment_log(synthesize(ds.network, shipments=6, seed=1), network=ds.network)
    >>> t = corridor.tcd(log)
    >>> t.to_frame()["shipment"].nunique()
    6
    >>> {"distance_km", "elapsed_h", "cumulative_usd"} <= set(t.to_frame().columns)
    True
    """
    from corridor.analytics import tcd as tcd_points

    if isinstance(by, str):
        by = (by,)
    return TimeCostDistance(tcd_points(_log(log_or_path, network), by=tuple(by)))
