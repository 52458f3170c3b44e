"""Connections to the run store's DuckDB file: schema, short transactions and waiting for locks.

DuckDB lets one process open a file read-write, or any number of processes open it read-only, never
both. So the store holds no connection between operations: each one opens the file, runs one
transaction and closes it (which also checkpoints the write-ahead log). A process that finds the file
locked retries with jittered exponential backoff until its timeout, then raises ``CorridorError``.
Threads of one process take turns through a per-file lock (DuckDB refuses a read-only and a
read-write connection to the same file in one process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import CorridorError, InputError, Problem

if TYPE_CHECKING:
    import duckdb

__all__ = ["DEFAULT_TIMEOUT", "SCHEMA_VERSION", "connect", "first", "store_timeout"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Version of the tables below; stored in ``meta`` and checked on every connection."""

DEFAULT_TIMEOUT = 20.0
"""Seconds to wait for a busy store (``CORRIDOR_STORE_TIMEOUT`` overrides it)."""

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    spec JSON NOT NULL,
    spec_hash TEXT NOT NULL,
    code_version TEXT NOT NULL,
    seed UHUGEINT,
    parent_id TEXT,
    created TIMESTAMP NOT NULL,
    started TIMESTAMP,
    finished TIMESTAMP,
    elapsed_s DOUBLE,
    summary JSON,
    error TEXT
);
CREATE TABLE run_tables (
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    n_rows BIGINT NOT NULL,
    columns JSON NOT NULL,
    format TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE samples (
    sweep_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    seed UHUGEINT,
    params JSON NOT NULL,
    summary JSON NOT NULL,
    elapsed_s DOUBLE,
    PRIMARY KEY (sweep_id, idx)
);
CREATE INDEX runs_hash ON runs (spec_hash, kind, status);
"""

_LOCKED = ("could not set lock", "conflicting lock", "different configuration")
_PID = re.compile(r"\(PID (\d+)\)")
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def first(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any] | None = None) -> tuple[Any, ...] | None:
    """The first row of a query, or None.

    Every row is fetched: DuckDB refuses other work on a connection while a result is half read.
    """
    rows = con.execute(sql, args or []).fetchall()
    return rows[0] if rows else None


def store_timeout() -> float:
    """Seconds to wait for a busy store: ``$CORRIDOR_STORE_TIMEOUT`` or :data:`DEFAULT_TIMEOUT`."""
    raw = os.environ.get("CORRIDOR_STORE_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_TIMEOUT
    except ValueError:
        raise InputError(Problem("CORRIDOR_STORE_TIMEOUT", "", f"{raw!r} is not a number of seconds")) from None


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store for one transaction and close it afterwards.

    A read-write connection runs inside ``BEGIN``/``COMMIT`` (rolled back if the block raises) and
    creates the file, its folder and the schema on first use. A read-only connection to a store that
    does not exist yet is an empty in-memory store, so that reading never creates files.

    Raises
    ------
    InputError
        If ``path`` is a folder, not a DuckDB file, or a DuckDB file that is not a run store.
    CorridorError
        If the store stays locked by another process for ``timeout`` seconds.
    """
    if path.is_dir():
        raise InputError(Problem(str(path), "", "is a folder; the run store is a file such as runs.duckdb"))
    if read_only and (not path.exists() or path.stat().st_size == 0):  # 0 bytes: being created, or never was
        con = _memory_store()
        try:
            yield con
        finally:
            con.close()
        return
    deadline = time.monotonic() + timeout
    lock = _thread_lock(path)
    if not lock.acquire(timeout=max(timeout, 0.0)):
        raise CorridorError(_busy(path, timeout, None))
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = _open(path, read_only=read_only, deadline=deadline, timeout=timeout)
        try:
            if not _check_schema(con, path, read_only=read_only):
                con.close()
                con = _memory_store()
            with _transaction(con, read_only=read_only):
                yield con
        finally:
            con.close()
    finally:
        lock.release()


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection, *, read_only: bool) -> Iterator[None]:
    if read_only:  # no writer can change a file opened read-only: reads see one state
        yield
        return
    con.begin()
    try:
        yield
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _open(path: Path, *, read_only: bool, deadline: float, timeout: float) -> duckdb.DuckDBPyConnection:
    import duckdb

    delay = 0.005
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as e:
            if not _is_lock_error(e):
                raise _bad_file(path, e) from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise CorridorError(_busy(path, timeout, e)) from None
            log.debug("run store %s is locked; retrying in %.3f s", path, delay)
            time.sleep(min(left, random.uniform(delay / 2, delay)))
            delay = min(delay * 2, 0.25)


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> bool:
    """True if ``con`` holds a run store (created here if the file is new), False if it is empty."""
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE'").fetchall()}
    if not tables:
        if read_only:
            return False
        _create_schema(con)
        return True
    if "meta" not in tables or "runs" not in tables:
        msg = "is a DuckDB database but not a corridor run store (it has no meta and runs tables)"
        raise InputError(Problem(str(path), "", msg))
    row = first(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    version = int(row[0]) if row and str(row[0]).isdigit() else None
    if version != SCHEMA_VERSION:
        hint = "a newer corridor wrote it; upgrade corridor" if (version or 0) > SCHEMA_VERSION else "unknown layout"
        msg = f"run store schema version {version!r}, this corridor reads version {SCHEMA_VERSION} ({hint})"
        raise InputError(Problem(str(path), "", msg))
    return True


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    from corridor._version import __version__

    con.begin()
    for statement in filter(str.strip, _SCHEMA.split(";")):
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                [str(SCHEMA_VERSION), f"corridor {__version__}"])
    con.commit()


def _memory_store() -> duckdb.DuckDBPyConnection:
    import duckdb

    con = duckdb.connect(":memory:")
    _create_schema(con)
    return con


def _thread_lock(path: Path) -> threading.Lock:
    key = os.path.realpath(path)
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


def _is_lock_error(e: BaseException) -> bool:
    text = str(e).lower()
    return any(s in text for s in _LOCKED)


def _busy(path: Path, timeout: float, e: BaseException | None) -> str:
    pid = _PID.search(str(e)) if e is not None else None
    holder = f"process {pid.group(1)}" if pid else "another process or thread"
    return (f"the run store {path} is busy: {holder} holds it and it stayed locked for {timeout:g} s; "
            "try again when that job finishes (CORRIDOR_STORE_TIMEOUT sets how long to wait)")


def _bad_file(path: Path, e: BaseException) -> InputError:
    text = str(e)
    if path.is_file() and path.stat().st_size == 0:
        msg = "is an empty file, not a run store; delete it and the next run starts a new store there"
        return InputError(Problem(str(path), "", msg))
    if "not a valid DuckDB database" in text:
        return InputError(Problem(str(path), "", "is not a corridor run store (not a DuckDB database file)"))
    first = text.splitlines()[0] if text else type(e).__name__
    return InputError(Problem(str(path), "", f"cannot open the run store: {first}"))
