"""Sweep samples in the store: checking rows, writing them to typed tables, reading them back as one frame.

A sample row is ``{"idx", "seed", "elapsed_s", "params": {name: value}, "summary": {metric: value}}``.
Its metrics go to typed columns of ``samples``, its parameters to ``sample_params``, its
``by_corridor_t`` to ``sample_corridors``, its ``by_gateway_t`` to ``sample_gateways`` and each
``kind:id`` of its ``binding`` to ``sample_binding``. A metric the schema does not know is refused:
a new metric is a schema change.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_codec import check_seed, seconds
from corridor.scenarios._store_schema import SAMPLE_METRICS
from corridor.scenarios._store_tables import arrow_type, insert_arrow
from corridor.validation import did_you_mean

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

__all__ = ["MAX_INDEX", "Sample", "check_samples", "insert_samples", "read_samples", "seed_column"]

MAX_INDEX = 2**31 - 1
"""Largest sample index."""

_METRIC_TYPES = {c.name: c.type for c in SAMPLE_METRICS}
_CORRIDORS = "by_corridor_t"
_GATEWAYS = "by_gateway_t"
_KNOWN = (*_METRIC_TYPES, _CORRIDORS, _GATEWAYS)


@dataclass
class Sample:
    """One checked sample row.

    Examples
    --------
    >>> check_samples("sw1", [{"idx": 3, "params": {}, "summary": {"served_t": 1e8}}])[3]
    Sample(idx=3, seed=None, elapsed_s=None, params={}, metrics={'served_t': 100000000.0}, corridors={}, gateways={})
    """

    idx: int
    seed: int | None
    elapsed_s: float | None
    params: dict[str, float | None]
    metrics: dict[str, Any]
    corridors: dict[str, float | None] = field(default_factory=dict)
    gateways: dict[str, float | None] = field(default_factory=dict)


def check_samples(sweep_id: str, rows: Iterable[Mapping[str, Any]]) -> dict[int, Sample]:
    """Checked samples by index; within a batch the first row of an index wins.

    Raises
    ------
    InputError
        For a row that is not a dict, lacks ``idx``, ``params`` or ``summary``, or holds a value of the
        wrong type or a metric the store does not know, naming the row and field.

    Examples
    --------
    >>> rows = [{"idx": 0, "seed": 5, "params": {"open_share": 0.5}, "summary": {"served_t": 1e8}}]
    >>> sample = check_samples("sw1", rows)[0]
    >>> sample.seed, sample.params, sample.metrics
    (5, {'open_share': 0.5}, {'served_t': 100000000.0})
    >>> try:
    ...     check_samples("sw1", [{"idx": 0}])
    ... except InputError as e:
    ...     print(e)
    sweep sw1 sample row 0: params: missing
    """
    out: dict[int, Sample] = {}
    for i, row in enumerate(rows):
        where = f"sweep {sweep_id} sample row {i}"
        sample = _check_row(row, where)
        out.setdefault(sample.idx, sample)
    return out


def insert_samples(con: duckdb.DuckDBPyConnection, sweep_id: str, samples: dict[int, Sample]) -> int:
    """Insert the samples not stored yet (inside the caller's transaction); how many were new.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> sweep_id = RunStore(path).start("sweep", "demo", {}, "hash", seed=1)
    >>> rows = [{"idx": 0, "seed": 5, "params": {"open_share": 0.5}, "summary": {"served_t": 1e8}},
    ...         {"idx": 1, "seed": 6, "params": {"open_share": 0.6}, "summary": {"served_t": 1.1e8}}]
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     print(insert_samples(con, sweep_id, check_samples(sweep_id, rows)))
    ...     print(insert_samples(con, sweep_id, check_samples(sweep_id, rows[:1])))  # stored already
    2
    0
    """
    import pyarrow as pa

    if not samples:
        return 0
    con.register("corridor_sample_idx", pa.table({"idx": pa.array(list(samples), type=pa.int32())}))
    try:
        stored = {int(r[0]) for r in con.execute(
            "SELECT s.idx FROM samples s JOIN corridor_sample_idx b ON s.idx = b.idx WHERE s.sweep_id = ?",
            [sweep_id]).fetchall()}
    finally:
        con.unregister("corridor_sample_idx")
    new = [s for idx, s in samples.items() if idx not in stored]
    if not new:
        return 0
    where = f"sweep {sweep_id} samples"
    for table, data in _arrow_tables(sweep_id, new).items():
        if data.num_rows:
            insert_arrow(con, table, data, where)
    return len(new)


def read_samples(con: duckdb.DuckDBPyConnection, sweep_id: str) -> pd.DataFrame:
    """A sweep's samples as one frame: ``idx, seed, elapsed_s``, ``param.<name>``, then the metrics.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> sweep_id = RunStore(path).start("sweep", "demo", {}, "hash", seed=1)
    >>> rows = [{"idx": 0, "seed": 5, "params": {"open_share": 0.5}, "summary": {"served_t": 1e8}},
    ...         {"idx": 1, "seed": 6, "params": {"open_share": 0.6}, "summary": {"served_t": 1.1e8}}]
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     _ = insert_samples(con, sweep_id, check_samples(sweep_id, rows))
    ...     print(read_samples(con, sweep_id).to_string(index=False))
     idx  seed  elapsed_s  param.open_share    served_t
       0     5        NaN               0.5 100000000.0
       1     6        NaN               0.6 110000000.0
    """
    import pandas as pd

    metrics = ", ".join(_METRIC_TYPES)
    base = con.execute(f"SELECT idx, seed, elapsed_s, {metrics} FROM samples WHERE sweep_id = ? ORDER BY idx",
                       [sweep_id]).df()
    fixed = pd.DataFrame({"idx": base["idx"].astype("int64"), "seed": seed_column(base["seed"].tolist()),
                          "elapsed_s": base["elapsed_s"].astype("float64")})
    if base.empty:
        return fixed
    params = _wide(con, "SELECT idx, name, value FROM sample_params WHERE sweep_id = ?", sweep_id, "param.")
    corridors = _wide(con, "SELECT idx, corridor, tonnes FROM sample_corridors WHERE sweep_id = ?", sweep_id,
                      f"{_CORRIDORS}.")
    gateways = _wide(con, "SELECT idx, gateway, tonnes FROM sample_gateways WHERE sweep_id = ?", sweep_id,
                     f"{_GATEWAYS}.")
    parts = [fixed, params.reindex(base["idx"]).reset_index(drop=True)]
    hours = list(_METRIC_TYPES).index("hours_t") + 1
    for i, name in enumerate(_METRIC_TYPES):
        col = base[name]
        if bool(col.notna().any()):
            parts.append(pd.DataFrame({name: col.astype("float64") if _METRIC_TYPES[name] == "DOUBLE" else col}))
        if i + 1 == hours:  # the sweep's order: totals, then tonnes by corridor and gateway, then the rest
            parts.append(corridors.reindex(base["idx"]).reset_index(drop=True))
            parts.append(gateways.reindex(base["idx"]).reset_index(drop=True))
    return pd.concat(parts, axis=1)


def seed_column(seeds: list[Any]) -> pd.Series:
    """Seeds as nullable Int64, or UInt64 when one is 2**63 or more.

    Examples
    --------
    >>> seed_column([1, None, 2]).dtype, seed_column([2**63]).dtype
    (Int64Dtype(), UInt64Dtype())
    """
    import pandas as pd

    values = [None if s is None or (isinstance(s, float) and math.isnan(s)) or s is pd.NA else int(s) for s in seeds]
    top = max((x for x in values if x is not None), default=0)
    return pd.Series(values, dtype="Int64" if top < 2**63 else "UInt64")


# -- checking ------------------------------------------------------------------------------------


def _check_row(row: object, where: str) -> Sample:
    if not isinstance(row, Mapping):
        raise InputError(Problem(where, "", f"expected a dict, got {type(row).__name__}"))
    for key in ("idx", "params", "summary"):
        if key not in row:
            raise InputError(Problem(where, key, "missing"))
    idx = row["idx"].item() if hasattr(row["idx"], "item") else row["idx"]
    if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx <= MAX_INDEX:
        raise InputError(Problem(where, "idx", f"{idx!r} is not an integer in [0, 2**31)"))
    for key in ("params", "summary"):
        if not isinstance(row[key], Mapping):
            raise InputError(Problem(where, key, f"expected a dict, got {type(row[key]).__name__}"))
    elapsed = row.get("elapsed_s")
    sample = Sample(idx, check_seed(row.get("seed"), where), None if elapsed is None else seconds(elapsed, where),
                    _params(row["params"], where), {})
    for key, value in row["summary"].items():
        if key == _CORRIDORS:
            sample.corridors = _tonnes_by(value, where, _CORRIDORS, "corridor")
        elif key == _GATEWAYS:
            sample.gateways = _tonnes_by(value, where, _GATEWAYS, "gateway")
        else:
            sample.metrics[key] = _metric(key, value, where)
    return sample


def _params(params: Mapping[Any, Any], where: str) -> dict[str, float | None]:
    out = {}
    for name, value in params.items():
        if not isinstance(name, str) or not name or len(name) > 200:
            raise InputError(Problem(where, "params", f"{name!r} is not a parameter name (text, 1 to 200 characters)"))
        out[name] = _number(value, where, f"params.{name}")
    return out


def _tonnes_by(value: object, where: str, key: str, what: str) -> dict[str, float | None]:
    if not isinstance(value, Mapping):
        raise InputError(Problem(where, f"summary.{key}", f"expected a dict of tonnes by {what}, "
                                 f"got {type(value).__name__}"))
    out = {}
    for name, tonnes in value.items():
        if not isinstance(name, str) or not name:
            raise InputError(Problem(where, f"summary.{key}", f"{name!r} is not a {what} name"))
        out[name] = _number(tonnes, where, f"summary.{key}.{name}")
    return out


def _metric(key: object, value: object, where: str) -> Any:
    kind = _METRIC_TYPES.get(key) if isinstance(key, str) else None
    if kind is None:
        hint = did_you_mean(str(key), _KNOWN, list_known=False)
        msg = (f"{key!r} is not a sample metric the store knows{hint} (it keeps {', '.join(_KNOWN)}; "
               "a new metric is a schema change: docs/STORE.md)")
        raise InputError(Problem(where, "summary", msg))
    field_ = f"summary.{key}"
    if hasattr(value, "item") and not isinstance(value, str):  # NumPy scalars
        value = value.item()
    if kind == "DOUBLE":
        return _number(value, where, field_)
    if kind == "BOOLEAN":
        if value is None or isinstance(value, bool):
            return value
        raise InputError(Problem(where, field_, f"{value!r} is not true or false"))
    if key == "binding" and isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if value is None or isinstance(value, str):
        return value
    raise InputError(Problem(where, field_, f"{value!r} is not text"))


def _number(value: object, where: str, field_: str) -> float | None:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(Problem(where, field_, f"{value!r} is not a number"))
    try:
        x = float(value)
    except OverflowError:
        raise InputError(Problem(where, field_, f"{value!r} is too large for a number")) from None
    return x if math.isfinite(x) else None


# -- writing and reading -------------------------------------------------------------------------


def _arrow_tables(sweep_id: str, samples: list[Sample]) -> dict[str, pa.Table]:
    import pyarrow as pa

    def ids(n: int) -> dict[str, pa.Array]:
        return {"sweep_id": pa.array([sweep_id] * n, type=pa.string())}

    rows: dict[str, Any] = {"idx": pa.array([s.idx for s in samples], type=pa.int32()),
                            "seed": pa.array([s.seed for s in samples], type=pa.uint64()),
                            "elapsed_s": pa.array([s.elapsed_s for s in samples], type=pa.float64())}
    for name, sql_type in _METRIC_TYPES.items():
        rows[name] = pa.array([s.metrics.get(name) for s in samples], type=arrow_type(sql_type))
    params = [(s.idx, k, v) for s in samples for k, v in s.params.items()]
    corridors = [(s.idx, k, v) for s in samples for k, v in s.corridors.items()]
    gateways = [(s.idx, k, v) for s in samples for k, v in s.gateways.items()]
    binding = [(s.idx, pos, *_split(entry)) for s in samples
               for pos, entry in enumerate(x for x in (s.metrics.get("binding") or "").split(";") if x)]
    return {
        "samples": pa.table({**ids(len(samples)), **rows}),
        "sample_params": pa.table({**ids(len(params)), **_columns(params, ("idx", "name", "value"))}),
        "sample_corridors": pa.table({**ids(len(corridors)), **_columns(corridors, ("idx", "corridor", "tonnes"))}),
        "sample_gateways": pa.table({**ids(len(gateways)), **_columns(gateways, ("idx", "gateway", "tonnes"))}),
        "sample_binding": pa.table({**ids(len(binding)),
                                    **_columns(binding, ("idx", "pos", "kind", "capacity_id"))}),
    }


_TYPES = {"idx": "int32", "pos": "int32", "name": "string", "corridor": "string", "gateway": "string", "kind": "string",
          "capacity_id": "string", "value": "float64", "tonnes": "float64"}


def _columns(rows: list[tuple[Any, ...]], names: tuple[str, ...]) -> dict[str, pa.Array]:
    import pyarrow as pa

    return {name: pa.array([r[i] for r in rows], type=getattr(pa, _TYPES[name])()) for i, name in enumerate(names)}


def _split(entry: str) -> tuple[str | None, str]:
    kind, sep, rid = entry.partition(":")
    return (kind, rid) if sep else (None, entry)


def _wide(con: duckdb.DuckDBPyConnection, sql: str, sweep_id: str, prefix: str) -> pd.DataFrame:
    """Long ``(idx, name, value)`` rows as one float column per name (sorted), indexed by idx."""
    import pandas as pd

    long = con.execute(sql, [sweep_id]).df()
    if long.empty:
        return pd.DataFrame(index=pd.Index([], dtype="int64", name="idx"))
    long.columns = ["idx", "name", "value"]
    wide = long.pivot(index="idx", columns="name", values="value").astype("float64")
    wide = wide[sorted(wide.columns)]
    wide.columns = [f"{prefix}{c}" for c in wide.columns]
    return wide
