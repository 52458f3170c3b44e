"""The comparison report: well-formed, offline, complete, escaped, deterministic; and its notebook form."""

from __future__ import annotations

import re

import pytest
from tests.report.html_checks import assert_fragment, assert_page

from corridor.report import render_comparisons, write_comparisons


def _mt(x: float) -> str:
    """Hand formatting of a tonnage for the assertions: 11.5 Mt as '11.5 Mt' (3 significant figures)."""
    v = abs(x) / 1e6
    if v == 0:
        return "0 t"
    return f"{v:,.{2 if v < 10 else 1 if v < 1000 else 0}f} Mt"


def test_well_formed_and_offline(comparisons, network):
    html = render_comparisons(comparisons, network)
    page = assert_page(html)
    tags = [t for t, _ in page.tags]
    # per scenario: map, commodities, tonnes by route corridor, borders
    assert tags.count("svg") >= 4 * len(comparisons)
    assert page.count("section", class_="scenario") == len(comparisons)
    assert page.count("script") == 1  # the sorting of tables


def test_every_scenario_and_top_link_is_in_the_report(comparisons, network):
    html = render_comparisons(comparisons, network)
    for cmp in comparisons:
        assert f">{cmp['scenario']['name']}<" in html
        assert cmp["baseline"]["name"] in html
        for key, text in cmp["scenario"]["sources"].items():
            assert key in html
            assert text.split("(")[0].strip().replace("'", "&#x27;") in html
    rows = comparisons[0]["diff"]["links"]
    assert len(rows) > 15
    for row in sorted(rows, key=lambda r: -abs(r["change_t"]))[:15]:
        assert f"<code>{row['link']}</code>" in html
    assert f"All {len(rows)} changed link directions" in html
    # the summary table at the top links to each section
    assert '<a href="#scenario-1">northern-route-closed</a>' in html
    assert '<a href="#scenario-2">aktau-hub</a>' in html


def test_map_has_one_path_per_link(comparisons, network, html_parse):
    html = render_comparisons(comparisons[:1], network)
    page = html_parse(html)
    paths = [a for t, a in page.tags if t == "path" and (a.get("class") or "").startswith("link")]
    assert sorted(a["data-link"] for a in paths) == sorted(lk.id for lk in network.links)
    by_id = {a["data-link"]: a["class"] for a in paths}
    change: dict[str, float] = {}
    for row in comparisons[0]["diff"]["links"]:
        change[row["link"]] = change.get(row["link"], 0.0) + row["change_t"]
    for lid, c in change.items():
        assert by_id[lid] == ("link up" if c > 0.5 else "link down" if c < -0.5 else "link same"), lid
    unchanged = {lk.id for lk in network.links} - set(change)
    assert all(by_id[lid] == "link same" for lid in unchanged)
    # the largest change is the widest line, and its tooltip names the link and both flows
    top = max(change, key=lambda k: abs(change[k]))
    widths = {a["data-link"]: float(a["stroke-width"]) for a in paths}
    assert widths[top] == max(widths.values())
    row = next(r for r in comparisons[0]["diff"]["links"] if r["link"] == top)
    assert f"{_mt(row['baseline_t'])} → {_mt(row['scenario_t'])}" in html
    assert sum(1 for t, a in page.tags if t == "path" and a.get("class") == "country") > 30
    assert "KAZAKHSTAN" in html


def test_link_added_by_a_scenario_is_drawn(comparisons, network, html_parse):
    cmp = comparisons[0]
    cmp["diff"]["links"].append({"link": "new-aktau-poti-ferry", "from": "aktau", "to": "poti", "mode": "rail-ferry",
                                 "corridor": "trans-caspian", "baseline_t": 0.0, "scenario_t": 2e6,
                                 "change_t": 2e6})
    page = html_parse(render_comparisons([cmp], network))
    ids = [a["data-link"] for t, a in page.tags if t == "path" and "data-link" in a]
    assert ids.count("new-aktau-poti-ferry") == 1
    assert len(ids) == len(network.links) + 1


def test_user_strings_are_escaped(comparisons, network, html_parse):
    evil = "<script>alert(1)</script>"
    cmp = comparisons[0]
    cmp["scenario"]["name"] = evil
    cmp["scenario"]["description"] = f"desc {evil}"
    cmp["scenario"]["changes"][0]["note"] = f'note "{evil}"'
    cmp["scenario"]["sources"] = {"<b>K</b>": f"text {evil}"}
    cmp["baseline"]["name"] = evil
    cmp["diff"]["links"][0]["link"] = evil
    for html in (render_comparisons([cmp], network, title=evil, created=evil),
                 render_comparisons([cmp], network, title=evil, fragment=True)):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert html_parse(html).errors == []
    html = render_comparisons([cmp], network, title=evil, created=evil)
    assert "&lt;b&gt;K&lt;/b&gt;" in html
    assert sum(1 for t, _ in html_parse(html).tags if t == "script") == 1  # only the report's own sorting script


def test_output_is_deterministic(comparisons, network, tmp_path):
    a = render_comparisons(comparisons, network)
    b = render_comparisons(list(reversed(list(reversed(comparisons)))), network)
    assert a == b
    path = write_comparisons(tmp_path / "out" / "report.html", comparisons, network)
    assert path == tmp_path / "out" / "report.html"
    assert path.read_text(encoding="utf-8") == a
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temporary file left behind
    assert path.stat().st_mode & 0o444 == 0o444
    assert not re.search(r"20\d\d-\d\d-\d\d", a)  # no timestamp unless asked for


