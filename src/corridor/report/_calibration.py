"""The HTML report of a calibration: targets against the model, the parameters and their profiles.

>>> from corridor.report import render_calibration
>>> text = render_calibration({"targets": [], "parameters": [], "profile": {}, "objective": 0.0})
>>> text.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from corridor.report._fmt import number
from corridor.report._page import Markup, card, esc, join, page_or_div, table, tag
from corridor.report._svg import BLUE, VERMILLION, Line, bar_chart, line_chart

__all__ = ["render_calibration"]

Json = Mapping[str, Any]


def _figure(x: float | None, unit: str) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return f"{number(x)} {unit}"


def _targets_table(targets: list[Json], tolerance: float) -> Markup:
    rows = []
    for t in targets:
        ratio = t.get("ratio")
        verdict = ("fitted, met" if t.get("within") else f"fitted, missed (>{tolerance:.0%})") if t.get("fit") \
            else "not fitted"
        rows.append([t["name"], t["measure"], (_figure(t["observed"], t["unit"]), t["observed"]),
                     (_figure(t.get("model"), t["unit"]), t.get("model") or 0.0),
                     ("–" if ratio is None else f"{ratio:.2f}", ratio or 0.0), verdict, t.get("source", ""),
                     t.get("status", ""), t.get("note", "")])
    return table(["target", "measure", "observed", "model", "model ÷ observed", "verdict", "source", "status",
                  "note"], rows, numeric=(2, 3, 4), caption="Targets of the base year against the calibrated model")


def _parameters_table(params: list[Json]) -> Markup:
    rows = [[p["name"], (f"{p['value']:.4g}", p["value"]), ("–" if p.get("se") is None else f"{p['se']:.3g}",
                                                              p.get("se") or 0.0),
             p.get("unit", ""), p.get("status", ""), p.get("method", ""), p.get("note", "")] for p in params]
    return table(["parameter", "value", "standard error", "unit", "status", "method", "note"], rows, numeric=(1, 2),
                 caption="Choice parameters (fitted ones are 'calibrated')")


def _ratio_chart(targets: list[Json]) -> Markup:
    shown = [t for t in targets if t.get("ratio") is not None]
    if not shown:
        return Markup("")
    return bar_chart([f"{t['name']}{'' if t.get('fit') else ' (not fitted)'}" for t in shown],
                     [[(float(t["ratio"]),)] for t in shown], [[BLUE]],
                     title="model ÷ observed per target (1 = met exactly)", fmt=lambda x: f"{x:.2f}",
                     label_width=230)


def _profiles(profile: Mapping[str, list[Json]]) -> Markup:
    charts = []
    for name, pts in profile.items():
        if len(pts) < 2:
            continue
        xs = [float(p["value"]) for p in pts]
        ys = [float(p["objective"]) for p in pts]
        charts.append(line_chart([Line(name, xs, ys, colour=VERMILLION, tips=[f"{x:.4g}: {y:.4g}" for x, y in
                                                                                zip(xs, ys, strict=True)])],
                                 title=f"profile of {name}", xlabel=name, ylabel="objective Σ r²",
                                 fmt_x=lambda v: f"{v:.3g}", fmt_y=lambda v: f"{v:.3g}", width=420, height=200))
    return join(charts)


def render_calibration(calibration: Json, *, title: str = "Calibration", created: str | None = None,
                       fragment: bool = False) -> str:
    """The HTML report of a calibration (``corridor calibrate --json`` output).

    Parameters
    ----------
    calibration
        The record of :meth:`corridor.scenarios.calibrate.Calibration.to_dict`.
    title, created, fragment
        Page title, creation stamp, and whether to return a notebook fragment.

    Examples
    --------
    A made-up record with one fitted target (met: within 20 %) and the profile of ``theta``:

    >>> rec = {"dataset": "made-up", "year": 2021, "objective": 0.012, "start_objective": 0.5, "evaluations": 5,
    ...        "targets": [{"name": "titr-tonnes", "measure": "titr_t", "observed": 4.5e6, "model": 4.6e6,
    ...                     "ratio": 1.02, "unit": "t/yr", "fit": True, "within": True}],
    ...        "parameters": [{"name": "theta", "value": 17.8, "se": 0.23}],
    ...        "profile": {"theta": [{"value": 17.0, "objective": 0.1}, {"value": 17.8, "objective": 0.012},
    ...                              {"value": 18.6, "objective": 0.09}]}}
    >>> html = render_calibration(rec)
    >>> html.startswith("<!DOCTYPE html>"), "1 of 1" in html, html.count("<svg")  # ratio chart, profile
    (True, True, 2)

    The notebook fragment keeps the cards and the targets table, without the charts:

    >>> frag = render_calibration(rec, fragment=True)
    >>> frag.startswith("<div"), "1 of 1" in frag, frag.count("<svg")
    (True, True, 0)
    """
    targets = list(calibration.get("targets", []))
    params = list(calibration.get("parameters", []))
    tol = float(calibration.get("tolerance", 0.2))
    fitted = [t for t in targets if t.get("fit")]
    met = sum(1 for t in fitted if t.get("within"))
    cards = join([card("targets met", f"{met} of {len(fitted)}", f"within {tol:.0%}, fitted targets",
                       tone="better" if met == len(fitted) else "worse"),
                  card("objective", f"{float(calibration.get('objective', 0.0)):.3g}",
                       f"from {float(calibration.get('start_objective', 0.0)):.3g} at the start"),
                  card("equilibria solved", str(calibration.get("evaluations", 0)),
                       f"{float(calibration.get('seconds', 0.0)):.0f} s")])
    method = tag("p", esc(f"Method: {calibration.get('method', '')}."))
    small = join([tag("div", cards, class_="cards"), _targets_table(targets, tol)])
    whole = join([tag("div", cards, class_="cards"), method, _targets_table(targets, tol), _ratio_chart(targets),
                  _parameters_table(params), tag("h2", "Profiles"), _profiles(calibration.get("profile", {}))])
    return page_or_div(title, whole, small, subtitle=f"{calibration.get('dataset', '')} "
                       f"{calibration.get('year', '') or ''}", created=created, fragment=fragment)
