"""Honest statuses and notes in the built-in eurasia dataset (issue 11: statuses that overclaim, figures
that contradict their notes).

A figure computed by corridor (its source names a method or an assumption, or its value in the build
specification is an expression) is never "measured", "official" or "official capacity"; an encyclopaedia
never backs an "official" figure; a published average (CAREC CPMM) applied to one crossing or link is an
estimate, not a measurement; and a range stated in a figure's note with the figure's unit contains the
figure, unless the note says why not.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor import data
from corridor.model import Dataset, Provenance

SPEC = Path(__file__).resolve().parents[2] / "tools" / "eurasia"
STRONG = {"measured", "official", "official capacity"}


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return data.load("eurasia")


def _figures(ds: Dataset) -> list[tuple[str, str, Provenance]]:
    net = ds.network
    return [(r.id, fig, p) for r in (*net.nodes, *net.links, *net.transfers, *ds.demand.rows)
            for fig, p in r.provenance.items()]


def _kinds(ds: Dataset, prov: Provenance) -> set[str]:
    return {ds.network.sources[k].kind for k in prov.keys}


def test_methods_and_assumptions_never_back_a_strong_status(eurasia: Dataset) -> None:
    bad = [f"{rid}.{fig}: {p.source} {p.status.value}" for rid, fig, p in _figures(eurasia)
           if _kinds(eurasia, p) & {"method", "assumption"} and p.status.value in STRONG]
    assert bad == []


def test_encyclopaedias_never_back_an_official_figure(eurasia: Dataset) -> None:
    bad = [f"{rid}.{fig}: {p.source} {p.status.value}" for rid, fig, p in _figures(eurasia)
           if "encyclopaedia" in _kinds(eurasia, p) and p.status.value in {"official", "official capacity"}]
    assert bad == []


def test_an_average_applied_to_one_record_is_not_a_measurement(eurasia: Dataset) -> None:
    bad = [f"{rid}.{fig}: {p.source}" for rid, fig, p in _figures(eurasia)
           if "average" in _kinds(eurasia, p) and p.status.value == "measured"]
    assert bad == []


def test_the_overclaims_of_issue_11_are_gone(eurasia: Dataset) -> None:
    net = eurasia.network
    for port in ("aktau", "kuryk", "baku-alat"):  # a settlement point stands in for the terminal
        assert net.node(port).provenance["coords"].status.value == "estimate", port
    titr = next(r for r in eurasia.demand if r.id == "titr-containers")
    assert titr.provenance["teu"].status.value == "measured"  # TITR22 reports TEU
    assert titr.provenance["tonnes"].status.value == "derived"  # TEU x t/TEU
    assert "M-TPERTEU" in titr.provenance["tonnes"].keys
    for tid in ("bolashak-border", "saryagash-border", "alashankou-border"):
        transfer = next(t for t in net.transfers if t.id == tid)
        assert transfer.provenance["time_h"].status.value == "estimate", tid


def _spec_triples(path: Path) -> list[tuple[int, ast.expr, str]]:
    """(line, value expression, status) of every (value, "KEY", "status") triple in a spec module."""
    statuses = STRONG | {"plan", "estimate", "indicative", "derived", "calibrated", "assumption"}
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and len(node.elts) >= 3:
            *_, value, key, status = node.elts
            if (isinstance(key, ast.Constant) and isinstance(key.value, str)
                    and isinstance(status, ast.Constant) and status.value in statuses):
                out.append((node.lineno, value, status.value))
    return out


@pytest.mark.parametrize("module", ["links.py", "transfers.py", "nodes.py", "demand.py"])
def test_computed_figures_in_the_spec_never_carry_a_strong_status(module: str) -> None:
    triples = _spec_triples(SPEC / module)
    assert triples or module == "demand.py"
    bad = [f"{module}:{line}: {ast.unparse(value)} is {status}" for line, value, status in triples
           if isinstance(value, ast.BinOp | ast.Call) and status in STRONG]
    assert bad == []


def test_the_spec_check_catches_a_computed_official_figure(tmp_path: Path) -> None:
    spec = tmp_path / "spec.py"
    spec.write_text('X = [("a", {"capacity_mtpa": (15 + 2.1, "SUD+CBW", "official capacity")})]\n')
    [(_, value, status)] = _spec_triples(spec)
    assert isinstance(value, ast.BinOp)
    assert status == "official capacity"


# A range in a note, "20-22 h", "2-3 days", "1,500-2,000 km", and the figure it speaks of.
_NUM = r"(\d[\d,]*(?:\.\d+)?)"
RANGE = re.compile(_NUM + r"\s*(?:-|–)\s*" + _NUM + r"\s*(h|hours|days?|km|Mt/yr|TEU/yr)\b(?!/)")
UNITS = {"h": ("time_h", 1.0), "hours": ("time_h", 1.0), "day": ("time_h", 24.0), "days": ("time_h", 24.0),
         "km": ("distance_km", 1.0), "Mt/yr": ("capacity_mtpa", 1.0), "TEU/yr": ("capacity_teu", 1.0)}
EXPLAINED = ("not used", "instead")


def note_range_problems(record_id: str, note: str, figures: dict[str, float | None]) -> list[str]:
    """Ranges in ``note`` with a field's unit that do not contain the field's value (unless explained)."""
    if any(word in note for word in EXPLAINED):
        return []
    out = []
    for m in RANGE.finditer(note):
        field, factor = UNITS[m.group(3)]
        value = figures.get(field)
        lo, hi = (float(g.replace(",", "")) * factor for g in m.group(1, 2))
        if value is not None and not lo <= value <= hi:
            out.append(f"{record_id}.{field} = {value} outside '{m.group(0)}' in its note")
    return out


def test_note_ranges_contain_their_figure(eurasia: Dataset) -> None:
    fields = ("time_h", "distance_km", "capacity_mtpa", "capacity_teu")
    problems = []
    for r in (*eurasia.network.links, *eurasia.network.transfers):
        problems += note_range_problems(r.id, r.note, {f: getattr(r, f, None) for f in fields})
    assert problems == []


def test_kuryk_ferry_time_agrees_with_its_note(eurasia: Dataset) -> None:
    ferry = eurasia.network.link("kuryk-alat-ferry")
    assert 20 <= ferry.time_h <= 22  # SEA22, RoPax ferries on the line from May 2021
    assert "M-MIDPOINT" in ferry.provenance["time_h"].keys


@pytest.mark.parametrize(("note", "value", "found"), [
    ("rail ferry; 20-22 h for the new ferries", 18.0, True),
    ("rail ferry; 20–22 h for the new ferries", 21.0, False),
    ("waiting 2-3 days typical", 60.0, False),
    ("waiting 2-3 days typical", 80.0, True),
    ("20-22 h (not used: 2017 ferries)", 18.0, False),
    ("ships of 120-350 TEU", 18.0, False),
    ("speed 40-60 km/h", 18.0, False),
])
def test_note_range_check(note: str, value: float, found: bool) -> None:
    assert bool(note_range_problems("x", note, {"time_h": value, "capacity_teu": value})) is found


@given(lo=st.integers(0, 5000), width=st.integers(1, 5000), value=st.floats(0, 20000, allow_nan=False),
       unit=st.sampled_from(["h", "days", "km", "Mt/yr"]))
def test_note_range_check_agrees_with_the_interval(lo: int, width: int, value: float, unit: str) -> None:
    field, factor = UNITS[unit]
    note = f"published as {lo:,}-{lo + width:,} {unit} (KEY)"
    found = bool(note_range_problems("x", note, {field: value}))
    assert found is not (lo * factor <= value <= (lo + width) * factor)
