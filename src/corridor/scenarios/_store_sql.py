"""Read-only SQL over the run store, bounded in rows and time."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

__all__ = ["MAX_SQL_ROWS", "SQL_TIME_LIMIT_S", "check_query", "run_query"]

MAX_SQL_ROWS = 1_000_000
"""Rows a query may return by default (``max_rows`` raises it)."""

SQL_TIME_LIMIT_S = 300.0
"""Seconds a query may run by default (``time_limit_s`` changes it)."""

_MAX_QUERY_CHARS = 1_000_000
_ALLOWED = ("SELECT", "EXPLAIN")
_CHUNK_VECTORS = 50  # rows fetched at a time: 50 DuckDB vectors of 2,048


def check_query(query: object, params: object, max_rows: object, time_limit_s: object, where: str) -> None:
    """Refuse a query that is not text, too long, or bounds that are not positive numbers.

    Examples
    --------
    >>> check_query("SELECT count(*) FROM runs", None, 100, 5.0, "query")  # fine: nothing returned
    >>> try:
    ...     check_query("SELECT 1", None, 0, 5.0, "query")
    ... except InputError as e:
    ...     print(e)
    query: max_rows: 0 is not a positive integer
    """
    if not isinstance(query, str) or not query.strip():
        raise InputError(Problem(where, "sql", f"{query!r} is not an SQL query"))
    if len(query) > _MAX_QUERY_CHARS:
        raise InputError(Problem(where, "sql", f"the query has {len(query):,} characters, over the "
                                 f"{_MAX_QUERY_CHARS:,} allowed"))
    if params is not None and (isinstance(params, str) or not isinstance(params, Sequence | Mapping)):
        raise InputError(Problem(where, "params", f"expected a list or dict of values, got {type(params).__name__}"))
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise InputError(Problem(where, "max_rows", f"{max_rows!r} is not a positive integer"))
    if isinstance(time_limit_s, bool) or not isinstance(time_limit_s, int | float) or not 0 < time_limit_s < 1e7:
        raise InputError(Problem(where, "time_limit_s", f"{time_limit_s!r} is not a number of seconds > 0"))


def run_query(con: duckdb.DuckDBPyConnection, query: str, params: Any, *, max_rows: int, time_limit_s: float,
              where: str) -> pd.DataFrame:
    """Run one read-only statement on ``con`` and return its rows.

    The connection loses access to files and extensions first (``enable_external_access``), so a
    query reads the store and nothing else.

    Raises
    ------
    InputError
        For SQL DuckDB refuses (its message), a statement that is not a query, more than ``max_rows``
        rows, or a query still running after ``time_limit_s`` seconds, naming ``where``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from corridor.scenarios._store_db import connect
    >>> with connect(Path(tempfile.mkdtemp()) / "runs.duckdb", read_only=False, timeout=5.0) as con:
    ...     print(run_query(con, "SELECT count(*) AS runs FROM runs", None, max_rows=10, time_limit_s=5.0,
    ...                     where="query").to_dict("records"))
    ...     try:
    ...         run_query(con, "DELETE FROM runs", None, max_rows=10, time_limit_s=5.0, where="query")
    ...     except InputError as e:
    ...         print(e.problems[0].where)
    [{'runs': 0}]
    query
    """
    import duckdb

    try:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        _check_statements(con, query, where)
    except duckdb.Error as e:
        raise InputError(Problem(where, "sql", _message(e))) from None
    timer = threading.Timer(time_limit_s, con.interrupt)
    timer.start()
    try:
        con.execute(query, params)
        return _fetch(con, max_rows, where)
    except duckdb.InterruptException:
        msg = f"the query ran for {time_limit_s:g} s and was stopped; narrow it down or give time_limit_s"
        raise InputError(Problem(where, "sql", msg)) from None
    except duckdb.Error as e:
        raise InputError(Problem(where, "sql", _message(e))) from None
    finally:
        timer.cancel()


def _check_statements(con: duckdb.DuckDBPyConnection, query: str, where: str) -> None:
    statements = con.extract_statements(query)
    if len(statements) != 1:
        raise InputError(Problem(where, "sql", f"give one query, not {len(statements)} statements"))
    kind = statements[0].type.name
    if kind not in _ALLOWED:
        msg = f"only queries read the store (select, with, describe, show, summarize, explain), not {kind}"
        raise InputError(Problem(where, "sql", msg))


def _fetch(con: duckdb.DuckDBPyConnection, max_rows: int, where: str) -> pd.DataFrame:
    import pandas as pd

    chunks: list[pd.DataFrame] = []
    n = 0
    while True:
        chunk = con.fetch_df_chunk(_CHUNK_VECTORS)
        if chunks and chunk.empty:
            break
        chunks.append(chunk)
        n += len(chunk)
        if n > max_rows:
            msg = f"the query returns more than {max_rows:,} rows; aggregate, add a LIMIT, or give max_rows"
            raise InputError(Problem(where, "sql", msg))
        if chunk.empty:
            break
    return chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)


def _message(e: BaseException) -> str:
    """DuckDB's message on one line, without the caret drawing under the query."""
    lines = []
    for line in str(e).splitlines():
        if line.startswith("LINE ") or not line.strip() or set(line.strip()) <= {"^"}:
            continue
        lines.append(line.strip())
    return " ".join(lines) or type(e).__name__
