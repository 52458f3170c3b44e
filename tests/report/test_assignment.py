"""The assignment view (LP and freight equilibrium): totals, corridors, capacities, link flows and their map."""

from __future__ import annotations

import re

import pytest
from tests.report.html_checks import assert_fragment, assert_page

from corridor.assignment.equilibrium import EquilibriumOptions, equilibrium
from corridor.model import Demand, DemandRow, Link, Network, Node
from corridor.report import render_assignment, write_assignment


def _totals_by_link(frame):
    return frame.groupby("link")["tonnes"].sum().to_dict()


@pytest.mark.parametrize("which", ["lp", "equilibrium"])
def test_assignment_page(which, request, network, html_parse):
    result, flows = request.getfixturevalue(which)
    html = render_assignment(result, flows, network)
    page = assert_page(html)
    for corridor in result["by_corridor"]:
        assert f"<span>{corridor}</span>" in html
    served = result.get("served_t", result.get("served"))
    assert f"{served / 1e6:.1f} Mt/yr" in html
    # the physical measures, each with what it counts; no link-entry tonnes by corridor tag
    m = result["measures"]
    assert "What the routes do" in html and "Tonnes entering" not in html
    assert f"{m['russia_t'] / 1e6:.1f} Mt" in html and m["counts"]["russia_t"] in html
    for row in m["by_corridor"]:
        assert f"<span>{row['corridor']}</span>" in html
    # the map: one path per link; a link with flow drawn in its corridor's colour, the others grey
    paths = {a["data-link"]: a for t, a in page.tags if t == "path" and "data-link" in a}
    assert set(paths) == {lk.id for lk in network.links}
    tonnes = _totals_by_link(flows)
    used = {k for k, v in tonnes.items() if v > 0.5}
    assert {k for k, a in paths.items() if a["class"] == "link flow"} == used
    # widths grow with tonnes (both directions added)
    ranked = sorted(used, key=lambda k: tonnes[k])
    widths = [float(paths[k]["stroke-width"]) for k in ranked]
    assert widths == sorted(widths)
    assert widths[-1] > widths[0]
    # the largest link flows, by hand
    top = flows.sort_values("tonnes", ascending=False).iloc[0]
    assert f"<code>{top['link']}</code>" in html
    assert f"{top['tonnes'] / 1e6:.1f} Mt/yr" in html


def test_lp_lists_its_binding_capacities(lp, network, html_parse):
    result, flows = lp
    html = render_assignment(result, flows, network)
    assert "System optimum" in html and "Binding capacities" in html
    for b in result["bottlenecks"]:
        assert f"<code>{b['id']}</code>" in html
        assert f"{b['usd_per_t_yr']:,.2f}" in html
    assert "USD/yr per t/yr" in html


def test_equilibrium_lists_its_delays(equilibrium, network):
    result, flows = equilibrium
    html = render_assignment(result, flows, network)
    assert f"relative gap {result['gap']:.2e} after {result['iterations']} iterations" in html
    assert "Most delayed capacities" in html
    worst = max(result["congestion"], key=lambda r: r["delay_h"])
    assert f"<code>{worst['id']}</code>" in html
    assert f">{worst['delay_h']:.1f}<" in html
    assert "Free time (h)" in html


def test_frame_and_records_give_the_same_view(lp, network):
    result, flows = lp
    assert render_assignment(result, flows, network) == render_assignment(result, flows.to_dict("records"), network)


def test_unserved_rows_are_listed(lp, network):
    result, flows = lp
    result = dict(result, unserved_t=4e5, by_od=[{"id": "d9", "origin": "almaty", "destination": "poti",
                                                  "commodity": "grain", "demand_t": 1e6, "served_t": 6e5,
                                                  "unserved_t": 4e5, "reason": "capacity"}])
    html = render_assignment(result, flows, network)
    assert "Unserved demand" in html and "Almaty → Poti" in html and "400.0 kt/yr" in html


def test_sparse_input_escaping_and_determinism(lp, network, tmp_path, html_parse):
    result, flows = lp
    a = render_assignment(result, flows, network)
    assert write_assignment(tmp_path / "a.html", result, flows, network).read_text(encoding="utf-8") == a
    assert not re.search(r"20\d\d-\d\d-\d\d", a)
    evil = dict(result, status="<script>x</script>")
    html = render_assignment(evil, flows, network)
    assert "<script>x" not in html and html_parse(html).errors == []
    for sparse in ({}, {"method": "equilibrium"}):
        html = render_assignment(sparse, None, network)
        assert_page(html)
        assert "No link carries flow" in html
        assert_fragment(render_assignment(sparse, [], network, fragment=True))


@pytest.mark.parametrize("which", ["lp", "equilibrium"])
def test_fragment(which, request, network):
    result, flows = request.getfixturevalue(which)
    html = render_assignment(result, flows, network, fragment=True)
    page = assert_fragment(html)
    assert page.count("table") == 1 and page.count("svg") == 1
    assert page.count("tr") == 1 + len(result["measures"]["by_corridor"])  # tonnes by route corridor


def _braess_on_a_plane() -> tuple[Network, Demand]:
    """Braess's network (BPR form) with its nodes at x, y positions of a diagram, as a TNTP node file gives them."""
    at = {"s": (0.0, 500.0), "a": (1000.0, 1000.0), "b": (1000.0, 0.0), "t": (2000.0, 500.0)}
    nodes = tuple(Node(i, i, "", "junction", x, y) for i, (x, y) in at.items())

    def link(a: str, b: str, t0: float, alpha: float) -> Link:
        return Link(f"{a}-{b}", a, b, "road", time_h=t0, oneway=True, vdf_alpha=alpha, vdf_beta=1.0, vdf_capacity=1.0)

    links = (link("s", "a", 1.0, 10.0), link("a", "t", 50.0, 1 / 50), link("s", "b", 50.0, 1 / 50),
             link("b", "t", 1.0, 10.0), link("a", "b", 10.0, 0.1))
    return Network("braess", nodes, links), Demand((DemandRow("s-t", "s", "t", "trips", 0, 6.0),))


def test_research_network_gets_a_diagram_of_its_flows(html_parse):
    net, dem = _braess_on_a_plane()
    res = equilibrium(net, dem, EquilibriumOptions(gap=1e-9, max_iter=1000))
    html = render_assignment(res.to_dict(), res.links_frame(), net)
    page = assert_page(html)
    assert "braess" in html and "converged" in html
    assert page.count("path", class_="country") == 0  # not on the globe: no country outlines
    paths = {a["data-link"]: float(a["stroke-width"]) for t, a in page.tags if t == "path" and "data-link" in a}
    assert set(paths) == {lk.id for lk in net.links}
    # Braess at equilibrium (hand-worked): 6 trips, 12/6.5 on a-b, the rest split so that s-a = b-t > a-t = s-b
    m = 12 / 6.5
    assert f"flow {(6 + m) / 2:.1f}" in html and f"flow {m:.1f}" in html
    assert paths["s-a"] == paths["b-t"] > paths["a-t"] == paths["s-b"] > paths["a-b"]
    assert "<code>s-a</code>" in html and "Volume/capacity" in html
    assert "Mt" not in html  # no tonnes on a network of trips
    assert_fragment(render_assignment(res.to_dict(), res.links_frame(), net, fragment=True))
