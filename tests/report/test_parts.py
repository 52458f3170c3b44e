"""Formatting, charts, and the shipped country outlines."""

from __future__ import annotations

import math
from importlib import resources

import pytest

from corridor.report import _fmt, _svg
from corridor.report._map import load_outlines
from corridor.report._page import Markup, esc, table, tag


@pytest.mark.parametrize(("func", "x", "signed", "text"), [
    (_fmt.tonnes, 164628600.0, False, "164.6 Mt"),
    (_fmt.tonnes, -8e6, True, "−8.00 Mt"),
    (_fmt.tonnes, 2e5, True, "+200.0 kt"),
    (_fmt.tonnes, 0.0, True, "0 t"),
    (_fmt.tonnes, None, False, "–"),
    (_fmt.tonnes, math.nan, False, "–"),
    (_fmt.usd, 21403277900.3, False, "21.4 bn USD"),
    (_fmt.usd, -32541816.5, True, "−32.5 M USD"),
    (_fmt.co2e_kg, 1123901598.0, True, "+1.12 Mt CO₂e"),
    (_fmt.co2e_kg, -33.6e6, True, "−33.6 kt CO₂e"),
    (_fmt.tonne_km, 5.05e10, True, "+50.5 bn t·km"),
    (_fmt.hours_t, 3.8e10, False, "38.0 bn t·h"),
])
def test_formats(func, x, signed, text):
    assert func(x, signed=signed) == text


def test_metric_formatter_by_name():
    assert _fmt.metric("border_crossings_t", 3.5e6) == "3.50 Mt"
    assert _fmt.metric("teu", 685200.0) == "685,200 TEU"
    assert _fmt.metric("total_cost_usd", 1e9, signed=True) == "+1.00 bn USD"
    assert _fmt.metric("spearman", 0.5) == "0.50"
    assert _fmt.pct(None) == "–"
    assert _fmt.pct(-44.327) == "−44.3 %"
    assert _fmt.share(0.18) == "18 %"


def test_unit_scale():
    assert _fmt.unit_scale("unserved_t", [0.0]) == (1.0, "t")
    assert _fmt.unit_scale("served_t", [1.6e8]) == (1e6, "Mt")
    assert _fmt.unit_scale("tonne_km", [5e11]) == (1e9, "bn t·km")
    assert _fmt.unit_scale("spearman", [0.9]) == (1.0, "")


def test_nice_ticks_cover_the_range():
    for lo, hi in [(0, 1), (0, 164.6), (-8e6, 1.15e7), (2.03e10, 2.48e10), (0.85, 1.0)]:
        ticks = _fmt.nice_ticks(lo, hi)
        assert ticks[0] <= lo
        assert ticks[-1] >= hi
        assert 2 <= len(ticks) <= 8
    assert _fmt.nice_ticks(3, 3) == [3]


def test_markup_and_escaping():
    assert esc('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert esc(None) == ""
    assert tag("td", Markup("<b>1</b>"), class_="num", title=None) == '<td class="num"><b>1</b></td>'
    t = table(["a", "b"], [["<x>", (Markup("<i>1</i>"), 1.5)]], numeric=[1])
    assert "&lt;x&gt;" in t
    assert '<td class="num" data-v="1.5"><i>1</i></td>' in t


def test_charts_are_svg_with_titles(html_parse):
    charts = [
        _svg.bar_chart(["a", "b"], [[(1.0, 0.5), (2.0, 0.0)], [(-1.0,), (0.0,)]], [("#111", "#222"), ("#333",)],
                       title="Bars <1>", fmt=_fmt.tonnes, legend=[("x", "#111")], series=["s1", "s2"],
                       segment_names=["served", "unserved"]),
        _svg.bar_chart([], [], [], title="empty", fmt=_fmt.tonnes),
        _svg.histogram([1.0, 2.0, 2.5, 10.0], title="H", fmt=_fmt.usd, xlabel="cost", markers=[("P5", 1.2)]),
        _svg.histogram([], title="none", fmt=_fmt.usd, xlabel="cost"),
        _svg.histogram([5.0] * 4, title="same", fmt=_fmt.usd, xlabel="cost"),
        _svg.tornado([("p", 1.0, 3.0), ("q", 2.5, 1.5)], centre=2.0, title="T", fmt=_fmt.usd),
        _svg.tornado([("p", 2.0, 2.0)], centre=2.0, title="flat", fmt=_fmt.usd),
        _svg.quantile_chart([("m", {"p5": 1.0, "p25": 2.0, "p50": 3.0, "p75": 4.0, "p95": 5.0})], title="Q",
                            fmt=_fmt.usd),
    ]
    for svg in charts:
        page = html_parse(svg)
        assert page.errors == []
        assert page.tags[0][0] == "svg"
        assert "viewbox" in page.tags[0][1]  # html.parser lowers attribute names
        assert page.tags[0][1]["role"] == "img"
        assert page.tags[1][0] == "title"
        assert "nan" not in svg
    assert "Bars &lt;1&gt;" in charts[0]
    assert "a · s1 · unserved: 0.50 t" in charts[0]
    assert "all 4 samples equal 5.00 USD" in charts[4]


def test_country_outlines_are_shipped():
    path = resources.files("corridor.report").joinpath("assets", "countries.json")
    assert len(path.read_bytes()) < 200_000
    doc = load_outlines()
    assert "Natural Earth" in doc["source"]
    assert "public domain" in doc["licence"]
    by_code = {c["iso_a2"]: c for c in doc["countries"]}
    for code in ("KZ", "RU", "CN", "AZ", "GE", "TR", "UZ", "TM", "IR", "DE", "NL", "PL", "BY"):
        assert code in by_code, code
    for c in doc["countries"]:
        for ring in c["rings"]:
            assert len(ring) % 2 == 0
            assert len(ring) >= 6
            assert all(isinstance(v, int) for v in ring)
