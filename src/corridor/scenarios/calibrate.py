"""Calibrating the shippers' choice on a base year's observations.

The stochastic equilibrium (:mod:`corridor.assignment.sue`) has a few behavioural parameters
(:class:`~corridor.model.choice.ChoiceParameters`) that no publication gives: the logit scale, the
spread of values of time, constants per route corridor. They are fitted to the published aggregates
of the base year that the dataset ships as targets (``targets.csv``, see
:mod:`corridor.scenarios.targets`), those marked ``fit``.

**Objective.** Weighted least squares on log ratios: each fitted target ``i`` contributes
``r_i = ln(model_i / observed_i) / sigma_i``, where ``sigma_i`` is the relative uncertainty its
status implies (:data:`SIGMA_BY_STATUS`: 10 % for a measured figure, 20 % for a derived one …);
the fit minimises ``Σ r_i²``. Log ratios make a 20 % miss on 25,200 TEU count as much as one on
53 Mt.

**Method.** Trust-region reflective least squares (:func:`scipy.optimize.least_squares`) within the
bounds of each parameter, with forward-difference derivatives. Each evaluation is one stochastic
equilibrium on the base network, on the same LP and the same choice sets (generated once at the
starting values and frozen, so that the objective is smooth in the parameters).

**Standard errors** come from the Jacobian at the optimum, ``cov = (JᵀJ)⁻¹`` — with the residuals
already divided by the observation uncertainties this is the usual asymptotic covariance of a
weighted least-squares estimate; a parameter the targets do not identify gets an infinite error.
The *profile* of each parameter (the objective at values around the optimum, the others held) is
reported beside it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.model.choice import CHOICE_PARAMETERS, ChoiceParameters, Parameter

if TYPE_CHECKING:
    from corridor.model.targets import Target

__all__ = ["DEFAULT_FIT", "SIGMA_BY_STATUS", "TOLERANCE", "Calibration", "calibrate"]

SIGMA_BY_STATUS: dict[str, float] = {
    "measured": 0.10, "official": 0.15, "official capacity": 0.15, "derived": 0.20, "calibrated": 0.25,
    "estimate": 0.25, "indicative": 0.30, "plan": 0.50, "assumption": 0.50,
}
"""Relative uncertainty of an observation by its status (an assumption of the method, stated here)."""

TOLERANCE = 0.20
"""A fitted target is met when the model lies within this share of the observation (issue 12: 20 %)."""

DEFAULT_FIT: tuple[str, ...] = ("theta", "constant:trans-caspian", "constant:trans-caspian/container")
"""The parameters fitted by default."""

_BOUNDS: dict[str, tuple[float, float]] = {"theta": (0.5, 200.0), "vot_median": (0.005, 5.0),
                                           "vot_sigma": (0.05, 3.0), "path_size": (0.0, 5.0),
                                           "reliability_ratio": (0.0, 5.0)}
_CONSTANT_BOUNDS = (-20.0, 20.0)
_UNITS = {"theta": "", "vot_median": "USD per t-h", "vot_sigma": "", "path_size": "", "reliability_ratio": "",
          "segments": ""}


@dataclass(frozen=True)
class Calibration:
    """The result of :func:`calibrate`.

    Attributes
    ----------
    targets
        One record per target: ``name``, ``measure``, ``observed``, ``model``, ``ratio``, ``unit``,
        ``source``, ``status``, ``fit`` (whether it was fitted), ``sigma``, ``within`` (fitted and
        within :data:`TOLERANCE`), ``note``.
    parameters
        Every choice parameter with its value; fitted ones with ``se`` and status ``calibrated``.
    objective
        ``Σ r_i²`` at the optimum (and at the start in ``start_objective``).
    profile
        Per fitted parameter: ``[(value, objective), …]`` around the optimum.

    Examples
    --------
    A quick fit of the logit scale alone on the built-in data (few equilibria, no profile):

    >>> cal = calibrate(fit=["theta"], profile=False, max_evaluations=4)
    >>> theta = next(p for p in cal.parameters if p.name == "theta")
    >>> theta.status, round(theta.value, 1), round(theta.se, 2)
    ('calibrated', 17.8, 0.23)
    >>> round(cal.choice.theta, 1)  # the parameters as the choice model takes them
    17.8
    >>> d = cal.to_dict()  # the ``corridor calibrate --json`` record
    >>> d["dataset"], d["year"], d["tolerance"], d["profile"]
    ('eurasia', 2021, 0.2, {})
    """

    targets: tuple[dict[str, Any], ...]
    parameters: tuple[Parameter, ...]
    objective: float
    start_objective: float
    evaluations: int
    seconds: float
    converged: bool
    message: str
    dataset: str
    year: int | None
    profile: Mapping[str, list[tuple[float, float]]] = field(default_factory=dict)

    @property
    def choice(self) -> ChoiceParameters:
        """The calibrated parameters."""
        return ChoiceParameters.from_parameters(list(self.parameters))

    def to_dict(self) -> dict[str, Any]:
        """Plain record (the ``corridor calibrate --json`` output)."""
        return {"dataset": self.dataset, "year": self.year, "method": METHOD,
                "objective": self.objective, "start_objective": self.start_objective,
                "evaluations": self.evaluations, "seconds": self.seconds, "converged": self.converged,
                "message": self.message, "tolerance": TOLERANCE, "targets": list(self.targets),
                "parameters": [{"name": p.name, "value": p.value, "se": p.se, "unit": p.unit, "status": p.status,
                                "method": p.method, "source": p.source, "note": p.note} for p in self.parameters],
                "profile": {k: [{"value": v, "objective": o} for v, o in pts] for k, pts in self.profile.items()}}


METHOD = ("weighted least squares on log(model/observed), sigma by status; scipy least_squares (trf); "
          "SE from (J'J)^-1 at the optimum")


def _sigma(t: Target) -> float:
    return SIGMA_BY_STATUS.get(t.status, 0.25)


def _fits(t: Target) -> bool:
    return bool(getattr(t, "fit", True))


def _bounds(name: str) -> tuple[float, float]:
    if name.startswith("constant:"):
        return _CONSTANT_BOUNDS
    if "/" in name and name.partition("/")[0] in _BOUNDS:  # a commodity's own vot_median/<commodity> ...
        return _BOUNDS[name.partition("/")[0]]
    if name not in _BOUNDS:
        known = ", ".join([*_BOUNDS, "constant:<corridor>", "vot_median/<commodity>"])
        raise InputError(Problem("calibrate", "fit", f"cannot fit {name!r}; fit one of {known}"))
    return _BOUNDS[name]


def _value(p: ChoiceParameters, name: str) -> float:
    if name.startswith("constant:"):
        return float(p.constants.get(name.split(":", 1)[1], 0.0))
    if "/" in name:
        base, _, commodity = name.partition("/")
        return p.value(base, commodity)
    return float(getattr(p, name))


class _Evaluator:
    """Runs the stochastic equilibrium of the base year at given parameter values and compares it with the targets."""

    def __init__(self, network: Any, demand: Any, targets: Sequence[Target], start: ChoiceParameters,
                 fit: Sequence[str], progress: Callable[[int, float], None] | None) -> None:
        from corridor.assignment.lp import FreightLP
        from corridor.assignment.sue import SUEOptions, stochastic_equilibrium

        self.network, self.demand, self.targets, self.start, self.fit = network, demand, targets, start, fit
        self.lp = FreightLP.build(network, demand, value_of_time=0.0)
        first = stochastic_equilibrium(network, demand, SUEOptions(choice=start), lp=self.lp)
        self.sets = first.choice_sets
        self.fitted = [t for t in targets if _fits(t)]
        self.countries = {n.id: n.country for n in network.nodes}
        self.sigma = np.asarray([_sigma(t) for t in self.fitted])
        self.progress = progress
        self.calls = 0
        self.best = math.inf
        self._options = SUEOptions

    def params(self, x: np.ndarray) -> ChoiceParameters:
        return self.start.with_values(dict(zip(self.fit, (float(v) for v in x), strict=True)))

    def run(self, params: ChoiceParameters) -> Any:
        from corridor.assignment.sue import stochastic_equilibrium

        return stochastic_equilibrium(self.network, self.demand,
                                      self._options(choice=params, column_generation=False), lp=self.lp,
                                      choice_sets=self.sets)

    def compare(self, res: Any) -> list[dict[str, Any]]:
        from corridor.scenarios.targets import compare_targets

        fl = res.flows
        return compare_targets(self.targets, fl.measures, fl.capacities, link_flows=fl.link_flows, od=fl.by_od,
                               countries=self.countries)

    def residuals(self, x: np.ndarray, /) -> np.ndarray:
        recs = {r["id"]: r for r in self.compare(self.run(self.params(x)))}
        model = np.asarray([recs[t.id]["model"] if recs[t.id]["model"] is not None else 0.0 for t in self.fitted])
        obs = np.asarray([t.observed for t in self.fitted])
        r = np.log(np.maximum(model, 1e-9 * obs) / obs) / self.sigma
        self.calls += 1
        self.best = min(self.best, float(r @ r))
        if self.progress is not None:
            self.progress(self.calls, self.best)
        return r


def calibrate(dataset: str = "eurasia", year: int | None = 2021, *, fit: Sequence[str] = DEFAULT_FIT,
              start: ChoiceParameters | None = None, targets: Sequence[Target] | None = None,
              profile: bool = True, max_evaluations: int = 80,
              progress: Callable[[int, float], None] | None = None) -> Calibration:
    """Fit the choice parameters ``fit`` to the dataset's targets marked ``fit`` (see the module docstring).

    Parameters
    ----------
    dataset, year
        The base data (a built-in name or a folder) and its year.
    fit
        Parameters to fit: ``theta``, ``vot_median``, ``vot_sigma``, ``path_size``,
        ``reliability_ratio``, ``constant:<corridor>`` (or ``constant:<corridor>/<commodity>``), and a
        commodity's own ``vot_median/<commodity>``, ``vot_sigma/<commodity>``, ``reliability_ratio/<commodity>``.
    start
        Starting values (default: the dataset's ``choice.csv``, else the defaults).
    targets
        Targets (default: the dataset's ``targets.csv``).
    profile
        Also profile each fitted parameter.
    max_evaluations
        Most equilibria the least-squares search may run.
    progress
        Called with ``(evaluations, best objective)`` after each evaluation.

    Raises
    ------
    InputError
        No fitted target, more parameters than fitted targets, or an unknown parameter.

    Examples
    --------
    A quick fit of the logit scale alone (few equilibria, no profiles; the defaults fit more and
    take longer):

    >>> cal = calibrate(fit=["theta"], profile=False, max_evaluations=4)
    >>> cal.converged, round(cal.choice.theta, 1)
    (True, 17.8)
    >>> round(cal.start_objective, 3), round(cal.objective, 3)  # Σ r² before and after
    (1.734, 1.702)
    >>> [(t["name"], t["within"]) for t in cal.targets if t["fit"]]  # the fitted targets, all within 20 %
    [('titr-tonnes', True), ('titr-teu', True), ('cpc-kz-crude', True), ('other-crude', True)]
    >>> try:
    ...     calibrate(fit=["speed"])
    ... except InputError as e:
    ...     print(str(e).split(";")[0])  # the message goes on to list what can be fitted
    calibrate: fit: cannot fit 'speed'
    """
    from scipy.optimize import least_squares

    from corridor import data
    from corridor.scenarios.choice_data import choice_for
    from corridor.scenarios.targets import load_targets

    t0 = time.perf_counter()
    ds = data.load(dataset, year=year)
    folder = data.path(dataset) if dataset in data.available() else dataset
    targets = tuple(load_targets(folder)) if targets is None else tuple(targets)
    fitted = [t for t in targets if _fits(t)]
    fit = list(dict.fromkeys(fit))
    for name in fit:
        _bounds(name)
    if not fitted:
        raise InputError(Problem(str(folder), "targets", "no target to fit (targets.csv with fit = true)"))
    if len(fit) > len(fitted):
        raise InputError(Problem("calibrate", "fit", f"{len(fit)} parameters but only {len(fitted)} targets to fit"))
    start = start or choice_for(dict(ds.network.meta))
    ev = _Evaluator(ds.network, ds.demand, targets, start, fit, progress)
    x0 = np.asarray([min(max(_value(start, n), _bounds(n)[0]), _bounds(n)[1]) for n in fit])
    r0 = ev.residuals(x0)
    lo = np.asarray([_bounds(n)[0] for n in fit])
    hi = np.asarray([_bounds(n)[1] for n in fit])
    sol = least_squares(ev.residuals, x0, bounds=(lo, hi), method="trf", diff_step=np.full(len(fit), 1e-4),
                        x_scale="jac",
                        max_nfev=max_evaluations, xtol=1e-6, ftol=1e-8)
    se = _standard_errors(np.asarray(sol.jac))
    best = ev.params(sol.x)
    final = ev.run(best)
    records = []
    for rec, t in zip(ev.compare(final), targets, strict=True):
        ratio = rec["ratio"]
        records.append({"name": t.id, "measure": t.measure, "observed": t.observed, "model": rec["model"],
                        "ratio": ratio, "unit": t.unit, "year": t.year, "source": t.source, "status": t.status,
                        "fit": _fits(t), "sigma": _sigma(t) if _fits(t) else None,
                        "within": bool(_fits(t) and ratio is not None and abs(ratio - 1) <= TOLERANCE),
                        "note": t.note})
    prof = {n: _profile(ev, sol.x, k) for k, n in enumerate(fit)} if profile else {}
    from corridor.scenarios.choice_data import choice_file, load_choice

    file = choice_file(str(ds.network.meta.get("path", "")))
    shipped = {p.name: p for p in load_choice(file)} if file is not None else {}
    params = _parameters(best, fit, sol.x, se, len(fitted), shipped)
    return Calibration(targets=tuple(records), parameters=tuple(params), objective=float(2 * sol.cost),
                       start_objective=float(r0 @ r0), evaluations=ev.calls, seconds=time.perf_counter() - t0,
                       converged=bool(sol.status > 0), message=str(sol.message), dataset=dataset, year=year,
                       profile=prof)


def _standard_errors(jac: np.ndarray) -> np.ndarray:
    """``sqrt(diag((JᵀJ)⁻¹))``; infinite for a direction the targets do not identify."""
    jtj = jac.T @ jac
    n = jtj.shape[0]
    out = np.full(n, math.inf)
    try:
        w, v = np.linalg.eigh(jtj)
    except np.linalg.LinAlgError:  # pragma: no cover - a symmetric matrix always decomposes
        return out
    if w.max(initial=0.0) <= 0:
        return out
    ok = w > w.max() * 1e-6
    inv = (v[:, ok] / w[ok]) @ v[:, ok].T
    diag = np.diag(inv).copy()
    # a parameter that loads on a direction the targets do not see is not identified (its error is infinite)
    weak = np.abs(v[:, ~ok]).max(axis=1) > 0.3 if (~ok).any() else np.zeros(n, dtype=bool)
    out = np.sqrt(np.maximum(diag, 0.0))
    out[weak] = math.inf
    return out


def _profile(ev: _Evaluator, x: np.ndarray, k: int) -> list[tuple[float, float]]:
    """The objective with parameter ``k`` moved around its optimum, the others held."""
    name = ev.fit[k]
    lo, hi = _bounds(name)
    steps = ([x[k] - 1.0, x[k] - 0.5, x[k], x[k] + 0.5, x[k] + 1.0] if name.startswith("constant:")
             else [x[k] * f for f in (0.5, 0.75, 1.0, 1.33, 2.0)])
    out = []
    for v in steps:
        if lo <= v <= hi:
            y = x.copy()
            y[k] = v
            r = ev.residuals(y)
            out.append((float(v), float(r @ r)))
    return out


_HELD: dict[str, tuple[str, str]] = {
    "path_size": ("assumption", "the usual weight of ln(path size) (Ben-Akiva and Bierlaire's path-size logit)"),
    "vot_median": ("calibrated", "the value of time of the deterministic freight equilibrium, taken as the "
                   "median: DEFAULT_VALUE_OF_TIME, calibrated by bisection as the smallest value at which the 2021 "
                   "baseline carries the 2021 China-Europe transit by rail (LOK22; corridor.assignment.freight_eq)"),
    "vot_sigma": ("assumption", "no published distribution of Kazakh shippers' value of time; a log-spread of 1 "
                  "puts the lowest and highest of three segments about 5 times apart"),
    "segments": ("assumption", "three equal segments of the value-of-time distribution (method choice)"),
    "reliability_ratio": ("assumption", "an hour of standard deviation of delay valued as an hour of time; "
                          "no published figure for this corridor"),
}
"""Status and note of the parameters a calibration holds at their defaults."""


def _parameters(best: ChoiceParameters, fit: Sequence[str], x: np.ndarray, se: np.ndarray,
                n_targets: int, shipped: Mapping[str, Parameter]) -> list[Parameter]:
    """Every parameter as shipped: fitted ones ``calibrated`` with their error, the others as they were."""
    fitted = dict(zip(fit, zip(x.tolist(), se.tolist(), strict=True), strict=True))
    method = f"fitted to {n_targets} targets of the base year: {METHOD}"
    out = []
    names = [*CHOICE_PARAMETERS, *sorted({f"constant:{c}" for c in best.constants} | {n for n in fit
                                                                                      if n.startswith("constant:")}),
             *sorted(set(best.by_commodity) | {n for n in fit if "/" in n and not n.startswith("constant:")})]
    for name in names:
        value = _value(best, name)
        if name in fitted:
            v, e = fitted[name]
            out.append(Parameter(name, float(v), None if not math.isfinite(e) else float(e),
                                 _UNITS.get(name, "utility"), "calibrated", method, "targets.csv",
                                 "" if math.isfinite(e) else "not identified by the targets (infinite error)"))
        elif name in shipped:
            out.append(shipped[name])
        else:
            status, note = _HELD.get(name, ("assumption", "held at its starting value"))
            method = "held, not fitted" + ("; bisection in the deterministic equilibrium" if status == "calibrated"
                                            else "")
            out.append(Parameter(name, float(value), None, _UNITS.get(name, "utility"), status, method,
                                 "LOK22" if status == "calibrated" else "", note))
    return out
