"""Slice tables: reading, writing, and errors located at file:line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.data.slices import builtin_slice_set
from corridor.exceptions import InputError
from corridor.io.slices import read_slice_sets, write_slice_sets

HEAD = "set,id,name,months,share,note,share_source,share_status\n"
FHEAD = "set,slice,kind,select,value,note,value_source,value_status\n"


def _write(tmp: Path, slices: str, factors: str = FHEAD) -> Path:
    (tmp / "slices.csv").write_text(slices)
    (tmp / "slice_factors.csv").write_text(factors)
    return tmp / "slices.csv"


def _problem(path: Path) -> tuple[str, str, str]:
    with pytest.raises(InputError) as e:
        read_slice_sets(path)
    p = e.value.problems[0]
    return p.where, p.field, p.message


def test_round_trip(tmp_path: Path) -> None:
    sets = {"monthly": builtin_slice_set("eurasia", "monthly")}
    write_slice_sets(sets, tmp_path)
    again = read_slice_sets(tmp_path / "slices.csv")
    assert again["monthly"].slices == sets["monthly"].slices


def test_builtin_monthly_set() -> None:
    ss = builtin_slice_set("eurasia", "monthly")
    assert len(ss.slices) == 12
    assert sum(s.share for s in ss.slices) == pytest.approx(1.0)
    nov = ss.slices[10]
    assert {f.value for f in nov.factors if f.kind == "closure"} == {0.5}
    grain = [s.demand_share("grain") for s in ss.slices]
    assert sum(grain) == pytest.approx(1.0)
    assert max(grain) == grain[9]  # the autumn peak
    assert all(f.provenance for s in ss.slices for f in s.factors)


def test_shares_that_do_not_sum_to_one(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "s,a,A,1,0.5,,,\ns,b,B,2,0.4,,,\n")
    where, field, message = _problem(path)
    assert where.endswith("slices.csv:2")
    assert field == "share"
    assert "0.9" in message


def test_bad_number_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "s,a,A,1,1,,,\n", FHEAD + "s,a,closure,mode=feeder,half,,,\n")
    where, field, _ = _problem(path)
    assert where.endswith("slice_factors.csv:2")
    assert field == "value"


def test_closure_above_one(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "s,a,A,1,1,,,\n", FHEAD + "s,a,closure,mode=feeder,1.5,,,\n")
    where, field, message = _problem(path)
    assert (where.endswith("slice_factors.csv:2"), field) == (True, "value")
    assert "between 0 and 1" in message


def test_bad_selector_and_kind(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "s,a,A,1,1,,,\n",
                  FHEAD + "s,a,closure,colour=red,0.5,,,\ns,a,flood,mode=feeder,0.5,,,\n")
    with pytest.raises(InputError) as e:
        read_slice_sets(path)
    got = [(p.where.rsplit(":", 1)[1], p.field) for p in e.value.problems]
    assert got == [("2", "select"), ("3", "kind")]


def test_factor_of_unknown_slice(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "s,a,A,1,1,,,\n", FHEAD + "s,zz,closure,mode=feeder,0.5,,,\n")
    where, field, message = _problem(path)
    assert where.endswith("slice_factors.csv:2")
    assert field == "slice"
    assert "zz" in message


def test_unknown_column_and_status(tmp_path: Path) -> None:
    path = _write(tmp_path, "set,id,share,colour\ns,a,1,red\n")
    where, field, _ = _problem(path)
    assert (where.endswith("slices.csv:1"), field) == (True, "colour")
    path = _write(tmp_path, HEAD + "s,a,A,1,1,,X,guessed\n")
    where, field, _ = _problem(path)
    assert (where.endswith("slices.csv:2"), field) == (True, "share_status")
