"""Inline SVG charts: horizontal bars (grouped and stacked), histograms, tornado and quantile ranges.

Each function returns one ``<svg>`` element with a ``viewBox`` (it scales to the page width),
``role="img"``, an ``aria-label`` and a ``<title>``, axes with units, and a ``<title>`` tooltip on
every mark. Colours are from the Okabe-Ito palette, which stays distinct for colour-blind readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from corridor.report._fmt import nice_ticks
from corridor.report._page import Markup, esc

__all__ = [
    "BASE",
    "BLUE",
    "ORANGE",
    "SKY",
    "VERMILLION",
    "YELLOW",
    "bar_chart",
    "histogram",
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
BASE = "#9AA5B1"
_INK = "#1d2733"
_MUTED = "#5b6673"
_GRID = "#e3e7eb"

Fmt = Callable[[float], str]


def text_width(text: str, size: float = 12) -> float:
    """Estimated width of ``text`` in SVG units at font ``size`` (no font metrics offline)."""
    return len(text) * size * 0.56


def _n(x: float) -> str:
    """A coordinate with at most one decimal, so that output is short and deterministic."""
    v = round(x, 1)
    return str(int(v)) if v == int(v) else f"{v:.1f}"


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


def histogram(
    values: Sequence[float],
    *,
    title: str,
    fmt: Fmt,
    xlabel: str,
    bins: int = 24,
    markers: Sequence[tuple[str, float]] = (),
    colour: str = BLUE,
    width: float = 640,
    height: float = 250,
) -> Markup:
    """A histogram of ``values`` with vertical marker lines (for example the 5th, 50th, 95th percentiles)."""
    vals = sorted(float(v) for v in values if v is not None and math.isfinite(float(v)))
    left, right, top, bottom = 52.0, 40.0, 44.0, 48.0
    body: list[str] = []
    if not vals:
        body.append(_text(width / 2, height / 2, "no samples", anchor="middle", fill=_MUTED))
        return _svg(width, height, title, body)
    vmin, vmax = vals[0], vals[-1]
    same = vmax == vmin
    if same:
        pad = abs(vmin) * 0.05 or 1.0
        lo, hi, bins = vmin - pad, vmax + pad, 1
        edges = [vmin - pad / 10, vmin + pad / 10]
        counts = [len(vals)]
    else:
        ticks = nice_ticks(vmin, vmax, 6)
        lo, hi = ticks[0], ticks[-1]
        step = (vmax - vmin) / bins
        edges = [vmin + k * step for k in range(bins + 1)]
        counts = [0] * bins
        for v in vals:
            counts[min(int((v - vmin) / step), bins - 1)] += 1
    cmax = max(counts)
    yticks = [t for t in nice_ticks(0, cmax, 5) if t == int(t)]
    ymax = max(yticks[-1], cmax)
    x0, x1, y0, y1 = left, width - right, height - bottom, top

    def px(v: float) -> float:
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    def py(c: float) -> float:
        return y0 - c / ymax * (y0 - y1)

    for t in yticks:
        body.append(f'<line x1="{_n(x0)}" y1="{_n(py(t))}" x2="{_n(x1)}" y2="{_n(py(t))}" stroke="{_GRID}"/>')
        body.append(_text(x0 - 6, py(t) + 4, f"{int(t)}", size=11, anchor="end", fill=_MUTED))
    xticks = [v for v in nice_ticks(lo, hi, 6) if lo - 1e-9 <= v <= hi + 1e-9] if not same else [vmin]
    for t in xticks:
        body.append(f'<line x1="{_n(px(t))}" y1="{_n(y0)}" x2="{_n(px(t))}" y2="{_n(y0 + 5)}" stroke="{_MUTED}"/>')
        body.append(_text(px(t), y0 + 18, _tick_text(fmt, t), size=11, anchor="middle", fill=_MUTED))
    for k, c in enumerate(counts):
        if c == 0:
            continue
        a, b = px(edges[k]), px(edges[k + 1])
        tip = (f"{fmt(edges[k])} to {fmt(edges[k + 1])}: {c} samples" if not same
               else f"all {c} samples: {fmt(vmin)}")
        body.append(f'<rect x="{_n(a + 0.5)}" y="{_n(py(c))}" width="{_n(max(b - a - 1, 1.0))}" '
                    f'height="{_n(y0 - py(c))}" fill="{colour}" fill-opacity="0.85"><title>{esc(tip)}</title></rect>')
    body.append(f'<line x1="{_n(x0)}" y1="{_n(y0)}" x2="{_n(x1)}" y2="{_n(y0)}" stroke="{_MUTED}"/>')
    merged: dict[float, list[tuple[str, float]]] = {}  # markers at the same place share a line
    for name, v in markers if not same else ():
        if v is not None and math.isfinite(v) and lo <= v <= hi:
            merged.setdefault(round(px(v), 1), []).append((name, v))
    placed: list[float] = []
    for x_at, group in sorted(merged.items()):
        name, v = " = ".join(g[0] for g in group), group[0][1]
        label_y = y1 - 8 - (12 if any(abs(x_at - p) < text_width(name, 11) for p in placed) else 0)
        placed.append(x_at)
        body.append(f'<line x1="{_n(x_at)}" y1="{_n(y1 - 4)}" x2="{_n(x_at)}" y2="{_n(y0)}" stroke="{_INK}" '
                    f'stroke-dasharray="4 3"><title>{esc(f"{name}: {fmt(v)}")}</title></line>')
        body.append(_text(x_at, label_y, name, size=11, anchor="middle"))
    body.append(_text((x0 + x1) / 2, height - 8, xlabel, size=12, anchor="middle"))
    body.append(_text(14, (y0 + y1) / 2, "samples", size=12, anchor="middle",
                      extra=f' transform="rotate(-90 14 {_n((y0 + y1) / 2)})"'))
    if same:
        body.append(_text((x0 + x1) / 2, y1 - 12, f"all {len(vals)} samples equal {fmt(vmin)}", size=12,
                          anchor="middle", fill=_MUTED))
    return _svg(width, height, title, body)


def tornado(
    rows: Sequence[tuple[str, float, float]],
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
    """Ranges from quantiles: a thin bar from p5 to p95, a thick one from p25 to p75, a tick at p50."""
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
