"""Time-slice tables: ``slices.csv`` and ``slice_factors.csv`` of a dataset folder.

``slices.csv``
    ``set, id, name, months, share, note, share_source, share_status``: one row per slice;
    ``months`` is a ``;``-separated list of month numbers, ``share`` the share of the year.
``slice_factors.csv``
    ``set, slice, kind, select, value, note, value_source, value_status``: one row per factor of
    a slice (see :mod:`corridor.model.slices`).

Errors name ``file:line`` and the column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from corridor.exceptions import InputError, Problem
from corridor.io.files import read_text
from corridor.model.provenance import Provenance, Status
from corridor.model.slices import SliceFactor, SliceSet, TimeSlice, factor_problems

__all__ = ["FACTOR_COLUMNS", "SLICE_COLUMNS", "pick_slice_set", "read_slice_sets", "write_slice_sets"]

SLICE_COLUMNS = ("set", "id", "name", "months", "share", "note", "share_source", "share_status")
FACTOR_COLUMNS = ("set", "slice", "kind", "select", "value", "note", "value_source", "value_status")
_REQUIRED = {"slices": ("set", "id", "share"), "slice_factors": ("set", "slice", "kind", "value")}

Row = tuple[str, dict[str, str]]


def _rows(path: Path, columns: tuple[str, ...], required: tuple[str, ...], problems: list[Problem]) -> list[Row]:
    """``(file:line, row)`` of every non-blank row; header and width problems go to ``problems``."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as e:
        raise InputError(Problem(f"{path}:1", "", f"cannot parse the header: {e}")) from None
    for h in header:
        if h not in columns:
            problems.append(Problem(f"{path}:1", h, f"unknown column; expected {', '.join(columns)}"))
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(f"{path}:1", ",".join(missing), "required column(s) missing"))
    if problems:
        return []
    out: list[Row] = []
    try:
        for values in reader:
            where = f"{path}:{reader.line_num}"
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(Problem(where, "", f"has {len(values)} fields, the header has {len(header)}"))
                continue
            row = {h: v.strip() for h, v in zip(header, values, strict=True)}
            problems += [Problem(where, c, "is required but empty") for c in required if not row.get(c)]
            out.append((where, row))
    except csv.Error as e:
        problems.append(Problem(f"{path}:{reader.line_num}", "", f"malformed CSV: {e}"))
    return out


def _number(where: str, row: dict[str, str], name: str, problems: list[Problem]) -> float | None:
    try:
        value = float(row.get(name, ""))
    except ValueError:
        problems.append(Problem(where, name, f"expected a number, got {row.get(name, '')!r}"))
        return None
    return value


def _provenance(where: str, row: dict[str, str], fig: str, problems: list[Problem]) -> dict[str, Provenance]:
    src, status = row.get(f"{fig}_source", ""), row.get(f"{fig}_status", "")
    if not src and not status:
        return {}
    if not src:
        problems.append(Problem(where, f"{fig}_source", "is empty but a status is given"))
        return {}
    try:
        return {fig: Provenance(src, Status(status))}
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        problems.append(Problem(where, f"{fig}_status", f"unknown status {status!r}; expected one of {allowed}"))
        return {}


def _months(where: str, text: str, problems: list[Problem]) -> tuple[int, ...]:
    try:
        return tuple(int(m) for m in text.split(";") if m.strip())
    except ValueError:
        problems.append(Problem(where, "months", f"expected month numbers separated by ';', got {text!r}"))
        return ()


def _factor(where: str, row: dict[str, str], problems: list[Problem]) -> SliceFactor | None:
    value = _number(where, row, "value", problems)
    prov = _provenance(where, row, "value", problems)
    if value is None:
        return None
    f = SliceFactor(row["kind"], row.get("select", ""), value, row.get("note", ""), prov, where)
    found = factor_problems(f)
    problems += found
    return None if found else f


def _factors(path: Path, problems: list[Problem]) -> dict[tuple[str, str], list[SliceFactor]]:
    out: dict[tuple[str, str], list[SliceFactor]] = {}
    if not path.exists():
        return out
    for where, row in _rows(path, FACTOR_COLUMNS, _REQUIRED["slice_factors"], problems):
        f = _factor(where, row, problems)
        if f is not None:
            out.setdefault((row["set"], row["slice"]), []).append(f)
    return out


