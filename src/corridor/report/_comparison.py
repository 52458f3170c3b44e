"""The HTML report of scenario comparisons (``corridor scenario run --json`` output)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corridor.model import Network
from corridor.report import _fmt
from corridor.report._map import flow_change_map
from corridor.report._measures import measures_diff_view, shares_diff_view
from corridor.report._page import Markup, card, esc, join, page_or_div, table, tag, write_page
from corridor.report._slices import slices_section
from corridor.report._svg import BASE, BLUE, VERMILLION, bar_chart
from corridor.report._tables import capacity_text, congestion_table, unserved_table, where
from corridor.scenarios.compare import bottleneck_key

__all__ = ["render_comparisons", "write_comparisons"]

_TOTALS_ORDER = ("demand_t", "served_t", "unserved_t", "total_cost_usd", "money_usd", "hours_t", "tonne_km",
                 "co2e_kg", "border_crossings_t")
_TOP_LINKS = 15

Json = Mapping[str, Any]


def _get(d: Any, *keys: str, default: Any = None) -> Any:
    for k in keys:
        if not isinstance(d, Mapping) or k not in d:
            return default
        d = d[k]
    return d


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _signed(text: str, x: float | None) -> Markup:
    """A change, coloured blue when it rises and vermillion when it falls."""
    if x is None or abs(x) < 1e-9:
        return esc(text)
    return tag("span", text, class_="pos" if x > 0 else "neg")


def _delta_cells(key: str, leaf: Json) -> list[object]:
    b, s, c, p = (_num(leaf.get(k)) for k in ("baseline", "scenario", "change", "change_pct"))
    return [(_fmt.metric(key, b), b), (_fmt.metric(key, s), s), (_signed(_fmt.metric(key, c, signed=True), c), c),
            (_signed(_fmt.pct(p), p), p)]


def _slug(i: int) -> str:
    return f"scenario-{i + 1}"


# --- sections ----------------------------------------------------------------------------------


def _headline(cmp: Json) -> Markup:
    totals = _get(cmp, "diff", "totals", default={}) or {}

    def leaf(k: str) -> tuple[float | None, float | None, float | None]:
        d = totals.get(k, {}) or {}
        return _num(d.get("scenario")), _num(d.get("change")), _num(d.get("change_pct"))

    def tone(change: float | None, *, worse_if_up: bool = True) -> str:
        if change is None or abs(change) < 1e-6:
            return "neutral"
        return "worse" if (change > 0) == worse_if_up else "better"

    cards = []
    u, du, _ = leaf("unserved_t")
    demand = _num(_get(totals, "demand_t", "scenario"))
    share = f" ({_fmt.share((u or 0) / demand, 1)} of demand)" if demand and u is not None else ""
    cards.append(card("Unserved demand", _fmt.tonnes(u), f"{_fmt.tonnes(du, signed=True)} against baseline{share}",
                      tone=tone(du)))
    for key, title in (("total_cost_usd", "Generalised cost"), ("co2e_kg", "CO₂e emissions"),
                       ("tonne_km", "Tonne-kilometres")):
        s, c, p = leaf(key)
        cards.append(card(f"{title}, change", _fmt.metric(key, c, signed=True),
                          f"{_fmt.pct(p)} · scenario {_fmt.metric(key, s)}",
                          tone=tone(c) if key != "tonne_km" else "neutral"))
    bn = _get(cmp, "diff", "bottlenecks", default={}) or {}
    n_now = len(bn.get("scenario", []) or [])
    cards.append(card("Binding bottlenecks", str(n_now),
                      f"{len(bn.get('new', []) or [])} new, {len(bn.get('relieved', []) or [])} relieved",
                      tone="worse" if bn.get("new") else "neutral"))
    return Markup(f'<div class="cards">{"".join(cards)}</div>')


def _totals(cmp: Json) -> Markup:
    totals = _get(cmp, "diff", "totals", default={}) or {}
    keys = [k for k in _TOTALS_ORDER if k in totals] + sorted(k for k in totals if k not in _TOTALS_ORDER)
    rows = [[_fmt.label(k), *_delta_cells(k, totals[k])] for k in keys]
    return table(["Measure", "Baseline", "Scenario", "Change", "Change %"], rows, numeric=range(1, 5),
                 caption="Totals per year. Generalised cost adds the value of time and risk to freight charges.")


def _commodities(cmp: Json) -> Markup:
    by = _get(cmp, "diff", "by_commodity", default={}) or {}
    if not by:
        return Markup('<p class="note">No results by commodity.</p>')

    def v(c: str, m: str, side: str) -> float:
        return _num(_get(by, c, m, side)) or 0.0

    names = sorted(by, key=lambda c: (-v(c, "demand_t", "scenario"), c))
    rows = []
    for c in names:
        d, sb, ss = v(c, "demand_t", "scenario"), v(c, "served_t", "baseline"), v(c, "served_t", "scenario")
        ub, us = v(c, "unserved_t", "baseline"), v(c, "unserved_t", "scenario")
        rows.append([c, (_fmt.tonnes(d), d), (_fmt.tonnes(sb), sb), (_fmt.tonnes(ss), ss), (_fmt.tonnes(ub), ub),
                     (_fmt.tonnes(us), us), (_signed(_fmt.tonnes(us - ub, signed=True), us - ub), us - ub)])
    tbl = table(["Commodity", "Demand", "Served, baseline", "Served, scenario", "Unserved, baseline",
                 "Unserved, scenario", "Change in unserved"], rows, numeric=range(1, 7))
    chart = bar_chart(
        names,
        [[(v(c, "served_t", "baseline"), v(c, "unserved_t", "baseline")),
          (v(c, "served_t", "scenario"), v(c, "unserved_t", "scenario"))] for c in names],
        [(BASE, VERMILLION), (BLUE, VERMILLION)],
        title="Served and unserved tonnes by commodity, baseline and scenario",
        fmt=_fmt.tonnes, legend=[("Baseline served", BASE), ("Scenario served", BLUE), ("Unserved", VERMILLION)],
        series=["baseline", "scenario"], segment_names=["served", "unserved"])
    return Markup(f"{tbl}<figure>{chart}<figcaption>Tonnes per year; unserved demand is stacked in vermillion "
                  "at the end of each bar.</figcaption></figure>")


def _corridor_tags(cmp: Json) -> Markup:
    """Tonne-km and CO2e of the links by corridor tag (a link figure: no tonnes, which would count entries)."""
    by = _get(cmp, "diff", "by_corridor_tag", default={}) or {}
    if not by:
        return Markup('<p class="note">No results by corridor tag.</p>')

    def v(c: str, m: str, side: str) -> float:
        return _num(_get(by, c, m, side)) or 0.0

    names = sorted(by, key=lambda c: (-max(v(c, "tonne_km", "baseline"), v(c, "tonne_km", "scenario")), c))
    rows = []
    for c in names:
        cells: list[object] = [c]
        for m in ("tonne_km", "co2e_kg"):
            b, s = v(c, m, "baseline"), v(c, m, "scenario")
            cells += [(_fmt.metric(m, b), b), (_fmt.metric(m, s), s),
                      (_signed(_fmt.metric(m, s - b, signed=True), s - b), s - b)]
        rows.append(cells)
    return table(["Corridor tag", "Tonne-km, baseline", "Tonne-km, scenario", "Change", "CO₂e, baseline",
                  "CO₂e, scenario", "Change"], rows, numeric=range(1, 7),
                 caption="Tonne-km and CO₂e per year on the links carrying each corridor tag.")


def _link_rows(rows: Sequence[Json], names: Mapping[str, str]) -> list[list[object]]:
    out = []
    for i, r in enumerate(rows):
        b, s, c = (_num(r.get(k)) for k in ("baseline_t", "scenario_t", "change_t"))
        a, z = str(r.get("from", "")), str(r.get("to", ""))
        out.append([(str(i + 1), i + 1), tag("code", r.get("link", "")), f"{names.get(a, a)} → {names.get(z, z)}",
                    r.get("mode", ""), r.get("corridor", ""), (_fmt.tonnes(b), b), (_fmt.tonnes(s), s),
                    (_signed(_fmt.tonnes(c, signed=True), c), c)])
    return out


def _links(cmp: Json, network: Network) -> Markup:
    rows = list(_get(cmp, "diff", "links", default=[]) or [])
    if not rows:
        return Markup('<p class="note">No link carries a different flow in the scenario.</p>')
    rows.sort(key=lambda r: (-abs(_num(r.get("change_t")) or 0.0), str(r.get("link")), str(r.get("from"))))
    names = {n.id: n.name or n.id for n in network.nodes}
    head = ["#", "Link", "Direction", "Mode", "Corridor", "Baseline", "Scenario", "Change"]
    out = table(head, _link_rows(rows[:_TOP_LINKS], names), numeric=(0, 5, 6, 7),
                caption=f"The {min(len(rows), _TOP_LINKS)} largest changes of {len(rows)} changed link directions, "
                        "tonnes per year.")
    if len(rows) > _TOP_LINKS:
        out = Markup(out + f"<details><summary>All {len(rows)} changed link directions</summary>"
                     + table(head, _link_rows(rows, names), numeric=(0, 5, 6, 7)) + "</details>")
    return out


def _bottlenecks(cmp: Json, names: Mapping[str, str]) -> Markup:
    bn = _get(cmp, "diff", "bottlenecks", default={}) or {}
    base = {bottleneck_key(b): b for b in bn.get("baseline", []) or []}
    scen = {bottleneck_key(b): b for b in bn.get("scenario", []) or []}
    if not base and not scen:
        return Markup('<p class="note">No capacity binds in either run.</p>')
    rows, classes = [], []
    for key in [*scen, *(k for k in base if k not in scen)]:
        b, s = base.get(key), scen.get(key)
        status = "new" if b is None else "relieved" if s is None else "both"
        label = {"new": "new", "relieved": "relieved", "both": "binding in both"}[status]
        rec = s or b or {}
        direction = where(rec, names)
        vb, vs = (_num((x or {}).get("usd_per_t_yr")) for x in (b, s))
        cap = _num(rec.get("capacity"))
        cap_text, util = capacity_text(cap, str(rec.get("unit", ""))), _num(rec.get("utilisation"))
        rows.append([tag("span", label, class_=f"badge {status}"), rec.get("kind", ""), tag("code", rec.get("id", "")),
                     direction, (cap_text, cap), (_fmt.share(util), util),
                     (_fmt.number(vb, 2), vb), (_fmt.number(vs, 2), vs)])
        classes.append(status)
    head = ["Status", "Kind", "Element", "Where", "Capacity", "Utilisation", "USD/yr per t/yr, baseline",
            "USD/yr per t/yr, scenario"]
    numeric: tuple[int, ...] = (4, 5, 6, 7)
    if not any(r[3] for r in rows):  # transfers have no direction: drop the empty column
        head.pop(3)
        rows = [r[:3] + r[4:] for r in rows]
        numeric = (3, 4, 5, 6)
    return table(head, rows, numeric=numeric, row_classes=classes,
                 caption="Capacities that bind. USD/yr per t/yr is the shadow price: how much the year's "
                         "generalised cost would fall with one more tonne per year of that capacity.")


def _borders(cmp: Json) -> Markup:
    by = _get(cmp, "diff", "border_crossings", default={}) or {}
    if not by:
        return Markup('<p class="note">No freight crosses a border in either run.</p>')
    keys = sorted(by, key=lambda k: (-(_num(by[k].get("scenario")) or 0.0), k))
    rows = [[tag("code", k), *_delta_cells("crossing_t", by[k])] for k in keys]
    tbl = table(["Crossing", "Baseline", "Scenario", "Change", "Change %"], rows, numeric=range(1, 5),
                caption="Tonnes per year through each border crossing.")
    chart = bar_chart(keys, [[(_num(by[k].get("baseline")) or 0.0,), (_num(by[k].get("scenario")) or 0.0,)]
                             for k in keys], [(BASE,), (BLUE,)], title="Tonnes through border crossings",
                      fmt=_fmt.tonnes, legend=[("Baseline", BASE), ("Scenario", BLUE)],
                      series=["baseline", "scenario"], width=560, label_width=150)
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}</figure></div>')


def _change_text(ch: Json) -> Markup:
    kind = str(ch.get("kind", "change"))
    rest = [f"{k}: {_compact(v)}" for k, v in ch.items() if k not in {"kind", "note"}]
    note = str(ch.get("note", "") or "").strip()
    body = tag("code", kind) + (esc(" — " + "; ".join(rest)) if rest else Markup(""))
    if note:
        body = Markup(body + f'<br><span class="note">{esc(note)}</span>')
    return Markup(body)


def _compact(v: Any) -> str:
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_compact(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_compact(x) for x in v)
    return str(v)


def _provenance(cmp: Json) -> Markup:
    sc = cmp.get("scenario", {}) or {}
    parts = []
    changes = sc.get("changes", []) or []
    if changes:
        items = "".join(f"<li>{_change_text(c)}</li>" for c in changes if isinstance(c, Mapping))
        parts.append(f"<h3>Changes in this scenario</h3><ol class=\"changes\">{items}</ol>")
    applied = _get(cmp, "result", "changes_applied", default=[]) or []
    if applied:
        parts.append(f'<p class="note">Applied by the engine: {esc("; ".join(map(str, applied)))}.</p>')
    sources = sc.get("sources", {}) or {}
    if sources:
        items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in sources.items())
        parts.append(f'<h3>Sources</h3><dl class="sources">{items}</dl>')
    return Markup("".join(parts))


def _run_line(cmp: Json) -> Markup:
    sc, base, res = cmp.get("scenario", {}) or {}, cmp.get("baseline", {}) or {}, cmp.get("result", {}) or {}
    bits = [f"Baseline: {base.get('name', '?')}"]
    if sc.get("file"):
        bits.append(f"file {sc['file']}")
    if sc.get("run_id"):
        h = str(sc.get("spec_hash", ""))[:12]
        bits.append(f"run {sc['run_id']}" + (f" (spec {h}…)" if h else "") + (", reused" if sc.get("reused") else ""))
    if base.get("run_id"):
        bits.append(f"baseline run {base['run_id']}")
    if res.get("engine"):
        bits.append(f"engine {res['engine']}, status {res.get('status', '?')}")
    if "gap" in res:
        bits.append(f"relative gap {_fmt.number(_num(res.get('gap')), 6)} after {res.get('iterations', '?')} "
                    f"iterations ({'converged' if res.get('converged') else 'NOT converged'})")
    return tag("p", " · ".join(bits), class_="meta")


def _h3(text: str) -> Markup:
    return tag("h3", text)


def _section(i: int, cmp: Json, network: Network) -> Markup:
    names = {n.id: n.name or n.id for n in network.nodes}
    sc = cmp.get("scenario", {}) or {}
    name = str(sc.get("name", f"scenario {i + 1}"))
    parts: list[Markup] = [Markup(f'<section id="{_slug(i)}" class="scenario">'), tag("h2", name)]
    if sc.get("description"):
        parts.append(tag("p", str(sc["description"]).strip(), class_="lead"))
    parts.append(_run_line(cmp))
    links = _get(cmp, "diff", "links", default=[]) or []
    if not links:
        parts.append(tag("p", "This scenario leaves every link flow as it is in the baseline: its changes do not "
                              "bind in this run.", class_="notice"))
    parts += [_headline(cmp), _h3("Totals"), _totals(cmp)]
    parts.append(_h3("Map of flow changes"))
    parts.append(Markup(f"<figure>{flow_change_map(network, links, title=f'Change in link flows: {name}')}"
                 "<figcaption>Line width grows with the change in tonnes per year on a link (both directions "
                 "added); blue: more flow in the scenario, vermillion: less; grey: no change. Hover a link for "
                 "its flows.</figcaption></figure>"))
    parts += [_h3("Largest changes in link flows"), _links(cmp, network),
              _h3("Served and unserved demand by commodity"), _commodities(cmp)]
    unserved = _get(cmp, "diff", "unserved_od", default=[]) or []
    if unserved:
        parts.append(_h3("Unserved origin–destination pairs"))
        parts.append(unserved_table(unserved, names, caption="Demand rows the scenario cannot serve, with the reason."))
    diff = _get(cmp, "diff", default={}) or {}
    parts += [_h3("What the routes do"), measures_diff_view(diff.get("measures"), diff.get("by_corridor")),
              _h3("Shares by export gateway and corridor"), shares_diff_view(diff.get("shares")),
              _h3("Tonne-km and CO₂e by corridor tag"), _corridor_tags(cmp),
              _h3("Binding bottlenecks"), _bottlenecks(cmp, names)]
    congestion = _get(cmp, "result", "congestion", default=[]) or []
    if congestion:
        parts.append(_h3("Congestion (equilibrium)"))
        rows = sorted(congestion, key=lambda r: -(_num(r.get("delay_h")) or 0.0))
        parts.append(congestion_table(rows, names, caption="Capacities with the largest delays in the scenario."))
    if _get(cmp, "result", "slices", default=None):
        parts.append(slices_section(cmp["result"], level=3))
    parts += [_h3("Border crossings"), _borders(cmp), _provenance(cmp), Markup("</section>")]
    return join(parts, "\n")


def _summary(comparisons: Sequence[Json], *, links: bool = True) -> Markup:
    rows = []
    for i, cmp in enumerate(comparisons):
        t = _get(cmp, "diff", "totals", default={}) or {}
        name = str(_get(cmp, "scenario", "name", default=f"scenario {i + 1}"))
        cells: list[object] = [Markup(f'<a href="#{_slug(i)}">{esc(name)}</a>') if links else name]
        u, du = _num(_get(t, "unserved_t", "scenario")), _num(_get(t, "unserved_t", "change"))
        cells.append((Markup(f"{esc(_fmt.tonnes(u))}<br>{_signed(_fmt.tonnes(du, signed=True), du)}"), u))
        for k in ("total_cost_usd", "co2e_kg", "tonne_km", "border_crossings_t"):
            c, p = _num(_get(t, k, "change")), _num(_get(t, k, "change_pct"))
            cells.append((Markup(f"{_signed(_fmt.metric(k, c, signed=True), c)}<br>{_signed(_fmt.pct(p), p)}"), c))
        bn = _get(cmp, "diff", "bottlenecks", default={}) or {}
        cells.append((f"{len(bn.get('scenario', []) or [])} ({len(bn.get('new', []) or [])} new, "
                      f"{len(bn.get('relieved', []) or [])} relieved)", len(bn.get("scenario", []) or [])))
        rows.append(cells)
    return table(["Scenario", "Unserved (change)", "Generalised cost", "CO₂e", "Tonne-km", "Tonnes crossing borders",
                  "Binding bottlenecks"], rows, numeric=range(1, 6),
                 caption="Each scenario against its baseline: changes per year, absolute and in per cent.")


def _totals_compact(cmp: Json) -> Markup:
    """Baseline, scenario and change of the main totals (the notebook form)."""
    totals = _get(cmp, "diff", "totals", default={}) or {}
    keys = [k for k in ("served_t", "unserved_t", "total_cost_usd", "co2e_kg", "tonne_km", "border_crossings_t")
            if k in totals]
    rows = [[_fmt.label(k), *_delta_cells(k, totals[k])] for k in keys]
    name = _get(cmp, "scenario", "name", default="scenario")
    return table(["Per year", "Baseline", "Scenario", "Change", "Change %"], rows, numeric=range(1, 5),
                 sortable=False, caption=f"{name} against {_get(cmp, 'baseline', 'name', default='its baseline')}.")


def _small(comparisons: Sequence[Json], network: Network) -> Markup:
    """The notebook form: a table (the totals of one comparison, or the summary of several) and one small map."""
    if not comparisons:
        return Markup('<p class="note">No comparison to report.</p>')
    first = comparisons[0]
    name = str(_get(first, "scenario", "name", default="scenario 1"))
    tbl = _totals_compact(first) if len(comparisons) == 1 else _summary(comparisons, links=False)
    links = _get(first, "diff", "links", default=[]) or []
    m = flow_change_map(network, links, title=f"Change in link flows: {name}", width=560, max_labels=12)
    cap = f"<figcaption>Change in link flows: {esc(name)} (blue more, vermillion less).</figcaption>"
    return Markup(f"{tbl}<figure>{m}{cap}</figure>")


def render_comparisons(
    comparisons: Sequence[Json],
    network: Network,
    *,
    title: str = "Freight corridor scenarios",
    created: str | None = None,
    fragment: bool = False,
) -> str:
    r"""The HTML report of scenario comparisons.

    Parameters
    ----------
    comparisons
        Comparisons as ``corridor scenario run --json`` prints them: each with ``scenario``,
        ``baseline``, ``result`` and ``diff``. With several, the report opens with a summary table.
    network
        The network the runs used; its node coordinates draw the map of flow changes.
    title
        The page title.
    created
        A date or time to show under the title; none by default, so that the output depends on
        the input only.
    fragment
        A self-contained ``<div>`` for a notebook (the totals, or a summary of several comparisons,
        and a small map of the first one's flow changes) instead of a page.

    Returns
    -------
    str
        A whole HTML document, or with ``fragment=True`` one ``<div>``.

    See Also
    --------
    write_comparisons : the page, written to a file.

    Examples
    --------
    A scenario against its baseline, both solved with the LP, as corridor scenario run --json gives them:

    >>> from corridor import data
    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.runner import compare_scenarios
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> comparison = compare_scenarios(spec).to_dict()
    >>> html = render_comparisons([comparison], data.load().network)
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html, "no-northern-transit" in html
    (True, True, True)
    """
    comparisons = list(comparisons)
    names = [str(_get(c, "scenario", "name", default=f"scenario {i + 1}")) for i, c in enumerate(comparisons)]
    bases = sorted({str(_get(c, "baseline", "name", default="")) for c in comparisons} - {""})
    subtitle = (f"{len(comparisons)} scenario{'s' if len(comparisons) != 1 else ''} against "
                f"{', '.join(bases) or 'the baseline'}, on the network {network.name}")
    if fragment:
        return page_or_div(title, Markup(""), _small(comparisons, network), subtitle=subtitle, fragment=True)
    body: list[Markup] = []
    if len(comparisons) > 1:
        toc = "".join(f'<a href="#{_slug(i)}">{esc(n)}</a>' for i, n in enumerate(names))
        body.append(Markup(f'<nav class="toc">Scenarios: {toc}</nav>'))
        body.append(tag("h2", "Summary"))
        body.append(_summary(comparisons))
    if not comparisons:
        body.append(Markup('<p class="note">No comparison to report.</p>'))
    body += [_section(i, c, network) for i, c in enumerate(comparisons)]
    return page_or_div(title, join(body, "\n"), Markup(""), subtitle=subtitle, created=created)


def write_comparisons(
    path: str | Path,
    comparisons: Sequence[Json],
    network: Network,
    *,
    title: str = "Freight corridor scenarios",
    created: str | None = None,
) -> Path:
    r"""Write the page of :func:`render_comparisons` to ``path`` atomically; the path written.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.scenarios import scenario_from_text
    >>> from corridor.scenarios.runner import compare_scenarios
    >>> spec = scenario_from_text("name: no-northern-transit\nbase: {dataset: eurasia, year: 2021}\n"
    ...                           "changes:\n  - close_transit: [RU, BY]\nengine: {method: lp}\n")
    >>> comparison = compare_scenarios(spec).to_dict()
    >>> import tempfile
    >>> out = write_comparisons(Path(tempfile.mkdtemp()) / "scenarios.html", [comparison], data.load().network)
    >>> "no-northern-transit" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_comparisons(comparisons, network, title=title, created=created))
