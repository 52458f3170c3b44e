"""The comparison report: well-formed, offline, complete, escaped, deterministic."""

from __future__ import annotations

import re

import pytest

from corridor.report import render_comparisons, write_comparisons

REMOTE = re.compile(r"https?://", re.IGNORECASE)
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _check_offline(page, html: str) -> None:
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name == "xmlns":
                assert value == "http://www.w3.org/2000/svg"
                continue
            assert not REMOTE.search(value or ""), (tag, name, value)
            if name in {"src", "href"}:
                assert (value or "").startswith("#"), (tag, name, value)
        assert tag not in {"link", "img", "iframe", "object", "embed"}, tag
        if tag == "script":
            assert "src" not in attrs
    for block in page.raw["style"] + page.raw["script"]:
        assert not REMOTE.search(block)
        assert "@import" not in block
        assert "url(" not in block
    assert "@font-face" not in html


def test_well_formed_and_offline(comparisons, network, html_parse):
    html = render_comparisons(comparisons, network)
    page = html_parse(html)
    assert page.errors == []
    assert page.stack == []
    assert html.startswith("<!DOCTYPE html>")
    _check_offline(page, html)
    tags = [t for t, _ in page.tags]
    assert tags.count("svg") >= 2 * 5  # per scenario: map, commodities, 2 corridor charts, borders
    assert tags.count("section") == len(comparisons)
    # the only URLs in the whole file are the SVG namespace
    assert not REMOTE.search(html.replace(SVG_NS, ""))


def test_every_scenario_and_top_link_is_in_the_report(comparisons, network):
    html = render_comparisons(comparisons, network)
    for cmp in comparisons:
        assert f">{cmp['scenario']['name']}<" in html
        assert cmp["baseline"]["name"] in html
        for key, text in cmp["scenario"]["sources"].items():
            assert key in html
            assert text.split("(")[0].strip().replace("'", "&#x27;") in html
    links = sorted(comparisons[0]["diff"]["links"], key=lambda r: -abs(r["change_t"]))[:15]
    for row in links:
        assert f"<code>{row['link']}</code>" in html
    assert "All 48 changed link directions" in html
    # the summary table at the top links to each section
    assert '<a href="#scenario-1">northern-route-closed</a>' in html
    assert '<a href="#scenario-2">aktau-hub</a>' in html


def test_map_has_one_path_per_link(comparisons, network, html_parse):
    html = render_comparisons(comparisons[:1], network)
    page = html_parse(html)
    paths = [a for t, a in page.tags if t == "path" and (a.get("class") or "").startswith("link")]
    assert sorted(a["data-link"] for a in paths) == sorted(lk.id for lk in network.links)
    by_id = {a["data-link"]: a["class"] for a in paths}
    change = {}
    for row in comparisons[0]["diff"]["links"]:
        change[row["link"]] = change.get(row["link"], 0.0) + row["change_t"]
    for lid, c in change.items():
        assert by_id[lid] == ("link up" if c > 0 else "link down" if c < 0 else "link same"), lid
    unchanged = {lk.id for lk in network.links} - set(change)
    assert all(by_id[lid] == "link same" for lid in unchanged)
    # tooltips name the link and its flows; countries are drawn under the links
    assert "alat-ganja (rail-1520, trans-caspian)\nBaku port (Alat) → Ganja: 3.50 Mt → 15.0 Mt (+11.5 Mt)" in html
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
    html = render_comparisons([cmp], network, title=evil, created=evil)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;K&lt;/b&gt;" in html
    page = html_parse(html)
    assert page.errors == []
    assert sum(1 for t, _ in page.tags if t == "script") == 1  # only the report's own sorting script


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
    html = render_comparisons(comparisons[1:], network)
    assert "leaves every link flow as it is in the baseline" in html
    assert "No link carries a different flow" in html


def test_bottlenecks_new_and_relieved(comparisons, network):
    cmp = comparisons[0]
    relieved = {"kind": "link", "id": "dostyk-aktogay", "from": "dostyk", "to": "aktogay", "unit": "t/yr",
                "capacity": 1.5e7, "flow": 1.5e7, "utilisation": 1.0, "usd_per_t_yr": 12.5}
    cmp["diff"]["bottlenecks"]["baseline"].append(relieved)
    cmp["diff"]["bottlenecks"]["relieved"].append("link dostyk-aktogay dostyk→aktogay (t/yr)")
    html = render_comparisons([cmp], network)
    assert html.count('class="badge new"') == 3
    assert html.count('class="badge relieved"') == 1
    assert "231.55 USD" in html
    assert "12.50 USD" in html
    assert "dostyk → aktogay" in html


def test_unserved_and_equilibrium_extras(comparisons, network):
    cmp = comparisons[0]
    cmp["diff"]["unserved_od"] = [{"id": "d1", "origin": "almaty", "destination": "poti", "commodity": "grain",
                                   "demand_t": 1e6, "unserved_t": 4e5, "reason": "capacity"}]
    cmp["result"].update({"gap": 1e-5, "iterations": 12, "converged": True,
                          "congestion": [{"kind": "link", "id": "x", "delay_h": 3.5, "flow_t": 2e6}]})
    html = render_comparisons([cmp], network)
    assert "Unserved origin–destination pairs" in html
    assert "400.0 kt" in html
    assert "12 iterations (converged)" in html
    assert "Congestion (equilibrium)" in html


@pytest.mark.parametrize("cmp", [{}, {"scenario": {"name": "bare"}}, {"scenario": {"name": "x"}, "diff": {}}])
def test_sparse_input_still_renders(cmp, network, html_parse):
    html = render_comparisons([cmp], network)
    assert html_parse(html).errors == []
    assert "No link carries a different flow" in html


def test_no_comparison(network):
    assert "No comparison to report" in render_comparisons([], network)
