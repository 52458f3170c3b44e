"""Tables for people: a scenario against its baseline, and a sweep's distributions."""

from __future__ import annotations

from typing import Any

from corridor.cli._common import console
from corridor.cli._measures import measures_diff_table

__all__ = ["show_comparison", "show_premium", "show_sweep"]

def _mt(v: float | None) -> str:
    return "" if v is None else f"{v / 1e6:,.2f}"


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v:+.1f}%"


_TOTALS = {
    "demand_t": (1e6, "demand, Mt/yr"),
    "served_t": (1e6, "served, Mt/yr"),
    "unserved_t": (1e6, "unserved, Mt/yr"),
    "total_cost_usd": (1e9, "generalised cost, bn USD/yr"),
    "money_usd": (1e9, "tariffs, bn USD/yr"),
    "tonne_km": (1e9, "tonne-km, bn"),
    "co2e_kg": (1e9, "CO2e, Mt"),
    "hours_t": (1e9, "tonne-hours, bn"),
    "border_crossings_t": (1e6, "border crossings, Mt"),
}


def show_comparison(d: dict[str, Any]) -> None:
    """Tables for people: totals, commodities, corridors, bottlenecks, largest link changes."""
    out = console()
    sc, diff = d["scenario"], d["diff"]
    reused = " (reused stored runs)" if sc.get("reused") and d["baseline"].get("reused") else ""
    out.print(f"[bold]{sc['name']}[/] vs [bold]{d['baseline']['name']}[/]{reused}")
    if sc.get("description"):
        out.print(sc["description"].strip(), style="dim", markup=False)
    out.print(_totals(diff["totals"]))
    out.print(_commodities(diff["by_commodity"]))
    out.print(measures_diff_table(diff.get("measures") or {}, diff.get("by_corridor") or {}))
    gateways = (diff.get("shares") or {}).get("by_gateway") or {}
    if gateways:
        out.print(_gateway_shares(gateways))
    if d["result"].get("bottlenecks"):
        out.print(_bottlenecks(d["result"]["bottlenecks"], set(diff["bottlenecks"]["new"])))
    else:
        out.print("no capacity binds in the scenario")
    if diff["bottlenecks"]["relieved"]:
        out.print("relieved: " + "; ".join(diff["bottlenecks"]["relieved"]), markup=False)
    _show_congestion(d["result"])
    if d["result"].get("slices"):
        from corridor.cli._slices import slices_table

        out.print(slices_table(d["result"]["slices"]))
    out.print(_links(diff["links"]))
    if diff["unserved_od"]:
        out.print(_unserved(diff["unserved_od"]))


def _gateway_shares(gateways: dict[str, Any], top: int = 10) -> Any:
    def share(v: float | None) -> str:
        return "" if v is None else f"{v:.1%}"

    t = _table("Kazakh exports by export gateway", ("gateway", "baseline Mt", "scenario Mt", "baseline %",
                                                    "scenario %", "change pp"), ("gateway",))
    for name, v in list(gateways.items())[:top]:
        pp = v.get("change_pp")
        t.add_row(name, _mt(v["baseline_t"]), _mt(v["scenario_t"]), share(v.get("baseline_share")),
                  share(v.get("scenario_share")), "" if pp is None else f"{pp:+.1f}")
    return t


def _table(title: str, columns: tuple[str, ...], left: tuple[str, ...] = ("",)) -> Any:
    from rich.table import Table

    t = Table(title=title, title_justify="left", box=None)
    for c in columns:
        t.add_column(c, justify="left" if c in left else "right")
    return t


def _totals(totals: dict[str, Any]) -> Any:
    t = _table("totals", ("", "baseline", "scenario", "change", "%"))
    for k, (f, label) in _TOTALS.items():
        v = totals.get(k)
        if v is not None:
            t.add_row(label, f"{v['baseline'] / f:,.2f}", f"{v['scenario'] / f:,.2f}", f"{v['change'] / f:+,.2f}",
                      _pct(v["change_pct"]))
    return t


def _commodities(by: dict[str, Any]) -> Any:
    c = _table("by commodity (Mt/yr)", ("commodity", "served", "Δ served", "unserved", "Δ unserved"), ("commodity",))
    for name, v in by.items():
        c.add_row(name, _mt(v["served_t"]["scenario"]), _mt(v["served_t"]["change"]),
                  _mt(v["unserved_t"]["scenario"]), _mt(v["unserved_t"]["change"]))
    return c


