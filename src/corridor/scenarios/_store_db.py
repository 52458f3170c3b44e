"""Connections to the run store's DuckDB file: paths, schema, short transactions and waiting for locks.

DuckDB lets one process open a file read-write, or any number of processes open it read-only, never
both. So the store holds no connection between operations: each one opens the file, runs one
transaction and closes it (which also checkpoints the write-ahead log) — except inside
:func:`holding`, where a process that writes often (a sweep streaming its samples) keeps one
read-write connection for its transactions and hands the file back at most :data:`HOLD_S` seconds
after opening it or after its last transaction, so that other processes still get their turn. A
process that finds the file locked retries with jittered exponential backoff until its timeout,
then raises ``CorridorError``. Threads of one process take turns through a per-file lock (DuckDB
refuses a read-only and a read-write connection to the same file in one process).

An older store — version 1 (result tables as Parquet blobs), version 2 (samples without the
physical measures) or version 3 (samples without tonnes by export gateway) — is migrated to the
current version in one transaction the first time it is
opened: for writing, or for reading when the file can be written; a store that cannot be written is
refused with what to do.
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
from corridor.scenarios._store_schema import SCHEMA_VERSION, schema_statements

if TYPE_CHECKING:
    import duckdb

__all__ = ["DEFAULT_TIMEOUT", "HOLD_S", "SCHEMA_VERSION", "connect", "first", "holding", "store_timeout"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
"""Seconds to wait for a busy store (``CORRIDOR_STORE_TIMEOUT`` overrides it)."""

_LOCKED = ("could not set lock", "conflicting lock", "different configuration")
_READ_ONLY_FS = ("permission denied", "read-only file system")
_PID = re.compile(r"\(PID (\d+)\)")
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()
HOLD_S = 2.0
"""Inside :func:`holding`: seconds after which the held connection is closed (after the transaction that
passes them, or when idle that long) and opened again by the next transaction, so that other processes
waiting for the file get it."""


class _Held:
    """A read-write connection kept open across transactions (see :func:`holding`); used under the file's lock."""

    def __init__(self, path: Path, hold_s: float, lock: threading.Lock) -> None:
        self.path, self.hold_s, self.lock = path, hold_s, lock
        self.con: duckdb.DuckDBPyConnection | None = None
        self.opened = self.used = 0.0
        self.opens = 0
        self.timer: threading.Timer | None = None

    def get(self, timeout: float) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            _make_folder(self.path)
            deadline = time.monotonic() + timeout
            con = _open_current(self.path, read_only=False, deadline=deadline, timeout=timeout)
            assert con is not None  # a read-write open creates the schema
            self.con, self.opened, self.opens = con, time.monotonic(), self.opens + 1
        return self.con

    def done(self) -> None:
        """After a transaction: close when held ``hold_s`` already, else when left idle ``hold_s`` from now."""
        self.used = time.monotonic()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.con is None or self.used - self.opened >= self.hold_s:
            self.release()
            return
        self.timer = threading.Timer(self.hold_s, self._idle)
        self.timer.daemon = True
        self.timer.start()

    def _idle(self) -> None:
        with self.lock:
            if time.monotonic() - self.used >= self.hold_s * 0.99:
                self.release()

    def release(self) -> None:
        if self.con is not None:
            con, self.con = self.con, None
            con.close()


_HELD: dict[str, _Held] = {}  # by real path; read and changed under the file's thread lock


@contextlib.contextmanager
def holding(path: Path, *, timeout: float, hold_s: float | None = None) -> Iterator[_Held]:
    """Inside this block, transactions on ``path`` in this process share one read-write connection.

    The connection opens with the first transaction and closes after a transaction that ends
    ``hold_s`` (default :data:`HOLD_S`) seconds or more after it opened, after ``hold_s`` seconds
    without a transaction, and when the block ends: another process never waits much more than
    ``hold_s`` for the file. Reads from other threads of this process go through it too (DuckDB
    refuses a second connection of another kind in one process), except those that ask for a
    connection of their own (``connect(..., shared=False)``). Blocks on the same file do not nest:
    the outer one holds.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> with holding(path, timeout=5.0) as held:
    ...     for _ in range(3):
    ...         with connect(path, read_only=False, timeout=5.0) as con:
    ...             _ = con.execute("SELECT count(*) FROM runs").fetchall()
    >>> held.opens  # one connection for the three transactions
    1
    """
    key = os.path.realpath(path)
    lock = _thread_lock(path)
    with lock:
        outer = _HELD.get(key)
        held = _HELD[key] = outer or _Held(path, HOLD_S if hold_s is None else hold_s, lock)
    try:
        yield held
    finally:
        if outer is None:
            with lock:
                _HELD.pop(key, None)
                if held.timer is not None:
                    held.timer.cancel()
                held.release()


