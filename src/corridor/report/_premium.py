"""The HTML report of a premium curve (``corridor scenario premium --json`` output)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corridor.report import _fmt
from corridor.report._page import Markup, card, esc, join, page_or_div, table, tag, write_page
from corridor.report._svg import BASE, BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILLION, YELLOW, Line, bar_chart, line_chart

__all__ = ["render_premium", "write_premium"]

Json = Mapping[str, Any]
_PALETTE = (BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW, "#56606b", "#a6761d", "#1b9e77")
_TOP = 9  # gateways or corridors drawn by name; the rest stack as "other"


def _num(x: Any) -> float | None:
    return _fmt.num(x)


def _usd_t(x: float | None, **_: Any) -> str:
    return "–" if x is None else f"{_fmt.number(x, 0 if abs(x) >= 10 or x == int(x) else 1)} USD/t"


def _steps(curve: Json) -> list[Json]:
    return [s for s in curve.get("steps", []) or [] if _num(s.get("premium_usd_per_t")) is not None]


def _where(curve: Json) -> str:
    return "+".join(curve.get("countries", []) or []) or "?"


def _cards(curve: Json) -> Markup:
    steps = _steps(curve)
    if not steps:
        return Markup('<p class="note">No premium was run.</p>')
    a, b = steps[0], steps[-1]
    pa, pb = _num(a["premium_usd_per_t"]), _num(b["premium_usd_per_t"])
    cards = []
    ta, tb = _num(a.get("titr_t")), _num(b.get("titr_t"))
    change = 100.0 * (tb - ta) / ta if ta and tb is not None else None
    cards.append(card("Trans-Caspian tonnes", _fmt.tonnes(tb), f"at {_usd_t(pb)}; {_fmt.tonnes(ta)} at {_usd_t(pa)} "
                      f"({_fmt.pct(change)})", tone="better" if (change or 0) > 0 else "neutral"))
    ra, rb = _num(a.get("russia_t")), _num(b.get("russia_t"))
    moved = None if ra is None or rb is None else rb - ra
    cards.append(card("Tonnes via Russia", _fmt.tonnes(rb), f"{_fmt.tonnes(moved, signed=True)} from {_usd_t(pa)}",
                      tone="neutral"))
    el = [e for e in curve.get("elasticity", []) or [] if _num(e.get("elasticity")) is not None]
    if el:
        last = el[-1]
        cards.append(card("Elasticity of TITR tonnes", _fmt.number(_num(last["elasticity"]), 3),
                          f"d ln TITR / d ln premium from {_usd_t(_num(last['from_usd_per_t']))} to "
                          f"{_usd_t(_num(last['to_usd_per_t']))}"))
    first = list(curve.get("first_binding", []) or [])
    if first:
        f0 = first[0]
        cards.append(card("Binds first", str(f0.get("id", "")), f"{f0.get('kind', '')}, binds from "
                          f"{_usd_t(_num(f0.get('first_binds_usd_per_t')))}", tone="worse", small=True))
    else:
        cards.append(card("Binding capacities", "none", "no capacity binds at any premium"))
    return Markup(f'<div class="cards">{"".join(cards)}</div>')


def _marks(curve: Json) -> list[tuple[str, float, str]]:
    """One marker per premium at which capacities start to bind (``first_binding``)."""
    by_x: dict[float, list[Json]] = {}
    for r in curve.get("first_binding", []) or []:
        x = _num(r.get("first_binds_usd_per_t"))
        if x is not None:
            by_x.setdefault(x, []).append(r)
    out = []
    for x, rs in sorted(by_x.items()):
        names = [str(r.get("id", "")) for r in rs]
        label = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "")
        tip = f"binds from {_usd_t(x)}: " + ", ".join(f"{r.get('id')} ({r.get('kind')})" for r in rs)
        out.append((label, x, tip))
    return out


def _curve_charts(curve: Json) -> Markup:
    steps = _steps(curve)
    if not steps:
        return Markup("")
    x = [float(s["premium_usd_per_t"]) for s in steps]
    marks = _marks(curve)
    figs = []
    for key, colour in (("titr_t", BLUE), ("titr_teu", SKY), ("russia_t", VERMILLION)):
        y = [_num(s.get(key)) for s in steps]
        if all(v is None for v in y):
            continue
        f = _fmt.formatter(key)
        name = _fmt.label(key)
        tips = [f"{_usd_t(p)}: {f(v)}" for p, v in zip(x, y, strict=True)]
        svg = line_chart([Line(name, x, [v if v is not None else float("nan") for v in y], colour, tips=tips)],
                         title=f"{name} against the premium on {_where(curve)}", xlabel="premium, USD per tonne",
                         ylabel="TEU per year" if key.endswith("_teu") else "t per year",
                         fmt_x=lambda v: _fmt.number(v, 0),
                         fmt_y=f, vlines=marks)
        figs.append(f"<figure>{svg}<figcaption>{esc(name)} per year at each premium; dotted lines where "
                    "capacities start to bind (hover for their names).</figcaption></figure>")
    moved = _moved_chart(steps, x)
    if moved:
        figs.append(moved)
    return Markup(f'<div class="grid2">{"".join(figs)}</div>')


def _moved_chart(steps: list[Json], x: list[float]) -> str:
    """Tonnes that leave Russia and tonnes that the Trans-Caspian gains, from the first premium."""
    r0, t0 = _num(steps[0].get("russia_t")), _num(steps[0].get("titr_t"))
    if r0 is None or t0 is None:
        return ""
    left = [r0 - (_num(s.get("russia_t")) or r0) for s in steps]
    gained = [(_num(s.get("titr_t")) or t0) - t0 for s in steps]
    if min(left + gained) < -1e-6 * max(r0, 1.0):
        return ""  # not monotone: the change charts above say it
    svg = line_chart([Line("tonnes leaving Russia", x, left, VERMILLION),
                      Line("tonnes gained by the Trans-Caspian", x, gained, BLUE)],
                     title="Tonnes moved away from Russia, and gained by the Trans-Caspian",
                     xlabel="premium, USD per tonne", ylabel="t per year", fmt_x=lambda v: _fmt.number(v, 0),
                     fmt_y=_fmt.tonnes, bands=True)
    return (f"<figure>{svg}<figcaption>Change from the first premium: tonnes whose route no longer touches "
            "Russia, and the Trans-Caspian's gain; the rest goes to other corridors.</figcaption></figure>")


def _elasticity_table(curve: Json) -> Markup:
    rows = []
    for e in curve.get("elasticity", []) or []:
        el, semi = _num(e.get("elasticity")), _num(e.get("semi_elasticity_per_usd"))
        slope, rslope = _num(e.get("slope_t_per_usd")), _num(e.get("russia_slope_t_per_usd"))
        rows.append([f"{_usd_t(_num(e.get('from_usd_per_t')))} → {_usd_t(_num(e.get('to_usd_per_t')))}",
                     (_fmt.tonnes(_num(e.get("titr_from_t"))), _num(e.get("titr_from_t"))),
                     (_fmt.tonnes(_num(e.get("titr_to_t"))), _num(e.get("titr_to_t"))),
                     (_fmt.number(el, 3), el),
                     (_fmt.pct(None if semi is None else 100.0 * semi, digits=3), semi),
                     (_fmt.number(slope, 0, signed=True), slope),
                     (_fmt.number(rslope, 0, signed=True), rslope)])
    if not rows:
        return Markup('<p class="note">One premium only: no elasticity.</p>')
    return table(["Premium step", "TITR before", "TITR after", "Elasticity", "TITR % per USD/t",
                  "TITR t per USD/t", "Via Russia t per USD/t"], rows,
                 numeric=range(1, 7), caption="Arc elasticities of Trans-Caspian tonnes over each step of the "
                 "premium (d ln TITR / d ln premium; undefined from a premium of 0), the relative change per USD/t "
                 "(semi-elasticity), and "
                 "the tonnes gained by the Trans-Caspian and lost by Russia per USD/t.")


def _binding_table(curve: Json) -> Markup:
    rows = []
    for r in curve.get("first_binding", []) or []:
        unit = str(r.get("unit", "") or "")
        where = "→".join(str(r.get(k)) for k in ("from", "to") if r.get(k))
        rows.append([tag("code", r.get("id", "")), str(r.get("kind", "")), where or "–",
                     (_usd_t(_num(r.get("first_binds_usd_per_t"))), _num(r.get("first_binds_usd_per_t"))),
                     (_fmt.number(_num(r.get("price_at_first")), 2), _num(r.get("price_at_first"))),
                     (_fmt.number(_num(r.get("price_at_max")), 2), _num(r.get("price_at_max"))),
                     (_usd_t(_num(r.get("released_usd_per_t"))), _num(r.get("released_usd_per_t"))),
                     (_fmt.number(_num(r.get("steps_binding")), 0), _num(r.get("steps_binding"))), unit])
    if not rows:
        return Markup('<p class="note">No capacity binds at any premium.</p>')
    return table(["Capacity", "Kind", "Direction", "Binds from", "Price there", "Price at the top premium",
                  "Stops binding at", "Steps binding", "Price per"], rows, numeric=range(3, 8),
                 caption="Capacities in the order they start to bind as the premium rises. The price is the "
                 "equilibrium's capacity price (USD per unit of the capacity, see the last column): what a "
                 "unit of flow pays to get through. A capacity binding from the first premium already binds "
                 "without it.")


def _next_table(curve: Json) -> Markup:
    rows = []
    for r in curve.get("next_to_bind", []) or []:
        where = "→".join(str(r.get(k)) for k in ("from", "to") if r.get(k))
        a, z = _num(r.get("utilisation_at_first")), _num(r.get("utilisation_at_max"))
        rows.append([tag("code", r.get("id", "")), str(r.get("kind", "")), where or "–", str(r.get("unit", "") or ""),
                     (_fmt.share(a, 1), a), (_fmt.share(z, 1), z)])
    if not rows:
        return Markup("")
    steps = _steps(curve)
    top = _usd_t(_num(steps[-1]["premium_usd_per_t"])) if steps else "the top premium"
    return table(["Capacity", "Kind", "Direction", "Unit", "Used at the first premium", f"Used at {top}"], rows,
                 numeric=(4, 5), caption=f"The capacities closest to binding at {top} that do not bind yet "
                 "(flow / capacity; – where it was not among the most used at the first premium): the next "
                 "to bind if the premium rises further.")


def _share_chart(curve: Json, key: str, inner: str, what: str) -> Markup:
    rows = [r for r in curve.get(key, []) or [] if _num(r.get("premium_usd_per_t")) is not None]
    if not rows:
        return Markup("")
    totals: dict[str, float] = {}
    for r in rows:
        for name, v in (r.get(inner) or {}).items():
            totals[name] = totals.get(name, 0.0) + (_num(v.get("tonnes")) or 0.0)
    names = [n for n in sorted(totals, key=lambda n: (-totals[n], n)) if totals[n] > 0]
    top, rest = names[:_TOP], names[_TOP:]
    segs = [*top, *(["other"] if rest else [])]
    colours = [_PALETTE[i % len(_PALETTE)] for i in range(len(top))] + ([BASE] if rest else [])
    values, trows = [], []
    for r in rows:
        by = r.get(inner) or {}
        sh = [_num((by.get(n) or {}).get("share")) or 0.0 for n in top]
        if rest:
            sh.append(sum(_num((by.get(n) or {}).get("share")) or 0.0 for n in rest))
        values.append([tuple(sh)])
        trows.append([_usd_t(_num(r["premium_usd_per_t"])), *((_fmt.share(v, 1), v) for v in sh),
                      (_fmt.tonnes(_num(r.get("total_t"))), _num(r.get("total_t")))])
    chart = bar_chart([_usd_t(_num(r["premium_usd_per_t"])) for r in rows], values, [tuple(colours)],
                      title=f"Shares of {what} by premium", fmt=lambda v, **_: _fmt.share(v, 0),
                      legend=list(zip(segs, colours, strict=True)), segment_names=segs, width=760, label_width=90)
    tbl = table(["Premium", *segs, "Total"], trows, numeric=range(1, len(segs) + 2),
                caption=f"Share of {what} at each premium (tonnes per year in the total).")
    return Markup(f"<figure>{chart}</figure>{tbl}")


def _settings(curve: Json) -> Markup:
    eng = curve.get("engine", {}) or {}
    bits = [f"Stochastic user equilibrium (path-size logit, value-of-time segments; relative gap target "
            f"{eng.get('gap', '?')}), run at each premium from scratch."]
    if eng.get("note"):
        bits.append(f"The scenario's engine was changed: {eng['note']}.")
    steps = _steps(curve)
    bad = [s for s in steps if not s.get("converged")]
    if bad:
        bits.append(f"{len(bad)} of {len(steps)} steps did not reach the gap target (largest gap "
                    f"{max(_num(s.get('gap')) or 0.0 for s in bad):.2g}).")
    rev = sum(int(_num(s.get("revisits")) or 0) for s in steps)
    if rev:
        bits.append(f"{rev} loaded routes visit a country twice.")
    return join([tag("p", b, class_="note") for b in bits])


def _subtitle(curve: Json) -> str:
    steps = _steps(curve)
    rng = (f"{_usd_t(_num(steps[0]['premium_usd_per_t']))} to {_usd_t(_num(steps[-1]['premium_usd_per_t']))}, "
           f"{len(steps)} steps") if steps else "no steps"
    return f"Scenario {curve.get('scenario', '?')} · premium per shipment on {_where(curve)} · {rng}"


def render_premium(curve: Json, *, title: str = "Premium curve", created: str | None = None,
                   fragment: bool = False) -> str:
    r"""The HTML report of a premium curve.

    Parameters
    ----------
    curve
        As ``corridor scenario premium --json`` prints it (``steps``, ``elasticity``, ``first_binding``,
        ``gateway_shares``, ``corridor_shares`` ...).
    title, created, fragment
        As in :func:`render_comparisons`; a notebook's fragment holds the cards and the TITR curve.

    Returns
    -------
    str
        The page, or its fragment.

    Examples
    --------
    A two-step curve of the built-in base, solved with the LP:

    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.premium import premium_curve
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> curve = premium_curve(spec, premiums=[0.0, 50.0]).to_dict()
    >>> html = render_premium(curve)
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """
    if fragment:
        return page_or_div(title, Markup(""), join([_cards(curve), _curve_charts(curve)]),
                           subtitle=_subtitle(curve), fragment=True)
    sections: Sequence[tuple[str, str, list[Markup]]] = (
        ("curve", "Volumes against the premium", [_curve_charts(curve)]),
        ("elasticity", "Elasticity of Trans-Caspian volume", [_elasticity_table(curve)]),
        ("binding", "Which capacities bind first", [_binding_table(curve), _next_table(curve)]),
        ("gateways", "Export gateways", [_share_chart(curve, "gateway_shares", "gateways",
                                                      "Kazakh exports by export gateway")]),
        ("corridors", "Corridors", [_share_chart(curve, "corridor_shares", "corridors", "tonnes by corridor")]),
        ("settings", "How it was computed", [_settings(curve)]),
    )
    toc = "".join(f'<a href="#{sid}">{esc(head)}</a>' for sid, head, _ in sections)
    body = [_cards(curve), Markup(f'<nav class="toc">{toc}</nav>')]
    for sid, head, content in sections:
        body.append(Markup(f'<section id="{sid}">{tag("h2", head)}{join(content)}</section>'))
    return page_or_div(title, join(body, "\n"), Markup(""), subtitle=_subtitle(curve), created=created)


def write_premium(path: str | Path, curve: Json, *, title: str = "Premium curve", created: str | None = None) -> Path:
    r"""Write the page of :func:`render_premium` to ``path`` atomically; the path written.

    Examples
    --------
    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.premium import premium_curve
    >>> spec = scenario_from_text("name: base\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "engine: {method: lp, value_of_time: 0.12}\n")
    >>> curve = premium_curve(spec, premiums=[0.0, 50.0]).to_dict()
    >>> import tempfile
    >>> out = write_premium(Path(tempfile.mkdtemp()) / "premium.html", curve)
    >>> "<svg" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_premium(curve, title=title, created=created))
