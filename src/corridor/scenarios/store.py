"""The run store: every scenario, baseline and sweep run recorded in an embedded DuckDB database.

A run row holds the spec, its hash, the code version, seed, status, timings and the JSON summary.
Result tables (``link_flows``, ``od``, ``capacities``, ``transfers``, ``geometry``...) are stored
in ``run_tables`` as one Parquet blob per (run, table), written in the same transaction as the run's
status. Why blobs rather than one SQL table per table name: Parquet keeps pandas dtypes exactly
(nullable integers, categoricals, float32, a named index) with no schema to migrate when an engine
adds a column (LP and equilibrium ``link_flows`` differ), and a table is always read whole, by run.
Export a run to query it in SQL (``read_parquet``). Sweep samples are small JSON rows in ``samples``,
keyed by ``(sweep_id, idx)`` so that re-adding a sample is a no-op.

Concurrency: no connection is held between calls; each call opens the file, runs one transaction
and closes it, waiting (with backoff) while another process writes. Readers open read-only. A
writer killed mid-transaction leaves the last committed state (DuckDB's write-ahead log).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_codec import (
    check_name,
    check_seed,
    code_version,
    frame_from_blob,
    frame_to_blob,
    json_text,
    new_run_id,
    plain_json,
)
from corridor.scenarios._store_db import connect, first, store_timeout
from corridor.scenarios._store_export import EXPORT_FORMATS, write_export

if TYPE_CHECKING:
    from collections.abc import Iterable

    import duckdb
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "STATUSES", "RunStore", "default_store_path", "hash_spec", "new_run_id"]

STATUSES = ("running", "done", "failed", "interrupted")
"""Statuses of a run."""

_FIELDS = ("run_id", "kind", "name", "status", "spec_hash", "code_version", "seed", "parent_id",
           "created", "started", "finished", "elapsed_s", "error")
_SELECT = ", ".join(f"r.{f}" for f in _FIELDS)
_KEY_FIGURE = ("TRY_CAST(coalesce(json_extract_string(r.summary, '$.totals.unserved_t'), "
               "json_extract_string(r.summary, '$.unserved_t')) AS DOUBLE)")
_SAMPLE_COLUMNS = ("idx", "seed", "elapsed_s")


def default_store_path() -> Path:
    """The store used when none is given.

    Returns
    -------
    Path
        ``$CORRIDOR_HOME/runs.duckdb`` if ``CORRIDOR_HOME`` is set, else ``corridor-runs.duckdb``
        in the working directory.
    """
    home = os.environ.get("CORRIDOR_HOME", "").strip()
    if home:
        return Path(home).expanduser() / "runs.duckdb"
    return Path.cwd() / "corridor-runs.duckdb"


def hash_spec(spec: Mapping[str, Any]) -> str:
    """A content hash of a spec: SHA-256 of its canonical JSON (sorted keys, no spaces).

    Examples
    --------
    >>> hash_spec({"b": 1, "a": [1.0, 2]}) == hash_spec({"a": [1.0, 2], "b": 1})
    True
    """
    text = json.dumps(plain_json(spec), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RunStore:
    """Runs, their result tables and sweep samples in a DuckDB file.

    Every method opens the file for one transaction and closes it, so several processes can share a
    store (one writes at a time; the others wait up to ``timeout`` seconds). Methods that read accept
    a unique prefix (or suffix) of a run id, as git does for commits. Everything returned is plain
    JSON-serialisable data, except DataFrames.

    Parameters
    ----------
    path
        The database file; created with its folder on the first write. Default:
        :func:`default_store_path`.
    timeout
        Seconds to wait while another process holds the store (default ``$CORRIDOR_STORE_TIMEOUT``
        or 20).

    Raises
    ------
    InputError
        From any method: the file is not a run store, a run id is unknown or ambiguous, or a value
        cannot be stored.
    CorridorError
        From any method: the store stayed busy for ``timeout`` seconds.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     store = RunStore(Path(tmp) / "runs.duckdb")
    ...     run = store.start("scenario", "demo", {"name": "demo"}, hash_spec({"name": "demo"}))
    ...     store.finish(run, summary={"totals": {"unserved_t": 0.0}},
    ...                  tables={"link_flows": pd.DataFrame({"link": ["a"], "tonnes": [1.5]})}, elapsed_s=0.1)
    ...     store.get(run)["tables"], store.find_done(hash_spec({"name": "demo"}), "scenario") == run
    ({'link_flows': 1}, True)
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = store_timeout() if timeout is None else float(timeout)

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # -- writing ---------------------------------------------------------------------------------

    def start(self, kind: str, name: str, spec: Mapping[str, Any], spec_hash: str, *, seed: int | None = None,
              parent_id: str | None = None, run_id: str | None = None) -> str:
        """Record a new run with status ``running``.

        Parameters
        ----------
        kind
            ``"scenario"``, ``"baseline"``, ``"sweep"``, ``"hub"``...
        name
            A name for people (the scenario's name).
        spec
            The scenario spec as a JSON-able dict.
        spec_hash
            Its content hash (see :func:`hash_spec`), used by :meth:`find_done`.
        seed
            The run's seed, an integer in ``[0, 2**128)``.
        parent_id
            A related run that must exist (a sweep's baseline...).
        run_id
            The id to use (default :func:`new_run_id`).

        Returns
        -------
        str
            The run id.
        """
        where = "run store start"
        kind = check_name(kind, "kind")
        if not isinstance(name, str) or not name.strip():
            raise InputError(Problem(where, "name", f"{name!r} is not a non-empty string"))
        if not isinstance(spec, Mapping):
            raise InputError(Problem(where, "spec", f"expected a dict, got {type(spec).__name__}"))
        if not isinstance(spec_hash, str) or not spec_hash:
            raise InputError(Problem(where, "spec_hash", f"{spec_hash!r} is not a non-empty string"))
        run_id = check_name(run_id, "run_id") if run_id is not None else new_run_id()
        spec_json = json_text(spec, where, "spec")
        seed = check_seed(seed, where)
        now = _now()
        with self._write() as con:
            if parent_id is not None:
                parent_id = self._resolve(con, parent_id, exact=True)
            if first(con, "SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
                raise InputError(Problem(str(self.path), "run_id", f"run {run_id!r} already exists"))
            con.execute(
                "INSERT INTO runs (run_id, kind, name, status, spec, spec_hash, code_version, seed, parent_id, "
                "created, started) VALUES (?, ?, ?, 'running', ?, ?, ?, ?::UHUGEINT, ?, ?, ?)",
                [run_id, kind, name.strip(), spec_json, spec_hash, code_version(),
                 None if seed is None else str(seed), parent_id, now, now])
        return run_id

    def finish(self, run_id: str, *, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
               elapsed_s: float) -> None:
        """Store a run's summary and result tables and mark it ``done``, in one transaction.

        Tables already stored for the run are replaced. Strings come back as pandas' ``str`` dtype;
        other dtypes, column names and a named index come back as given.

        Parameters
        ----------
        run_id
            The full id returned by :meth:`start`; the run must not be ``done`` already.
        summary
            JSON-able results (NaN and infinities are stored as null).
        tables
            Result tables by name (letters, digits, ``_ . -``: names become file names on export).
        elapsed_s
            Wall-clock seconds of the run.
        """
        where = f"run {run_id}"
        if not isinstance(summary, Mapping):
            raise InputError(Problem(where, "summary", f"expected a dict, got {type(summary).__name__}"))
        summary_json = json_text(summary, where, "summary")
        elapsed = _seconds(elapsed_s, where)
        blobs = []
        for name, frame in dict(tables).items():
            check_name(name, "table name")
            blob = frame_to_blob(frame, f"{where} table {name}")
            columns = json.dumps([str(c) for c in frame.columns], ensure_ascii=False)
            blobs.append([run_id, name, len(frame), columns, "parquet", blob])
        with self._write() as con:
            self._check_open(con, run_id)
            con.execute("DELETE FROM run_tables WHERE run_id = ?", [run_id])
            if blobs:
                con.executemany("INSERT INTO run_tables VALUES (?, ?, ?, ?, ?, ?)", blobs)
            con.execute("UPDATE runs SET status = 'done', summary = ?, finished = ?, elapsed_s = ?, error = NULL "
                        "WHERE run_id = ?", [summary_json, _now(), elapsed, run_id])

    def fail(self, run_id: str, error: str, *, interrupted: bool = False, elapsed_s: float | None = None) -> None:
        """Mark a run ``failed`` (or ``interrupted``) with an error message.

        Parameters
        ----------
        run_id
            The full id; the run must not be ``done``.
        error
            What went wrong, for people.
        interrupted
            Mark it ``interrupted`` (stopped by the user; a sweep can resume) instead of ``failed``.
        elapsed_s
            Wall-clock seconds until it stopped, if known.
        """
        where = f"run {run_id}"
        elapsed = None if elapsed_s is None else _seconds(elapsed_s, where)
        status = "interrupted" if interrupted else "failed"
        with self._write() as con:
            self._check_open(con, run_id)
            con.execute("UPDATE runs SET status = ?, error = ?, finished = ?, elapsed_s = ? WHERE run_id = ?",
                        [status, str(error), _now(), elapsed, run_id])

    def add_samples(self, sweep_id: str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Store a batch of sweep samples in one transaction, skipping indices already stored.

        Parameters
        ----------
        sweep_id
            The full id of the sweep run (from :meth:`start`).
        rows
            Dicts with ``idx`` (int >= 0), ``params`` (dict), ``summary`` (dict) and optionally
            ``seed`` and ``elapsed_s``. Within a batch, the first row of an index wins.

        Returns
        -------
        int
            How many samples were new.
        """
        import pandas as pd

        records: dict[int, list[Any]] = {}
        for i, row in enumerate(rows):
            where = f"sweep {sweep_id} sample row {i}"
            if not isinstance(row, Mapping):
                raise InputError(Problem(where, "", f"expected a dict, got {type(row).__name__}"))
            for key in ("idx", "params", "summary"):
                if key not in row:
                    raise InputError(Problem(where, key, "missing"))
            idx = row["idx"].item() if hasattr(row["idx"], "item") else row["idx"]
            if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx < 2**31:
                raise InputError(Problem(where, "idx", f"{idx!r} is not an integer in [0, 2**31)"))
            for key in ("params", "summary"):
                if not isinstance(row[key], Mapping):
                    raise InputError(Problem(where, key, f"expected a dict, got {type(row[key]).__name__}"))
            seed = check_seed(row.get("seed"), where)
            elapsed = row.get("elapsed_s")
            records.setdefault(idx, [
                sweep_id, idx, None if seed is None else str(seed), json_text(row["params"], where, "params"),
                json_text(row["summary"], where, "summary"),
                None if elapsed is None else _seconds(elapsed, where)])
        if not records:
            return 0
        batch = pd.DataFrame({
            "sweep_id": pd.array([r[0] for r in records.values()], dtype="str"),
            "idx": pd.array([r[1] for r in records.values()], dtype="int64"),
            "seed": pd.array([r[2] for r in records.values()], dtype="str"),
            "params": pd.array([r[3] for r in records.values()], dtype="str"),
            "summary": pd.array([r[4] for r in records.values()], dtype="str"),
            "elapsed_s": pd.array([r[5] for r in records.values()], dtype="Float64"),
        })
        with self._write() as con:
            self._resolve(con, sweep_id, exact=True)
            con.register("corridor_sample_batch", batch)
            row = first(
                con, "INSERT INTO samples SELECT sweep_id, idx::INTEGER, seed::UHUGEINT, params::JSON, summary::JSON, "
                "elapsed_s FROM corridor_sample_batch ON CONFLICT DO NOTHING")
            con.unregister("corridor_sample_batch")
        return int(row[0]) if row else 0

    def delete(self, run_id: str) -> str:
        """Delete a run, its tables and its samples.

        Parameters
        ----------
        run_id
            The run, or a unique prefix or suffix of its id.

        Returns
        -------
        str
            The full id of the deleted run.
        """
        with self._write() as con:
            run_id = self._resolve(con, run_id)
            con.execute("DELETE FROM samples WHERE sweep_id = ?", [run_id])
            con.execute("DELETE FROM run_tables WHERE run_id = ?", [run_id])
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
        return run_id

    # -- reading ---------------------------------------------------------------------------------

    def resolve(self, run_id: str) -> str:
        """The full id of a run given by its id or a unique prefix or suffix of it.

        Writers (:meth:`finish`, :meth:`fail`, :meth:`add_samples`) take full ids only: resolve an
        id typed by a person (``--resume``) first.

        Raises
        ------
        InputError
            If no run or several runs match, with the closest ids.
        """
        with self._read() as con:
            return self._resolve(con, run_id)

    def find_done(self, spec_hash: str, kind: str, *, code_version: str | None = None) -> str | None:
        """The newest completed run with this spec hash, to reuse instead of running it again.

        Parameters
        ----------
        spec_hash
            The hash given to :meth:`start`.
        kind
            Only runs of this kind.
        code_version
            Only runs recorded by this code version (see ``get(...)["code_version"]``).

        Returns
        -------
        str or None
            The run id, or None if no ``done`` run matches.
        """
        sql = "SELECT run_id FROM runs WHERE spec_hash = ? AND kind = ? AND status = 'done'"
        args: list[Any] = [spec_hash, kind]
        if code_version is not None:
            sql += " AND code_version = ?"
            args.append(code_version)
        with self._read() as con:
            row = first(con, sql + " ORDER BY finished DESC, run_id DESC LIMIT 1", args)
        return None if row is None else str(row[0])

    def list_runs(self, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, newest first, without spec and summary.

        Parameters
        ----------
        kind
            Only runs of this kind.
        limit
            At most this many runs.

        Returns
        -------
        list of dict
            The fields of :meth:`get` except ``spec``, ``summary`` and ``tables``, plus
            ``unserved_t`` (``summary.totals.unserved_t`` or ``summary.unserved_t``, else None) and
            ``samples`` (the number of sweep samples).
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InputError(Problem("run store list", "limit", f"{limit!r} is not a positive integer"))
        sql = (f"SELECT {_SELECT}, {_KEY_FIGURE}, coalesce(s.n, 0) FROM runs r "
               "LEFT JOIN (SELECT sweep_id, count(*) AS n FROM samples GROUP BY sweep_id) s ON s.sweep_id = r.run_id")
        args: list[Any] = []
        if kind is not None:
            sql += " WHERE r.kind = ?"
            args.append(kind)
        sql += " ORDER BY r.created DESC, r.run_id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._read() as con:
            rows = con.execute(sql, args).fetchall()
        out = []
        for row in rows:
            d = _run_dict(row[: len(_FIELDS)])
            d["unserved_t"] = row[len(_FIELDS)]
            d["samples"] = int(row[len(_FIELDS) + 1])
            out.append(d)
        return out

    def get(self, run_id: str) -> dict[str, Any]:
        """Everything about one run.

        Returns
        -------
        dict
            ``run_id``, ``kind``, ``name``, ``status``, ``spec``, ``spec_hash``, ``code_version``,
            ``seed``, ``parent_id``, ``created``, ``started``, ``finished`` (ISO 8601 UTC),
            ``elapsed_s``, ``summary``, ``error``, ``tables`` (name → rows) and ``samples`` (count).
        """
        with self._read() as con:
            run_id = self._resolve(con, run_id)
            row = first(con, f"SELECT {_SELECT}, r.spec, r.summary FROM runs r WHERE r.run_id = ?",
                              [run_id])
            tables = con.execute("SELECT name, n_rows FROM run_tables WHERE run_id = ? ORDER BY name",
                                 [run_id]).fetchall()
            n = first(con, "SELECT count(*) FROM samples WHERE sweep_id = ?", [run_id])
        assert row is not None  # _resolve found it in this snapshot
        d = _run_dict(row[: len(_FIELDS)])
        d["spec"] = json.loads(row[-2])
        d["summary"] = None if row[-1] is None else json.loads(row[-1])
        d["tables"] = {str(name): int(k) for name, k in tables}
        d["samples"] = int(n[0]) if n else 0
        return d

    def table(self, run_id: str, name: str) -> pd.DataFrame:
        """One result table of a run, as stored by :meth:`finish`.

        Raises
        ------
        InputError
            If the run has no table of that name (naming the ones it has).
        """
        with self._read() as con:
            run_id = self._resolve(con, run_id)
            row = first(con, "SELECT data FROM run_tables WHERE run_id = ? AND name = ?", [run_id, name])
            if row is None:
                names = [r[0] for r in con.execute("SELECT name FROM run_tables WHERE run_id = ? ORDER BY name",
                                                   [run_id]).fetchall()]
        if row is None:
            raise InputError(Problem(f"run {run_id}", "table", _unknown("table", name, names)))
        return frame_from_blob(row[0])

    def tables(self, run_id: str) -> dict[str, pd.DataFrame]:
        """All result tables of a run, by name."""
        with self._read() as con:
            run_id = self._resolve(con, run_id)
            rows = con.execute("SELECT name, data FROM run_tables WHERE run_id = ? ORDER BY name", [run_id]).fetchall()
        return {str(name): frame_from_blob(blob) for name, blob in rows}

    def sample_indices(self, sweep_id: str) -> set[int]:
        """Indices of the samples stored for a sweep (to resume it)."""
        with self._read() as con:
            sweep_id = self._resolve(con, sweep_id)
            rows = con.execute("SELECT idx FROM samples WHERE sweep_id = ?", [sweep_id]).fetchall()
        return {int(r[0]) for r in rows}

    def samples(self, sweep_id: str) -> pd.DataFrame:
        """A sweep's samples, one row per sample in index order.

        Returns
        -------
        pandas.DataFrame
            Columns ``idx``, ``seed`` (nullable Int64; UInt64 or strings for seeds of 64 or more bits),
            ``elapsed_s``, then ``param.<name>`` for each parameter and one column per summary metric:
            nested dicts are flattened to ``a.b`` and lists stay lists (``binding``). A metric named
            like a fixed column becomes ``summary.<name>``.
        """
        import pandas as pd

        with self._read() as con:
            sweep_id = self._resolve(con, sweep_id)
            rows = con.execute("SELECT idx, seed, elapsed_s, params, summary FROM samples WHERE sweep_id = ? "
                               "ORDER BY idx", [sweep_id]).fetchall()
        records = []
        for *_, params, summary in rows:
            rec = _flatten(json.loads(params), "param.")
            for key, value in _flatten(json.loads(summary), "").items():
                rec[f"summary.{key}" if key in rec or key in _SAMPLE_COLUMNS else key] = value
            records.append(rec)
        fixed = pd.DataFrame({
            "idx": pd.Series([r[0] for r in rows], dtype="int64"),
            "seed": _seed_column([r[1] for r in rows]),
            "elapsed_s": pd.Series([r[2] for r in rows], dtype="float64"),
        })
        if not records or not any(records):
            return fixed
        return pd.concat([fixed, pd.DataFrame.from_records(records)], axis=1)

    def export(self, run_id: str, fmt: str, out: str | os.PathLike[str]) -> list[Path]:
        """Write a run's result tables to files; nothing is written if anything fails.

        Parameters
        ----------
        run_id
            The run (or a unique prefix).
        fmt
            ``parquet`` or ``csv``: one file per table in the folder ``out``. ``geojson``: the
            ``link_flows`` table drawn with the ``geometry`` table as LineStrings, written to ``out``
            if it ends in ``.geojson``/``.json``, else to ``out/link_flows.geojson``.
        out
            Where to write.

        Returns
        -------
        list of Path
            The files written.
        """
        if fmt not in EXPORT_FORMATS:
            raise InputError(Problem("--format", "", f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}"))
        full = self.resolve(run_id)
        return write_export(full, self.tables(full), fmt, Path(out))

    # -- internals -------------------------------------------------------------------------------

    def _read(self) -> Any:
        return connect(self.path, read_only=True, timeout=self.timeout)

    def _write(self) -> Any:
        return connect(self.path, read_only=False, timeout=self.timeout)

    def _resolve(self, con: duckdb.DuckDBPyConnection, run_id: str, *, exact: bool = False) -> str:
        if not isinstance(run_id, str) or not run_id.strip():
            raise InputError(Problem(str(self.path), "run_id", f"{run_id!r} is not a run id"))
        run_id = run_id.strip()
        if first(con, "SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
            return run_id
        if not exact:
            hits = [r[0] for r in con.execute(
                "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY run_id", [run_id]).fetchall()]
            if not hits and len(run_id) >= 4:
                hits = [r[0] for r in con.execute(
                    "SELECT run_id FROM runs WHERE ends_with(run_id, ?) ORDER BY run_id", [run_id]).fetchall()]
            if len(hits) == 1:
                return str(hits[0])
            if hits:
                shown = ", ".join(hits[:5]) + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")
                msg = f"{run_id!r} matches {len(hits)} runs ({shown}); give more of the id"
                raise InputError(Problem(str(self.path), "run_id", msg))
        known = [r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY created DESC LIMIT 5000").fetchall()]
        if known:
            hint = "`corridor runs list` shows the runs"
        else:
            hint = "the store has no runs" if self.path.exists() else "the store does not exist yet"
        raise InputError(Problem(str(self.path), "run_id", f"{_unknown('run', run_id, known)} ({hint})"))

    def _check_open(self, con: duckdb.DuckDBPyConnection, run_id: str) -> None:
        self._resolve(con, run_id, exact=True)
        row = first(con, "SELECT status FROM runs WHERE run_id = ?", [run_id])
        if row is not None and row[0] == "done":
            raise InputError(Problem(f"run {run_id}", "status", "is already done; start a new run"))


def _run_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    d = dict(zip(_FIELDS, row, strict=True))
    for key in ("created", "started", "finished"):
        if d[key] is not None:
            d[key] = d[key].isoformat(timespec="milliseconds") + "Z"
    d["seed"] = None if d["seed"] is None else int(d["seed"])
    return d


def _seed_column(seeds: list[int | None]) -> pd.Series:
    """Seeds as nullable Int64, else UInt64, else strings (seeds of up to 128 bits)."""
    import pandas as pd

    top = max((x for x in seeds if x is not None), default=0)
    if top < 2**63:
        return pd.Series(seeds, dtype="Int64")
    if top < 2**64:
        return pd.Series(seeds, dtype="UInt64")
    return pd.Series([None if x is None else str(x) for x in seeds], dtype="str")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _seconds(value: Any, where: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x) or x < 0:
        raise InputError(Problem(where, "elapsed_s", f"{value!r} is not a number of seconds >= 0"))
    return x


def _unknown(what: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    if what == "table" and not close:
        hint = f"; it has {', '.join(known)}" if known else "; it has no tables"
    return f"unknown {what} {name!r}{hint}"


def _flatten(d: Any, prefix: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix.rstrip("."): d} if prefix else {"value": d}
    out: dict[str, Any] = {}
    for key, value in d.items():
        if isinstance(value, dict) and value:
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
