"""The hub's delay curve: mean time in hub against annual throughput, fitted to simulations.

Two forms are fitted by weighted least squares (weights 1 / CI half-width²) to the simulated
means, with x = throughput ÷ capacity:

- Davidson: t(x) = t0 (1 + J x / (1 − x)), fitting t0, J and the capacity C (the asymptote);
  beyond x = 0.95 it continues along its tangent so that it stays finite for the assignment;
- BPR: t(x) = t0 (1 + α x^β), with C the design capacity, fitting t0, α, β.

Selection (``form="auto"``): Davidson when it passes through the confidence interval of every
simulated point (it is the form the equilibrium assignment's transfer curves use, with a queueing
meaning and a closed-form Beckmann integral), else the form with the smaller weighted residual sum
of squares. Both fits are kept in :attr:`HubDelayCurve.fit`. The result is a :class:`HubDelayCurve`
that the scenarios layer reads with :func:`load_curve` without simulating.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize

from corridor.exceptions import InputError, Problem
from corridor.hub.config import HubConfig, config_path
from corridor.hub.kpis import Estimate
from corridor.hub.simulate import check_run, replicate_designs

__all__ = ["CurvePoint", "HubDelayCurve", "fit_curve", "fit_delay_curve", "load_curve"]

_X_LINEAR = 0.95


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """A simulated point: offered throughput, served throughput and time in hub with its CI.

    Examples
    --------
    >>> p = CurvePoint(240_000, 239_893.2, 107.1, 96.5, 117.7, replications=10)
    >>> p.to_dict()["ci"], p.to_dict()["replications"]
    ([96.5, 117.7], 10)
    """

    demand_teu_per_yr: float
    throughput_teu_per_yr: float
    time_in_hub_h: float
    ci_low: float
    ci_high: float
    replications: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record."""
        return {"demand_teu_per_yr": self.demand_teu_per_yr, "throughput_teu_per_yr": self.throughput_teu_per_yr,
                "time_in_hub_h": self.time_in_hub_h, "ci": [self.ci_low, self.ci_high],
                "replications": self.replications}


