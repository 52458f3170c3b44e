"""The out-of-sample outlook files (issue 12, item 5) load, cite a dated source and a status for every
number, state the date rule, and tools/validation.py reads the observed values and compares them.

The files use the ``set_risk`` change and ``engine.method: sue`` of issue 12; the LP copy of
tools/validation.py (``--lp-check``) is checked too.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from corridor import data
from corridor.io.yaml import load_yaml
from corridor.scenarios import load_scenario, run_spec

ROOT = Path(__file__).resolve().parents[2]
YEARS = (2022, 2023, 2024)
STATUSES = ("measured", "official", "plan", "estimate", "derived", "assumption")
SET_RISK = ("countries", "commodities", "markets", "premium_usd_per_t", "p_delay", "delay_h", "p_seizure",
            "seizure_usd_per_t")


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corridor_validation_tool", ROOT / "tools" / "validation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("year", YEARS)
def test_outlook_file_states_the_rule_and_sources_every_number(year: int) -> None:
    path = ROOT / "examples" / f"outlook-{year}.yaml"
    text = path.read_text(encoding="utf-8")
    doc = load_yaml(path)
    assert "DATE RULE" in text and "1 January" in text
    assert doc["base"] == {"dataset": "eurasia", "year": year}, "base.year applies the validity periods"
    assert doc["engine"]["method"] == "sue"
    assert path.read_bytes() == data.scenario_path(path.stem).read_bytes(), "copy examples/ to data/scenarios/"
    sources = doc["sources"]
    for key, what in sources.items():
        dated = re.search(r"(19|20)\d\d", what)
        assert dated or what.rstrip().endswith(("assumption", "derived")), f"{key}: a publication needs its date"
        assert what.rstrip().endswith(STATUSES) or any(f"- {s}" in what for s in STATUSES), f"{key}: no status"
    risks = [c["set_risk"] for c in doc["changes"] if "set_risk" in c]
    assert len(risks) == 1 and set(risks[0]) == set(SET_RISK) and risks[0]["countries"] == ["RU", "BY"]
    for change in doc["changes"]:
        note = change.get("note", "")
        cited = re.match(r"\s*\[([^\]]+)\]", note)
        assert cited, f"a change of outlook-{year} has no [KEY; status] note: {change}"
        parts = [p.strip() for p in cited.group(1).split(";")]
        assert parts[-1] in STATUSES, f"{parts}: the last item is the status"
        assert all(p in sources for p in parts[:-1]) and parts[:-1], f"{parts}: keys not under sources"
    for u in (doc.get("uncertain") or {}).values():
        assert u.get("status") in STATUSES and (u.get("source") or u["status"] == "assumption")


@pytest.mark.parametrize("year", YEARS)
def test_outlook_file_loads_with_the_engine(year: int) -> None:
    from corridor.scenarios import apply_changes
    from corridor.scenarios.run import base_demand, base_of

    spec = load_scenario(ROOT / "examples" / f"outlook-{year}.yaml")
    assert spec.year == year and spec.engine["method"] == "sue"
    ds = base_of(spec)  # the network as of the year; every id, country and commodity checked against it
    applied = apply_changes(spec, ds.network, base_demand(spec, ds), spec.nominal())
    assert applied.log


@pytest.mark.parametrize("year", YEARS)
def test_outlook_lp_copy_runs(year: int) -> None:
    spec = _tool().lp_check_spec(ROOT / "examples" / f"outlook-{year}.yaml")
    assert spec.engine["method"] == "lp" and spec.year == year
    out = run_spec(spec)
    assert out.summary["status"] == "optimal"
    assert len(out.summary["changes_applied"]) == len(spec.changes), "every change reached its records"
    assert not any(c.endswith(": 0 links, 0 transfers") for c in out.summary["changes_applied"])
    assert out.summary["totals"]["unserved_t"] == pytest.approx(0.0, abs=1.0)
    if year == 2022:  # the validity periods apply: MV Zarifa Aliyeva is in the 2022 network, not in 2021
        assert any(g.id == "asco-zarifa-aliyeva" for g in data.load("eurasia", year=2022).network.fleets)
        assert not any(g.id == "asco-zarifa-aliyeva" for g in data.load("eurasia", year=2021).network.fleets)


def test_validation_tool_reads_the_observed_values_and_compares() -> None:
    tool = _tool()
    observed = tool.read_observed()
    assert set(observed) == set(YEARS)
    for year, targets in observed.items():
        assert all(t.year == year and t.status in STATUSES and t.source for t in targets)
    assert {t.measure for t in observed[2024]} >= {"titr_t", "titr_teu"}
    runs: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {
        2024: ({"measures": {"titr_t": 4_484_000.0, "titr_teu": 0.0}}, [])}
    rows = tool.comparison({2024: observed[2024]}, runs)
    by = {r["measure"]: r for r in rows}
    assert by["titr_t"]["within"] and by["titr_t"]["ratio"] == pytest.approx(1.0)
    assert not by["titr_teu"]["within"]
    table = tool.render(rows, {2024: "test"})
    assert "| `titr_t` | 4,484,000 t | 4,484,000 t | 1.00 ✓ |" in table


def test_validation_doc_has_the_markers() -> None:
    tool = _tool()
    text = (ROOT / "docs" / "VALIDATION.md").read_text(encoding="utf-8")
    assert text.count(tool.BEGIN) == 1 and text.count(tool.END) == 1
