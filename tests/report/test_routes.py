"""The route view: routes table, map of the routes, route 1's legs and time/cost–distance profile."""

from __future__ import annotations

import re

from tests.report.html_checks import assert_fragment, assert_page

from corridor.report import render_routes, write_routes

VERMILLION = "#D55E00"


def test_routes_page(routes, network, html_parse):
    assert len(routes["routes"]) == 3
    html = render_routes(routes, network)
    page = assert_page(html)
    assert "Almaty → Duisburg" in html
    # one row per route in the routes table, with its time and cost per TEU in the header's units
    assert "<th class=\"num\" scope=\"col\">Cost (USD/TEU)</th>" in html
    for i, r in enumerate(routes["routes"]):
        assert f"{r['time_days']:.1f}" in html
        assert f">{r['cost_usd']:,.0f}<" in html
        legs = len(r["legs"])
        assert page.count("path", class_=f"route r{i + 1}") == legs
    r0 = routes["routes"][0]
    # the legs table: one row per leg and per stop; stops in their own style
    assert page.count("tr", class_="stop") == len(r0["stops"])
    for b in r0["borders"]:
        assert f"{b['from']} → {b['to']}" in html


def test_profile_ends_at_the_route_totals(routes, network, html_parse):
    r0 = routes["routes"][0]
    html = render_routes(routes, network)
    end = next(n.name for n in network.nodes if n.id == r0["nodes"][-1])
    # the last point of the profile: the route's totals, formatted by hand
    tip = (f"{end} ({r0['legs'][-1]['mode']}): {r0['distance_km']:,.0f} km, {r0['time_h']:.1f} h "
           f"({r0['time_h'] / 24:.1f} days), {r0['cost_usd']:,.0f} USD/TEU")
    assert tip in html
    # each stop is a vertical vermillion step on both charts: two points at the same distance
    page = html_parse(html)
    steps = [a["points"] for t, a in page.tags if t == "polyline" and a.get("stroke") == VERMILLION]
    assert len(steps) == 2 * len(r0["stops"])
    for pts in steps:
        (x1, _), (x2, _) = (p.split(",") for p in pts.split())
        assert x1 == x2


def test_profile_is_rebuilt_from_legs_and_stops(routes, network):
    """Without the ``profile`` key the view builds the same points from the legs and stops."""
    with_profile = render_routes(routes, network)
    for r in routes["routes"]:
        del r["profile"]
    assert render_routes(routes, network) == with_profile


def test_no_route_and_escaping(routes, network, html_parse):
    empty = dict(routes, routes=[], complete=False, message="no route avoids <RU>")
    html = render_routes(empty, network)
    assert_page(html)
    assert "No route found." in html and "no route avoids &lt;RU&gt;" in html
    assert_fragment(render_routes(empty, network, fragment=True))
    routes["routes"][0]["legs"][0]["mode"] = "<script>x</script>"
    html = render_routes(routes, network)
    assert "<script>x" not in html
    assert html_parse(html).errors == []


def test_write_and_determinism(routes, network, tmp_path):
    a = render_routes(routes, network)
    assert render_routes(routes, network) == a
    assert write_routes(tmp_path / "r.html", routes, network).read_text(encoding="utf-8") == a
    assert not re.search(r"20\d\d-\d\d-\d\d", a)


def test_fragment(routes, network):
    html = render_routes(routes, network, fragment=True)
    page = assert_fragment(html)
    assert page.count("table") == 1 and page.count("svg") == 1
    assert page.count("tr") == 1 + len(routes["routes"])
    assert "Almaty → Duisburg" in html
