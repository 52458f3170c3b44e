"""The premium curve: how shippers leave the Northern route as a risk premium on Russia rises.

:func:`premium_curve` runs the stochastic user equilibrium (:mod:`corridor.assignment.sue`) of a
scenario at a ladder of premiums — USD per tonne, charged once per shipment whose route touches one
of ``countries`` (default Russia and Belarus), as a ``set_risk`` change added after the scenario's
own — and records at each step the Trans-Caspian volume (``titr_t``, ``titr_teu``), the tonnes whose
route touches Russia (``russia_t``), tonnes by corridor and by export gateway, demand served and
the capacities that bind (a positive capacity price). From the steps it derives

- the **elasticity** of Trans-Caspian tonnes to the premium over each step: the arc elasticity
  ``Δ ln titr_t / Δ ln premium`` (undefined from a premium of 0), the semi-elasticity
  ``Δ ln titr_t / Δ premium`` (relative change per USD/t) and the slope ``Δ titr_t / Δ premium``
  (tonnes per USD/t);
- **which capacities bind first**: for each capacity that binds at some step, the first premium at
  which it binds, its price there and at the top of the ladder, and the premium at which it stops
  binding if it does.

The model is built once: a risk premium per shipment changes no capacity, tariff or demand, so the
same :class:`~corridor.assignment.lp.FreightLP` (with value of time 0, as the equilibrium wants it)
serves every step. A scenario whose engine is not ``sue`` is run with ``method: sue`` (its value
of time is dropped: the equilibrium prices time per shipper segment).

Every step is solved from scratch (its choice sets generated anew), so a step's result does not
depend on the steps before it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios.spec import Change, ScenarioSpec

if TYPE_CHECKING:
    from corridor.assignment.sue import SUEResult

__all__ = ["MAX_STEPS", "PremiumCurveResult", "PremiumProgress", "PremiumStep", "premium_curve", "premium_ladder"]

MAX_STEPS = 1000
"""The most premiums one curve may ask for."""
TIGHT_TOP = 8
"""How many of the most used capacities each step records."""
_PRICE_TOL = 1e-9  # a capacity price above this binds (as the equilibrium reports prices)


@dataclass(frozen=True)
class PremiumProgress:
    r"""What the ``progress`` callback receives after each step.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> from corridor.scenarios.premium import premium_curve
    >>> seen = []
    >>> _ = premium_curve(spec, premiums=[0.0, 50.0], progress=seen.append)
    >>> [(p.done, p.total, p.premium_usd_per_t) for p in seen]
    [(1, 2, 0.0), (2, 2, 50.0)]
    """

    done: int
    total: int
    premium_usd_per_t: float
    elapsed: float


@dataclass(frozen=True)
class PremiumStep:
    r"""The equilibrium at one premium.

    Attributes
    ----------
    premium_usd_per_t
        The premium added per shipment touching the countries.
    titr_t, titr_teu, russia_t, russia_teu, served_t, unserved_t
        The physical measures of :mod:`corridor.assignment.measures` (per year).
    by_corridor
        ``{corridor: tonnes}`` of the routes the corridor rule assigns to each corridor.
    by_gateway
        ``{gateway node: tonnes}`` of Kazakh exports by export gateway.
    binding
        The capacities with a positive price, highest first: ``capacity`` (``kind:id``), ``kind``,
        ``id``, ``from``, ``to``, ``unit``, ``usd_per_unit``.
    converged, gap, iterations
        Of the equilibrium.
    revisits
        Routes with positive tonnes whose country list repeats a country (should be 0).
    tight
        The most used capacities (utilisation = flow / capacity), highest first, at most
        :data:`TIGHT_TOP`: ``capacity``, ``kind``, ``id``, ``from``, ``to``, ``unit``, ``utilisation``.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> from corridor.scenarios.premium import premium_curve
    >>> curve = premium_curve(spec, premiums=[0.0, 50.0])
    >>> step = curve.steps[1]
    >>> step.premium_usd_per_t, step.unserved_t, sorted(step.by_corridor)[:3]
    (50.0, 0.0, ['maritime', 'northern', 'other'])
    """

    premium_usd_per_t: float
    titr_t: float
    titr_teu: float
    russia_t: float
    russia_teu: float
    served_t: float
    unserved_t: float
    by_corridor: dict[str, float]
    by_gateway: dict[str, float]
    binding: tuple[dict[str, Any], ...]
    converged: bool
    gap: float
    iterations: int
    revisits: int = 0
    tight: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        out = dataclasses.asdict(self)
        out["binding"] = [dict(b) for b in self.binding]
        out["tight"] = [dict(b) for b in self.tight]
        return out


@dataclass(frozen=True, eq=False)
class PremiumCurveResult:
    r"""The equilibria along a ladder of premiums, and what follows from them.

    Attributes
    ----------
    scenario
        The scenario's name.
    countries
        The countries the premium is charged on.
    steps
        One :class:`PremiumStep` per premium, in increasing order.
    elasticity
        One record per step after the first (the interval from the previous premium):
        ``from_usd_per_t``, ``to_usd_per_t``, ``titr_from_t``, ``titr_to_t``, ``elasticity``
        (``Δ ln titr_t / Δ ln premium``; None from a premium of 0 or where titr_t is 0),
        ``semi_elasticity_per_usd`` (``Δ ln titr_t / Δ premium``), ``slope_t_per_usd``
        (``Δ titr_t / Δ premium``) and ``russia_slope_t_per_usd``.
    first_binding
        One record per capacity that binds at some step, the first to bind first: ``capacity``,
        ``kind``, ``id``, ``from``, ``to``, ``unit``, ``first_binds_usd_per_t``, ``price_at_first``,
        ``price_at_max`` (0 if it no longer binds there), ``released_usd_per_t`` (the first premium at
        which it no longer binds after having bound, or None), ``steps_binding``.
    next_to_bind
        The capacities that do not bind at the top premium but are the most used there, most used
        first: ``capacity``, ``kind``, ``id``, ``from``, ``to``, ``unit``, ``utilisation_at_first``
        (None if it was not among the most used at the first premium), ``utilisation_at_max``.
    engine
        The equilibrium's settings: ``method``, ``gap``, ``note`` (how the scenario's engine was changed).
    elapsed_s
        Wall time.
    routes
        The routes of each step (:attr:`SUEResult.routes <corridor.assignment.sue.SUEResult.routes>`),
        only when asked for (``keep_routes``).

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> from corridor.scenarios.premium import premium_curve
    >>> curve = premium_curve(spec, premiums=[0.0, 50.0])
    >>> d = curve.to_dict()
    >>> d["countries"], d["premiums_usd_per_t"]
    (['RU', 'BY'], [0.0, 50.0])
    >>> round(d["elasticity"][0]["slope_t_per_usd"])  # tonnes per year onto the Trans-Caspian route per USD/t
    29200
    """

    scenario: str
    countries: tuple[str, ...]
    steps: tuple[PremiumStep, ...]
    elasticity: tuple[dict[str, Any], ...]
    first_binding: tuple[dict[str, Any], ...]
    engine: dict[str, Any]
    elapsed_s: float = 0.0
    next_to_bind: tuple[dict[str, Any], ...] = ()
    routes: tuple[tuple[dict[str, Any], ...], ...] = field(default=(), repr=False)

    @property
    def premiums(self) -> list[float]:
        """The premiums of the steps."""
        return [s.premium_usd_per_t for s in self.steps]

    def to_dict(self) -> dict[str, Any]:
        """Plain values (see docs of ``corridor scenario premium --json``)."""
        return {
            "scenario": self.scenario,
            "countries": list(self.countries),
            "premiums_usd_per_t": self.premiums,
            "steps": [s.to_dict() for s in self.steps],
            "elasticity": [dict(e) for e in self.elasticity],
            "first_binding": [dict(b) for b in self.first_binding],
            "next_to_bind": [dict(b) for b in self.next_to_bind],
            "gateway_shares": gateway_shares(self.steps),
            "corridor_shares": corridor_shares(self.steps),
            "engine": dict(self.engine),
            "elapsed_s": self.elapsed_s,
        }


def premium_ladder(max_usd_per_t: float = 100.0, step_usd_per_t: float = 5.0) -> list[float]:
    """``0, step, 2·step ... max`` (``max`` included even when it is not a multiple of ``step``).

    Raises
    ------
    InputError
        A negative or non-finite maximum, a step that is not positive, or more than :data:`MAX_STEPS` steps.

    Examples
    --------
    >>> premium_ladder(20.0, 10.0)
    [0.0, 10.0, 20.0]
    """
    problems = []
    for name, v, low_ok in (("--max", max_usd_per_t, True), ("--step", step_usd_per_t, False)):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0 or (
                v == 0 and not low_ok):
            problems.append(Problem(name, name.lstrip("-"), f"must be a finite number {'>=' if low_ok else '>'} 0 "
                                    f"(USD per tonne), got {v!r}"))
    if problems:
        raise InputError(problems)
    n = math.floor(max_usd_per_t / step_usd_per_t + 1e-9)
    if n + 1 > MAX_STEPS:
        raise InputError(Problem("--step", "step", f"gives {n + 1} premiums from 0 to {max_usd_per_t:g}; at most "
                                 f"{MAX_STEPS}: take a larger step"))
    out = [round(i * step_usd_per_t, 9) for i in range(n + 1)]
    if max_usd_per_t - out[-1] > 1e-9 * max(1.0, max_usd_per_t):
        out.append(float(max_usd_per_t))
    return out


def _sue_spec(spec: ScenarioSpec) -> tuple[ScenarioSpec, str]:
    """The scenario with ``engine.method: sue``, and a note of what changed."""
    eng = dict(spec.engine)
    where = spec.path or spec.name
    if eng.get("slices"):
        raise InputError(Problem(where, "engine.slices", "the premium curve runs the stochastic equilibrium "
                                 "over the year; drop engine.slices"))
    if eng.get("hub_delay") not in (None, "none"):
        raise InputError(Problem(where, "engine.hub_delay", "the premium curve runs the stochastic equilibrium, "
                                 "which has no simulated hub delay; drop engine.hub_delay"))
    note = ""
    if eng.get("method") != "sue":
        note = (f"engine.method {eng.get('method', 'lp')!r} replaced by 'sue'"
                + (" (value_of_time dropped: the equilibrium prices time per shipper segment)"
                   if eng.get("value_of_time") is not None else ""))
        eng["method"] = "sue"
        eng.pop("value_of_time", None)
        eng.pop("max_iter", None)
    return dataclasses.replace(spec, engine=eng), note


def _countries(countries: Iterable[str] | str) -> tuple[str, ...]:
    items = countries.split(",") if isinstance(countries, str) else list(countries)
    out = tuple(dict.fromkeys(str(c).strip().upper() for c in items if str(c).strip()))
    if not out:
        raise InputError(Problem("--countries", "countries", "name at least one country (e.g. RU,BY)"))
    return out


def _with_premium(spec: ScenarioSpec, countries: tuple[str, ...], premium: float) -> ScenarioSpec:
    ch = Change("set_risk", {"countries": list(countries), "premium_usd_per_t": float(premium)},
                note="premium curve", where="--countries")
    return dataclasses.replace(spec, changes=(*spec.changes, ch))


def premium_curve(
    spec: ScenarioSpec,
    *,
    countries: Iterable[str] | str = ("RU", "BY"),
    max_usd_per_t: float = 100.0,
    step_usd_per_t: float = 5.0,
    premiums: Sequence[float] | None = None,
    keep_routes: bool = False,
    progress: Callable[[PremiumProgress], None] | None = None,
) -> PremiumCurveResult:
    r"""Run the stochastic equilibrium of ``spec`` at each premium of a ladder.

    Parameters
    ----------
    spec
        The scenario (its changes apply first; uncertain parameters at their nominal values).
    countries
        Where the premium is charged: codes, or one string ``"RU,BY"``.
    max_usd_per_t, step_usd_per_t
        The ladder ``0, step ... max`` (:func:`premium_ladder`), unless ``premiums`` is given.
    premiums
        The premiums to run instead (any order; run and reported in increasing order).
    keep_routes
        Keep the routes of every step (:attr:`PremiumCurveResult.routes`).
    progress
        Called after each step.

    Raises
    ------
    InputError
        Bad countries (unknown to the network), ladder, scenario or engine options; naming the field.

    Examples
    --------
    Two steps of the built-in 2021 base solved with the LP (the system view; shipped scenarios use the
    stochastic equilibrium):

    >>> from corridor.scenarios import scenario_from_text
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> curve = premium_curve(spec, premiums=[0.0, 50.0])
    >>> [(s.premium_usd_per_t, round(s.russia_t / 1e6, 1), round(s.titr_t / 1e6, 2)) for s in curve.steps]
    [(0.0, 136.0, 0.59), (50.0, 131.8, 2.05)]

    With 50 USD/t on every shipment through Russia or Belarus, some 4 Mt/yr leave Russia and the
    Trans-Caspian route carries about 1.5 Mt/yr more (model figures on the built-in data).
    """
    from corridor.assignment.sue import SUEOptions, stochastic_equilibrium
    from corridor.exceptions import ConvergenceWarning
    from corridor.scenarios.changes import apply_changes
    from corridor.scenarios.choice_data import choice_for
    from corridor.scenarios.run import base_demand, base_of, build_model

    start = time.perf_counter()
    codes = _countries(countries)
    if premiums is None:
        ladder = premium_ladder(max_usd_per_t, step_usd_per_t)
    else:
        ladder = sorted({float(p) for p in premiums})
        bad = [p for p in ladder if not math.isfinite(p) or p < 0]
        if not ladder or bad or len(ladder) > MAX_STEPS:
            raise InputError(Problem("premiums", "premiums", f"give 1 to {MAX_STEPS} finite premiums >= 0 "
                                     f"(USD per tonne){f', not {bad[0]!r}' if bad else ''}"))
    run_spec, note = _sue_spec(spec)
    ds = base_of(run_spec)
    demand = base_demand(run_spec, ds)
    values = run_spec.nominal()
    first = apply_changes(_with_premium(run_spec, codes, ladder[0]), ds.network, demand, values)
    network, lp = build_model(run_spec, first)
    kw = lp.options
    choice = choice_for(dict(network.meta))
    gap = float(run_spec.engine.get("gap", 1e-4))
    steps: list[PremiumStep] = []
    routes: list[tuple[dict[str, Any], ...]] = []
    for i, premium in enumerate(ladder):
        applied = first if i == 0 else apply_changes(_with_premium(run_spec, codes, premium), ds.network, demand,
                                                     values)
        opts = SUEOptions(choice=choice, risk=applied.risk, gap=gap, carbon_price=kw["carbon_price"],
                          risk_price=kw["risk_price"], unserved_penalty_usd_per_t=kw["unserved_penalty_usd_per_t"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = stochastic_equilibrium(network, applied.demand, opts, lp=lp)
        steps.append(_step(premium, res))
        if keep_routes:
            routes.append(tuple(res.routes))
        if progress is not None:
            progress(PremiumProgress(i + 1, len(ladder), premium, time.perf_counter() - start))
    engine = {"method": "sue", "gap": gap, "note": note, "choice": choice.to_dict()}
    return PremiumCurveResult(run_spec.name, codes, tuple(steps), tuple(elasticities(steps)),
                              tuple(first_binding(steps)), engine, time.perf_counter() - start,
                              next_to_bind=tuple(next_to_bind(steps)), routes=tuple(routes))


def _step(premium: float, res: SUEResult) -> PremiumStep:
    m = res.flows.measures
    binding = tuple({"capacity": f"{p['kind']}:{p['id']}", "kind": p["kind"], "id": p["id"], "from": p.get("from"),
                     "to": p.get("to"), "unit": p.get("unit"), "usd_per_unit": float(p["usd_per_unit"])}
                    for p in res.prices if float(p["usd_per_unit"]) > _PRICE_TOL)
    revisits = sum(1 for r in res.routes if r["tonnes"] > 0 and len(set(r["countries"])) != len(r["countries"]))
    used = sorted((c for c in res.flows.capacities if c.get("utilisation") is not None and c["utilisation"] > 0),
                  key=lambda c: (-float(c["utilisation"]), str(c["kind"]), str(c["id"])))[:TIGHT_TOP]
    tight = tuple({"capacity": f"{c['kind']}:{c['id']}", "kind": c["kind"], "id": c["id"], "from": c.get("from"),
                   "to": c.get("to"), "unit": c.get("unit"), "utilisation": float(c["utilisation"])} for c in used)
    return PremiumStep(
        premium_usd_per_t=float(premium), titr_t=float(m["titr_t"]), titr_teu=float(m["titr_teu"]),
        russia_t=float(m["russia_t"]), russia_teu=float(m.get("russia_teu", 0.0)), served_t=float(m["served_t"]),
        unserved_t=float(res.flows.unserved_t),
        by_corridor={r["corridor"]: float(r["tonnes"]) for r in m.get("by_corridor", ())},
        by_gateway={r["node"]: float(r["tonnes"]) for r in m.get("by_gateway", ())},
        binding=binding, converged=bool(res.converged), gap=float(res.gap), iterations=int(res.iterations),
        revisits=revisits, tight=tight)


def elasticities(steps: Sequence[PremiumStep]) -> list[dict[str, Any]]:
    """The elasticity records of consecutive steps (see :attr:`PremiumCurveResult.elasticity`)."""
    out = []
    for a, b in itertools.pairwise(steps):
        dp = b.premium_usd_per_t - a.premium_usd_per_t
        positive = a.titr_t > 0 and b.titr_t > 0
        dln = math.log(b.titr_t / a.titr_t) if positive else None
        el = dln / math.log(b.premium_usd_per_t / a.premium_usd_per_t) if (
            dln is not None and a.premium_usd_per_t > 0) else None
        out.append({"from_usd_per_t": a.premium_usd_per_t, "to_usd_per_t": b.premium_usd_per_t,
                    "titr_from_t": a.titr_t, "titr_to_t": b.titr_t, "elasticity": el,
                    "semi_elasticity_per_usd": None if dln is None else dln / dp,
                    "slope_t_per_usd": (b.titr_t - a.titr_t) / dp,
                    "russia_slope_t_per_usd": (b.russia_t - a.russia_t) / dp})
    return out


def first_binding(steps: Sequence[PremiumStep]) -> list[dict[str, Any]]:
    """Each capacity that binds at some step, in the order they start to bind (see :class:`PremiumCurveResult`)."""
    recs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for s in steps:
        here = {(b["kind"], b["id"], b["from"], b["to"]): b for b in s.binding}
        for key, b in here.items():
            rec = recs.get(key)
            if rec is None:
                recs[key] = {"capacity": b["capacity"], "kind": b["kind"], "id": b["id"], "from": b["from"],
                             "to": b["to"], "unit": b["unit"], "first_binds_usd_per_t": s.premium_usd_per_t,
                             "price_at_first": b["usd_per_unit"], "price_at_max": 0.0, "released_usd_per_t": None,
                             "steps_binding": 0}
                rec = recs[key]
            rec["steps_binding"] += 1
        for key, rec in recs.items():
            if key not in here and rec["released_usd_per_t"] is None:
                rec["released_usd_per_t"] = s.premium_usd_per_t
    if steps:
        for key, b in {(b["kind"], b["id"], b["from"], b["to"]): b for b in steps[-1].binding}.items():
            recs[key]["price_at_max"] = b["usd_per_unit"]
    return sorted(recs.values(), key=lambda r: (r["first_binds_usd_per_t"], -r["price_at_first"], r["capacity"]))


def next_to_bind(steps: Sequence[PremiumStep], top: int = 5) -> list[dict[str, Any]]:
    """The most used capacities at the top premium that do not bind there (see :class:`PremiumCurveResult`)."""
    if not steps:
        return []

    def key(b: Mapping[str, Any]) -> tuple[Any, ...]:
        return b["kind"], b["id"], b["from"], b["to"]

    last = steps[-1]
    binding = {key(b) for b in last.binding}
    first = {(*key(c), c["unit"]): c["utilisation"] for c in steps[0].tight}
    out = []
    for c in last.tight:
        if key(c) in binding or c["utilisation"] >= 1.0 - 1e-6:
            continue
        out.append({"capacity": c["capacity"], "kind": c["kind"], "id": c["id"], "from": c["from"], "to": c["to"],
                    "unit": c["unit"], "utilisation_at_first": first.get((*key(c), c["unit"])),
                    "utilisation_at_max": c["utilisation"]})
    return out[:top]


def _shares(steps: Sequence[PremiumStep], attr: str, key: str) -> list[dict[str, Any]]:
    out = []
    for s in steps:
        by: dict[str, float] = getattr(s, attr)
        total = sum(by.values())
        out.append({"premium_usd_per_t": s.premium_usd_per_t, "total_t": total,
                    key: {k: {"tonnes": v, "share": v / total if total > 0 else None} for k, v in by.items()}})
    return out


def gateway_shares(steps: Sequence[PremiumStep]) -> list[dict[str, Any]]:
    """Per step: Kazakh exports by export gateway, tonnes and share of their total."""
    return _shares(steps, "by_gateway", "gateways")


def corridor_shares(steps: Sequence[PremiumStep]) -> list[dict[str, Any]]:
    """Per step: tonnes by corridor and share of their total."""
    return _shares(steps, "by_corridor", "corridors")