def test_created_and_title_are_shown(comparisons, network):
    html = render_comparisons(comparisons, network, title="Ministry brief", created="2026-11-29 12:00 UTC")
    assert "<title>Ministry brief</title>" in html
    assert "2026-11-29 12:00 UTC" in html


def test_single_comparison_has_no_summary(comparisons, network):
    html = render_comparisons(comparisons[:1], network)
    assert "<h2>Summary</h2>" not in html
    assert "northern-route-closed" in html


def test_no_change_scenario_says_so(comparisons, network):
    assert comparisons[1]["diff"]["links"] == []  # aktau-hub: the extra capacity does not bind in 2021
    html = render_comparisons(comparisons[1:], network)
    assert "leaves every link flow as it is in the baseline" in html
    assert "No link carries a different flow" in html


def test_bottlenecks_new_and_relieved(comparisons, network, html_parse):
    cmp = comparisons[0]
    bn = cmp["diff"]["bottlenecks"]
    html = render_comparisons([cmp], network)
    page = html_parse(html)
    base = {b["id"] for b in bn["baseline"]}
    scen = {b["id"] for b in bn["scenario"]}
    # one badge per bottleneck row (a fleet may bind on two lines)
    assert page.count("span", class_="badge new") == sum(b["id"] not in base for b in bn["scenario"])
    assert page.count("span", class_="badge relieved") == sum(b["id"] not in scen for b in bn["baseline"])
    for b in bn["scenario"]:
        assert f"<code>{b['id']}</code>" in html
        assert f">{b['usd_per_t_yr']:,.2f}<" in html
    # an added relieved link shows its direction by node name
    cmp["diff"]["bottlenecks"]["baseline"].append(
        {"kind": "link", "id": "dostyk-aktogay", "from": "dostyk", "to": "aktogay", "unit": "t/yr",
         "capacity": 1.5e7, "flow": 1.5e7, "utilisation": 1.0, "usd_per_t_yr": 12.5})
    html = render_comparisons([cmp], network)
    assert html_parse(html).count("span", class_="badge relieved") == len(base - scen) + 1
    assert ">12.50<" in html and "USD/yr per t/yr, baseline" in html
    assert "Dostyk → Aktogay" in html
    assert "15.0 Mt/yr" in html


def test_unserved_and_equilibrium_extras(comparisons, network):
    cmp = comparisons[0]
    cmp["diff"]["unserved_od"] = [{"id": "d1", "origin": "almaty", "destination": "poti", "commodity": "grain",
                                   "demand_t": 1e6, "unserved_t": 4e5, "reason": "capacity"}]
    cmp["result"].update({"gap": 1e-5, "iterations": 12, "converged": True,
                          "congestion": [{"kind": "link", "id": "x", "from": "aktau", "to": "baku-alat",
                                          "unit": "t/yr", "capacity": 1e7, "flow": 8e6, "utilisation": 0.8,
                                          "free_time_h": 20.0, "delay_h": 3.5}]})
    html = render_comparisons([cmp], network)
    assert "Unserved origin–destination pairs" in html
    assert "400.0 kt/yr" in html  # a unit in every cell, none in a header that says another
    assert "Almaty → Poti" in html
    assert "12 iterations (converged)" in html
    assert "Congestion (equilibrium)" in html
    assert ">3.5<" in html and "Delay (h)" in html
    # no header names a bare unit (such as 'demand t' or 'co2e kg') over values formatted in another
    assert not re.search(r"<th[^>]*>[^<]*\b(t|kg|usd)</th>", html, re.IGNORECASE)


@pytest.mark.parametrize("cmp", [{}, {"scenario": {"name": "bare"}}, {"scenario": {"name": "x"}, "diff": {}}])
def test_sparse_input_still_renders(cmp, network, html_parse):
    html = render_comparisons([cmp], network)
    assert html_parse(html).errors == []
    assert "No link carries a different flow" in html
    assert_fragment(render_comparisons([cmp], network, fragment=True))


def test_no_comparison(network):
    assert "No comparison to report" in render_comparisons([], network)
    assert "No comparison to report" in render_comparisons([], network, fragment=True)


def test_fragment_is_a_small_self_contained_div(comparisons, network):
    one = render_comparisons(comparisons[:1], network, fragment=True)
    page = assert_fragment(one)
    assert page.count("svg", class_="map") == 1
    assert page.count("table") == 1
    assert "northern-route-closed" in one
    served = comparisons[0]["diff"]["totals"]["served_t"]["scenario"]
    assert _mt(served) in one
    both = render_comparisons(comparisons, network, fragment=True)
    page = assert_fragment(both)
    assert page.count("svg") == 1 and page.count("table") == 1
    assert "aktau-hub" in both
    assert page.count("a") == 0  # no link to sections that a fragment does not have
    # two different fragments never share the class that scopes their style
    assert page.tags[0][1]["class"] != assert_fragment(one).tags[0][1]["class"]
    assert render_comparisons(comparisons[:1], network, fragment=True) == one