def read_slice_sets(slices_csv: Path, factors_csv: Path | None = None) -> dict[str, SliceSet]:
    """The slice sets of ``slices.csv`` and its factors (default: ``slice_factors.csv`` beside it).

    Raises
    ------
    InputError
        Every problem found, with file, line and column: bad numbers, statuses, months and
        factors, factors of unknown slices, shares of the year or of a commodity that do not sum to 1.

    Examples
    --------
    >>> from corridor import data
    >>> sets = read_slice_sets(data.path() / "slices.csv")
    >>> sorted(sets)
    ['monthly']
    >>> [s.id for s in sets["monthly"].slices][:3]
    ['jan', 'feb', 'mar']
    """
    slices_csv = Path(slices_csv)
    factors_csv = slices_csv.with_name("slice_factors.csv") if factors_csv is None else Path(factors_csv)
    problems: list[Problem] = []
    rows = _rows(slices_csv, SLICE_COLUMNS, _REQUIRED["slices"], problems)
    factors = _factors(factors_csv, problems)
    sets: dict[str, list[TimeSlice]] = {}
    first: dict[str, str] = {}
    for where, row in rows:
        share = _number(where, row, "share", problems)
        prov = _provenance(where, row, "share", problems)
        months = _months(where, row.get("months", ""), problems)
        first.setdefault(row["set"], where)
        sets.setdefault(row["set"], []).append(TimeSlice(
            row["id"], row.get("name", "") or row["id"], months, share if share is not None else float("nan"),
            tuple(factors.pop((row["set"], row["id"]), [])), row.get("note", ""), prov, where))
    for (set_name, slice_id), fs in factors.items():
        problems.append(Problem(fs[0].origin or str(factors_csv), "slice",
                                f"no slice {slice_id!r} in set {set_name!r} of {slices_csv.name}"))
    out = {name: SliceSet(name, tuple(ss), first[name]) for name, ss in sets.items()}
    if not problems:
        for s in out.values():
            problems += s.problems()
    if problems:
        raise InputError(problems)
    return out


def write_slice_sets(sets: dict[str, SliceSet], folder: Path) -> None:
    """Write ``slices.csv`` and ``slice_factors.csv`` of ``sets`` into ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> from corridor import data
    >>> sets = read_slice_sets(data.path() / "slices.csv")
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_slice_sets(sets, folder)
    >>> sorted(p.name for p in folder.iterdir())
    ['slice_factors.csv', 'slices.csv']
    >>> read_slice_sets(folder / "slices.csv") == sets
    True
    """
    folder = Path(folder)
    s_buf, f_buf = io.StringIO(newline=""), io.StringIO(newline="")
    sw = csv.DictWriter(s_buf, fieldnames=list(SLICE_COLUMNS), lineterminator="\n")
    fw = csv.DictWriter(f_buf, fieldnames=list(FACTOR_COLUMNS), lineterminator="\n")
    sw.writeheader()
    fw.writeheader()
    for name, ss in sets.items():
        for s in ss.slices:
            p = s.provenance.get("share")
            sw.writerow({"set": name, "id": s.id, "name": s.name, "months": ";".join(str(m) for m in s.months),
                         "share": repr(s.share), "note": s.note, "share_source": p.source if p else "",
                         "share_status": p.status.value if p else ""})
            for f in s.factors:
                q = f.provenance.get("value")
                fw.writerow({"set": name, "slice": s.id, "kind": f.kind, "select": f.select, "value": repr(f.value),
                             "note": f.note, "value_source": q.source if q else "",
                             "value_status": q.status.value if q else ""})
    (folder / "slices.csv").write_text(s_buf.getvalue(), encoding="utf-8")
    (folder / "slice_factors.csv").write_text(f_buf.getvalue(), encoding="utf-8")



def pick_slice_set(sets: dict[str, SliceSet], name: str | None, where: str) -> SliceSet:
    """The set called ``name`` (``None``: the only one).

    Raises
    ------
    InputError
        No such set, located at ``where``.

    Examples
    --------
    >>> from corridor import data
    >>> sets = read_slice_sets(data.path() / "slices.csv")
    >>> pick_slice_set(sets, None, "slices.csv").name
    'monthly'
    >>> try:
    ...     pick_slice_set(sets, "weekly", "slices.csv")
    ... except InputError as e:
    ...     print(e.problems[0].where)
    slices.csv
    """
    if name is None and len(sets) == 1:
        return next(iter(sets.values()))
    if name in sets:
        return sets[name]
    from corridor.validation import unknown

    raise InputError(Problem(where, "slices", unknown("slice set", name, sorted(sets))))
