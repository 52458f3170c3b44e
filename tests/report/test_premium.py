"""The premium-curve report: curves with binding markers, elasticity, binding order and shares; its notebook form."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.report.html_checks import assert_fragment, assert_page

from corridor.report import render_premium, write_premium
from corridor.scenarios import load_scenario
from corridor.scenarios.premium import premium_curve


@pytest.fixture(scope="module")
def curve() -> dict[str, Any]:
    return premium_curve(load_scenario("baseline-2021"), max_usd_per_t=20, step_usd_per_t=10).to_dict()


def test_page(curve: dict[str, Any], tmp_path) -> None:
    html = render_premium(curve)
    page = assert_page(html)
    # three curves (TITR t, TITR TEU, via Russia), tonnes moved, gateway and corridor shares
    assert page.count("svg") == 6
    assert "Trans-Caspian (TITR) dry cargo and containers against the premium on RU+BY" in html
    for section in ("Elasticity of Trans-Caspian volume", "Which capacities bind first", "Export gateways"):
        assert section in html
    first = curve["first_binding"][0]
    assert f"<code>{first['id']}</code>" in html
    assert "binds from 0 USD/t" in html  # the marker's tooltip
    assert "stroke-dasharray=\"2 3\"" in html
    assert "kostanay" in html and "atyrau" in html
    assert "closest to binding at 20 USD/t" in html
    assert curve["engine"]["note"] == "" or "replaced by &#x27;sue&#x27;" in html
    path = write_premium(tmp_path / "p.html", curve, created="2026-01-01")
    assert path.read_text(encoding="utf-8") == render_premium(curve, created="2026-01-01")


def test_fragment_and_degenerate_input(curve: dict[str, Any]) -> None:
    assert_fragment(render_premium(curve, fragment=True))
    empty = {"scenario": "x", "countries": ["RU"], "steps": []}
    html = render_premium(empty)
    assert_page(html)
    assert "No premium was run" in html
    one = copy.deepcopy(curve)
    one["steps"], one["elasticity"], one["first_binding"] = one["steps"][:1], [], []
    html = render_premium(one)
    assert_page(html)
    assert "One premium only" in html and "No capacity binds at any premium" in html
