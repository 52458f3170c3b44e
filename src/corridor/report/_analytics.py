"""The views of corridor performance from shipment logs: CAREC CPMM indicators and UNESCAP TCD charts.

:func:`render_cpmm` takes ``CPMMResult.to_dict()`` (as ``corridor analytics cpmm --json`` prints it)
and optionally the time/cost–distance record of the same log; :func:`render_tcd` takes
``TCDResult.to_dict()`` (``corridor analytics tcd --json``). A time/cost–distance chart
(:func:`tcd_chart`) has two panels over the distance from the origin: cumulative time above,
cumulative cost below; thin grey lines are single trips, the blue line is the section's median with
its p10–p90 band, and dotted verticals mark the stops (``border Dostyk``, ``port Aktau``) where the
lines step up. A synthetic log (every row's ``source`` starting with ``synthetic``) is said so at
the top of the page.

>>> from corridor.report import render_tcd
>>> text = render_tcd({"by": ["section"], "synthetic": True, "points": [], "corridors": [], "stops": []})
>>> "synthetic" in text and text.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from corridor.report import _fmt
from corridor.report._page import Markup, card, esc, join, page_or_div, table, tag, write_page
from corridor.report._svg import BASE, BLUE, SKY, VERMILLION, _svg, _text, _y_label, coord, text_width

__all__ = ["render_cpmm", "render_tcd", "strip_chart", "tcd_chart", "tcd_figures", "write_cpmm", "write_tcd"]

Json = Mapping[str, Any]

#: At most this many single trips are drawn per chart (a display limit: more lines make a grey blur).
MAX_TRIP_LINES = 40
#: At most this many crossings are drawn as dots in a strip chart (a display limit).
MAX_DOTS = 200

_NAMES = {"tfi1_h": "TFI1 time to clear the border (h)", "tfi2_usd": "TFI2 cost at the border (USD)",
          "swd_kmh": "SWD speed with delay, TFI4 (km/h)", "swod_kmh": "SWOD speed without delay (km/h)",
          "delay_share": "delay share (1 − SWD/SWOD)", "tfi3_usd": "TFI3 cost (USD per 500 km per 20 t)",
          "distance_km": "distance (km)", "time_h": "trip time (h)", "stop_h": "time at stops (h)",
          "cost_usd": "trip cost (USD)"}
_TRIP_SHOWN = ("swd_kmh", "swod_kmh", "delay_share", "tfi3_usd")
_STATS = ("count", "mean", "p10", "p50", "p90", "max")
_INK, _MUTED, _GRID = "#1d2733", "#5b6673", "#e3e7eb"
_n = coord


def _num(x: object) -> float | None:
    return _fmt.num(x)


def _value(x: float | None, indicator: str) -> str:
    if indicator == "delay_share":
        return _fmt.share(x, 1) if x is not None else "–"
    return _fmt.number(x, 0 if x is not None and abs(x) >= 100 else 1)


def _synthetic_notice(synthetic: bool) -> Markup:
    if not synthetic:
        return Markup("")
    return tag("p", "Synthetic log: every row's source says 'synthetic'. These figures come from generated trips, "
                    "not from observed shipments; they show how the indicators work, not how a corridor performs.",
               class_="notice")


# -- charts -----------------------------------------------------------------------------------------


def _ticks(hi: float, n: int = 5) -> list[float]:
    return [t for t in _fmt.nice_ticks(0.0, max(hi, 1e-9), n) if t >= 0]


def _poly(xy: Sequence[tuple[float, float]], px: Callable[[float], float], py: Callable[[float], float]) -> str:
    return " ".join(f"{_n(px(x))},{_n(py(y))}" for x, y in xy)


def _finite(rows: Sequence[Json], *keys: str) -> list[Json]:
    return [r for r in rows if all(_num(r.get(k)) is not None for k in keys)]


def _panel(top: float, height: float, x0: float, x1: float, px: Callable[[float], float], what: tuple[str, str],
           trips: Mapping[str, list[Json]], median: Sequence[Json], xticks: Sequence[float]) -> list[str]:
    """One panel: y axis, single trips, the p10–p90 band and the median line of ``what`` (key, axis title)."""
    key, ylabel = what
    vals = [_num(r.get(key)) or 0.0 for rows in trips.values() for r in rows]
    vals += [_num(r.get(f"{key}_p90")) or 0.0 for r in median]
    yt = _ticks(max(vals, default=1.0))
    yhi = max(yt[-1], max(vals, default=0.0), 1e-9)
    y0, y1 = top + height, top

    def py(v: float) -> float:
        return y0 - v / yhi * (y0 - y1)

    fmt = _fmt.number
    body = []
    for t in yt:
        body.append(f'<line x1="{_n(x0)}" y1="{_n(py(t))}" x2="{_n(x1)}" y2="{_n(py(t))}" stroke="{_GRID}"/>')
        body.append(_text(x0 - 6, py(t) + 4, fmt(t), size=11, anchor="end", fill=_MUTED))
    for t in xticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(y0)}" x2="{_n(px(t))}" y2="{_n(y0 + 4)}" stroke="{_MUTED}"/>')
    body.append(f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y0)}" stroke="{_MUTED}"/>')
    body.append(_y_label(ylabel, 14, (y0 + y1) / 2))
    for sid, rows in trips.items():
        pts = [(float(r["distance_km"]), float(r[key])) for r in _finite(rows, "distance_km", key)]
        if pts:
            body.append(f'<polyline fill="none" stroke="{BASE}" stroke-width="0.9" stroke-opacity="0.8" '
                        f'points="{_poly(pts, px, py)}"><title>{esc(f"trip {sid}")}</title></polyline>')
    med = _finite(median, "distance_km", f"{key}_p10", f"{key}_p50", f"{key}_p90")
    if med:
        hi = [(float(r["distance_km"]), float(r[f"{key}_p90"])) for r in med]
        lo = [(float(r["distance_km"]), float(r[f"{key}_p10"])) for r in reversed(med)]
        body.append(f'<polygon fill="{SKY}" fill-opacity="0.3" stroke="none" points="{_poly(hi + lo, px, py)}">'
                    "<title>10th to 90th percentile of the trips</title></polygon>")
        line = [(float(r["distance_km"]), float(r[f"{key}_p50"])) for r in med]
        body.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2.2" stroke-linejoin="round" '
                    f'points="{_poly(line, px, py)}"><title>median</title></polyline>')
        dot = 2.2 if len(med) <= 30 else 1.0  # a grid's hundred points: small dots, still with tooltips
        for r, (x, y) in zip(med, line, strict=True):
            tip = (f"{r.get('label') or ''} {fmt(x)} km: median {fmt(y, 1)}, p10 {fmt(_num(r[f'{key}_p10']), 1)}, "
                   f"p90 {fmt(_num(r[f'{key}_p90']), 1)} ({r.get('trips')} trips)").strip()
            body.append(f'<circle cx="{_n(px(x))}" cy="{_n(py(y))}" r="{_n(dot)}" fill="{BLUE}">'
                        f"<title>{esc(tip)}</title></circle>")
    return body


def _stop_marks(stops: Sequence[Json]) -> list[tuple[float, str, str]]:
    """One mark per stop label: median distance, the label, and a tooltip with median hours and cost."""
    by: dict[str, list[Json]] = {}
    for s in _finite(stops, "distance_km"):
        by.setdefault(str(s.get("label", "")), []).append(s)
    out = []
    for label, rows in by.items():
        km = _median([float(r["distance_km"]) for r in rows])
        h = _median([float(r["hours"]) for r in _finite(rows, "hours")])
        usd = _median([float(r["cost_usd"]) for r in _finite(rows, "cost_usd")])
        tip = (f"{label} at {_fmt.number(km)} km: median {_fmt.number(h, 1)} h and {_fmt.number(usd)} USD "
               f"({len(rows)} stops)")
        out.append((km, label, tip))
    return sorted(out)


def _median(v: Sequence[float]) -> float:
    if not v:
        return math.nan
    s = sorted(v)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def _marks(marks: Sequence[tuple[float, str, str]], px: Callable[[float], float], y_top: float,
           y_bottom: float, x_mid: float) -> list[str]:
    """Dotted verticals at the stops across both panels, labels staggered over the top panel."""
    body = []
    last, row = -math.inf, 0
    for km, label, tip in marks:
        if not math.isfinite(km):
            continue
        x = px(km)
        row = row + 1 if x - last < 110 else 0
        last = x
        body.append(f'<line x1="{_n(x)}" y1="{_n(y_top)}" x2="{_n(x)}" y2="{_n(y_bottom)}" stroke="{VERMILLION}" '
                    f'stroke-width="1" stroke-dasharray="2 3"><title>{esc(tip)}</title></line>')
        anchor, dx = ("start", 3) if x < x_mid else ("end", -3)
        body.append(_text(x + dx, y_top + 11 + 12 * (row % 4), label, size=10, anchor=anchor, fill=VERMILLION))
    return body


def tcd_chart(trips: Mapping[str, list[Json]], median: Sequence[Json], stops: Sequence[Json], *, title: str,
              width: float = 760, panel_height: float = 210) -> Markup:
    """A time/cost–distance chart: cumulative time (top) and cost (bottom) against distance, labelled steps.

    Parameters
    ----------
    trips
        Per shipment, its TCD points (``distance_km``, ``elapsed_h``, ``cumulative_usd``), drawn thin.
    median
        The corridor's median rows (``distance_km``, ``elapsed_h_p10/p50/p90`` …), drawn with a band.
    stops
        The stops (``label``, ``distance_km``, ``hours``, ``cost_usd``): dotted verticals, labelled.
    title, width, panel_height
        The accessible title and the size of the SVG coordinate system.

    Returns
    -------
    Markup
        One ``<svg>`` element.

    Examples
    --------
    One made-up trip of 800 km in 36 hours for 900 USD, with its stop:

    >>> trips = {"S1": [{"distance_km": 0.0, "elapsed_h": 0.0, "cumulative_usd": 0.0},
    ...                 {"distance_km": 800.0, "elapsed_h": 36.0, "cumulative_usd": 900.0}]}
    >>> stops = [{"label": "Almaty", "distance_km": 800.0, "hours": 36.0, "cost_usd": 900.0}]
    >>> svg = tcd_chart(trips, [], stops, title="Dostyk to Almaty")
    >>> svg.startswith("<svg"), "Almaty" in svg
    (True, True)
    """
    xs = [_num(r.get("distance_km")) or 0.0 for rows in trips.values() for r in rows]
    xs += [_num(r.get("distance_km")) or 0.0 for r in median]
    xhi = max(max(xs, default=1.0), 1e-9)
    xt = [t for t in _fmt.nice_ticks(0.0, xhi, 7) if 0 <= t <= xhi + 1e-9]
    left, right, top, gap = 70.0, 18.0, 36.0, 34.0
    x0, x1 = left, width - right

    def px(v: float) -> float:
        return x0 + v / xhi * (x1 - x0)

    height = top + 2 * panel_height + gap + 44
    body = [f'<rect x="{_n(x0)}" y="7" width="18" height="8" fill="{SKY}" fill-opacity="0.5"/>',
            f'<line x1="{_n(x0)}" y1="11" x2="{_n(x0 + 18)}" y2="11" stroke="{BLUE}" stroke-width="2.2"/>',
            _text(x0 + 24, 15, "median, p10–p90 band", size=12)]
    lx = x0 + 24 + text_width("median, p10–p90 band") + 16
    if trips:
        body += [f'<line x1="{_n(lx)}" y1="11" x2="{_n(lx + 18)}" y2="11" stroke="{BASE}"/>',
                 _text(lx + 24, 15, "single trips", size=12)]
        lx += 24 + text_width("single trips") + 16
    body += [f'<line x1="{_n(lx)}" y1="4" x2="{_n(lx)}" y2="18" stroke="{VERMILLION}" stroke-dasharray="2 3"/>',
             _text(lx + 6, 15, "stop: time and cost without distance", size=12)]
    body += _panel(top, panel_height, x0, x1, px, ("elapsed_h", "cumulative time (h)"), trips, median, xt)
    bottom = top + panel_height + gap
    body += _panel(bottom, panel_height, x0, x1, px, ("cumulative_usd", "cumulative cost (USD)"), trips, median, xt)
    for t in xt:
        body.append(_text(px(t), bottom + panel_height + 17, _fmt.number(t), size=11, anchor="middle", fill=_MUTED))
    body.append(_text((x0 + x1) / 2, height - 6, "distance from the origin (km)", size=12, anchor="middle"))
    body += _marks(_stop_marks(stops), px, top, bottom + panel_height, (x0 + x1) / 2)
    return _svg(width, height, title, body)


def strip_chart(values: Sequence[float], stats: Json, *, hi: float, width: float = 170, height: float = 22) -> Markup:
    """A small strip chart on a scale 0..``hi``: the values as dots, p10–p90 as a bar, p50 as a tick.

    At most :data:`MAX_DOTS` values are drawn; with no values, only the bar and the tick.

    Examples
    --------
    >>> svg = strip_chart([10.0, 20.0, 30.0], {"p10": 11.0, "p50": 20.0, "p90": 29.0}, hi=40.0)
    >>> svg.count("<circle"), "<title>3 values; p10 11.0, p50 20.0, p90 29.0</title>" in svg
    (3, True)
    """
    def px(v: float) -> float:
        return 4 + max(v, 0.0) / (hi or 1.0) * (width - 8)

    mid = height / 2
    body = []
    p10, p50, p90 = (_num(stats.get(k)) for k in ("p10", "p50", "p90"))
    if p10 is not None and p90 is not None:
        body.append(f'<rect x="{_n(px(p10))}" y="{_n(mid - 4)}" width="{_n(max(px(p90) - px(p10), 1.0))}" '
                    f'height="8" fill="{SKY}" fill-opacity="0.6"/>')
    for v in list(values)[:MAX_DOTS]:
        body.append(f'<circle cx="{_n(px(v))}" cy="{_n(mid)}" r="1.8" fill="{BLUE}" fill-opacity="0.55"/>')
    if p50 is not None:
        body.append(f'<line x1="{_n(px(p50))}" y1="{_n(mid - 7)}" x2="{_n(px(p50))}" y2="{_n(mid + 7)}" '
                    f'stroke="{_INK}" stroke-width="2"/>')
    tip = ", ".join(f"{k} {_fmt.number(v, 1)}" for k, v in (("p10", p10), ("p50", p50), ("p90", p90)))
    return _svg(width, height, f"{len(values)} values; {tip}", body)


# -- tables -----------------------------------------------------------------------------------------


def _stat_cells(r: Json, indicator: str) -> list[object]:
    cells: list[object] = [(_fmt.number(_num(r.get("count"))), _num(r.get("count")))]
    cells += [(_value(_num(r.get(k)), indicator), _num(r.get(k))) for k in _STATS[1:]]
    return cells


def _border_table(d: Json, *, dots: bool = True) -> Markup:
    rows = list(d.get("border_by_bcp") or [])
    crossings = list(d.get("crossings") or []) if dots else []
    if not rows:
        return tag("p", "No border crossing in this log.", class_="note")
    values: dict[tuple[str, str], list[float]] = {}
    for c in crossings:
        for ind in ("tfi1_h", "tfi2_usd"):
            v = _num(c.get(ind))
            if v is not None:
                values.setdefault((str(c.get("bcp")), ind), []).append(v)
    hi = {ind: max((_num(r.get("max")) or 0.0 for r in rows if r.get("indicator") == ind), default=1.0)
          for ind in ("tfi1_h", "tfi2_usd")}
    out = []
    for r in rows:
        ind = str(r.get("indicator"))
        strip = strip_chart(values.get((str(r.get("bcp")), ind), []), r, hi=hi.get(ind, 1.0))
        out.append([str(r.get("bcp")), _NAMES.get(ind, ind), *_stat_cells(r, ind), strip])
    return table(["BCP", "Indicator", "Count", "Mean", "P10", "Median", "P90", "Max", "Distribution"], out,
                 numeric=range(2, 8), caption="Per border-crossing point; " + ("dots are single crossings, " if dots
                                                                                 else "") +
                 "the bar the 10th to 90th percentile, the tick the median (one scale per indicator).")


def _travel_table(rows: Sequence[Json], by: str, caption: str) -> Markup:
    out = []
    for r in rows:
        ind = str(r.get("indicator"))
        if ind not in _TRIP_SHOWN:
            continue
        pooled = _num(r.get("tfi3_pooled_usd")) if ind == "tfi3_usd" else None
        out.append([str(r.get(by)), _NAMES.get(ind, ind), *_stat_cells(r, ind), (_fmt.number(pooled), pooled)])
    if not out:
        return tag("p", "No trip with a distance in this log.", class_="note")
    return table([by.capitalize(), "Indicator", "Count", "Mean", "P10", "Median", "P90", "Max", "TFI3 pooled"], out,
                 numeric=range(2, 9), caption=caption)


def _month_border(rows: Sequence[Json]) -> Markup:
    out = [[str(r.get("month")), _NAMES.get(str(r.get("indicator")), ""), *_stat_cells(r, str(r.get("indicator")))]
           for r in rows]
    if not out:
        return Markup("")
    return table(["Month", "Indicator", "Count", "Mean", "P10", "Median", "P90", "Max"], out, numeric=range(2, 8),
                 caption="Border crossings by month of entry (UTC).")


# -- pages ------------------------------------------------------------------------------------------


def _groups(tcd: Json) -> list[tuple[str, dict[str, str]]]:
    """The corridor groups of a TCD record, in order: (name, key values)."""
    by = [str(b) for b in tcd.get("by") or ["section"]]
    seen: dict[str, dict[str, str]] = {}
    for r in tcd.get("corridors") or []:
        keys = {b: str(r.get(b, "")) for b in by}
        seen.setdefault(" · ".join(v for v in keys.values() if v) or "all trips", keys)
    return list(seen.items())


def _in_group(r: Json, keys: Mapping[str, str]) -> bool:
    return all(str(r.get("trip_mode" if k == "mode" else k, "")) == v for k, v in keys.items())


def _tcd_figure(tcd: Json, name: str, keys: Mapping[str, str], *, small: bool = False) -> Markup:
    median = [r for r in tcd.get("corridors") or [] if _in_group({**r, "trip_mode": r.get("mode")}, keys)]
    trips: dict[str, list[Json]] = {}
    for p in [] if small else tcd.get("points") or []:  # a notebook's fragment: the median and band only
        if _in_group(p, keys):
            sid = str(p.get("shipment"))
            if sid in trips or len(trips) < MAX_TRIP_LINES:
                trips.setdefault(sid, []).append(p)
    stops = [s for s in tcd.get("stops") or [] if _in_group(s, keys)]
    method = str(median[0].get("method", "")) if median else ""
    n = max((int(r.get("trips") or 0) for r in median), default=0)
    how = ("median at the nodes every trip passes" if method == "waypoints" else
           "median on equal distance steps, trips interpolated between their points")
    cap = (f"{name}: {n} trips; {how}; band from the 10th to the 90th percentile"
           + (f"; {len(trips)} trips drawn" if len(trips) >= MAX_TRIP_LINES else "") + ".")
    chart = tcd_chart(trips, median, stops, title=f"Time/cost–distance chart {name}",
                      **({"width": 560.0, "panel_height": 150.0} if small else {}))
    return Markup(f"<figure>{chart}<figcaption>{esc(cap)}</figcaption></figure>")


def _waypoint_table(tcd: Json, keys: Mapping[str, str]) -> Markup:
    rows = [r for r in tcd.get("corridors") or [] if _in_group({**r, "trip_mode": r.get("mode")}, keys)
            and r.get("method") == "waypoints"]
    if not rows:
        return Markup("")
    out = [[str(r.get("label") or r.get("node")), (_fmt.number(_num(r.get("distance_km"))), _num(r.get("distance_km"))),
            *((_fmt.number(_num(r.get(f"elapsed_h_{q}")), 1), _num(r.get(f"elapsed_h_{q}"))) for q in ("p10", "p50",
                                                                                                      "p90")),
            *((_fmt.number(_num(r.get(f"cumulative_usd_{q}"))), _num(r.get(f"cumulative_usd_{q}")))
              for q in ("p10", "p50", "p90"))] for r in rows]
    return table(["Waypoint", "km (median)", "Time P10 (h)", "Time median (h)", "Time P90 (h)", "Cost P10 (USD)",
                  "Cost median (USD)", "Cost P90 (USD)"], out, numeric=range(1, 8), sortable=False,
                 caption="Cumulative time and cost at each waypoint: on arrival, and again on leaving where trips "
                         "stop there.")


def _tcd_sections(tcd: Json | None, *, small: bool = False) -> list[Markup]:
    if not tcd or not tcd.get("corridors"):
        return [tag("p", "No trip with km markers: no time/cost–distance chart.", class_="note")]
    out: list[Markup] = []
    for name, keys in _groups(tcd)[: 1 if small else None]:
        if not small:
            out.append(tag("h3", name))
        out.append(_tcd_figure(tcd, name, keys, small=small))
        if not small:
            out.append(_waypoint_table(tcd, keys))
    return out


def tcd_figures(tcd: Json, *, trips: bool = False) -> list[tuple[str, Markup]]:
    """One time/cost–distance figure per corridor group, for a page of their own (the dashboard).

    Parameters
    ----------
    tcd
        :meth:`corridor.analytics.TCDResult.to_dict` (``points`` may be left out when ``trips`` is false).
    trips
        Draw single trips too (thin lines, at most ``MAX_TRIP_LINES``), not only the median and band.

    Returns
    -------
    list of (str, Markup)
        The group's name (``"dostyk → poti"``) and its ``<figure>`` (inline SVG and caption).

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.analytics import cpmm, shipment_log, tcd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z", 0.0),
    ...         ("S1", "arrival", "almaty", "2024-01-02T12:00Z", 800.0),
    ...         ("S2", "departure", "dostyk", "2024-01-03T00:00Z", 0.0),
    ...         ("S2", "arrival", "almaty", "2024-01-05T00:00Z", 800.0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail"))  # two made-up trips
    >>> figures = tcd_figures(tcd(log).to_dict())
    >>> [(name, svg.startswith("<figure><svg")) for name, svg in figures]
    [('dostyk → almaty', True)]
    """
    return [(name, _tcd_figure(tcd, name, keys, small=not trips)) for name, keys in _groups(tcd)]


def _overall(d: Json, key: str, ind: str, stat: str) -> float | None:
    """A statistic of the overall row of ``ind`` in the table ``key`` (``border_all``, ``travel_all``)."""
    return next((_num(r.get(stat)) for r in d.get(key) or [] if r.get("indicator") == ind), None)


def _cards(d: Json) -> Markup:
    trips, crossings = d.get("trips") or [], d.get("crossings") or []
    cards = [card("Trips", _fmt.number(len(trips)), f"{len({t.get('section') for t in trips})} sections"),
             card("Border crossings", _fmt.number(len(crossings)), f"{len({c.get('bcp') for c in crossings})} BCPs"),
             card("TFI1, median", f"{_fmt.number(_overall(d, 'border_all', 'tfi1_h', 'p50'), 1)} h",
                  f"P90 {_fmt.number(_overall(d, 'border_all', 'tfi1_h', 'p90'), 1)} h"),
             card("SWD, median", f"{_fmt.number(_overall(d, 'travel_all', 'swd_kmh', 'p50'), 1)} km/h",
                  f"SWOD {_fmt.number(_overall(d, 'travel_all', 'swod_kmh', 'p50'), 1)} km/h"),
             card("TFI3, pooled", f"{_fmt.number(_overall(d, 'travel_all', 'tfi3_usd', 'tfi3_pooled_usd'))} USD",
                  "per 500 km per 20 t")]
    return Markup(f'<div class="cards">{"".join(cards)}</div>')


def _summary(d: Json) -> Markup:
    """The cards' figures as one line, for a notebook's fragment (which has no card style)."""
    return tag("p", f"{len(d.get('trips') or [])} trips, {len(d.get('crossings') or [])} border crossings; median "
                    f"TFI1 {_fmt.number(_overall(d, 'border_all', 'tfi1_h', 'p50'), 1)} h, median SWD "
                    f"{_fmt.number(_overall(d, 'travel_all', 'swd_kmh', 'p50'), 1)} km/h, pooled TFI3 "
                    f"{_fmt.number(_overall(d, 'travel_all', 'tfi3_usd', 'tfi3_pooled_usd'))} USD per 500 km per 20 t.")


def render_cpmm(cpmm: Json, tcd: Json | None = None, *, synthetic: bool = False, title: str = "Corridor performance",
                created: str | None = None, fragment: bool = False) -> str:
    """The CPMM page: TFI1/TFI2 by border crossing, trip indicators by section and month, TCD charts.

    Parameters
    ----------
    cpmm
        ``CPMMResult.to_dict()`` (``corridor analytics cpmm --json``).
    tcd
        ``TCDResult.to_dict()`` of the same log, for the time/cost–distance chart of each section.
    synthetic
        Say at the top that the log is synthetic.
    title, created, fragment
        Page title, creation stamp, and whether to return a notebook fragment instead.

    Returns
    -------
    str
        The page, or its fragment.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.analytics import cpmm, shipment_log, tcd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z", 0.0),
    ...         ("S1", "arrival", "almaty", "2024-01-02T12:00Z", 800.0),
    ...         ("S2", "departure", "dostyk", "2024-01-03T00:00Z", 0.0),
    ...         ("S2", "arrival", "almaty", "2024-01-05T00:00Z", 800.0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail"))  # two made-up trips
    >>> html = render_cpmm(cpmm(log).to_dict(), tcd(log).to_dict(), synthetic=True)
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """
    method = tag("p", "CAREC CPMM indicators: TFI1 = border exit − entry; TFI2 = the cost items from entry to exit; "
                      "SWD = D/T, SWOD = D/(T − time at stops), TFI3 = C × 500/D × 20/W averaged over trips, the "
                      "pooled TFI3 = ΣC / Σ(D/500 × W/20). Percentiles interpolate linearly.", class_="meta")
    notice = _synthetic_notice(synthetic)
    small = join([notice, _summary(cpmm), _border_table(cpmm, dots=False)])
    whole = join([notice, _cards(cpmm), method,
                  tag("h2", "Border crossings: TFI1 and TFI2"), _border_table(cpmm),
                  tag("h2", "Trips by section"),
                  _travel_table(cpmm.get("travel_by_section") or [], "section",
                                "Trip indicators per section (origin → destination)."),
                  tag("h2", "By month"), _month_border(cpmm.get("border_by_month") or []),
                  _travel_table(cpmm.get("travel_by_month") or [], "month", "Trips by month of departure (UTC)."),
                  tag("h2", "Time/cost–distance by section"), *_tcd_sections(tcd)])
    return page_or_div(title, whole, small, subtitle=_subtitle(cpmm, synthetic), created=created, fragment=fragment)


def _subtitle(d: Json, synthetic: bool) -> str:
    trips = d.get("trips") or d.get("points") or []
    n = len({t.get("shipment") for t in trips})
    return f"{n} trips" + (" · synthetic log" if synthetic else "")


def render_tcd(tcd: Json, *, title: str = "Time/cost–distance", created: str | None = None,
               fragment: bool = False) -> str:
    """The time/cost–distance page: one two-panel chart per corridor group, with its waypoint table.

    Parameters
    ----------
    tcd
        ``TCDResult.to_dict()`` (``corridor analytics tcd --json``).
    title, created, fragment
        Page title, creation stamp, and whether to return a notebook fragment instead.

    Returns
    -------
    str
        The page, or its fragment.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.analytics import cpmm, shipment_log, tcd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z", 0.0),
    ...         ("S1", "arrival", "almaty", "2024-01-02T12:00Z", 800.0),
    ...         ("S2", "departure", "dostyk", "2024-01-03T00:00Z", 0.0),
    ...         ("S2", "arrival", "almaty", "2024-01-05T00:00Z", 800.0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail"))  # two made-up trips
    >>> html = render_tcd(tcd(log).to_dict())
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html, "dostyk → almaty" in html
    (True, True, True)
    """
    synthetic = bool(tcd.get("synthetic"))
    intro = tag("p", "UNESCAP time/cost–distance method: cumulative time and cost against the distance from the "
                     "origin. Sloped segments are moving legs; vertical steps are stops (borders, transfers, port "
                     "calls), which add time and cost without distance.", class_="meta")
    small = join([_synthetic_notice(synthetic), *_tcd_sections(tcd, small=True)])
    whole = join([_synthetic_notice(synthetic), intro, *_tcd_sections(tcd)])
    return page_or_div(title, whole, small, subtitle=_subtitle(tcd, synthetic), created=created, fragment=fragment)


def write_cpmm(path: str | Path, cpmm: Json, tcd: Json | None = None, *, synthetic: bool = False,
               title: str = "Corridor performance", created: str | None = None) -> Path:
    """Write the page of :func:`render_cpmm` to ``path`` atomically; the path written.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.analytics import cpmm, shipment_log, tcd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z", 0.0),
    ...         ("S1", "arrival", "almaty", "2024-01-02T12:00Z", 800.0),
    ...         ("S2", "departure", "dostyk", "2024-01-03T00:00Z", 0.0),
    ...         ("S2", "arrival", "almaty", "2024-01-05T00:00Z", 800.0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail"))  # two made-up trips
    >>> import tempfile
    >>> out = write_cpmm(Path(tempfile.mkdtemp()) / "cpmm.html", cpmm(log).to_dict(), synthetic=True)
    >>> out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    return write_page(path, render_cpmm(cpmm, tcd, synthetic=synthetic, title=title, created=created))


def write_tcd(path: str | Path, tcd: Json, *, title: str = "Time/cost–distance", created: str | None = None) -> Path:
    """Write the page of :func:`render_tcd` to ``path`` atomically; the path written.

    Examples
    --------
    >>> import pandas as pd
    >>> from corridor.analytics import cpmm, shipment_log, tcd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z", 0.0),
    ...         ("S1", "arrival", "almaty", "2024-01-02T12:00Z", 800.0),
    ...         ("S2", "departure", "dostyk", "2024-01-03T00:00Z", 0.0),
    ...         ("S2", "arrival", "almaty", "2024-01-05T00:00Z", 800.0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail"))  # two made-up trips
    >>> import tempfile
    >>> out = write_tcd(Path(tempfile.mkdtemp()) / "tcd.html", tcd(log).to_dict())
    >>> "<svg" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_tcd(tcd, title=title, created=created))
