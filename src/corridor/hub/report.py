"""A self-contained HTML report of a hub simulation: KPI table and inline SVG charts (no scripts, no CDN)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from corridor.hub.simulate import SimulationResult

__all__ = ["report_html", "svg_line_chart"]

_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def svg_line_chart(series: dict[str, Sequence[float]], *, title: str, y_label: str,
                   shade: Sequence[float] | None = None, hline: float | None = None,
                   width: int = 760, height: int = 220) -> str:
    """An SVG line chart of daily series (x = day 1..n); ``shade`` (0–1 per day) greys storm days."""
    left, right, top, bottom = 56, 12, 28, 34
    w, h = width - left - right, height - top - bottom
    n = max((len(v) for v in series.values()), default=1)
    ymax = max([max(v) for v in series.values() if len(v)] + [hline or 0.0, 1e-9])
    ymax *= 1.05

    def px(i: float) -> float:
        return left + w * (i / max(n - 1, 1))

    def py(y: float) -> float:
        return top + h * (1.0 - y / ymax)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{html.escape(title)}">',
             f'<text x="{left}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>']
    if shade is not None:
        bw = w / max(n, 1)
        for i, s in enumerate(shade):
            if s > 0:
                parts.append(f'<rect x="{left + i * bw:.1f}" y="{top}" width="{bw:.2f}" height="{h}" '
                             f'fill="#999" fill-opacity="{min(s, 1.0) * 0.35:.2f}"/>')
    for k in range(5):
        y = ymax * k / 4
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{py(y) + 4:.1f}" font-size="10" text-anchor="end">{y:.3g}</text>')
    for d in range(0, n, max(1, n // 12)):
        parts.append(f'<text x="{px(d):.1f}" y="{top + h + 14}" font-size="10" text-anchor="middle">{d + 1}</text>')
    parts.append(f'<text x="{left + w / 2}" y="{height - 4}" font-size="10" text-anchor="middle">day</text>'
                 f'<text x="12" y="{top + h / 2}" font-size="10" transform="rotate(-90 12 {top + h / 2})" '
                 f'text-anchor="middle">{html.escape(y_label)}</text>')
    if hline is not None:
        parts.append(f'<line x1="{left}" x2="{left + w}" y1="{py(hline):.1f}" y2="{py(hline):.1f}" '
                     f'stroke="#000" stroke-dasharray="4 3"/>')
    for values, colour in zip(series.values(), _COLOURS, strict=False):
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.3" points="{pts}"/>')
    for j, (name, colour) in enumerate(zip(series, _COLOURS, strict=False)):
        x = left + w - 150
        parts.append(f'<rect x="{x}" y="{top + 4 + 14 * j}" width="10" height="3" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{top + 9 + 14 * j}" font-size="10">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}g}" if abs(v) < 1000 else f"{v:,.0f}"
    return html.escape(str(v))


def _row(name: str, d: dict[str, Any], unit: str) -> str:
    ci = d.get("ci")
    ci_text = f"{_fmt(max(ci[0], 0.0))} – {_fmt(ci[1])}" if ci else "–"
    return (f"<tr><td>{html.escape(name)}</td><td>{_fmt(d['mean'])}</td><td>{ci_text}</td>"
            f"<td>{_fmt(d.get('p95'))}</td><td>{html.escape(unit)}</td></tr>")


def report_html(result: SimulationResult) -> str:
    """The whole report as one HTML string."""
    d = result.to_dict()
    s = d["series"]
    cfg = result.config
    title = f"Hub simulation: {cfg.name}"
    rows = []
    if cfg.mode == "queue":
        rows += [_row("wait in queue", d["wait_h"], "h"), _row("utilisation", d["utilisation"], "share"),
                 _row("time in system", d["time_in_system_h"], "h")]
        charts = [svg_line_chart({"mean wait (h)": s["wait_h"]}, title="Mean wait of the day's arrivals",
                                 y_label="hours")]
        theory = d.get("theory")
        extra = (f"<p>Theory ({html.escape(theory['formula'])}): W<sub>q</sub> = {theory['wait_mean_h']:.4g} h; "
                 f"inside the 95 % CI: {'yes' if theory['within_ci'] else 'no'}.</p>") if theory else ""
    else:
        for key, name, unit in (("throughput_teu", "throughput", "TEU/yr"), ("vessel_wait_h", "vessel wait", "h"),
                                ("train_wait_h", "train wait", "h"), ("truck_wait_h", "truck wait at gate", "h"),
                                ("berth_utilisation", "berth utilisation", "share"),
                                ("crane_utilisation", "crane utilisation", "share"),
                                ("track_utilisation", "rail track utilisation", "share"),
                                ("ferry_bridge_utilisation", "ferry bridge utilisation", "share"),
                                ("yard_occupancy", "yard occupancy", "share of slots × tiers"),
                                ("dwell_h", "yard dwell", "h"), ("time_in_hub_h", "time in hub", "h"),
                                ("backlog_teu", "backlog at end", "TEU"), ("days_closed", "days closed by storms", "d"),
                                ("yard_blocked_h", "call-hours waiting for yard space", "h")):
            rows.append(_row(name, d[key], unit))
        y = d["yard_occupancy"]
        extra = (f"<p>Yard: {y['capacity_teu']:,} TEU (ground slots × tiers); share of time above "
                 f"{y['threshold']:.0%}: {y['share_over_threshold']:.1%}; maximum {y['max']:.1%}. "
                 f"Capacity basis: {html.escape(cfg.capacity_basis)}</p>")
        charts = [
            svg_line_chart({"yard occupancy": s["yard_occupancy"]}, title="Daily mean yard occupancy "
                           "(grey: port closed by storm; dashed: threshold)", y_label="share", shade=s["closed_share"],
                           hline=cfg.yard_threshold),
            svg_line_chart({"ships waiting": s["ships_waiting"], "trains waiting": s["trains_waiting"]},
                           title="Daily mean queue lengths", y_label="calls", shade=s["closed_share"]),
            svg_line_chart({"TEU out": s["teu_out"]}, title="TEU leaving the hub per day", y_label="TEU",
                           shade=s["closed_share"]),
        ]
    head = (f"<p>{result.replications} replications × {result.days} days after a {result.warmup_days}-day warm-up; "
            f"seed {result.seed}. Means over replications with 95 % Student-t intervals (shown from 0 where they "
            f"reach below); p95 is the mean of the replications' 95th percentiles. Daily series are means over "
            f"replications.</p>")
    style = ("body{font-family:system-ui,sans-serif;max-width:820px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}"
             "td:first-child,th:first-child{text-align:left}svg{display:block;margin:1.2em 0}")
    table = ("<table><tr><th>KPI</th><th>mean</th><th>95 % CI</th><th>p95</th><th>unit</th></tr>"
             + "".join(rows) + "</table>")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>{head}{table}{extra}"
            + "".join(charts) + "</body></html>\n")
