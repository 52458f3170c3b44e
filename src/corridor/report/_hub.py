"""The view of a hub simulation (``SimulationResult.to_dict()``): KPI table, theory, daily charts.

Every KPI is ≥ 0 and every share lies in 0..1, but a Student-t interval from a few replications can
reach outside: the view shows intervals from 0 and clips shares to 0..1 (docs/HUB.md: "displays
clip it at zero, the JSON keeps the raw interval").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from corridor.report import _fmt
from corridor.report._page import Markup, card, join, page_or_div, table, tag, write_page
from corridor.report._svg import BLUE, ORANGE, VERMILLION, Line, line_chart

__all__ = ["render_hub", "shown", "write_hub"]

Json = Mapping[str, Any]

# (key in the result, name, kind of value); the kind decides the unit and the clipping
_HUB_KPIS = (
    ("throughput_teu", "Throughput", "teu_yr"),
    ("vessel_wait_h", "Vessel and ferry wait", "h"),
    ("train_wait_h", "Train wait", "h"),
    ("truck_wait_h", "Truck wait at the gate", "h"),
    ("berth_utilisation", "Berth utilisation", "share"),
    ("crane_utilisation", "Crane utilisation", "share"),
    ("track_utilisation", "Rail track utilisation", "share"),
    ("ferry_bridge_utilisation", "Ferry bridge utilisation", "share"),
    ("gate_utilisation", "Gate utilisation", "share"),
    ("yard_occupancy", "Yard occupancy", "share"),
    ("dwell_h", "Yard dwell", "h"),
    ("time_in_hub_h", "Time in hub", "h"),
    ("backlog_teu", "Backlog at the end", "teu"),
    ("days_closed", "Days closed by storms", "days"),
    ("yard_blocked_h", "Call-hours waiting for yard space", "h"),
)
_QUEUE_KPIS = (
    ("wait_h", "Wait in queue", "h"),
    ("wait_probability", "Probability of waiting", "share"),
    ("time_in_system_h", "Time in system", "h"),
    ("utilisation", "Server utilisation", "share"),
    ("customers_per_yr", "Customers", "per_yr"),
)
_FRAGMENT_KPIS = {"throughput_teu", "vessel_wait_h", "train_wait_h", "yard_occupancy", "time_in_hub_h", "wait_h",
                  "utilisation", "wait_probability"}


_num = _fmt.num


def shown(value: float | None, kind: str) -> float | None:
    """A KPI value as displayed: never below 0; a share never above 1.

    Examples
    --------
    >>> shown(-3.2, "h"), shown(2.27, "share"), shown(0.5, "share"), shown(None, "h")
    (0.0, 1.0, 0.5, None)
    """
    if value is None:
        return None
    value = max(value, 0.0)
    return min(value, 1.0) if kind == "share" else value


def _value(x: float | None, kind: str) -> str:
    v = shown(x, kind)
    if v is None:
        return "–"
    if kind == "share":
        return _fmt.share(v, 1)
    if kind == "h":
        return f"{_fmt.number(v, 0 if v == 0 else 2 if v < 10 else 1)} h"
    if kind == "days":
        return f"{_fmt.number(v, 1)} days"
    unit = {"teu_yr": "TEU/yr", "teu": "TEU", "per_yr": "per year"}.get(kind, "")
    return _fmt.count(v, unit)


def _ci(d: Json, kind: str) -> tuple[str, float | None]:
    ci = d.get("ci")
    if not isinstance(ci, Sequence) or len(ci) != 2 or _num(ci[0]) is None or _num(ci[1]) is None:
        return "–", None
    lo, hi = shown(_num(ci[0]), kind), shown(_num(ci[1]), kind)
    return f"{_value(lo, kind)} – {_value(hi, kind)}", lo


def _kpi_table(result: Json, *, compact: bool) -> Markup:
    kpis = _QUEUE_KPIS if result.get("mode") == "queue" else _HUB_KPIS
    rows = []
    for key, name, kind in kpis:
        d = result.get(key)
        if not isinstance(d, Mapping) or (compact and key not in _FRAGMENT_KPIS):
            continue
        mean, p95 = _num(d.get("mean")), _num(d.get("p95"))
        row: list[object] = [name, (_value(mean, kind), shown(mean, kind)), _ci(d, kind)]
        if not compact:
            row.append((_value(p95, kind), shown(p95, kind)) if "p95" in d else "")
        rows.append(row)
    head = ["KPI", "Mean", "95 % CI"] + ([] if compact else ["P95"])
    return table(head, rows, numeric=range(1, len(head)), sortable=False,
                 caption="Means over replications with 95 % Student-t intervals, shown from 0 (shares capped at "
                         "100 %)" + ("" if compact else "; P95 is the mean of the replications' 95th percentiles")
                         + ".")


def _method(result: Json) -> Markup:
    return tag("p", f"{result.get('replications', '?')} replications × {result.get('days', '?')} days after a "
                    f"{result.get('warmup_days', '?')}-day warm-up, seed {result.get('seed', '?')}. Daily series "
                    "are means over replications. A t-interval from a few replications of a skewed KPI can reach "
                    "below zero or above 100 %; the view clips it there, the JSON keeps the raw interval.",
               class_="meta")


def _theory(result: Json) -> Markup:
    th = result.get("theory")
    if not isinstance(th, Mapping):
        if result.get("mode") == "queue":
            return tag("p", "No exact formula applies to this queue: the simulation stands alone.", class_="note")
        return Markup("")
    wq, err = _num(th.get("wait_mean_h")), _num(th.get("relative_error"))
    inside = "inside" if th.get("within_ci") else "outside"
    sim = _num((result.get("wait_h") or {}).get("mean"))
    return tag("p", f"Theory ({th.get('formula', '?')}): mean wait in queue Wq = {_value(wq, 'h')}, {inside} the "
                    f"simulation's 95 % interval (simulated {_value(sim, 'h')}"
                    + (f", relative error {_fmt.pct(100 * err, digits=2)})." if err is not None else ")."),
               class_="notice")


def _yard(result: Json) -> Markup:
    y = result.get("yard_occupancy")
    if not isinstance(y, Mapping) or result.get("mode") == "queue":
        return Markup("")
    thr = _num(y.get("threshold"))
    text = (f"Yard: {_fmt.count(_num(y.get('capacity_teu')), 'TEU')} (ground slots × tiers); occupancy above "
            f"{_fmt.share(thr)} for {_fmt.share(shown(_num(y.get('share_over_threshold')), 'share'), 1)} of the "
            f"time, maximum {_fmt.share(shown(_num(y.get('max')), 'share'), 1)}.")
    basis = str(result.get("capacity_basis", "") or "")
    return join([tag("p", text), tag("p", f"Capacity basis: {basis}", class_="note") if basis else Markup("")])


def _design(result: Json) -> Markup:
    layout = result.get("layout")
    if not isinstance(layout, Mapping):
        return Markup("")
    names = (("demand_teu_per_yr", "Demand offered", "TEU/yr"), ("capacity_teu_per_yr", "Design capacity", "TEU/yr"),
             ("berths", "Berths", ""), ("cranes", "Cranes", ""), ("tracks", "Rail loading tracks", ""),
             ("ferry_bridges", "Ferry bridges", ""), ("gate_lanes", "Gate lanes", ""),
             ("yard_slots", "Yard ground slots", ""), ("yard_tiers", "Yard tiers", ""),
             ("yard_capacity_teu", "Yard capacity", "TEU"))
    rows = [[name, (_fmt.count(_num(layout.get(k)), unit), _num(layout.get(k)))] for k, name, unit in names
            if _num(layout.get(k)) is not None]
    return table(["Design", "Value"], rows, numeric=(1,), sortable=False) if rows else Markup("")


def _calls(result: Json) -> Markup:
    calls = result.get("calls")
    if not isinstance(calls, Mapping):
        return Markup("")
    parts = [f"{_fmt.number(_num(calls.get(k)))} {what}" for k, what in
             (("vessel_and_ferry", "vessel and ferry calls"), ("train", "trains"), ("truck", "trucks"))]
    return tag("p", f"Calls in the measured period (mean over replications): {', '.join(parts)}.", class_="note")


def _series(result: Json, key: str) -> list[float]:
    s = (result.get("series") or {}).get(key) or []
    return [float(v) if _num(v) is not None else math.nan for v in s]


def _days(result: Json, n: int) -> list[float]:
    days = (result.get("series") or {}).get("day") or []
    return [float(d) for d in days][:n] if len(days) >= n else [float(i + 1) for i in range(n)]


def _chart(result: Json, lines: list[tuple[str, str, str]], *, title: str, ylabel: str,
           fmt_y: Callable[[float], str], hline: tuple[str, float] | None = None, width: float = 760,
           height: float = 250) -> Markup:
    """A daily chart of series ``(key, name, colour)`` with storm shading where the result has it."""
    data = [(name, colour, _series(result, key)) for key, name, colour in lines]
    n = max((len(v) for _, _, v in data), default=0)
    if n == 0:
        return Markup("")
    x = _days(result, n)
    closed = _series(result, "closed_share")
    shade = closed if any(v > 0 for v in closed if math.isfinite(v)) else None
    chart = line_chart([Line(name, x, v, colour) for name, colour, v in data], title=title,
                       xlabel="day of the measured period", ylabel=ylabel, fmt_x=_fmt.number,
                       fmt_y=fmt_y, shade=shade, shade_label="port closed by storms" if shade else "", hline=hline,
                       bands=True, width=width, height=height)
    return Markup(f"<figure>{chart}</figure>")


def _share_axis(v: float) -> str:
    return _fmt.share(v)


def _charts(result: Json, *, small: bool = False) -> list[Markup]:
    size = {"width": 560.0, "height": 220.0} if small else {}
    if result.get("mode") == "queue":
        th = result.get("theory")
        wq = _num(th.get("wait_mean_h")) if isinstance(th, Mapping) else None
        out = [_chart(result, [("wait_h", "mean wait of the day's arrivals", BLUE)],
                      title="Mean wait in queue of each day's arrivals", ylabel="wait (h)",
                      fmt_y=lambda v: _fmt.number(v, 1),
                      hline=(f"theory: Wq ({th.get('formula')})", wq) if wq is not None and th else None, **size)]
        if not small:
            out.append(_chart(result, [("arrivals", "arrivals", ORANGE)], title="Arrivals per day",
                              ylabel="arrivals per day", fmt_y=_fmt.number))
        return out
    y = result.get("yard_occupancy")
    thr = _num(y.get("threshold")) if isinstance(y, Mapping) else None
    out = [_chart(result, [("yard_occupancy", "yard occupancy", BLUE)], title="Daily mean yard occupancy",
                  ylabel="share of yard capacity", fmt_y=_share_axis,
                  hline=(f"threshold {_fmt.share(thr)}", thr) if thr is not None else None, **size)]
    if not small:
        out += [_chart(result, [("ships_waiting", "vessels and ferries waiting", BLUE),
                                ("trains_waiting", "trains waiting", VERMILLION)],
                       title="Daily mean queue lengths", ylabel="calls waiting", fmt_y=lambda v: _fmt.number(v, 1)),
                _chart(result, [("teu_out", "TEU leaving the hub", ORANGE)], title="TEU leaving the hub per day",
                       ylabel="TEU per day", fmt_y=_fmt.number)]
    return out


def _cards(result: Json) -> Markup:
    def est(key: str) -> Json:
        d = result.get(key)
        return d if isinstance(d, Mapping) else {}

    if result.get("mode") == "queue":
        cards = [card("Mean wait in queue", _value(_num(est("wait_h").get("mean")), "h"),
                      f"95 % CI {_ci(est('wait_h'), 'h')[0]}"),
                 card("Server utilisation", _value(_num(est("utilisation").get("mean")), "share"),
                      f"offered {_fmt.share(_num(result.get('utilisation_offered')), 1)}"),
                 card("Probability of waiting", _value(_num(est("wait_probability").get("mean")), "share"))]
    else:
        yard = est("yard_occupancy")
        cards = [card("Throughput", _value(_num(est("throughput_teu").get("mean")), "teu_yr"),
                      f"offered {_fmt.count(_num(result.get('demand_teu_per_yr')), 'TEU/yr')}"),
                 card("Vessel and ferry wait", _value(_num(est("vessel_wait_h").get("mean")), "h"),
                      f"of which storms {_value(_num(est('vessel_wait_h').get('weather_mean')), 'h')}"),
                 card("Yard occupancy, P95", _value(_num(yard.get("p95")), "share"),
                      f"threshold {_fmt.share(_num(yard.get('threshold')))}"),
                 card("Time in hub", _value(_num(est("time_in_hub_h").get("mean")), "h"), "mean per container")]
    return Markup(f'<div class="cards">{"".join(cards)}</div>')


def _subtitle(result: Json) -> str:
    what = (f"queue with {result.get('servers', '?')} servers" if result.get("mode") == "queue"
            else f"{_fmt.count(_num(result.get('demand_teu_per_yr')), 'TEU/yr')} offered")
    return (f"{result.get('config', '?')}: {what} · {result.get('replications', '?')} replications × "
            f"{result.get('days', '?')} days · seed {result.get('seed', '?')}")


def render_hub(
    result: Json,
    *,
    title: str = "Hub simulation",
    created: str | None = None,
    fragment: bool = False,
) -> str:
    """The view of a hub (or queue) simulation: KPIs with intervals, theory, yard and daily charts.

    Parameters
    ----------
    result
        ``SimulationResult.to_dict()`` (as ``corridor hub simulate --json`` prints it).
    title, created, fragment
        As in :func:`render_comparisons`; a notebook's fragment holds the main KPIs and one chart.

    Returns
    -------
    str
        The page of the simulation, or its fragment.

    See Also
    --------
    write_hub : the page, written to a file.

    Examples
    --------
    A short simulation of the shipped Aktau hub config (60 days, 2 replications):

    >>> from corridor.hub import load_config, simulate
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> html = render_hub(result.to_dict())
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """
    subtitle = _subtitle(result)
    small = join([_kpi_table(result, compact=True), *_charts(result, small=True)])
    whole = join([_cards(result), _method(result), _theory(result), tag("h2", "Key performance indicators"),
                  _kpi_table(result, compact=False), _yard(result), _calls(result), _design(result),
                  tag("h2", "Daily series"), *_charts(result),
                  tag("p", "Grey bands: the share of each day the port was closed by storms (mean over "
                           "replications).", class_="note") if result.get("mode") != "queue" else Markup("")])
    return page_or_div(title, whole, small, subtitle=subtitle, created=created, fragment=fragment)


def write_hub(
    path: str | Path,
    result: Json,
    *,
    title: str = "Hub simulation",
    created: str | None = None,
) -> Path:
    """Write the page of :func:`render_hub` to ``path`` atomically; the path written.

    Examples
    --------
    >>> from corridor.hub import load_config, simulate
    >>> result = simulate(load_config("aktau-hub"), days=60, warmup_days=5, replications=2, seed=1)
    >>> import tempfile
    >>> out = write_hub(Path(tempfile.mkdtemp()) / "hub.html", result.to_dict())
    >>> "<svg" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_hub(result, title=title, created=created))
