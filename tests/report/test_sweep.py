"""The sweep report: distributions, thresholds, bottlenecks, tornado and parameters; and its notebook form."""

from __future__ import annotations

import pandas as pd
from tests.report.html_checks import assert_fragment, assert_page

from corridor.report import render_sweep, write_sweep


def test_sweep_report_with_samples(sweep, samples):
    assert len(samples) == sweep["n"] == 40
    html = render_sweep(sweep, samples)
    page = assert_page(html)
    histograms = [k for k in ("unserved_t", "total_cost_usd", "co2e_kg", "russia_t", "titr_t") if k in samples.columns]
    charts = len(histograms) + bool(sweep["bottleneck_frequency"]) + bool(any(r["swing"] for r in sweep["tornado"]))
    charts += bool(any(sweep["p_unserved_above"].values()))
    charts += bool(sweep.get("gateway_shares")) + bool(sweep.get("corridor_shares"))
    assert page.count("svg") == charts
    assert "northern-risk-premium" in html
    assert f"{sweep['n']} samples" in html
    # the quantile table in a common unit per row: the mean cost in bn USD, by hand
    assert "Generalised cost (money + time + risk) (bn USD)" in html
    assert f">{sweep['metrics']['total_cost_usd']['mean'] / 1e9:.2f}<" in html
    assert f"Histogram of generalised cost (money + time + risk) over {len(samples)} samples" in html
    assert ">P5<" in html and ">P95<" in html
    for name, p in sweep["uncertain"].items():
        assert f"<code>{name}</code>" in html
        assert p["description"].strip().split(":")[0] in html
    # gateway and corridor shares with their spread (a table and a range chart each)
    assert "Gateway and corridor shares" in html
    assert 'aria-label="Range of the share of Kazakh exports by export gateway over the samples"' in html
    assert 'aria-label="Range of the share of tonnes served by route corridor over the samples"' in html
    assert "<code>atyrau</code>" in html and "<code>northern</code>" in html
    top = max(sweep["tornado"], key=lambda r: abs(r["swing"] or 0.0))
    assert f"{'+' if top['swing'] > 0 else '−'}{abs(top['swing']) / 1e9:.2f} bn USD" in html


def test_thresholds_and_bottlenecks_when_they_occur(sweep):
    # the samples of this sweep serve everything and bind nothing: set what a tighter sweep would give
    sweep["p_unserved_above"] = {"0": 0.25, "1e+06": 0.1}
    sweep["bottleneck_frequency"] = {"transfer:aktau-port-out": 0.18, "link:dostyk-aktogay": 0.05}
    html = render_sweep(sweep)
    assert_page(html)
    assert 'aria-label="Probability that unserved demand exceeds a threshold"' in html
    assert "25.0 %" in html and "more than 1.00 Mt" in html
    assert "aktau-port-out (transfer)" in html
    assert "18.0 %" in html
    assert "no samples were given" in html
    assert "Histogram" not in html


def test_nothing_unserved_says_so(sweep):
    sweep["p_unserved_above"] = {"0": 0.0, "1e+06": 0.0}
    sweep["bottleneck_frequency"] = {}
    html = render_sweep(sweep)
    assert "No sample leaves any demand unserved." in html
    assert "No capacity binds in any sample." in html


def test_sweep_report_is_deterministic(sweep, samples, tmp_path):
    a = render_sweep(sweep, samples, created="2026-11-29")
    assert a == render_sweep(sweep, samples.copy(), created="2026-11-29")
    path = write_sweep(tmp_path / "sweep.html", sweep, samples, created="2026-11-29")
    assert path.read_text(encoding="utf-8") == a


def test_sweep_strings_are_escaped(sweep, html_parse):
    sweep["scenario"] = "<img src=x onerror=alert(1)>"
    first = next(iter(sweep["uncertain"]))
    sweep["uncertain"][first]["description"] = "<script>alert(1)</script>"
    sweep["bottleneck_frequency"] = {"transfer:<b>x</b>": 0.5}
    for html in (render_sweep(sweep), render_sweep(sweep, fragment=True)):
        assert "<img" not in html
        assert "<script>alert" not in html
        assert "<b>x</b>" not in html
        assert html_parse(html).errors == []


def test_sparse_sweep_renders(html_parse):
    html = render_sweep({"scenario": "s", "n": 3, "samples": 5, "metrics": {}},
                        pd.DataFrame({"unserved_t": [0.0, 1e6, 2e6]}))
    assert html_parse(html).errors == []
    assert "3 of 5 samples" in html
    assert "No capacity binds in any sample." in html
    assert "No sensitivity ranking" in html
    assert "declares no uncertain parameter" in html
    assert_fragment(render_sweep({"scenario": "s", "n": 0, "samples": 0, "metrics": {}}, fragment=True))


def test_fragment_has_the_table_and_one_histogram(sweep, samples):
    html = render_sweep(sweep, samples, fragment=True)
    page = assert_fragment(html)
    assert page.count("table") == 1 and page.count("svg") == 1
    assert f"over {len(samples)} samples" in html
    # without the samples: the range of the cost from its quantiles
    html = render_sweep(sweep, fragment=True)
    assert_fragment(html)
    assert "Range of generalised cost" in html