def _bottlenecks(rows: list[dict[str, Any]], new: set[str]) -> Any:
    from corridor.scenarios.compare import bottleneck_key

    b = _table("binding capacities in the scenario", ("", "capacity", "USD/yr per t/yr"))
    for row in rows[:12]:
        where = f" {row['from']}→{row['to']}" if row.get("from") else ""
        b.add_row(("[bold]new[/] " if bottleneck_key(row) in new else "") + f"{row['kind']} {row['id']}{where}",
                  f"{row.get('capacity') or 0:,.0f} {row.get('unit', '')}", f"{row.get('usd_per_t_yr') or 0:,.2f}")
    return b


def _links(rows: list[dict[str, Any]]) -> Any:
    lk = _table("largest changes in link flows (Mt/yr)", ("link", "direction", "baseline", "scenario", "change"),
                ("link", "direction"))
    for row in rows[:10]:
        lk.add_row(row["link"], f"{row['from']}→{row['to']}", _mt(row["baseline_t"]), _mt(row["scenario_t"]),
                   f"{row['change_t'] / 1e6:+,.2f}")
    return lk


def _unserved(rows: list[dict[str, Any]]) -> Any:
    u = _table("unserved demand", ("row", "origin → destination", "commodity", "Mt/yr", "why"),
               ("row", "origin → destination", "commodity", "why"))
    for row in rows[:12]:
        u.add_row(row["id"], f"{row['origin']} → {row['destination']}", row["commodity"], _mt(row["unserved_t"]),
                  row.get("reason", ""))
    return u


def _show_congestion(result: dict[str, Any]) -> None:
    """The equilibrium's most delayed capacities (absent for LP runs)."""
    from rich.table import Table

    rows = [r for r in result.get("congestion") or [] if r["delay_h"] >= 0.05]
    if "gap" not in result:
        return
    console().print(f"equilibrium: relative gap {result.get('gap', float('nan')):.2e} after "
                    f"{result.get('iterations')} iterations" + ("" if result.get("converged") else " (NOT converged)"))
    if not rows:
        console().print("no capacity delays anything by 0.05 h or more in the scenario", markup=False)
        return
    t = Table(title="most delayed capacities in the scenario", title_justify="left", box=None)
    for col in ("", "unit", "utilisation", "free time h", "delay h"):
        t.add_column(col, justify="left" if col in ("", "unit") else "right")
    for r in rows[:10]:
        where = f" {r['from']}→{r['to']}" if r.get("from") else ""
        util = r.get("utilisation")
        t.add_row(f"{r['kind']} {r['id']}{where}", r["unit"], "" if util is None else f"{util:.0%}",
                  f"{r['free_time_h']:,.1f}", f"{r['delay_h']:,.1f}")
    console().print(t)


def show_sweep(d: dict[str, Any]) -> None:
    """Tables for people: quantiles, exceedance, bottleneck frequency, tornado."""
    from rich.table import Table

    out = console()
    rate = d.get("samples_per_s")
    out.print(
        f"[bold]sweep {d['scenario']}[/]: {d['n']} of {d['samples']} samples (seed {d['seed']}), run "
        f"{d['sweep_id']} in {d['store']}" + (f"; {rate:,.1f} samples/s" if rate else "")
    )
    t = Table(title="distributions", title_justify="left", box=None)
    for col in ("metric", "mean", "p5", "p50", "p95"):
        t.add_column(col, justify="left" if col == "metric" else "right")
    scale = {"unserved_t": 1e6, "served_t": 1e6, "total_cost_usd": 1e9, "tonne_km": 1e9, "co2e_kg": 1e9, "hours_t": 1e9}
    units = {
        "unserved_t": "Mt/yr",
        "served_t": "Mt/yr",
        "total_cost_usd": "bn USD/yr",
        "tonne_km": "bn t·km",
        "co2e_kg": "Mt CO2e",
        "hours_t": "bn t·h",
    }
    for m, q in d["metrics"].items():
        f = scale.get(m, 1.0)
        t.add_row(f"{m} ({units.get(m, '')})", *(f"{(q[k] or 0) / f:,.3f}" for k in ("mean", "p5", "p50", "p95")))
    out.print(t)
    if d.get("p_unserved_above"):
        out.print(
            "P(unserved > x): " + ", ".join(f"{float(k) / 1e6:g} Mt: {v:.0%}" for k, v in d["p_unserved_above"].items())
        )
    if d.get("bottleneck_frequency"):
        out.print("binds in: " + ", ".join(f"{k} {v:.0%}" for k, v in list(d["bottleneck_frequency"].items())[:8]))
    tt = Table(
        title="what matters (tornado: mean in the top vs bottom fifth of each parameter)",
        title_justify="left",
        box=None,
    )
    for col in ("metric", "parameter", "Spearman", "swing"):
        tt.add_column(col, justify="left" if col in ("metric", "parameter") else "right")
    for r in d.get("tornado", []):
        f = scale.get(r["metric"], 1.0)
        tt.add_row(
            r["metric"],
            r["parameter"],
            f"{r['spearman']:+.2f}",
            "" if r["swing"] is None else f"{r['swing'] / f:+,.3f}",
        )
    out.print(tt)
    _show_timing(d.get("timing") or {})


