"""Formatting, charts, and the shipped country outlines."""

from __future__ import annotations

import itertools
import math
import re
from importlib import resources

import pytest
from tests.report.html_checks import assert_fragment

from corridor.report import _fmt, _page, _svg
from corridor.report._map import Projection, legend_band, load_outlines
from corridor.report._page import Markup, esc, notebook_div, table, tag
from corridor.report._tables import capacity_text


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


def _polyline_points(svg: str) -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in pts.split()]  # type: ignore[misc]
            for pts in re.findall(r'<polyline[^>]* points="([^"]+)"', svg)]


def test_line_chart_draws_each_series_in_order_and_from_zero(html_parse):
    days = [1.0, 2.0, 3.0, 4.0]
    svg = _svg.line_chart([_svg.Line("a", days, [0.0, 2.0, 1.0, 4.0]), _svg.Line("b", days, [1.0, 1.0, 1.0, 1.0],
                                                                                    _svg.VERMILLION)],
                          title="T <1>", xlabel="day", ylabel="calls (n)", fmt_x=_fmt.number,
                          fmt_y=lambda v: _fmt.number(v, 1), hline=("limit", 3.0), shade=[0.0, 0.5, 0.0, 1.0],
                          shade_label="closed", bands=True)
    page = html_parse(svg)
    assert page.errors == []
    assert page.tags[0][1]["role"] == "img" and "viewbox" in page.tags[0][1]
    assert "T &lt;1&gt;" in svg and ">calls (n)<" in svg and ">day<" in svg
    a, b = _polyline_points(svg)
    assert [p[0] for p in a] == [p[0] for p in b]  # one x axis
    assert all(x1 < x2 for (x1, _), (x2, _) in itertools.pairwise(a))
    ys = [p[1] for p in a]  # SVG y grows downwards: the ranks of the values reverse
    assert ys[3] < ys[1] < ys[2] < ys[0]
    assert len({p[1] for p in b}) == 1
    # zero sits on the x axis line (the y axis starts at 0)
    axis = r'<line x1="[^"]+" y1="([^"]+)" x2="[^"]+" y2="\1" stroke="#5b6673"'
    axis_y = max(float(y) for y in re.findall(axis, svg))
    assert ys[0] == axis_y
    # two shaded days, darker where closed longer; hover bands carry every series' value
    shaded = re.findall(r'fill="#7f8a96" fill-opacity="([0-9.]+)"><title>', svg)
    assert len(shaded) == 2
    assert float(shaded[0]) == pytest.approx(float(shaded[1]) / 2, abs=0.01)  # half the day closed: half as dark
    assert "<title>2: a 2.0; b 1.0</title>" in svg
    assert "limit: 3.0" in svg


def test_line_chart_long_series_have_at_most_80_hover_bands():
    n = 365
    svg = _svg.line_chart([_svg.Line("x", list(range(1, n + 1)), [float(i % 7) for i in range(n)])], title="t",
                          xlabel="day", ylabel="v", fmt_x=_fmt.number, fmt_y=_fmt.number, bands=True)
    bands = re.findall(r'<rect class="hover"[^>]*><title>([^<]*)</title>', svg)
    assert 40 <= len(bands) <= 80
    per = math.ceil(n / 80)  # days per band
    assert bands[0].startswith(f"1 to {per}: x ")
    # each band gives the mean and the maximum of its days, by hand
    vals = [float(i % 7) for i in range(per)]
    assert bands[0] == f"1 to {per}: x {_fmt.number(sum(vals) / per)} (mean), max {_fmt.number(max(vals))}"


def test_line_chart_with_point_tooltips_and_empty_input(html_parse):
    svg = _svg.line_chart([_svg.Line("leg", [0, 10, 10], [0, 5, 9], tips=["start", "", "after the stop"])],
                          title="p", xlabel="km", ylabel="h", fmt_x=_fmt.number, fmt_y=_fmt.number)
    assert svg.count("<circle") == 2  # no dot for a point without a tooltip
    assert "<title>after the stop</title>" in svg
    for lines in ([], [_svg.Line("none", [], [])], [_svg.Line("nan", [1.0, 2.0], [math.nan, math.inf])]):
        out = _svg.line_chart(lines, title="e", xlabel="x", ylabel="y", fmt_x=_fmt.number, fmt_y=_fmt.number)
        assert html_parse(out).errors == []
        assert "nan" not in out.lower().replace("nan<", "")


def test_notebook_div_scopes_its_style():
    html = notebook_div("Title <x>", Markup("<p>body</p>"), subtitle="sub")
    page = assert_fragment(html)
    cls = page.tags[0][1]["class"]
    assert "Title &lt;x&gt;" in html
    assert notebook_div("Title <x>", Markup("<p>body</p>"), subtitle="sub") == html  # deterministic
    other = assert_fragment(notebook_div("Title", Markup("<p>other</p>")))
    assert other.tags[0][1]["class"] != cls
    assert cls.startswith("corridor-")


def test_page_has_a_script_only_for_sortable_tables():
    plain = _page.page("t", table(["a"], [["1"]], sortable=False))
    assert "<script>" not in plain
    assert "<script>" in _page.page("t", table(["a"], [["1"]]))


@pytest.mark.parametrize(("value", "unit", "text"), [
    (1.1e7, "t/yr", "11.0 Mt/yr"), (5e5, "t/yr", "500.0 kt/yr"), (574875.0, "TEU/yr", "574,875 TEU/yr"),
    (120.0, "wagons/yr", "120 wagons/yr"), (None, "t/yr", "unlimited"),
])
def test_capacity_text(value, unit, text):
    assert capacity_text(value, unit) == text


def test_map_legend_wraps_to_the_map_width():
    entries = [(f"entry number {i}", "#000000", 2.0, "") for i in range(8)]
    elements, height = legend_band(100.0, 400.0, [entries])
    xs = [float(x) for x in re.findall(r'<text x="([0-9.]+)"', "".join(elements))]
    assert max(xs) < 400
    assert height > 10 + 24  # more than one line
    rows = {float(y) for y in re.findall(r'<text x="[0-9.]+" y="([0-9.]+)"', "".join(elements))}
    assert len(rows) == (height - 10) / 24


def test_projection_keeps_points_inside_the_map():
    pts = [(51.2, 43.6), (71.4, 51.1), (6.8, 51.4)]
    proj = Projection.around(pts, 560)
    for lon, lat in pts:
        x, y = proj(lon, lat)
        assert 0 < x < proj.width and 0 < y < proj.height
    small = Projection.around([(51.0, 43.0), (51.5, 43.2)], 560, min_span=14.0)
    assert small.lon1 - small.lon0 >= 14.0  # a short route still shows its region
