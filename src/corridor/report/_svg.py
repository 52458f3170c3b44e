"""Inline SVG charts: horizontal bars (grouped and stacked), histograms, tornado, quantile ranges and lines.

Each function returns one ``<svg>`` element with a ``viewBox`` (it scales to the page width),
``role="img"``, an ``aria-label`` and a ``<title>``, axes with units, and a ``<title>`` tooltip on
every mark. Colours are from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from corridor.report._fmt import nice_ticks
from corridor.report._page import Markup, esc

__all__ = [
    "BASE",
    "BLUE",
    "GREEN",
    "ORANGE",
    "PURPLE",
    "SKY",
    "VERMILLION",
    "YELLOW",
    "Line",
    "bar_chart",
    "coord",
    "histogram",
    "line_chart",
    "quantile_chart",
    "text_width",
    "tornado",
]

BLUE = "#0072B2"
VERMILLION = "#D55E00"
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
PURPLE = "#CC79A7"
BASE = "#9AA5B1"
_INK = "#1d2733"
_MUTED = "#5b6673"
_GRID = "#e3e7eb"

Fmt = Callable[[float], str]


def text_width(text: str, size: float = 12) -> float:
    """Estimated width of ``text`` in SVG units at font ``size`` (no font metrics offline).

    Examples
    --------
    >>> text_width("Aktau"), text_width("Aktau", 24)
    (33.6, 67.2)
    """
    return len(text) * size * 0.56


def coord(x: float) -> str:
    """A coordinate with at most one decimal, so that output is short and deterministic.

    Examples
    --------
    >>> coord(12.0), coord(3.14159), coord(-0.04)
    ('12', '3.1', '0')
    """
    v = round(x, 1) + 0.0  # + 0.0: no "-0"
    return str(int(v)) if v == int(v) else f"{v:.1f}"


_n = coord


def _text(x: float, y: float, s: object, *, size: float = 12, anchor: str = "start", fill: str = _INK,
          weight: str | None = None, extra: str = "") -> str:
    w = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{w}{extra}>'
            f"{esc(s)}</text>")


def _svg(width: float, height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{esc(title)}"><title>{esc(title)}</title>' + "".join(body) + "</svg>"
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    out = []
    for name, colour in items:
        out.append(f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="11" height="11" rx="2" fill="{esc(colour)}"/>')
        out.append(_text(x + 15, y, name, size=12))
        x += 15 + text_width(name) + 16
    return out


def _tick_text(fmt: Fmt, t: float) -> str:
    return fmt(t).replace(".00 ", " ").replace(".0 ", " ")


def bar_chart(
    categories: Sequence[str],
    values: Sequence[Sequence[Sequence[float]]],
    colours: Sequence[Sequence[str]],
    *,
    title: str,
    fmt: Fmt,
    legend: Sequence[tuple[str, str]] = (),
    series: Sequence[str] = (),
    segment_names: Sequence[str] = (),
    width: float = 640,
    label_width: float = 130,
) -> Markup:
    """Horizontal bars: for each category one bar per series, each bar a stack of segments.

    Parameters
    ----------
    categories
        One label per group of bars.
    values
        ``values[i][j]`` is the tuple of segments of series ``j`` in category ``i`` (one segment for
        a plain grouped chart); segments stack from zero and should share a sign.
    colours
        ``colours[j][k]``: the colour of segment ``k`` of series ``j``.
    title, fmt
        The chart's accessible title, and the formatter of values (axis, labels, tooltips).
    legend, series, segment_names
        Legend entries ``(name, colour)``, and the series and segment names used in tooltips.

    Examples
    --------
    >>> from corridor.report import _fmt
    >>> svg = bar_chart(["Aktau", "Kuryk"], [[(5.5,)], [(2.0,)]], [["#0072B2"]], title="Port capacity",
    ...                 fmt=_fmt.number)
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.count("<rect")
    (True, 2)
    """
    n_series = max((len(v) for v in values), default=1) or 1
    bar_h, inner, gap = 14.0, 3.0, 12.0
    top = 50.0 if legend else 30.0
    group_h = n_series * bar_h + (n_series - 1) * inner
    height = top + len(categories) * (group_h + gap) + 8
    totals = [sum(seg) for grp in values for seg in grp] or [0.0]
    lo, hi = min(0.0, *totals), max(0.0, *totals)
    if hi == lo:
        hi = 1.0
    ticks = nice_ticks(lo, hi, 5)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    x0, x1 = label_width, width - 78
    scale = (x1 - x0) / (hi - lo)

    def px(v: float) -> float:
        return x0 + (v - lo) * scale

    body: list[str] = []
    if legend:
        body += _legend(legend, x0, 16)
    axis_y = top - 10
    for t in ticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(axis_y + 4)}" x2="{_n(px(t))}" y2="{_n(height - 8)}" '
                    f'stroke="{_GRID}" stroke-width="1"/>')
        body.append(_text(px(t), axis_y, _tick_text(fmt, t), size=11, anchor="middle", fill=_MUTED))
    body.append(f'<line x1="{_n(px(0))}" y1="{_n(top - 4)}" x2="{_n(px(0))}" y2="{_n(height - 8)}" '
                f'stroke="{_MUTED}" stroke-width="1"/>')
    for i, cat in enumerate(categories):
        gy = top + i * (group_h + gap)
        body.append(_text(x0 - 8, gy + group_h / 2 + 4, cat, size=12, anchor="end"))
        for j, segs in enumerate(values[i]):
            y = gy + j * (bar_h + inner)
            acc = 0.0
            name = series[j] if j < len(series) else ""
            for k, seg in enumerate(segs):
                a, b = sorted((px(acc), px(acc + seg)))
                colour = colours[j][k] if k < len(colours[j]) else colours[j][-1]
                part = segment_names[k] if len(segs) > 1 and k < len(segment_names) else ""
                tip = " · ".join(p for p in (cat, name, part) if p) + f": {fmt(seg)}"
                body.append(f'<rect x="{_n(a)}" y="{_n(y)}" width="{_n(max(b - a, 0.0))}" height="{_n(bar_h)}" '
                            f'fill="{esc(colour)}"><title>{esc(tip)}</title></rect>')
                acc += seg
            end = px(acc)
            anchor, dx = ("start", 4) if acc >= 0 else ("end", -4)
            body.append(_text(end + dx, y + bar_h - 3, fmt(acc), size=11, anchor=anchor, fill=_MUTED))
    return _svg(width, height, title, body)


class _Bins(NamedTuple):
    first: float
    lo: float
    hi: float
    edges: list[float]
    counts: list[int]
    same: bool


def _bin(vals: Sequence[float], bins: int) -> _Bins:
    """Equal-width bins from the smallest to the largest value, and the axis range around them."""
    vmin, vmax = vals[0], vals[-1]
    if vmax == vmin:
        pad = abs(vmin) * 0.05 or 1.0
        return _Bins(vmin, vmin - pad, vmax + pad, [vmin - pad / 10, vmin + pad / 10], [len(vals)], True)
    ticks = nice_ticks(vmin, vmax, 6)
    step = (vmax - vmin) / bins
    counts = [0] * bins
    for v in vals:
        counts[min(int((v - vmin) / step), bins - 1)] += 1
    return _Bins(vmin, ticks[0], ticks[-1], [vmin + k * step for k in range(bins + 1)], counts, False)


def _marker_lines(
    markers: Sequence[tuple[str, float | None]], px: Callable[[float], float], b: _Bins, y0: float, y1: float,
    fmt: Fmt,
) -> list[str]:
    """Dashed vertical lines at the markers; markers at the same place share a line and a label."""
    merged: dict[float, list[tuple[str, float]]] = {}
    for name, v in markers if not b.same else ():
        if v is not None and math.isfinite(v) and b.lo <= v <= b.hi:
            merged.setdefault(round(px(v), 1), []).append((name, v))
    body: list[str] = []
    placed: list[float] = []
    for x_at, group in sorted(merged.items()):
        name, v = " = ".join(g[0] for g in group), group[0][1]
        label_y = y1 - 8 - (12 if any(abs(x_at - p) < text_width(name, 11) for p in placed) else 0)
        placed.append(x_at)
        body.append(f'<line x1="{_n(x_at)}" y1="{_n(y1 - 4)}" x2="{_n(x_at)}" y2="{_n(y0)}" stroke="{_INK}" '
                    f'stroke-dasharray="4 3"><title>{esc(f"{name}: {fmt(v)}")}</title></line>')
        body.append(_text(x_at, label_y, name, size=11, anchor="middle"))
    return body


def _bars(b: _Bins, px: Callable[[float], float], py: Callable[[float], float], y0: float, fmt: Fmt,
          colour: str) -> list[str]:
    body = []
    for k, c in enumerate(b.counts):
        if c == 0:
            continue
        a, z = px(b.edges[k]), px(b.edges[k + 1])
        tip = (f"{fmt(b.edges[k])} to {fmt(b.edges[k + 1])}: {c} samples" if not b.same
               else f"all {c} samples: {fmt(b.first)}")
        body.append(f'<rect x="{_n(a + 0.5)}" y="{_n(py(c))}" width="{_n(max(z - a - 1, 1.0))}" '
                    f'height="{_n(y0 - py(c))}" fill="{colour}" fill-opacity="0.85"><title>{esc(tip)}</title></rect>')
    return body


def _y_label(text: str, x: float, y_mid: float) -> str:
    """A y-axis title written upwards at ``x``."""
    return _text(x, y_mid, text, size=12, anchor="middle", extra=f' transform="rotate(-90 {_n(x)} {_n(y_mid)})"')


def histogram(
    values: Sequence[float],
    *,
    title: str,
    fmt: Fmt,
    xlabel: str,
    bins: int = 24,
    markers: Sequence[tuple[str, float | None]] = (),
    colour: str = BLUE,
    width: float = 640,
    height: float = 250,
) -> Markup:
    """A histogram of ``values`` with vertical marker lines (for example the 5th, 50th, 95th percentiles).

    Examples
    --------
    >>> svg = histogram([1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0], title="Dwell", fmt=str, xlabel="hours", bins=4,
    ...                 markers=[("p50", 3.0)])
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"'), "Dwell" in svg
    (True, True)
    """
    vals = sorted(float(v) for v in values if v is not None and math.isfinite(float(v)))
    left, right, top, bottom = 52.0, 40.0, 44.0, 48.0
    if not vals:
        return _svg(width, height, title, [_text(width / 2, height / 2, "no samples", anchor="middle", fill=_MUTED)])
    b = _bin(vals, bins)
    cmax = max(b.counts)
    yticks = [t for t in nice_ticks(0, cmax, 5) if t == int(t)]
    ymax = max(yticks[-1], cmax)
    x0, x1, y0, y1 = left, width - right, height - bottom, top

    def px(v: float) -> float:
        return x0 + (v - b.lo) / (b.hi - b.lo) * (x1 - x0)

    def py(c: float) -> float:
        return y0 - c / ymax * (y0 - y1)

    body: list[str] = []
    for t in yticks:
        body.append(f'<line x1="{_n(x0)}" y1="{_n(py(t))}" x2="{_n(x1)}" y2="{_n(py(t))}" stroke="{_GRID}"/>')
        body.append(_text(x0 - 6, py(t) + 4, f"{int(t)}", size=11, anchor="end", fill=_MUTED))
    xticks = [v for v in nice_ticks(b.lo, b.hi, 6) if b.lo - 1e-9 <= v <= b.hi + 1e-9] if not b.same else [vals[0]]
    for t in xticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(y0)}" x2="{_n(px(t))}" y2="{_n(y0 + 5)}" stroke="{_MUTED}"/>')
        body.append(_text(px(t), y0 + 18, _tick_text(fmt, t), size=11, anchor="middle", fill=_MUTED))
    body += _bars(b, px, py, y0, fmt, colour)
    body.append(f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y0)}" stroke="{_MUTED}"/>')
    body += _marker_lines(markers, px, b, y0, y1, fmt)
    body.append(_text((x0 + x1) / 2, height - 8, xlabel, size=12, anchor="middle"))
    body.append(_y_label("samples", 14, (y0 + y1) / 2))
    if b.same:
        body.append(_text((x0 + x1) / 2, y1 - 12, f"all {len(vals)} samples equal {fmt(vals[0])}", size=12,
                          anchor="middle", fill=_MUTED))
    return _svg(width, height, title, body)


def tornado(
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    centre: float,
    title: str,
    fmt: Fmt,
    width: float = 640,
    label_width: float = 210,
) -> Markup:
    """A tornado chart: for each parameter the metric's mean with the parameter low and high.

    ``rows`` are ``(parameter, mean_low, mean_high)``, drawn in the given order from ``centre``
    (the metric's overall mean): the lowest-fifth bar in sky blue, the highest-fifth bar in orange.

    Examples
    --------
    >>> from corridor.report import _fmt
    >>> svg = tornado([("open_share", 3.2e10, 3.0e10), ("tariff", 3.05e10, 3.15e10)], centre=3.1e10,
    ...               title="Total cost", fmt=_fmt.usd)
    >>> svg.startswith("<svg"), "open_share" in svg
    (True, True)
    """
    bar_h, gap, top = 18.0, 10.0, 52.0
    height = top + len(rows) * (bar_h + gap) + 10
    vals = [centre] + [v for _, a, b in rows for v in (a, b) if v is not None and math.isfinite(v)]
    lo, hi = min(vals), max(vals)
    if hi == lo:
        lo, hi = lo - (abs(lo) * 0.01 or 1.0), hi + (abs(hi) * 0.01 or 1.0)
    pad = (hi - lo) * 0.04
    ticks = nice_ticks(lo - pad, hi + pad, 5)
    lo, hi = ticks[0], ticks[-1]
    x0, x1 = label_width, width - 20

    def px(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    body = _legend([("parameter in its lowest fifth", SKY), ("parameter in its highest fifth", ORANGE)], x0, 16)
    for t in ticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(top - 6)}" x2="{_n(px(t))}" y2="{_n(height - 8)}" '
                    f'stroke="{_GRID}"/>')
        body.append(_text(px(t), top - 12, _tick_text(fmt, t), size=11, anchor="middle", fill=_MUTED))
    for i, (name, low, high) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(x0 - 8, y + bar_h / 2 + 4, name, size=12, anchor="end"))
        for v, colour, half in ((low, SKY, "low"), (high, ORANGE, "high")):
            if v is None or not math.isfinite(v):
                continue
            a, b = sorted((px(centre), px(v)))
            tip = f"{name} in its {half}est fifth: mean {fmt(v)} ({fmt(v - centre)} against the mean)"
            body.append(f'<rect x="{_n(a)}" y="{_n(y)}" width="{_n(max(b - a, 1.0))}" height="{_n(bar_h)}" '
                        f'fill="{colour}"><title>{esc(tip)}</title></rect>')
    tip = f"mean of all samples: {fmt(centre)}"
    body.append(f'<line x1="{_n(px(centre))}" y1="{_n(top - 6)}" x2="{_n(px(centre))}" y2="{_n(height - 8)}" '
                f'stroke="{_INK}" stroke-width="1.5"><title>{esc(tip)}</title></line>')
    return _svg(width, height, title, body)


def quantile_chart(
    rows: Sequence[tuple[str, dict[str, float]]],
    *,
    title: str,
    fmt: Fmt,
    width: float = 640,
    label_width: float = 150,
) -> Markup:
    """Ranges from quantiles: a thin bar from p5 to p95, a thick one from p25 to p75, a tick at p50.

    Examples
    --------
    >>> from corridor.report import _fmt
    >>> svg = quantile_chart([("unserved", {"p5": 0.0, "p25": 1e5, "p50": 5e5, "p75": 1e6, "p95": 2e6})],
    ...                      title="Unserved tonnes", fmt=_fmt.tonnes)
    >>> svg.startswith("<svg"), "unserved" in svg
    (True, True)
    """
    bar_h, gap, top = 16.0, 12.0, 30.0
    height = top + len(rows) * (bar_h + gap) + 6
    vals = [q[k] for _, q in rows for k in ("p5", "p95", "p50") if k in q]
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - (abs(lo) * 0.05 or 1.0), hi + (abs(hi) * 0.05 or 1.0)
    ticks = nice_ticks(lo, hi, 5)
    lo, hi = ticks[0], ticks[-1]
    x0, x1 = label_width, width - 20

    def px(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    body: list[str] = []
    for t in ticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(top - 6)}" x2="{_n(px(t))}" y2="{_n(height - 6)}" '
                    f'stroke="{_GRID}"/>')
        body.append(_text(px(t), top - 12, _tick_text(fmt, t), size=11, anchor="middle", fill=_MUTED))
    for i, (name, q) in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(x0 - 8, y + bar_h / 2 + 4, name, size=12, anchor="end"))
        tip = ", ".join(f"{k} {fmt(q[k])}" for k in ("p5", "p25", "p50", "p75", "p95") if k in q)
        if "p5" in q and "p95" in q:
            body.append(f'<rect x="{_n(px(q["p5"]))}" y="{_n(y + bar_h / 2 - 2)}" '
                        f'width="{_n(max(px(q["p95"]) - px(q["p5"]), 1.0))}" height="4" fill="{SKY}">'
                        f"<title>{esc(tip)}</title></rect>")
        if "p25" in q and "p75" in q:
            body.append(f'<rect x="{_n(px(q["p25"]))}" y="{_n(y)}" width="{_n(max(px(q["p75"]) - px(q["p25"]), 2.0))}" '
                        f'height="{_n(bar_h)}" fill="{BLUE}"><title>{esc(tip)}</title></rect>')
        if "p50" in q:
            body.append(f'<line x1="{_n(px(q["p50"]))}" y1="{_n(y - 2)}" x2="{_n(px(q["p50"]))}" '
                        f'y2="{_n(y + bar_h + 2)}" stroke="{_INK}" stroke-width="2"/>')
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class Line:
    """One series of a :func:`line_chart`.

    Parameters
    ----------
    name
        Its name in the legend and in tooltips.
    x, y
        The points, in drawing order (equal ``x`` in a row draws a vertical step).
    colour, width
        Stroke colour and width.
    tips
        One tooltip per point; a point with a tooltip gets a small dot carrying it.
    legend
        Whether the line has a legend entry (lines of the same name and colour share one).

    Examples
    --------
    >>> from corridor.report import _fmt
    >>> rail = Line("rail", x=[0.0, 800.0, 1500.0], y=[0.0, 20.0, 42.0])
    >>> svg = line_chart([rail], title="Time by distance", xlabel="km", ylabel="hours", fmt_x=_fmt.number,
    ...                  fmt_y=_fmt.number)
    >>> svg.startswith("<svg"), "Time by distance" in svg
    (True, True)
    """

    name: str
    x: Sequence[float]
    y: Sequence[float]
    colour: str = BLUE
    width: float = 1.6
    tips: Sequence[str] = ()
    legend: bool = True


_SHADE = "#7f8a96"
_MAX_BANDS = 80  # hover bands of a daily series: at most this many, each a run of days


@dataclass(frozen=True)
class _Frame:
    """The plot area of a line chart and its scales."""

    x0: float
    x1: float
    y0: float
    y1: float
    xlo: float
    xhi: float
    yhi: float

    def px(self, x: float) -> float:
        return self.x0 + (x - self.xlo) / (self.xhi - self.xlo) * (self.x1 - self.x0)

    def py(self, y: float) -> float:
        return self.y0 - y / self.yhi * (self.y0 - self.y1)


def _finite_pairs(line: Line) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in zip(line.x, line.y, strict=False)
            if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]


def _line_frame(lines: Sequence[Line], hline: tuple[str, float] | None, *, width: float, height: float,
                top: float, fmt_y: Fmt) -> tuple[_Frame, list[float], list[float]]:
    xs = [x for ln in lines for x, _ in _finite_pairs(ln)] or [0.0, 1.0]
    ys = [y for ln in lines for _, y in _finite_pairs(ln)] + ([hline[1]] if hline else []) + [0.0]
    xlo, xhi = min(xs), max(xs)
    if xhi == xlo:
        xhi = xlo + 1.0
    ytop = max(*ys, 1e-9)
    yticks = [t for t in nice_ticks(0.0, ytop, 5) if t >= 0]
    left = max(text_width(_tick_text(fmt_y, t), 11) for t in yticks) + 34
    frame = _Frame(left, width - 18, height - 44, top, xlo, xhi, max(yticks[-1], ytop))
    xticks = [t for t in nice_ticks(xlo, xhi, 7) if xlo - 1e-9 <= t <= xhi + 1e-9]
    return frame, xticks, yticks


def _line_axes(f: _Frame, xticks: Sequence[float], yticks: Sequence[float], fmt_x: Fmt, fmt_y: Fmt,
               xlabel: str, ylabel: str, height: float) -> list[str]:
    body = []
    for t in yticks:
        body.append(f'<line x1="{_n(f.x0)}" y1="{_n(f.py(t))}" x2="{_n(f.x1)}" y2="{_n(f.py(t))}" stroke="{_GRID}"/>')
        body.append(_text(f.x0 - 6, f.py(t) + 4, _tick_text(fmt_y, t), size=11, anchor="end", fill=_MUTED))
    for t in xticks:
        body.append(f'<line x1="{_n(f.px(t))}" y1="{_n(f.y0)}" x2="{_n(f.px(t))}" y2="{_n(f.y0 + 5)}" '
                    f'stroke="{_MUTED}"/>')
        body.append(_text(f.px(t), f.y0 + 18, _tick_text(fmt_x, t), size=11, anchor="middle", fill=_MUTED))
    body.append(f'<line x1="{_n(f.x0)}" y1="{_n(f.y0)}" x2="{_n(f.x1)}" y2="{_n(f.y0)}" stroke="{_MUTED}"/>')
    body.append(_text((f.x0 + f.x1) / 2, height - 8, xlabel, size=12, anchor="middle"))
    body.append(_y_label(ylabel, 14, (f.y0 + f.y1) / 2))
    return body


def _half_steps(xs: Sequence[float]) -> list[tuple[float, float]]:
    """For each x, the interval from halfway to its left neighbour to halfway to its right one."""
    out = []
    for i, x in enumerate(xs):
        a = (xs[i - 1] + x) / 2 if i > 0 else x - ((xs[1] - x) / 2 if len(xs) > 1 else 0.5)
        b = (x + xs[i + 1]) / 2 if i + 1 < len(xs) else x + ((x - xs[i - 1]) / 2 if i > 0 else 0.5)
        out.append((a, b))
    return out


def _shading(f: _Frame, xs: Sequence[float], shade: Sequence[float], name: str) -> list[str]:
    """Grey bands where ``shade`` (a share 0..1 per x) is positive; darker the larger the share."""
    body = []
    for (a, b), s, x in zip(_half_steps(xs), shade, xs, strict=False):
        if s is None or not math.isfinite(s) or s <= 0:
            continue
        pa, pb = max(f.px(a), f.x0), min(f.px(b), f.x1)
        body.append(f'<rect x="{_n(pa)}" y="{_n(f.y1)}" width="{_n(max(pb - pa, 0.5))}" height="{_n(f.y0 - f.y1)}" '
                    f'fill="{_SHADE}" fill-opacity="{min(float(s), 1.0) * 0.35:.2f}">'
                    f"<title>{esc(f'{_n(x)}: {name} {100 * min(float(s), 1.0):.0f} % of the time')}</title></rect>")
    return body


def _polyline(f: _Frame, line: Line) -> list[str]:
    pts = _finite_pairs(line)
    if not pts:
        return []
    coords = " ".join(f"{_n(f.px(x))},{_n(f.py(y))}" for x, y in pts)
    body = [f'<polyline fill="none" stroke="{esc(line.colour)}" stroke-width="{_n(line.width)}" '
            f'stroke-linejoin="round" points="{coords}"><title>{esc(line.name)}</title></polyline>']
    for (x, y), tip in zip(pts, line.tips, strict=False):
        if not tip:
            continue
        body.append(f'<circle cx="{_n(f.px(x))}" cy="{_n(f.py(y))}" r="3" fill="#ffffff" stroke="{esc(line.colour)}" '
                    f'stroke-width="1.2"><title>{esc(tip)}</title></circle>')
    return body


def _bands(f: _Frame, lines: Sequence[Line], fmt_x: Fmt, fmt_y: Fmt) -> list[str]:
    """Invisible hover bands over runs of x, each with a tooltip of every line's values there."""
    xs = [float(x) for x in lines[0].x]
    if not xs:
        return []
    per = max(1, math.ceil(len(xs) / _MAX_BANDS))
    steps = _half_steps(xs)
    body = []
    for start in range(0, len(xs), per):
        idx = range(start, min(start + per, len(xs)))
        head = fmt_x(xs[idx[0]]) if len(idx) == 1 else f"{fmt_x(xs[idx[0]])} to {fmt_x(xs[idx[-1]])}"
        parts = []
        for ln in lines:
            vals = [float(ln.y[i]) for i in idx if i < len(ln.y) and ln.y[i] is not None and math.isfinite(ln.y[i])]
            if vals:
                mean = fmt_y(math.fsum(vals) / len(vals))
                more = "" if len(vals) == 1 else f" (mean), max {fmt_y(max(vals))}"
                parts.append(f"{ln.name} {mean}{more}")
        a, b = max(f.px(steps[idx[0]][0]), f.x0), min(f.px(steps[idx[-1]][1]), f.x1)
        body.append(f'<rect class="hover" x="{_n(a)}" y="{_n(f.y1)}" width="{_n(max(b - a, 0.5))}" '
                    f'height="{_n(f.y0 - f.y1)}" fill="#ffffff" fill-opacity="0">'
                    f"<title>{esc(head + ': ' + '; '.join(parts))}</title></rect>")
    return body


def _line_legend(lines: Sequence[Line], shade_label: str, hline: tuple[str, float] | None, x: float) -> list[str]:
    items = list(dict.fromkeys((ln.name, ln.colour) for ln in lines if ln.legend))
    out = _legend(items, x, 16)
    x += sum(15 + text_width(name) + 16 for name, _ in items)
    if shade_label:
        out.append(f'<rect x="{_n(x)}" y="7" width="11" height="11" fill="{_SHADE}" fill-opacity="0.35"/>')
        out.append(_text(x + 15, 16, shade_label, size=12))
        x += 15 + text_width(shade_label) + 16
    if hline:
        out.append(f'<line x1="{_n(x)}" y1="12" x2="{_n(x + 18)}" y2="12" stroke="{_INK}" stroke-dasharray="4 3"/>')
        out.append(_text(x + 22, 16, hline[0], size=12))
    return out


def _vlines(f: _Frame, marks: Sequence[tuple[str, float, str]]) -> list[str]:
    """Dotted vertical markers, labels staggered downwards so that neighbours do not overlap."""
    body = []
    last_x, row = -math.inf, 0
    for label, x, tip in sorted(marks, key=lambda m: m[1]):
        if x is None or not math.isfinite(x) or not f.xlo - 1e-9 <= x <= f.xhi + 1e-9:
            continue
        px = f.px(x)
        row = row + 1 if px - last_x < 90 else 0
        last_x = px
        body.append(f'<line x1="{_n(px)}" y1="{_n(f.y0)}" x2="{_n(px)}" y2="{_n(f.y1)}" stroke="{VERMILLION}" '
                    f'stroke-width="1.2" stroke-dasharray="2 3"><title>{esc(tip or label)}</title></line>')
        text = label if len(label) <= 30 else label[:29] + "…"
        anchor, dx = ("start", 3) if px < (f.x0 + f.x1) / 2 else ("end", -3)
        body.append(_text(px + dx, f.y1 + 11 + 12 * (row % 4), text, size=10, anchor=anchor, fill=VERMILLION))
    return body


def line_chart(
    lines: Sequence[Line],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    fmt_x: Fmt,
    fmt_y: Fmt,
    shade: Sequence[float] | None = None,
    shade_label: str = "",
    hline: tuple[str, float] | None = None,
    bands: bool = False,
    vlines: Sequence[tuple[str, float, str]] = (),
    width: float = 640,
    height: float = 250,
) -> Markup:
    """Lines over a shared x axis, with optional shading, a dashed threshold line and hover bands.

    Parameters
    ----------
    lines
        The series; the y axis starts at zero (every quantity drawn here is ≥ 0).
    title, xlabel, ylabel
        The chart's accessible title and the axis titles (with their units).
    fmt_x, fmt_y
        Formatters of the axis values (tick labels and tooltips).
    shade, shade_label
        A share 0..1 for each x of the first line, drawn as grey bands (for example the part of a
        day the port was closed by storms), and its legend entry.
    hline
        ``(label, value)``: a dashed horizontal line, for example a threshold or a theoretical value.
    bands
        Hover bands over runs of x whose tooltips give every line's values (for long daily series,
        at most 80 bands).
    vlines
        ``(label, x, tooltip)``: dotted vertical markers at ``x`` (for example where a capacity starts
        to bind), the label written at the top of the plot, the tooltip on hover.
    width, height
        Size of the SVG coordinate system.

    Examples
    --------
    >>> from corridor.report import _fmt
    >>> lines = [Line("rail", [0.0, 800.0, 1500.0], [0.0, 20.0, 42.0]), Line("road", [0.0, 1500.0], [0.0, 30.0])]
    >>> svg = line_chart(lines, title="Time by distance", xlabel="km", ylabel="hours", fmt_x=_fmt.number,
    ...                  fmt_y=_fmt.number, hline=("target", 36.0))
    >>> svg.startswith("<svg"), "rail" in svg and "road" in svg
    (True, True)
    """
    legend_n = len({(ln.name, ln.colour) for ln in lines if ln.legend}) + bool(shade_label) + bool(hline)
    frame, xticks, yticks = _line_frame(lines, hline, width=width, height=height, top=40.0 if legend_n else 20.0,
                                        fmt_y=fmt_y)
    body: list[str] = []
    if legend_n:
        body += _line_legend(lines, shade_label, hline, frame.x0)
    if shade is not None and lines:
        body += _shading(frame, [float(x) for x in lines[0].x], shade, shade_label or "shaded")
    body += _line_axes(frame, xticks, yticks, fmt_x, fmt_y, xlabel, ylabel, height)
    if hline is not None and math.isfinite(hline[1]):
        y = frame.py(hline[1])
        body.append(f'<line x1="{_n(frame.x0)}" y1="{_n(y)}" x2="{_n(frame.x1)}" y2="{_n(y)}" stroke="{_INK}" '
                    f'stroke-width="1.2" stroke-dasharray="5 4"><title>{esc(f"{hline[0]}: {fmt_y(hline[1])}")}'
                    "</title></line>")
    body += _vlines(frame, vlines)
    for ln in lines:
        body += _polyline(frame, ln)
    if bands and lines:
        body += _bands(frame, lines, fmt_x, fmt_y)
    return _svg(width, height, title, body)
