"""A run's result tables in the store's native tables: checking DataFrames, writing them, reading them back.

A DataFrame given to :meth:`RunStore.finish <corridor.scenarios.store.RunStore.finish>` is checked
against its table's declared columns (an unknown table or column is refused), converted to Arrow with
the declared types (a value of the wrong type is refused, naming the table and column), and inserted
with the run id and each row's position. ``run_tables`` records the columns in the order given with
their pandas dtypes, so that the table comes back with the same names, columns and dtypes. The
``bottlenecks`` table is written from the run's summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_schema import BOTTLENECKS, BY_PYTHON_NAME, DATA_TABLES, RUN_TABLES, SAMPLES, Table
from corridor.validation import did_you_mean

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa

__all__ = ["Prepared", "arrow_type", "delete_rows", "insert_arrow", "listed_tables", "prepare_tables", "read_table",
           "write_tables"]

_ARROW_TYPES = {"TEXT": "string", "DOUBLE": "float64", "INTEGER": "int32", "BIGINT": "int64", "BOOLEAN": "bool_",
                "UBIGINT": "uint64"}


@dataclass(frozen=True)
class Prepared:
    """A table checked and converted, ready to insert in the finishing transaction.

    Attributes
    ----------
    name
        Its name on the Python side (``bottlenecks`` for the one written from the summary).
    table
        The native table it goes to.
    data
        Its rows with the SQL column names (and ``seq`` or ``rank``), or None for ``samples``.
    n_rows
        Rows.
    columns
        ``[[column, pandas dtype], ...]`` as given; None if it is not a table of ``finish``.
    idx
        ``samples``: the sample indices of the DataFrame (they must be stored already).

    Examples
    --------
    >>> import pandas as pd
    >>> [prepared] = prepare_tables("r1", {"link_flows": pd.DataFrame({"link": ["ab"], "tonnes": [1.0]})}, {})
    >>> prepared.name, prepared.table.name, prepared.data.num_rows
    ('link_flows', 'link_flows', 1)
    """

    name: str
    table: Table
    data: pa.Table | None
    n_rows: int
    columns: list[list[str]] | None
    idx: frozenset[int] = frozenset()


def arrow_type(sql_type: str) -> pa.DataType:
    """The Arrow type of a DuckDB column type of the store.

    Examples
    --------
    >>> arrow_type("DOUBLE"), arrow_type("TEXT"), arrow_type("UBIGINT")
    (DataType(double), DataType(string), DataType(uint64))
    """
    import pyarrow as pa

    factory: Any = getattr(pa, _ARROW_TYPES[sql_type])
    return factory()


def prepare_tables(run_id: str, tables: Mapping[str, Any], summary: Mapping[str, Any]) -> list[Prepared]:
    """Check and convert a run's tables, plus the bottlenecks of its summary.

    Raises
    ------
    InputError
        For a name or column the schema does not know, or a value of the wrong type, naming the run,
        table and column.

    Examples
    --------
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> [(p.name, p.table.name, p.data.num_rows) for p in prepare_tables("r1", {"link_flows": flows}, {})]
    [('link_flows', 'link_flows', 1)]
    >>> try:
    ...     prepare_tables("r1", {"link_flows": flows.assign(tonnes=["lots"])}, {})
    ... except InputError as e:
    ...     print(e)
    run r1 table link_flows: tonnes: expected numbers, got str values such as 'lots'
    """
    where = f"run {run_id}"
    out = []
    for name, frame in tables.items():
        table = _table_for(name, where)
        if table is SAMPLES:
            out.append(_prepare_samples(frame, name, f"{where} table {name}"))
        else:
            checked = _checked_frame(frame, table, f"{where} table {name}")
            out.append(_prepare_frame(checked, table, run_id, name, f"{where} table {name}"))
    bottlenecks = _bottlenecks(run_id, summary, where)
    if bottlenecks is not None:
        out.append(bottlenecks)
    return out


def write_tables(con: duckdb.DuckDBPyConnection, run_id: str, prepared: list[Prepared]) -> None:
    """Insert prepared tables of a run and list them in ``run_tables`` (inside the caller's transaction).

    Raises
    ------
    InputError
        If the ``samples`` table names samples that are not stored for the run.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> run_id = RunStore(path).start("scenario", "demo", {}, "hash")
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     write_tables(con, run_id, prepare_tables(run_id, {"link_flows": flows}, {}))
    ...     print(listed_tables(con, run_id))
    {'link_flows': ('link_flows', 1, [['link', 'str'], ['from', 'str'], ['to', 'str'], ['tonnes', 'float64']])}
    """
    for p in prepared:
        if p.table is SAMPLES:
            _check_samples_stored(con, run_id, p)
        elif p.data is not None:
            insert_arrow(con, p.table.name, p.data, f"run {run_id} table {p.name}")
        if p.columns is not None:
            con.execute("INSERT INTO run_tables VALUES (?, ?, ?, ?, ?)",
                        [run_id, p.name, p.table.name, p.n_rows, json.dumps(p.columns, ensure_ascii=False)])


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table, where: str) -> None:
    """Insert Arrow rows into a store table by column name.

    Raises
    ------
    InputError
        If DuckDB refuses them (a duplicate key), naming ``where``.
    """
    import duckdb

    view = f"corridor_batch_{table}"
    con.register(view, data)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    except duckdb.Error as e:
        raise InputError(Problem(where, "", f"cannot be stored: {str(e).splitlines()[0]}")) from None
    finally:
        con.unregister(view)


def delete_rows(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Delete a run's result tables (not its samples).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> run_id = RunStore(path).start("scenario", "demo", {}, "hash")
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     write_tables(con, run_id, prepare_tables(run_id, {"link_flows": flows}, {}))
    ...     delete_rows(con, run_id)
    ...     listed_tables(con, run_id)
    {}
    """
    for table in (*DATA_TABLES, BOTTLENECKS, RUN_TABLES):
        con.execute(f"DELETE FROM {table.name} WHERE run_id = ?", [run_id])


def listed_tables(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, tuple[str, int, list[list[str]]]]:
    """The tables of a run: ``{name: (native table, rows, [[column, dtype], ...])}``, by name.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> run_id = RunStore(path).start("scenario", "demo", {}, "hash")
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     write_tables(con, run_id, prepare_tables(run_id, {"link_flows": flows}, {}))
    ...     sorted(listed_tables(con, run_id))
    ['link_flows']
    """
    rows = con.execute("SELECT name, sql_table, n_rows, columns FROM run_tables WHERE run_id = ? ORDER BY name",
                       [run_id]).fetchall()
    return {str(name): (str(sql), int(n), json.loads(cols)) for name, sql, n, cols in rows}


def read_table(con: duckdb.DuckDBPyConnection, run_id: str, sql_table: str, columns: list[list[str]]
               ) -> pd.DataFrame:
    """A data table of a run as it was given (not ``samples``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from corridor.scenarios import RunStore
    >>> from corridor.scenarios._store_db import connect
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> run_id = RunStore(path).start("scenario", "demo", {}, "hash")
    >>> flows = pd.DataFrame({"link": ["ab"], "from": ["a"], "to": ["b"], "tonnes": [2.5e6]})
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     write_tables(con, run_id, prepare_tables(run_id, {"link_flows": flows}, {}))
    ...     sql_table, n_rows, columns = listed_tables(con, run_id)["link_flows"]
    ...     print(read_table(con, run_id, sql_table, columns).to_string(index=False))
    link from to    tonnes
      ab    a  b 2500000.0
    """
    table = next(t for t in DATA_TABLES if t.name == sql_table)
    by_py = {c.py: c.name for c in table.data_columns}
    select = ", ".join(f"{by_py[py]} AS {_quote(py)}" for py, _ in columns) or "1 AS corridor_no_column"
    frame = con.execute(f"SELECT {select} FROM {table.name} WHERE run_id = ? ORDER BY {table.order}",
                        [run_id]).df()
    if not columns:
        return frame.drop(columns="corridor_no_column")
    return restore_dtypes(frame, columns)


def restore_dtypes(frame: pd.DataFrame, columns: list[list[str]]) -> pd.DataFrame:
    """``frame`` with each column cast back to the pandas dtype it was given with."""
    for name, dtype in columns:
        col = frame[name]
        if str(col.dtype) == dtype:
            continue
        try:
            frame[name] = _cast(col, dtype)
        except (TypeError, ValueError):  # a dtype pandas cannot rebuild from its name: keep DuckDB's
            continue
    return frame


def _cast(col: pd.Series, dtype: str) -> pd.Series:
    if dtype == "object":  # missing values as None, as pandas builds object columns from records
        return col.astype(object).where(col.notna(), None)
    return col.astype(dtype)  # type: ignore[call-overload]  # pandas-stubs knows dtype names only as literals


# -- checking and converting ---------------------------------------------------------------------


def _table_for(name: object, where: str) -> Table:
    if isinstance(name, str) and name in BY_PYTHON_NAME:
        return BY_PYTHON_NAME[name]
    known = sorted(BY_PYTHON_NAME)
    if name == BOTTLENECKS.name:
        msg = "is written from the summary's bottlenecks (LP) or congestion (equilibrium); do not pass it as a table"
        raise InputError(Problem(where, "table name", f"{name!r} {msg}"))
    hint = did_you_mean(str(name), known, list_known=False)
    msg = (f"unknown table {name!r}{hint} (the store keeps {', '.join(known)}; a new table is a schema change: "
           "docs/STORE.md)")
    raise InputError(Problem(where, "table name", msg))


def _checked_frame(frame: object, table: Table, where: str) -> pd.DataFrame:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError(Problem(where, "", f"expected a pandas DataFrame, got {type(frame).__name__}"))
    if any(n is not None for n in frame.index.names):
        names = [n for n in frame.index.names if n is not None]
        raise InputError(Problem(where, "", f"has an index named {names[0]!r}; store it as a column "
                                 "(frame.reset_index())"))
    known = [c.py for c in table.data_columns if c.py is not None]
    seen: set[str] = set()
    for col in frame.columns:
        if col in seen:
            raise InputError(Problem(where, str(col), "appears twice"))
        seen.add(col)
        if col not in known:
            hint = did_you_mean(str(col), known, list_known=False)
            msg = (f"{col!r} is not a column of the {table.py} table{hint} (it has {', '.join(known)}; "
                   "a new column is a schema change: docs/STORE.md)")
            raise InputError(Problem(where, str(col), msg))
    return frame.reset_index(drop=True)


def _prepare_frame(frame: pd.DataFrame, table: Table, run_id: str, name: str, where: str) -> Prepared:
    import numpy as np
    import pyarrow as pa

    by_py = {c.py: c for c in table.data_columns}
    n = len(frame)
    arrays = {"run_id": pa.array([run_id] * n, type=pa.string()), "seq": pa.array(np.arange(n), type=pa.int32())}
    for col in frame.columns:
        column = by_py[col]
        arrays[column.name] = _arrow_column(frame[col], column.type, where, str(col))
    columns = [[str(c), str(frame[c].dtype)] for c in frame.columns]
    return Prepared(name, table, pa.table(arrays), n, columns)


def _prepare_samples(frame: object, name: str, where: str) -> Prepared:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise InputError(Problem(where, "", f"expected a pandas DataFrame, got {type(frame).__name__}"))
    fixed = ("idx", "seed", "elapsed_s", *(c.py for c in SAMPLES.data_columns))
    for col in frame.columns:
        if not (col in fixed or str(col).startswith(("param.", "by_corridor_t.", "by_gateway_t."))):
            msg = (f"{col!r} is not a column of a sweep's samples (idx, seed, elapsed_s, param.<name>, the metrics, "
                   "by_corridor_t.<corridor>, by_gateway_t.<gateway>); the samples table is "
                   "RunStore.samples(sweep_id)")
            raise InputError(Problem(where, str(col), msg))
    if "idx" not in frame.columns:
        raise InputError(Problem(where, "idx", "column missing (the samples table is RunStore.samples(sweep_id))"))
    try:
        idx = frozenset(int(i) for i in frame["idx"])
    except (TypeError, ValueError):
        raise InputError(Problem(where, "idx", "must hold sample indices (integers)")) from None
    columns = [[str(c), str(frame[c].dtype)] for c in frame.columns]
    return Prepared(name, SAMPLES, None, len(frame), columns, idx)


def _arrow_column(series: pd.Series, sql_type: str, where: str, field: str) -> pa.Array:
    import pyarrow as pa

    if not _fits(series, sql_type):
        example = next(iter(series.dropna().tolist()), None)
        msg = f"expected {_WORDS[sql_type]}, got {series.dtype} values such as {example!r}"
        raise InputError(Problem(where, field, msg))
    try:
        return pa.array(series, type=arrow_type(sql_type), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as e:
        msg = f"expected {_WORDS[sql_type]}: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
        raise InputError(Problem(where, field, msg)) from None


_WORDS = {"TEXT": "text", "DOUBLE": "numbers", "INTEGER": "integers", "BIGINT": "integers", "UBIGINT": "integers",
          "BOOLEAN": "true/false values"}


def _fits(series: pd.Series, sql_type: str) -> bool:
    """Whether the dtype of ``series`` can hold values of ``sql_type`` (Arrow checks the values)."""
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_object_dtype(dtype) or bool(series.isna().all()):
        return True
    if sql_type == "TEXT":
        return isinstance(dtype, pd.StringDtype | pd.CategoricalDtype)
    if sql_type == "BOOLEAN":
        return pd.api.types.is_bool_dtype(dtype)
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _bottlenecks(run_id: str, summary: Mapping[str, Any], where: str) -> Prepared | None:
    """The ``bottlenecks`` rows of a run summary: LP ``bottlenecks``, equilibrium ``congestion``."""
    import numpy as np
    import pyarrow as pa

    equilibrium = summary.get("engine") == "equilibrium"
    key, ranked_by = ("congestion", "delay_h") if equilibrium else ("bottlenecks", "usd_per_t_yr")
    rows = summary.get(key)
    if not isinstance(rows, list) or not rows:
        return None
    records = [r for r in rows if isinstance(r, Mapping)]
    n = len(records)
    arrays = {"run_id": pa.array([run_id] * n, type=pa.string()),
              "rank": pa.array(np.arange(1, n + 1), type=pa.int32()),
              "ranked_by": pa.array([ranked_by] * n, type=pa.string())}
    for column in BOTTLENECKS.data_columns:
        values = [r.get(column.py) for r in records]
        try:
            arrays[column.name] = pa.array(values, type=arrow_type(column.type), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, OverflowError):
            i, bad = next((i, v) for i, v in enumerate(values) if not _converts(v, column.type))
            msg = f"expected {_WORDS[column.type]}, got {bad!r}"
            raise InputError(Problem(f"{where} summary {key}[{i}]", str(column.py), msg)) from None
    return Prepared(BOTTLENECKS.name, BOTTLENECKS, pa.table(arrays), n, None)


def _converts(value: object, sql_type: str) -> bool:
    import pyarrow as pa

    try:
        pa.array([value], type=arrow_type(sql_type), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return False
    return True


def _check_samples_stored(con: duckdb.DuckDBPyConnection, run_id: str, p: Prepared) -> None:
    stored = {int(r[0]) for r in con.execute("SELECT idx FROM samples WHERE sweep_id = ?", [run_id]).fetchall()}
    missing = sorted(p.idx - stored)
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        msg = (f"names samples that are not stored for this run ({shown}); the samples table is "
               "RunStore.samples(sweep_id) after add_samples")
        raise InputError(Problem(f"run {run_id} table {p.name}", "idx", msg))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
