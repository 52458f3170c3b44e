"""End to end: the commands that write reports, run as a user runs them (the console script, a subprocess).

``corridor demo`` is the main job; ``scenario run --report``, ``scenario sweep --report`` and ``hub
simulate --report`` are the other ways to a report (the session fixtures run those three with
``--report``, so each command runs once for both kinds of test). ``demo`` writes into the session's
run store, where it finds the fixtures' runs of the same scenarios and reuses them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.report.console import run_cli
from tests.report.html_checks import assert_page

DEMO = ("baseline-2021", "northern-route-closed", "aktau-hub")


def _only(folder: Path, name: str) -> Path:
    """The report, and nothing else in its folder: no temporary file left behind."""
    assert sorted(p.name for p in folder.iterdir()) == [name]
    return folder / name


def _check_demo(report: Path, out: dict, store: Path) -> None:
    assert Path(out["report"]) == report
    assert Path(out["store"]) == store
    assert [c["scenario"]["name"] for c in out["comparisons"]] == list(DEMO[1:])
    html = report.read_text(encoding="utf-8")
    page = assert_page(html)
    for name in DEMO:
        assert name in html
    assert '<a href="#scenario-1">northern-route-closed</a>' in html
    assert page.count("svg", class_="map") == 2  # one map of flow changes per scenario
    assert page.count("svg") >= 2 * 4  # and the charts: commodities, tonnes by route corridor, borders
    assert html.count("<h3>What the routes do") + html.count(">What the routes do<") >= 2
    assert "Tonnes entering" not in html
    assert "Caspian crossing" in html and "aktau→baku-alat" in html  # the port pairs whose tonnes change
    assert page.count("section", class_="scenario") == 2
    assert "what if the Northern route closes?" in html


@pytest.mark.usefixtures("_comparisons")
def test_demo_writes_the_report(cli, store, tmp_path):
    report = tmp_path / "out" / "demo.html"
    out = json.loads(cli("demo", "--report", report, "--store", store, "--json"))
    _check_demo(_only(report.parent, "demo.html"), out, store)
    # the fixtures ran the same three specs into this store: the demo reused them
    assert all(c["scenario"]["reused"] and c["baseline"]["reused"] for c in out["comparisons"])


@pytest.mark.slow
def test_demo_from_an_empty_store(tmp_path):
    report, store = tmp_path / "demo.html", tmp_path / "store" / "runs.duckdb"
    out = json.loads(run_cli("demo", "--report", report, "--store", store, "--json", home=tmp_path))
    _check_demo(report, out, store)
    assert not any(c["scenario"]["reused"] for c in out["comparisons"])


def test_scenario_run_report(comparisons, reports):
    """``scenario run --report``: the fixture ran northern-route-closed with it."""
    out = comparisons[0]
    html = (reports / "run-northern-route-closed.html").read_text(encoding="utf-8")
    page = assert_page(html)
    assert out["scenario"]["name"] == "northern-route-closed"
    assert "<title>corridor: northern-route-closed</title>" in html
    assert page.count("svg", class_="map") == 1
    for row in out["diff"]["links"][:5]:
        assert f"<code>{row['link']}</code>" in html


def test_scenario_sweep_report(sweep, samples, reports):
    """``scenario sweep --report``: the fixture's sweep of 40 samples wrote it."""
    out = sweep
    html = (reports / "sweep.html").read_text(encoding="utf-8")
    page = assert_page(html)
    assert f"{out['n']} samples" in html and f"sweep {out['sweep_id']}" in html
    assert f"Histogram of generalised cost (money + time + risk) over {len(samples)} samples" in html
    assert page.count("svg") >= 3
    for name in out["uncertain"]:
        assert f"<code>{name}</code>" in html


def test_hub_simulate_report(hub, reports):
    """``hub simulate --report`` (60 days, 2 replications): the fixture wrote it."""
    html = (reports / "hub.html").read_text(encoding="utf-8")
    page = assert_page(html)
    assert hub["config"] == "aktau-hub" and hub["days"] == 60
    assert "<title>Hub simulation: aktau-hub</title>" in html
    assert page.count("svg") == 3
    assert f"{hub['throughput_teu']['mean']:,.0f} TEU/yr" in html
    assert "port closed by storms" in html
    assert "\u2212" not in html  # intervals shown from 0


@pytest.mark.usefixtures("_comparisons", "_sweep", "hub")
def test_reports_folder_holds_only_the_reports(reports):
    """Every report was written whole, by a rename: no temporary file is left beside them."""
    assert sorted(p.name for p in reports.iterdir()) == ["hub.html", "run-northern-route-closed.html", "sweep.html"]