def _show_timing(timing: dict[str, Any]) -> None:
    """Where the sweep's time went (see :func:`corridor.scenarios._sweep_timing.timing_rows`)."""
    from rich.table import Table

    from corridor.scenarios._sweep_timing import timing_rows

    rows = timing_rows(timing)
    if not rows:
        return
    t = Table(title=f"where the time went ({timing.get('wall_s', 0.0):.1f} s wall, {timing.get('slots', '?')} worker "
                    "slots; driver: share of wall time, workers: of the slots' time)", title_justify="left", box=None)
    for col in ("where", "stage", "s", "share"):
        t.add_column(col, justify="left" if col in ("where", "stage") else "right")
    for where, stage, seconds, share in rows:
        t.add_row(where, stage, f"{seconds:,.2f}", "" if share is None else f"{share:.0%}")
    console().print(t)


def show_premium(d: dict[str, Any]) -> None:
    """Tables for people: the curve, the elasticities, and the capacities in the order they bind."""
    from rich.table import Table

    out = console()
    out.print(f"[bold]premium curve {d['scenario']}[/]: premium per shipment on {'+'.join(d['countries'])}, "
              f"{len(d['steps'])} steps in {d.get('elapsed_s', 0.0):.1f} s")
    if d.get("engine", {}).get("note"):
        out.print(f"note: {d['engine']['note']}", markup=False)
    elastic = {e["to_usd_per_t"]: e for e in d.get("elasticity", [])}
    t = Table(title="the curve", title_justify="left", box=None)
    for col in ("USD/t", "TITR Mt", "TITR TEU", "via Russia Mt", "served Mt", "elasticity", "binding"):
        t.add_column(col, justify="left" if col == "binding" else "right")
    for s in d["steps"]:
        e = elastic.get(s["premium_usd_per_t"], {}).get("elasticity")
        t.add_row(f"{s['premium_usd_per_t']:g}", f"{s['titr_t'] / 1e6:,.3f}", f"{s['titr_teu']:,.0f}",
                  f"{s['russia_t'] / 1e6:,.2f}", f"{s['served_t'] / 1e6:,.2f}", "" if e is None else f"{e:.3f}",
                  ", ".join(b["id"] for b in s["binding"]) + ("" if s["converged"] else " (not converged)"))
    out.print(t)
    b = Table(title="capacities in the order they bind", title_justify="left", box=None)
    for col in ("capacity", "binds from USD/t", "price there", "price at max", "stops binding at", "per"):
        b.add_column(col, justify="left" if col in ("capacity", "per") else "right", no_wrap=col == "capacity")
    for r in d.get("first_binding", []):
        rel = r.get("released_usd_per_t")
        b.add_row(r["capacity"], f"{r['first_binds_usd_per_t']:g}", f"{r['price_at_first']:,.2f}",
                  f"{r['price_at_max']:,.2f}", "" if rel is None else f"{rel:g}", str(r.get("unit") or ""))
    out.print(b if d.get("first_binding") else "no capacity binds at any premium")
    if d.get("next_to_bind"):
        out.print("next to bind (used at the top premium): " + ", ".join(
            f"{r['capacity']} {r['utilisation_at_max']:.0%}" for r in d["next_to_bind"]), markup=False)
    shares = d.get("gateway_shares") or []
    if shares:
        first, last = shares[0], shares[-1]
        names = sorted(last["gateways"], key=lambda n: -(last["gateways"][n]["tonnes"] or 0))[:8]
        g = Table(title="Kazakh exports by gateway (share)", title_justify="left", box=None)
        for col in ("gateway", f"at {first['premium_usd_per_t']:g} USD/t", f"at {last['premium_usd_per_t']:g} USD/t"):
            g.add_column(col, justify="left" if col == "gateway" else "right")
        for n in names:
            a = (first["gateways"].get(n) or {}).get("share")
            z = (last["gateways"].get(n) or {}).get("share")
            g.add_row(n, "" if a is None else f"{a:.1%}", "" if z is None else f"{z:.1%}")
        out.print(g)