def first(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any] | None = None) -> tuple[Any, ...] | None:
    """The first row of a query, or None.

    Every row is fetched: DuckDB refuses other work on a connection while a result is half read.

    Examples
    --------
    >>> import tempfile
    >>> with connect(Path(tempfile.mkdtemp()) / "runs.duckdb", read_only=False, timeout=5.0) as con:
    ...     print(first(con, "SELECT ? + 1", [41]), first(con, "SELECT * FROM runs"))
    (42,) None
    """
    rows = con.execute(sql, args or []).fetchall()
    return rows[0] if rows else None


def store_timeout() -> float:
    """Seconds to wait for a busy store: ``$CORRIDOR_STORE_TIMEOUT`` or :data:`DEFAULT_TIMEOUT`.

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop("CORRIDOR_STORE_TIMEOUT", None)
    >>> store_timeout() == DEFAULT_TIMEOUT
    True
    >>> os.environ["CORRIDOR_STORE_TIMEOUT"] = "3"
    >>> store_timeout()
    3.0
    >>> _ = os.environ.pop("CORRIDOR_STORE_TIMEOUT") if old is None else os.environ.update(CORRIDOR_STORE_TIMEOUT=old)
    """
    raw = os.environ.get("CORRIDOR_STORE_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw.strip() else DEFAULT_TIMEOUT
    except ValueError:
        raise InputError(Problem("CORRIDOR_STORE_TIMEOUT", "", f"{raw!r} is not a number of seconds")) from None


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool, timeout: float, missing_folder_ok: bool = True,
            shared: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the store for one transaction and close it afterwards.

    A read-write connection runs inside ``BEGIN``/``COMMIT`` (rolled back if the block raises) and
    creates the file, its folder and the schema on first use. A read-only connection to a store that
    does not exist yet is an empty in-memory store, so that reading never creates files.

    Parameters
    ----------
    path
        The store file.
    read_only
        Open it for reading only.
    timeout
        Seconds to wait while another process holds it.
    missing_folder_ok
        Reading a store whose folder does not exist gives an empty store (else InputError).
    shared
        Inside :func:`holding`, a read may use the held read-write connection; with ``False`` it
        gets a read-only connection of its own (the held one is closed first).

    Raises
    ------
    InputError
        If ``path`` cannot be a store file (a folder, or under a file), cannot be created, is not a
        DuckDB file, or is a DuckDB file that is not a run store (or one this version cannot read).
    CorridorError
        If the store stays locked by another process for ``timeout`` seconds.

    Examples
    --------
    A new store is created, with its schema, on the first read-write connection:

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "runs.duckdb"
    >>> with connect(path, read_only=False, timeout=5.0) as con:
    ...     print(first(con, "SELECT count(*) FROM runs"))
    (0,)
    >>> path.is_file()
    True
    """
    exists = _check_path(path, read_only=read_only, missing_folder_ok=missing_folder_ok)
    if read_only and not exists:
        with _memory_store() as con:
            yield con
        return
    deadline = time.monotonic() + timeout
    lock = _thread_lock(path)
    if not lock.acquire(timeout=max(timeout, 0.0)):
        raise CorridorError(_busy(path, timeout, None))
    try:
        held = _HELD.get(os.path.realpath(path))
        if held is not None and not (read_only and not shared):
            con = held.get(timeout)
            try:
                with _transaction(con, read_only=read_only):
                    yield con
            finally:
                held.done()
            return
        if held is not None:  # a reader that must not share the writer's connection: hand the file back first
            held.release()
        if not read_only:
            _make_folder(path)
        current = _open_current(path, read_only=read_only, deadline=deadline, timeout=timeout)
        if current is None:  # a read-only file without tables: a store being created
            with _memory_store() as con:
                yield con
            return
        try:
            with _transaction(current, read_only=read_only):
                yield current
        finally:
            current.close()
    finally:
        lock.release()


def _check_path(path: Path, *, read_only: bool, missing_folder_ok: bool) -> bool:
    """Whether a store file exists at ``path``; InputError if there can be none."""
    where = str(path)
    try:
        if path.is_dir():
            raise InputError(Problem(where, "", "is a folder; the run store is a file such as runs.duckdb"))
        if path.exists():
            if not path.is_file():
                raise InputError(Problem(where, "", "is not a regular file; the run store is a file such as "
                                         "runs.duckdb"))
            return not read_only or _has_content(path)
        folder = next(p for p in path.parents if p.exists())
    except OSError as e:
        raise InputError(Problem(where, "", f"cannot be read: {e.strerror or e}")) from None
    if not folder.is_dir():
        raise InputError(Problem(where, "", f"cannot be a file: {folder} is not a folder"))
    if read_only and folder != path.parent and not missing_folder_ok:
        raise InputError(Problem(where, "", f"no run store here: the folder {path.parent} does not exist"))
    return False


def _has_content(path: Path) -> bool:
    """False for an empty file (being created by a writer, or never written)."""
    with path.open("rb") as f:
        return bool(f.read(1))


def _make_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(Problem(str(path), "", f"cannot create the run store's folder {path.parent}: "
                                 f"{e.strerror or e}")) from None


def _open_current(path: Path, *, read_only: bool, deadline: float, timeout: float
                  ) -> duckdb.DuckDBPyConnection | None:
    """A connection to a current store at ``path`` (migrated if need be); None for an empty read-only file."""
    con = _open(path, read_only=read_only, deadline=deadline, timeout=timeout)
    try:
        version = _check_schema(con, path, read_only=read_only)
        if version == SCHEMA_VERSION:
            return con
        if version is None:
            con.close()
            return None
        if not read_only:
            _migrate(con, path)
            return con
    except BaseException:
        con.close()
        raise
    con.close()  # a version-1 store opened for reading: migrate it with a writer, then read
    writer = _open_writer_for_migration(path, deadline=deadline, timeout=timeout)
    try:
        if _check_schema(writer, path, read_only=False) != SCHEMA_VERSION:
            _migrate(writer, path)
    finally:
        writer.close()
    return _open(path, read_only=True, deadline=deadline, timeout=timeout)


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    from corridor.scenarios._store_migrate import migrate_v1, migrate_v2, migrate_v3

    row = first(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    version = str(row[0]) if row is not None else ""
    if version == "3":
        migrate_v3(con, path)
    elif version == "2":
        migrate_v2(con, path)
    else:
        migrate_v1(con, path)


def _open_writer_for_migration(path: Path, *, deadline: float, timeout: float) -> duckdb.DuckDBPyConnection:
    refusal = InputError(Problem(str(path), "", (
        f"is an older run store, and this corridor reads version {SCHEMA_VERSION}: it migrates the file on first use, "
        "but cannot write it here; copy it to a folder you can write (or make it writable) and open it "
        "there once, or use the corridor version that wrote it")))
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        raise refusal
    try:
        return _open(path, read_only=False, deadline=deadline, timeout=timeout)
    except InputError as e:
        if any(s in str(e).lower() for s in _READ_ONLY_FS):
            raise refusal from None
        raise


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


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> int | None:
    """The schema version of ``con`` (2 once created here for a new file), or None for an empty read-only file.

    Raises
    ------
    InputError
        For a database that is not a run store, or one of a version this corridor cannot read.
    """
    tables = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_type = 'BASE TABLE'").fetchall()}
    if not tables:
        if read_only:
            return None
        _create_schema(con)
        return SCHEMA_VERSION
    if "meta" not in tables or "runs" not in tables:
        msg = "is a DuckDB database but not a corridor run store (it has no meta and runs tables)"
        raise InputError(Problem(str(path), "", msg))
    row = first(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    version = int(row[0]) if row and str(row[0]).isdigit() else None
    if version in (1, 2, 3, SCHEMA_VERSION):
        return version
    hint = "a newer corridor wrote it; upgrade corridor" if (version or 0) > SCHEMA_VERSION else "unknown layout"
    msg = f"run store schema version {version!r}, this corridor reads version {SCHEMA_VERSION} ({hint})"
    raise InputError(Problem(str(path), "", msg))


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    from corridor._version import __version__

    con.begin()
    for statement in schema_statements():
        con.execute(statement)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_by', ?)",
                [str(SCHEMA_VERSION), f"corridor {__version__}"])
    con.commit()


@contextlib.contextmanager
def _memory_store() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty store in memory: what reading a store that does not exist yet sees."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        _create_schema(con)
        yield con
    finally:
        con.close()


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
