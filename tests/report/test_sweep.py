"""The sweep report: distributions, thresholds, bottlenecks, tornado and parameters."""

from __future__ import annotations

import re

import pandas as pd

from corridor.report import render_sweep, write_sweep

REMOTE = re.compile(r"https?://")
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def test_sweep_report_with_samples(sweep, samples, html_parse):
    html = render_sweep(sweep, samples)
    page = html_parse(html)
    assert page.errors == []
    assert page.stack == []
    assert not REMOTE.search(html.replace(SVG_NS, ""))
    tags = [t for t, _ in page.tags]
    assert tags.count("svg") == 3 + 1 + 1  # 3 histograms, bottleneck frequency, 1 tornado
    assert "No sample leaves any demand unserved." in html
    assert "northern-risk-premium" in html
    assert "200 samples" in html
    # quantile table in common units per row
    assert "Generalised cost (money + time + risk) (bn USD)" in html
    assert ">22.50<" in html  # mean cost, bn USD
    # histograms: the unserved one is degenerate, the cost one has percentile markers
    assert "all 200 samples equal 0 t" in html
    assert ">P5<" in html
    assert ">P95<" in html
    assert "P5 = median" in html  # CO2e: the 5th percentile and the median coincide
    # thresholds, bottleneck frequency, tornado, parameters
    assert "more than 1.00 Mt" in html
    assert "aktau-port-out (transfer)" in html
    assert "18.0 %" in html
    for name, p in sweep["uncertain"].items():
        assert f"<code>{name}</code>" in html
        assert p["description"].strip().split(":")[0] in html
    assert "triangular(low=0.85, mode=0.92, high=1.0)" in html
    assert "No parameter moves unserved in these samples." in html
    assert "+3.61 bn USD" in html  # ru_risk_premium swing


def test_sweep_report_without_samples(sweep, html_parse):
    sweep["p_unserved_above"] = {"0": 0.25, "1e+06": 0.1}
    html = render_sweep(sweep)
    assert 'aria-label="Probability that unserved demand exceeds a threshold"' in html
    assert "25.0 %" in html
    assert html_parse(html).errors == []
    assert "no samples were given" in html
    assert "Histogram" not in html


def test_sweep_report_is_deterministic(sweep, samples, tmp_path):
    a = render_sweep(sweep, samples, created="2026-11-29")
    assert a == render_sweep(sweep, samples.copy(), created="2026-11-29")
    path = write_sweep(tmp_path / "sweep.html", sweep, samples, created="2026-11-29")
    assert path.read_text(encoding="utf-8") == a


def test_sweep_strings_are_escaped(sweep, html_parse):
    sweep["scenario"] = "<img src=x onerror=alert(1)>"
    sweep["uncertain"]["caspian_capacity"]["description"] = "<script>alert(1)</script>"
    sweep["bottleneck_frequency"] = {"transfer:<b>x</b>": 0.5}
    html = render_sweep(sweep)
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