@dataclass(frozen=True, slots=True)
class HubDelayCurve:
    """A volume-delay function for the hub node: hours in the hub against TEU per year.

    Parameters
    ----------
    name
        Config name (``"aktau-hub"``).
    form
        ``"davidson"`` or ``"bpr"``.
    t0_h
        Time in hub at zero throughput (h).
    capacity_teu_per_yr
        C in x = throughput ÷ C (the fitted asymptote for Davidson, the design capacity for BPR).
    parameters
        ``{"J": ...}`` (Davidson) or ``{"alpha": ..., "beta": ...}`` (BPR).
    points
        The simulated points the curve was fitted to.
    source, method
        Where the points come from (config, seed, replications) and how the curve was fitted.

    Examples
    --------
    The curve shipped for the Aktau hub (fitted to simulated points; see docs/HUB.md):

    >>> curve = load_curve("aktau-hub")
    >>> curve.form, round(curve.t0_h, 1), len(curve.points)
    ('davidson', 79.9, 7)
    >>> [round(curve.evaluate(teu), 1) for teu in (0, 120_000, 240_000)]
    [79.9, 82.9, 101.9]
    >>> HubDelayCurve.from_dict(curve.to_dict()) == curve
    True
    """

    name: str
    form: str
    t0_h: float
    capacity_teu_per_yr: float
    parameters: Mapping[str, float]
    points: tuple[CurvePoint, ...] = ()
    source: str = ""
    method: str = ""
    fit: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.form not in ("davidson", "bpr"):
            raise ValueError(f"form must be 'davidson' or 'bpr', not {self.form!r}")
        if not (self.t0_h > 0 and self.capacity_teu_per_yr > 0):
            raise ValueError("t0_h and capacity_teu_per_yr must be > 0")

    @property
    def j(self) -> float:
        """Davidson's J (Davidson curves only; see :attr:`form`)."""
        if self.form != "davidson":
            raise ValueError(f"a {self.form} curve has no Davidson J; fit with form='davidson'")
        return float(self.parameters["J"])

    @property
    def mu(self) -> float:
        """Where a Davidson curve turns linear (x = 0.95)."""
        return _X_LINEAR

    def evaluate(self, throughput_teu_per_yr: float) -> float:
        """Mean hours in the hub at an annual throughput (TEU/yr ≥ 0)."""
        return float(_shape(self.form, np.asarray([throughput_teu_per_yr / self.capacity_teu_per_yr], dtype=float),
                            self.t0_h, self.parameters)[0])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :meth:`from_dict` reads it back."""
        return {"name": self.name, "form": self.form, "t0_h": self.t0_h,
                "capacity_teu_per_yr": self.capacity_teu_per_yr, "parameters": dict(self.parameters),
                "points": [p.to_dict() for p in self.points], "source": self.source, "method": self.method,
                "fit": dict(self.fit)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HubDelayCurve:
        """Inverse of :meth:`to_dict`."""
        pts = tuple(CurvePoint(p["demand_teu_per_yr"], p["throughput_teu_per_yr"], p["time_in_hub_h"],
                               p["ci"][0], p["ci"][1], p["replications"]) for p in d.get("points", []))
        return cls(d["name"], d["form"], float(d["t0_h"]), float(d["capacity_teu_per_yr"]),
                   {k: float(v) for k, v in d["parameters"].items()}, pts, d.get("source", ""), d.get("method", ""),
                   {k: float(v) for k, v in d.get("fit", {}).items()})


def _shape(form: str, x: np.ndarray, t0: float, p: Mapping[str, float]) -> np.ndarray:
    if form == "bpr":
        return t0 * (1.0 + p["alpha"] * np.power(np.maximum(x, 0.0), p["beta"]))
    j = p["J"]
    xa = np.minimum(np.maximum(x, 0.0), _X_LINEAR)
    base = t0 * (1.0 + j * xa / (1.0 - xa))
    slope = t0 * j / (1.0 - _X_LINEAR) ** 2  # tangent beyond x = 0.95
    return np.where(x > _X_LINEAR, base + slope * (x - _X_LINEAR), base)


def fit_curve(points: Sequence[CurvePoint], *, name: str, capacity_teu_per_yr: float, source: str = "",
              form: str = "auto") -> HubDelayCurve:
    """Fit Davidson and BPR to simulated points and keep one (see the module docstring).

    Parameters
    ----------
    points
        Simulated points with their confidence intervals.
    name, source
        Recorded in the curve.
    capacity_teu_per_yr
        Design capacity: x for BPR, starting value for Davidson's fitted capacity.
    form
        ``"auto"`` (Davidson if inside every CI, else the smaller weighted SSE), ``"davidson"`` or ``"bpr"``.

    Raises
    ------
    InputError
        With fewer than three points or an unknown form.

    Examples
    --------
    Refit the shipped Aktau points, forcing the BPR form:

    >>> pts = load_curve("aktau-hub").points
    >>> bpr = fit_curve(pts, name="aktau-hub", capacity_teu_per_yr=240_000, form="bpr")
    >>> bpr.form, bpr.capacity_teu_per_yr, round(bpr.evaluate(240_000), 1)
    ('bpr', 240000, 107.6)
    """
    if form not in ("auto", "davidson", "bpr"):
        raise InputError(Problem("--form", "form", f"must be auto, davidson or bpr, not {form!r}"))
    if len(points) < 3:
        raise InputError(Problem("--levels", "levels", "give at least three throughput levels to fit a curve"))
    v = np.array([p.demand_teu_per_yr for p in points])
    t = np.array([p.time_in_hub_h for p in points])
    hw = np.array([max((p.ci_high - p.ci_low) / 2.0, 1e-6 * max(abs(p.time_in_hub_h), 1.0)) for p in points])
    t_min = float(t.min())
    fits: dict[str, tuple[float, float, dict[str, float], float]] = {}

    # Davidson: parameters (t0, J, C); C above the largest level.
    def dav(theta: np.ndarray) -> np.ndarray:
        t0, j, c = theta
        return (_shape("davidson", v / c, t0, {"J": j}) - t) / hw

    lo, hi = [1e-6, 0.0, v.max() * 1.0001], [np.inf, np.inf, v.max() * 100]
    r = optimize.least_squares(dav, x0=[t_min, 0.05, max(v.max() * 1.3, capacity_teu_per_yr)], bounds=(lo, hi))
    fits["davidson"] = (float(r.x[0]), float(r.x[2]), {"J": float(r.x[1])}, float(np.sum(r.fun**2)))

    # BPR: parameters (t0, alpha, beta) with C = design capacity.
    def bpr(theta: np.ndarray) -> np.ndarray:
        t0, a, b = theta
        return (_shape("bpr", v / capacity_teu_per_yr, t0, {"alpha": a, "beta": b}) - t) / hw

    r = optimize.least_squares(bpr, x0=[t_min, 0.15, 4.0], bounds=([1e-6, 0.0, 1.0], [np.inf, np.inf, 20.0]))
    fits["bpr"] = (float(r.x[0]), capacity_teu_per_yr, {"alpha": float(r.x[1]), "beta": float(r.x[2])},
                   float(np.sum(r.fun**2)))
    lo_ci = np.array([p.ci_low for p in points])
    hi_ci = np.array([p.ci_high for p in points])

    def inside(f: str) -> bool:
        t0, cap, params, _ = fits[f]
        y = _shape(f, v / cap, t0, params)
        return bool(np.all((y >= lo_ci - 1e-9) & (y <= hi_ci + 1e-9)))

    ok = {f: inside(f) for f in fits}
    if form == "auto":
        form = "davidson" if ok["davidson"] else min(fits, key=lambda f: fits[f][3])
        rule = ("kept Davidson because it passes through every point's CI" if form == "davidson" and ok["davidson"]
                else "Davidson misses a CI, kept the smaller weighted SSE")
    else:
        rule = f"form {form} requested"
    t0, cap, params, sse = fits[form]
    method = ("weighted least squares (weights 1/CI half-width²) of mean time in hub against offered throughput; "
              "Davidson t0(1 + J x/(1 − x)) with fitted capacity (tangent beyond x = 0.95) and BPR "
              f"t0(1 + α x^β) with the design capacity were both fitted; {rule} "
              f"(weighted SSE: davidson {fits['davidson'][3]:.3g}, bpr {fits['bpr'][3]:.3g}; inside all CIs: "
              f"davidson {'yes' if ok['davidson'] else 'no'}, bpr {'yes' if ok['bpr'] else 'no'})")
    fit = {"weighted_sse": sse, "max_abs_error_h": float(np.max(np.abs(_shape(form, v / cap, t0, params) - t)))}
    for f, (f_t0, f_cap, f_params, f_sse) in fits.items():
        fit |= {f"{f}_weighted_sse": f_sse, f"{f}_t0_h": f_t0, f"{f}_capacity_teu_per_yr": f_cap,
                **{f"{f}_{k}": val for k, val in f_params.items()}}
    return HubDelayCurve(name, form, t0, cap, params, tuple(points), source, method, fit)


def fit_delay_curve(config: HubConfig, *, levels: Sequence[float] | None = None, days: int = 365,
                    warmup_days: int = 14, replications: int = 5, seed: int = 0, workers: int = 1,
                    scheduler: str | None = None, form: str = "auto",
                    progress: Callable[[int, int], None] | None = None) -> HubDelayCurve:
    """Simulate the hub at several annual throughputs and fit its delay curve.

    Parameters
    ----------
    config
        A hub config; its design capacity scales x.
    levels
        Offered throughputs (TEU/yr); default 30 % … 115 % of the design capacity.
    days, warmup_days, replications, seed, workers, scheduler, progress
        As in :func:`corridor.hub.simulate`; all levels use the same seeds, and levels ×
        replications is at most :data:`~corridor.hub.simulate.MAX_RUNS`.
    form
        As in :func:`fit_curve`.

    Examples
    --------
    A small, quick run (three levels, one replication of 60 days; real curves use more):

    >>> from corridor.hub import load_config
    >>> curve = fit_delay_curve(load_config("aktau-hub"), levels=[100_000, 180_000, 240_000],
    ...                         days=60, warmup_days=7, replications=1)
    >>> curve.name, len(curve.points), curve.form in ("davidson", "bpr")
    ('aktau-hub', 3, True)
    """
    if config.mode != "hub":
        raise InputError(Problem(config.source_file or config.name, "mode", "a delay curve needs a hub config"))
    if form not in ("auto", "davidson", "bpr"):
        raise InputError(Problem("--form", "form", f"must be auto, davidson or bpr, not {form!r}"))
    cap = config.capacity_teu_per_yr
    levels = sorted(levels) if levels else [round(cap * f) for f in (0.3, 0.5, 0.7, 0.85, 1.0, 1.1, 1.15)]
    check_run(days, warmup_days, replications, seed, workers, designs=len(levels))
    if len(levels) < 3:
        raise InputError(Problem("--levels", "levels", "give at least three throughput levels to fit a curve"))
    if any(lv <= 0 for lv in levels):
        raise InputError(Problem("--levels", "levels", f"throughput levels must be > 0, not {levels}"))
    import warnings

    from corridor.hub.config import NoSteadyStateWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSteadyStateWarning)  # overloaded levels are part of the curve
        designs = [config.replace(demand_teu_per_yr=float(lv)) for lv in levels]
    kpis = replicate_designs(designs, days=days, warmup_days=warmup_days, replications=replications, seed=seed,
                             workers=workers, scheduler=scheduler, progress=progress)
    points = []
    for lv, k in zip(levels, kpis, strict=True):
        e: Estimate = k["time_in_hub_mean_h"]
        ci = e.ci or (e.mean, e.mean)
        points.append(CurvePoint(float(lv), k["throughput_teu"].mean, e.mean, ci[0], ci[1], replications))
    src = (f"corridor hub simulation of {config.source_file or config.name}: {replications} replications × "
           f"{days} days (+{warmup_days} warm-up) per level, seed {seed}")
    return fit_curve(points, name=config.name, capacity_teu_per_yr=cap, source=src, form=form)


def load_curve(name: str = "aktau-hub") -> HubDelayCurve:
    """Read a shipped curve (``corridor/hub/configs/<name>-curve.json``) or a curve JSON file.

    Raises
    ------
    InputError
        If there is no such curve or the file is not a curve.

    Examples
    --------
    >>> curve = load_curve()
    >>> curve.name, round(curve.evaluate(200_000), 1)
    ('aktau-hub', 89.6)
    """
    path = Path(name) if name.endswith(".json") else config_path(f"{name}-curve.json")
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return HubDelayCurve.from_dict(d)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "", f"no delay curve {name!r}; make one with `corridor hub curve`")) \
            from None
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as e:
        raise InputError(Problem(str(path), "", f"not a hub delay curve: {e}")) from None

