"""The hub view: KPIs with intervals clipped for display, theory, yard, daily charts; and its notebook form."""

from __future__ import annotations

import copy
import re

from hypothesis import given
from hypothesis import strategies as st
from tests.report.html_checks import assert_fragment, assert_page

from corridor.report import render_hub, write_hub
from corridor.report._hub import shown

_SHARES = ("berth_utilisation", "crane_utilisation", "track_utilisation", "ferry_bridge_utilisation",
           "gate_utilisation", "yard_occupancy")


def _cells(html: str, kpi: str) -> list[str]:
    """The cells of the KPI table's row ``kpi``."""
    row = re.search(rf"<tr><td>{re.escape(kpi)}</td>(.*?)</tr>", html)
    assert row, kpi
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def _number(text: str) -> float:
    return float(text.split(maxsplit=1)[0].replace(",", "").replace("\u2212", "-"))


def test_hub_page(hub):
    html = render_hub(hub)
    page = assert_page(html)
    assert page.count("svg") == 3  # yard occupancy, queues, TEU out
    assert page.count("script") == 0  # no sortable table, so no script at all
    assert "aktau-hub" in html and "2 replications × 60 days" in html
    for name in ("Throughput", "Vessel and ferry wait", "Yard occupancy", "Time in hub", "Days closed by storms"):
        assert f"<td>{name}</td>" in html
    # the mean throughput in TEU/yr, by hand
    assert f"{hub['throughput_teu']['mean']:,.0f} TEU/yr" in html


def test_intervals_are_shown_from_zero_and_shares_within_100_percent(hub):
    # the short run of the fixture has intervals reaching below 0 and above 1: the test is about those
    assert any(hub[k]["ci"][0] < 0 for k in ("vessel_wait_h", "days_closed"))
    assert any(hub[k]["ci"][1] > 1 for k in _SHARES)
    html = render_hub(hub)
    assert "\u2212" not in html  # no negative number anywhere on the page
    for name, key in (("Berth utilisation", "berth_utilisation"), ("Yard occupancy", "yard_occupancy"),
                      ("Ferry bridge utilisation", "ferry_bridge_utilisation")):
        mean, ci, _ = _cells(html, name)
        lo, hi = (_number(x) for x in ci.split(" – "))
        assert 0 <= lo <= _number(mean) <= hi <= 100, (name, ci)
        if hub[key]["ci"][1] > 1:
            assert hi == 100
    _, ci, _ = _cells(html, "Vessel and ferry wait")
    assert ci.startswith("0 h – ")
    assert abs(_number(ci.split(" – ")[1]) - hub["vessel_wait_h"]["ci"][1]) <= 0.05


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
       st.sampled_from(["h", "share", "teu", "days"]))
def test_shown_values_are_never_negative_and_shares_never_above_one(x, kind):
    v = shown(x, kind)
    assert v is not None and v >= 0
    if kind == "share":
        assert v <= 1
    if 0 <= x <= (1 if kind == "share" else 1e12):
        assert v == x  # a value already in range is shown as it is


def test_storm_shading_and_threshold(hub, html_parse):
    html = render_hub(hub)
    page = html_parse(html)
    stormy = sum(1 for v in hub["series"]["closed_share"] if v > 0)
    assert stormy > 0
    shaded = [a for t, a in page.tags if t == "rect" and a.get("fill") == "#7f8a96" and "fill-opacity" in a
              and a.get("width") != "11"]
    assert len(shaded) == 3 * stormy  # on each of the three daily charts
    thr = hub["yard_occupancy"]["threshold"]
    assert f"threshold {thr:.0%}".replace("%", " %") in html
    # hover bands: every day lies in one band of each chart, at most 80 bands a chart
    bands = [a for t, a in page.tags if t == "rect" and a.get("class") == "hover"]
    assert 0 < len(bands) <= 3 * 80


def test_queue_mode_shows_the_theory(queue):
    html = render_hub(queue)
    assert_page(html)
    th = queue["theory"]
    assert th["formula"] in html
    assert f"Wq = {th['wait_mean_h']:.1f} h" in html
    assert ("inside" if th["within_ci"] else "outside") + " the simulation" in html
    assert "<td>Wait in queue</td>" in html and "<td>Server utilisation</td>" in html
    assert "theory: Wq" in html  # the dashed line on the daily chart


def test_output_is_deterministic_and_ignores_the_wall_clock(hub, tmp_path):
    a = render_hub(hub)
    other = copy.deepcopy(hub)
    other["elapsed_s"] = 12345.6
    assert render_hub(other) == a
    path = write_hub(tmp_path / "hub.html", hub)
    assert path.read_text(encoding="utf-8") == a
    assert [p.name for p in tmp_path.iterdir()] == ["hub.html"]
    assert not re.search(r"20\d\d-\d\d-\d\d", a)


def test_names_are_escaped_and_sparse_input_renders(hub, html_parse):
    evil = dict(hub, config="<script>x</script>")
    html = render_hub(evil, title="<b>t</b>")
    assert "<script>x" not in html and "<b>t</b>" not in html
    assert html_parse(html).errors == []
    for sparse in ({}, {"mode": "queue"}, {"mode": "hub", "series": {}}, {"wait_h": {"mean": 1.0, "ci": None}}):
        assert_page(render_hub(sparse))
        assert_fragment(render_hub(sparse, fragment=True))


def test_fragment(hub, queue):
    html = render_hub(hub, fragment=True)
    page = assert_fragment(html)
    assert page.count("table") == 1 and page.count("svg") == 1
    assert "Yard occupancy" in html and "Daily mean yard occupancy" in html
    html = render_hub(queue, fragment=True)
    page = assert_fragment(html)
    assert page.count("table") == 1 and page.count("svg") == 1
    assert "theory: Wq" in html
