"""The HTML report of a Monte Carlo sweep (``corridor scenario sweep --json`` output)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.report import _fmt
from corridor.report._page import Markup, card, esc, join, page_or_div, table, tag, write_page
from corridor.report._svg import BLUE, ORANGE, VERMILLION, bar_chart, histogram, quantile_chart, tornado

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["render_sweep", "write_sweep"]

Json = Mapping[str, Any]
_QUANTILES = ("mean", "sd", "min", "p5", "p25", "p50", "p75", "p95", "max")
_HISTOGRAMS = ("unserved_t", "total_cost_usd", "co2e_kg", "russia_t", "titr_t")
_DIST_KEYS = ("name", "dist", "nominal", "description", "source", "status", "unit")


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x) if math.isfinite(x) else None


def _threshold(key: str) -> float | None:
    try:
        return float(key)
    except ValueError:
        return None


def _cards(sweep: Json) -> Markup:
    cards = []
    p_above = sweep.get("p_unserved_above", {}) or {}
    p0 = next((_num(v) for k, v in p_above.items() if _threshold(k) == 0.0), None)
    if p0 is not None:
        cards.append(card("Chance of unserved demand", _fmt.share(p0, 1), "share of samples with any unserved tonne",
                          tone="worse" if p0 > 0 else "neutral"))
    m = (sweep.get("metrics", {}) or {}).get("total_cost_usd")
    if m:
        cards.append(card("Generalised cost, median", _fmt.usd(_num(m.get("p50"))),
                          f"90 % range {_fmt.usd(_num(m.get('p5')))} to {_fmt.usd(_num(m.get('p95')))}"))
    freq = sweep.get("bottleneck_frequency", {}) or {}
    if freq:
        top = max(sorted(freq), key=lambda k: _num(freq[k]) or 0.0)
        kind, _, rid = top.partition(":")
        cards.append(card("Most frequent bottleneck", rid or top,
                          f"{kind + ', ' if rid else ''}binds in {_fmt.share(_num(freq[top]))} of samples",
                          tone="worse", small=True))
    else:
        cards.append(card("Bottlenecks", "none", "no capacity binds in any sample"))
    rows = [r for r in sweep.get("tornado", []) or [] if _num(r.get("swing"))]
    if rows:
        top_row = max(rows, key=lambda r: (abs(_num(r.get("swing")) or 0.0), str(r.get("parameter"))))
        metric = str(top_row.get("metric", ""))
        cards.append(card("Most influential parameter", str(top_row.get("parameter")),
                          f"moves {_fmt.label(metric).lower()} by "
                          f"{_fmt.metric(metric, _num(top_row.get('swing')), signed=True)}", small=True))
    return Markup(f'<div class="cards">{"".join(cards)}</div>')


def _quantile_table(metrics: Json) -> Markup:
    rows = []
    for key, q in metrics.items():
        vals = [v for v in (_num(q.get(k)) for k in _QUANTILES) if v is not None]
        div, unit = _fmt.unit_scale(key, vals)
        digits = 2 if max((abs(v) / div for v in vals), default=0.0) < 100 else 1
        name = f"{_fmt.label(key)}{f' ({unit})' if unit else ''}"
        cells = [_num(q.get(k)) for k in _QUANTILES]
        rows.append([name, *((_fmt.number(None if v is None else v / div, digits), v) for v in cells)])
    return table(["Metric, per year", "Mean", "SD", "Min", "P5", "P25", "Median", "P75", "P95", "Max"], rows,
                 numeric=range(1, 10), caption="Distribution of each result over the samples.")


def _distributions(sweep: Json, samples: pd.DataFrame | None) -> Markup:
    metrics = sweep.get("metrics", {}) or {}
    figs = []
    for key in _HISTOGRAMS:
        q = metrics.get(key)
        if q is None and (samples is None or key not in samples.columns):
            continue
        f = _fmt.formatter(key)
        what = _fmt.label(key)
        if samples is not None and key in samples.columns:
            markers = [(name, _num((q or {}).get(k))) for name, k in (("P5", "p5"), ("median", "p50"), ("P95", "p95"))]
            markers = [(a, b) for a, b in markers if b is not None]
            values = [float(v) for v in samples[key].tolist() if _num(v) is not None]
            svg = histogram(values, title=f"Histogram of {what.lower()} over {len(values)} samples", fmt=f,
                            xlabel=f"{what} per year", markers=markers, colour=VERMILLION if key == "unserved_t"
                            else BLUE)
            cap = f"{what}: number of samples per bin; dashed lines at the 5th, 50th and 95th percentiles."
            if values and min(values) == max(values):
                cap = f"{what}: every sample gives the same value."
        else:
            svg = quantile_chart([(what, {k: v for k, v in (q or {}).items() if _num(v) is not None})],
                                 title=f"Range of {what.lower()}", fmt=f)
            cap = f"{what}: 90 % range (thin), 50 % range (thick) and median (tick); no samples were given."
        figs.append(f"<figure>{svg}<figcaption>{esc(cap)}</figcaption></figure>")
    if not figs:
        return Markup("")
    return Markup(f'<div class="grid2">{"".join(figs)}</div>')


def _p_unserved(sweep: Json) -> Markup:
    p_above = sweep.get("p_unserved_above", {}) or {}
    if not p_above:
        return Markup('<p class="note">No thresholds were evaluated.</p>')
    keys = sorted(p_above, key=lambda k: (_threshold(k) is None, _threshold(k) or 0.0, k))
    labels = [f"more than {_fmt.tonnes(_threshold(k))}" if _threshold(k) is not None else k for k in keys]
    rows = [[lab, (_fmt.share(_num(p_above[k]), 1), _num(p_above[k]))] for lab, k in zip(labels, keys, strict=True)]
    tbl = table(["Unserved demand", "Probability"], rows, numeric=(1,),
                caption="Share of samples whose unserved demand exceeds each threshold.")
    if not any(_num(p_above[k]) for k in keys):
        note = tag("p", "No sample leaves any demand unserved.", class_="notice")
        return Markup(f'<div class="grid2"><div>{tbl}</div><div>{note}</div></div>')
    chart = bar_chart(labels, [[(_num(p_above[k]) or 0.0,)] for k in keys], [(VERMILLION,)],
                      title="Probability that unserved demand exceeds a threshold",
                      fmt=lambda x, **_: _fmt.share(x, 1), width=560, label_width=150)
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}</figure></div>')


def _bottlenecks(sweep: Json) -> Markup:
    freq = sweep.get("bottleneck_frequency", {}) or {}
    if not freq:
        return Markup('<p class="note">No capacity binds in any sample.</p>')
    keys = sorted(freq, key=lambda k: (-(_num(freq[k]) or 0.0), k))

    def name(k: str) -> str:
        kind, _, rid = k.partition(":")
        return f"{rid} ({kind})" if rid else k

    rows = [[tag("code", name(k)), (_fmt.share(_num(freq[k]), 1), _num(freq[k]))] for k in keys]
    tbl = table(["Capacity", "Share of samples where it binds"], rows, numeric=(1,))
    chart = bar_chart([name(k) for k in keys], [[(_num(freq[k]) or 0.0,)] for k in keys], [(ORANGE,)],
                      title="How often each capacity binds", fmt=lambda x, **_: _fmt.share(x, 1), width=560,
                      label_width=190)
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}</figure></div>')


def _tornado(sweep: Json) -> Markup:
    rows = list(sweep.get("tornado", []) or [])
    if not rows:
        return Markup('<p class="note">No sensitivity ranking in this sweep.</p>')
    metrics = sweep.get("metrics", {}) or {}
    by_metric: dict[str, list[Json]] = {}
    for r in rows:
        by_metric.setdefault(str(r.get("metric", "")), []).append(r)
    parts: list[Markup] = []
    quiet: list[str] = []
    for metric, unsorted in by_metric.items():
        f = _fmt.formatter(metric)
        group = sorted(unsorted, key=lambda r: (-abs(_num(r.get("swing")) or 0.0), str(r.get("parameter"))))
        if all(not _num(r.get("swing")) and _num(r.get("mean_low")) == _num(r.get("mean_high")) for r in group):
            quiet.append(_fmt.label(metric).lower())
            continue
        centre = _num((metrics.get(metric) or {}).get("mean"))
        if centre is None:
            lows = [_num(r.get("mean_low")) or 0.0 for r in group]
            centre = sum(lows) / len(lows)
        svg = tornado([(str(r.get("parameter")), _num(r.get("mean_low")), _num(r.get("mean_high")))
                       for r in group], centre=centre, title=f"Sensitivity of {_fmt.label(metric).lower()}", fmt=f)
        parts.append(Markup(f"<figure>{svg}<figcaption>{esc(_fmt.label(metric))}: mean over the samples where each "
                     "parameter lies in the lowest fifth of its draws (sky blue) and in the highest fifth "
                     "(orange; for a discrete or yes/no parameter: its lowest and highest value), "
                     "against the mean of all samples (black line); widest swing first.</figcaption></figure>"))
    if quiet:
        parts.append(tag("p", f"No parameter moves {' or '.join(quiet)} in these samples.", class_="note"))
    trows = [[tag("code", r.get("parameter", "")), _fmt.label(str(r.get("metric", ""))),
              (_fmt.number(_num(r.get("spearman")), 3, signed=True), _num(r.get("spearman"))),
              (_fmt.metric(str(r.get("metric")), _num(r.get("mean_low"))), _num(r.get("mean_low"))),
              (_fmt.metric(str(r.get("metric")), _num(r.get("mean_high"))), _num(r.get("mean_high"))),
              (_fmt.metric(str(r.get("metric")), _num(r.get("swing")), signed=True), _num(r.get("swing")))]
             for r in rows]
    heads = ["Parameter", "Metric", "Spearman ρ", "Mean, lowest fifth", "Mean, highest fifth", "Swing"]
    parts.append(table(heads, trows,
                       numeric=range(2, 6), caption="Rank correlation of each parameter with each result, "
                       "and the swing of the result's mean between the lowest and highest fifth of the parameter's "
                       "draws "
                       "(lowest and highest value for a discrete parameter)."))
    return join(parts, "\n")


def _shares(sweep: Json, key: str, what: str, head: str, top: int = 12) -> Markup:
    """Each gateway's (or corridor's) share over the samples: a table of quantiles and a range chart."""
    by = {k: v for k, v in (sweep.get(key) or {}).items() if isinstance(v, Mapping) and v.get("share")}
    if not by:
        return Markup("")
    names = sorted(by, key=lambda k: (-(_num(by[k]["share"].get("mean")) or 0.0), k))[:top]
    rows = []
    for k in names:
        q, t = by[k]["share"], by[k].get("tonnes") or {}
        rows.append([tag("code", k), *((_fmt.share(_num(q.get(c)), 1), _num(q.get(c))) for c in ("mean", "p5", "p50",
                                                                                                  "p95")),
                     (_fmt.tonnes(_num(t.get("p50"))), _num(t.get("p50")))])
    tbl = table([head, "Mean share", "P5", "Median", "P95", "Median tonnes"], rows, numeric=range(1, 6),
                caption=f"Share of {what} in each sample: mean, 5th, 50th and 95th percentile over the samples"
                f"{f' (the {top} largest)' if len(by) > top else ''}.")
    chart = quantile_chart([(k, {c: v for c, v in by[k]["share"].items() if _num(v) is not None}) for k in names],
                           title=f"Range of the share of {what} over the samples", fmt=lambda x, **_: _fmt.share(x, 0))
    return Markup(f'<div class="grid2"><div>{tbl}</div><figure>{chart}<figcaption>{esc(what.capitalize())}: 90 % '
                  "range (thin), 50 % range (thick) and median (tick) of the share over the samples."
                  "</figcaption></figure></div>")


def _shares_section(sweep: Json) -> Markup:
    parts = [_shares(sweep, "gateway_shares", "Kazakh exports by export gateway", "Export gateway"),
             _shares(sweep, "corridor_shares", "tonnes served by route corridor", "Route corridor")]
    if not any(parts):
        return Markup('<p class="note">No tonnes by gateway or corridor in these samples.</p>')
    return join(parts)


def _dist_text(p: Json) -> str:
    args = [f"{k}={v}" for k, v in p.items() if k not in _DIST_KEYS]
    return f"{p.get('dist', '?')}({', '.join(args)})"


def _uncertain(sweep: Json) -> Markup:
    params = sweep.get("uncertain", {}) or {}
    if not params:
        return Markup('<p class="note">The scenario declares no uncertain parameter.</p>')
    rows = []
    for key, p in params.items():
        status = str(p.get("status", "") or "")
        rows.append([tag("code", p.get("name", key)), tag("code", _dist_text(p)), _fmt.number(_num(p.get("nominal")), 3)
                     .rstrip("0").rstrip(".") if _num(p.get("nominal")) is not None else "–",
                     str(p.get("unit", "") or ""), str(p.get("description", "") or "").strip(),
                     str(p.get("source", "") or "–"), tag("span", status or "–", class_="badge")])
    return table(["Parameter", "Distribution", "Nominal", "Unit", "Description", "Source", "Status"], rows,
                 numeric=(2,), sortable=False)


def _small(sweep: Json, samples: pd.DataFrame | None) -> Markup:
    """The notebook form: the quantile table and one chart of the generalised cost (or the first metric)."""
    metrics = sweep.get("metrics", {}) or {}
    key = "total_cost_usd" if "total_cost_usd" in metrics else next(iter(metrics), None)
    if key is None:
        return _quantile_table(metrics)
    f, what, q = _fmt.formatter(key), _fmt.label(key), metrics.get(key) or {}
    values = ([float(v) for v in samples[key].tolist() if _num(v) is not None]
              if samples is not None and key in samples.columns else [])
    if values:
        markers = [(name, _num(q.get(k))) for name, k in (("P5", "p5"), ("median", "p50"), ("P95", "p95"))]
        svg = histogram(values, title=f"Histogram of {what.lower()} over {len(values)} samples", fmt=f,
                        xlabel=f"{what} per year", markers=markers, width=560, height=220)
    else:
        svg = quantile_chart([(what, {k: v for k, v in q.items() if _num(v) is not None})],
                             title=f"Range of {what.lower()}", fmt=f, width=560)
    return Markup(f"{_quantile_table(metrics)}<figure>{svg}</figure>")


def _timing(sweep: Json) -> Markup:
    """Where the time went: the driver's stages and the workers' (summed over them), and each worker."""
    from corridor.scenarios._sweep_timing import timing_rows

    timing = sweep.get("timing") or {}
    rows = timing_rows(timing)
    if not rows:
        return Markup('<p class="note">This sweep recorded no timing (it was made by an older corridor, or '
                      'reused a stored sweep).</p>')
    wall = _num(timing.get("wall_s")) or 0.0
    note = Markup(f'<p class="note">{esc(_fmt.number(wall, 1))} s of wall time on {esc(timing.get("slots", "?"))} '
                  "worker slots. Driver shares are of the wall time; worker shares of the slots' time (slots × "
                  "wall time). The final write of the summary to the store is not included.</p>")
    tbl = table(["Where", "Stage", "Seconds", "Share"],
                [[w, stage, (_fmt.number(s, 2), s), (_fmt.share(share, 1), share or 0.0)]
                 for w, stage, s, share in rows],
                numeric=(2, 3), sortable=False)
    workers = timing.get("workers") or []
    per = table(["Worker", "Chunks", "Samples", "Models built", "Initializer (s)", "Solving (s)", "Busy (s)",
                 "Peak memory (MiB)"],
                [[tag("code", w.get("worker", "?")), w.get("chunks", 0), w.get("samples", 0),
                  w.get("process_model_builds", 0), _fmt.number(_num(w.get("process_init_s")), 2),
                  _fmt.number(_num(w.get("solve_s")), 2), _fmt.number(_num(w.get("busy_s")), 2),
                  _fmt.number(_num(w.get("process_maxrss_mb")))]
                 for w in workers], numeric=(1, 2, 3, 4, 5, 6, 7)) if workers else Markup("")
    return Markup(f"{note}{tbl}{per}")


def _subtitle(sweep: Json) -> str:
    n, req = sweep.get("n"), sweep.get("samples")
    bits = [f"Scenario {sweep.get('scenario', '?')}", f"{n if n is not None else '?'} of {req} samples"
            if req is not None and req != n else f"{n} samples", f"seed {sweep.get('seed', '?')}"]
    if sweep.get("sweep_id"):
        bits.append(f"sweep {sweep['sweep_id']}")
    return " · ".join(bits)


def render_sweep(
    sweep: Json,
    samples: pd.DataFrame | None = None,
    *,
    title: str = "Monte Carlo sweep",
    created: str | None = None,
    fragment: bool = False,
) -> str:
    """The HTML report of a Monte Carlo sweep.

    Parameters
    ----------
    sweep
        A sweep summary as ``corridor scenario sweep --json`` prints it (``metrics``,
        ``p_unserved_above``, ``bottleneck_frequency``, ``tornado``, ``uncertain`` ...).
    samples
        One row per sample with the metrics as columns; with it the report draws histograms,
        without it quantile ranges.
    title, created, fragment
        As in :func:`render_comparisons`; a notebook's fragment holds the quantile table and one chart of the
        generalised cost.

    Returns
    -------
    str
        The page of the sweep, or its fragment.

    See Also
    --------
    write_sweep : the page, written to a file.

    Examples
    --------
    A sweep summary of 20 made-up samples, with the samples for the histograms:

    >>> import numpy as np
    >>> import pandas as pd
    >>> from corridor.scenarios.sweep import summarise_samples
    >>> share = np.random.default_rng(0).uniform(0.35, 0.65, 20)  # a made-up parameter and metrics
    >>> frame = pd.DataFrame({"param.open_share": share, "served_t": 1e8 + 1e7 * share,
    ...                       "unserved_t": 1e6 * (1 - share), "total_cost_usd": 3e10 - 1e9 * share})
    >>> sweep = {"scenario": "storm", "samples": 20, "seed": 0, **summarise_samples(frame, ["open_share"], [0.0, 1e6])}
    >>> html = render_sweep(sweep, frame)
    >>> html.startswith("<!DOCTYPE html>"), "<svg" in html
    (True, True)
    """
    if fragment:
        return page_or_div(title, Markup(""), _small(sweep, samples), subtitle=_subtitle(sweep), fragment=True)
    sections = (("distributions", "Distributions", [_quantile_table(sweep.get("metrics", {}) or {}),
                                                      _distributions(sweep, samples)]),
                ("shares", "Gateway and corridor shares", [_shares_section(sweep)]),
                ("unserved", "Unserved demand", [_p_unserved(sweep)]),
                ("bottlenecks", "Bottlenecks", [_bottlenecks(sweep)]),
                ("sensitivity", "Sensitivity (tornado)", [_tornado(sweep)]),
                ("parameters", "Uncertain parameters", [_uncertain(sweep)]),
                ("timing", "Where the time went", [_timing(sweep)]))
    toc = "".join(f'<a href="#{sid}">{esc(head)}</a>' for sid, head, _ in sections)
    body = [_cards(sweep), Markup(f'<nav class="toc">{toc}</nav>')]
    for sid, head, content in sections:
        body.append(Markup(f'<section id="{sid}">{tag("h2", head)}{join(content)}</section>'))
    return page_or_div(title, join(body, "\n"), Markup(""), subtitle=_subtitle(sweep), created=created)


def write_sweep(
    path: str | Path,
    sweep: Json,
    samples: pd.DataFrame | None = None,
    *,
    title: str = "Monte Carlo sweep",
    created: str | None = None,
) -> Path:
    """Write the page of :func:`render_sweep` to ``path`` atomically; the path written.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from corridor.scenarios.sweep import summarise_samples
    >>> share = np.random.default_rng(0).uniform(0.35, 0.65, 20)  # a made-up parameter and metrics
    >>> frame = pd.DataFrame({"param.open_share": share, "served_t": 1e8 + 1e7 * share,
    ...                       "unserved_t": 1e6 * (1 - share), "total_cost_usd": 3e10 - 1e9 * share})
    >>> sweep = {"scenario": "storm", "samples": 20, "seed": 0, **summarise_samples(frame, ["open_share"], [0.0, 1e6])}
    >>> import tempfile
    >>> out = write_sweep(Path(tempfile.mkdtemp()) / "sweep.html", sweep, frame)
    >>> "<svg" in out.read_text(encoding="utf-8")
    True
    """
    return write_page(path, render_sweep(sweep, samples, title=title, created=created))
