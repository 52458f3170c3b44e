"""The run store: every scenario, baseline, sweep and hub run recorded in an embedded DuckDB database.

Every result is a native DuckDB table keyed by the run, so that the file can be queried in SQL, from
the ``duckdb`` command line (``duckdb corridor-runs.duckdb "select ..."``), from DuckDB in Python, or
with :meth:`RunStore.sql`. Schema version 4 (docs/STORE.md has every column with its meaning)::

    runs             run_id, kind, name, status, spec (JSON), spec_hash, code_version, seed, parent_id,
                     created, started, finished (UTC), elapsed_s [s], summary (JSON), error
    run_tables       run_id, name, sql_table, n_rows, columns: the result tables of each run
    link_flows       run_id, seq, link, from_node, to_node, mode, corridor, commodity, tonnes [t/yr]
    transfer_flows   run_id, seq, transfer_id, kind, node, tonnes [t/yr]
    od_results       run_id, seq, demand_id, origin, destination, commodity, demand_group,
                     demand_t, served_t, unserved_t [t/yr], reason, usd_per_t [USD/t], hours_per_t [h]
    capacities       run_id, seq, kind, capacity_id, from_node, to_node, unit, capacity, flow [unit],
                     utilisation [share], usd_per_unit [USD/yr per unit]
    bottlenecks      run_id, rank, ranked_by, kind, capacity_id, from_node, to_node, unit, capacity,
                     flow [unit], utilisation [share], usd_per_unit, usd_per_t_yr, usd_per_mt_yr,
                     usd_per_teu_yr [USD/yr per unit of capacity], free_time_h, delay_h [h]
    link_geometry    run_id, seq, link, from_node, to_node, mode, corridor,
                     lon_from, lat_from, lon_to, lat_to [degrees, WGS 84]
    samples          sweep_id, idx, seed, elapsed_s [s], unserved_t, served_t, demand_t [t/yr],
                     total_cost_usd [USD/yr], tonne_km [t·km/yr], co2e_kg [kg CO2e/yr], hours_t [t·h/yr],
                     binding, warm, status, gap [share], converged, served_teu, russia_t, russia_teu,
                     titr_t, titr_teu, caspian_oil_t, kz_transit_teu [t/yr, TEU/yr: physical measures]
    sample_params    sweep_id, idx, name, value
    sample_corridors sweep_id, idx, corridor, tonnes [t/yr]
    sample_gateways  sweep_id, idx, gateway, tonnes [t/yr]
    sample_binding   sweep_id, idx, pos, kind, capacity_id
    hub_kpis         run_id, seq, kpi, mean, sd, ci_low, ci_high, half_width, p95 [the KPI's unit],
                     level [share], unit, n [replications]
    hub_series       run_id, seq, series, day, value
    meta             key, value (schema_version, created_by, migrated_from)

On the Python side nothing changes: :meth:`RunStore.finish` takes the DataFrames the engines
produce (``link_flows``, ``od``, ``capacities``, ``transfers``, ``geometry``, ``hub_kpis``,
``hub_series``, a sweep's ``samples``) and :meth:`RunStore.table` gives each back with the same name,
columns and dtypes (``run_tables`` remembers them); ``bottlenecks`` is written from the run summary.
A table or column the schema does not know is refused: a new engine column is a schema change. A
version-1 store (Parquet blobs and JSON samples), version-2 store (samples without the physical
measures) or version-3 store (samples without tonnes by export gateway) is migrated the first time it
is opened.

Concurrency: no connection is held between calls; each call opens the file, runs one transaction
and closes it, waiting (with backoff) while another process writes. Readers open read-only. A
writer killed mid-transaction leaves the last committed state (DuckDB's write-ahead log).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_codec import check_name, check_seed, code_version, json_text, new_run_id, plain_json
from corridor.scenarios._store_codec import seconds as _seconds
from corridor.scenarios._store_db import connect, first, holding, store_timeout
from corridor.scenarios._store_export import EXPORT_FORMATS, write_export
from corridor.scenarios._store_samples import check_samples, insert_samples, read_samples
from corridor.scenarios._store_schema import SAMPLE_BINDING, SAMPLE_CORRIDORS, SAMPLE_GATEWAYS, SAMPLE_PARAMS, SAMPLES
from corridor.scenarios._store_sql import MAX_SQL_ROWS, SQL_TIME_LIMIT_S, check_query, run_query
from corridor.scenarios._store_tables import delete_rows, listed_tables, prepare_tables, read_table, write_tables
from corridor.validation import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable

    import duckdb
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "KINDS", "MAX_SQL_ROWS", "SQL_TIME_LIMIT_S", "STATUSES", "RunStore", "default_store_path",
           "hash_spec", "new_run_id"]

KINDS = ("scenario", "baseline", "sweep", "hub")
"""Kinds of run."""

STATUSES = ("running", "done", "failed", "interrupted")
"""Statuses of a run."""

_FIELDS = ("run_id", "kind", "name", "status", "spec_hash", "code_version", "seed", "parent_id",
           "created", "started", "finished", "elapsed_s", "error")
_SELECT = ", ".join(f"r.{f}" for f in _FIELDS)
_KEY_FIGURE = ("TRY_CAST(coalesce(json_extract_string(r.summary, '$.totals.unserved_t'), "
               "json_extract_string(r.summary, '$.unserved_t')) AS DOUBLE)")
_SAMPLE_TABLES = (SAMPLES, SAMPLE_PARAMS, SAMPLE_CORRIDORS, SAMPLE_GATEWAYS, SAMPLE_BINDING)


def default_store_path() -> Path:
    """The store used when none is given.

    Returns
    -------
    Path
        ``$CORRIDOR_HOME/runs.duckdb`` if ``CORRIDOR_HOME`` is set, else ``corridor-runs.duckdb``
        in the working directory.

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop("CORRIDOR_HOME", None)
    >>> default_store_path().name
    'corridor-runs.duckdb'
    >>> os.environ["CORRIDOR_HOME"] = "/srv/corridor"
    >>> default_store_path().as_posix()
    '/srv/corridor/runs.duckdb'
    >>> _ = os.environ.pop("CORRIDOR_HOME") if old is None else os.environ.update(CORRIDOR_HOME=old)
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
        :func:`default_store_path`. Reading a store that does not exist yet gives no runs, but a
        given path whose folder does not exist is refused (a typo, or a place no store can be).
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
    ...     store.sql("select link, tonnes from link_flows").to_dict("records")
    [{'link': 'a', 'tonnes': 1.5}]
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, timeout: float | None = None) -> None:
        self._given = path is not None
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = store_timeout() if timeout is None else float(timeout)

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # -- writing ---------------------------------------------------------------------------------

    def writing(self) -> contextlib.AbstractContextManager[Any]:
        """A block in which this process's transactions on the store share one connection.

        For many writes in a row (a sweep streaming its samples): opening the file for each costs
        more than the write. The connection is handed back every couple of seconds
        (:data:`~corridor.scenarios._store_db.HOLD_S`) so that other processes can still use the
        store, and when the block ends.

        Examples
        --------
        >>> import tempfile
        >>> store = RunStore(Path(tempfile.mkdtemp()) / "runs.duckdb")
        >>> with store.writing():
        ...     run = store.start("sweep", "demo", {}, "hash", seed=1)
        ...     store.add_samples(run, [{"idx": 0, "params": {}, "summary": {"served_t": 1.0}}])
        1
        """
        return holding(self.path, timeout=self.timeout)

    def start(self, kind: str, name: str, spec: Mapping[str, Any], spec_hash: str, *, seed: int | None = None,
              parent_id: str | None = None, run_id: str | None = None) -> str:
        """Record a new run with status ``running``.

        Parameters
        ----------
        kind
            One of :data:`KINDS`: ``"scenario"``, ``"baseline"``, ``"sweep"``, ``"hub"``.
        name
            A name for people (the scenario's name).
        spec
            The scenario spec as a JSON-able dict.
        spec_hash
            Its content hash (see :func:`hash_spec`), used by :meth:`find_done`.
        seed
            The run's seed, an integer in ``[0, 2**64)``.
        parent_id
            A related run that must exist (a scenario's baseline...).
        run_id
            The id to use (default :func:`new_run_id`).

        Returns
        -------
        str
            The run id.
        """
        where = "run store start"
        kind = _check_kind(kind, where)
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
                "created, started) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                [run_id, kind, name.strip(), spec_json, spec_hash, code_version(), seed, parent_id, now, now])
        return run_id

    def finish(self, run_id: str, *, summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
               elapsed_s: float) -> None:
        """Store a run's summary and result tables and mark it ``done``, in one transaction.

        Each table goes to its native table (docs/STORE.md), and the summary's ``bottlenecks`` (LP) or
        ``congestion`` (equilibrium) to ``bottlenecks``. Tables already stored for the run are replaced.

        Parameters
        ----------
        run_id
            The full id returned by :meth:`start`; the run must not be ``done`` already.
        summary
            JSON-able results (NaN and infinities are stored as null).
        tables
            Result tables by name: ``link_flows``, ``od``, ``capacities``, ``transfers``, ``geometry``,
            ``hub_kpis``, ``hub_series``, or ``samples`` (a sweep's :meth:`samples`). Each holds some or
            all of its table's columns, in any order, with a plain (unnamed) index.
        elapsed_s
            Wall-clock seconds of the run.

        Raises
        ------
        InputError
            For a table name or column the schema does not know, or a value of the wrong type,
            naming the run, table and column; the run stays as it was.
        """
        where = f"run {run_id}"
        if not isinstance(summary, Mapping):
            raise InputError(Problem(where, "summary", f"expected a dict, got {type(summary).__name__}"))
        if not isinstance(tables, Mapping):
            raise InputError(Problem(where, "tables", f"expected a dict of DataFrames, got {type(tables).__name__}"))
        summary_json = json_text(summary, where, "summary")
        elapsed = _seconds(elapsed_s, where)
        prepared = prepare_tables(run_id, tables, json.loads(summary_json))
        with self._write() as con:
            self._check_open(con, run_id)
            delete_rows(con, run_id)
            write_tables(con, run_id, prepared)
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
            Dicts with ``idx`` (int >= 0), ``params`` (``{name: number}``), ``summary`` (the sample's
            metrics: ``unserved_t``, ``served_t``, ``demand_t``, ``total_cost_usd``, ``tonne_km``,
            ``co2e_kg``, ``hours_t``, ``by_corridor_t`` (``{corridor: tonnes}``), ``by_gateway_t``
            (``{gateway node: tonnes}`` of Kazakh exports), ``binding``
            (``"kind:id;..."``), ``warm``, ``status``, ``gap``, ``converged``, and the physical
            measures ``served_teu``, ``russia_t``, ``russia_teu``, ``titr_t``, ``titr_teu``,
            ``caspian_oil_t``, ``kz_transit_teu``; any of them) and
            optionally ``seed`` and ``elapsed_s``. Within a batch, the first row of an index wins.

        Returns
        -------
        int
            How many samples were new.

        Raises
        ------
        InputError
            For a malformed row, a value of the wrong type or a metric the store does not know;
            nothing of the batch is stored.
        """
        samples = check_samples(sweep_id, rows)
        if not samples:
            return 0
        with self._write() as con:
            self._resolve(con, sweep_id, exact=True)
            return insert_samples(con, sweep_id, samples)

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
            for table in _SAMPLE_TABLES:
                con.execute(f"DELETE FROM {table.name} WHERE sweep_id = ?", [run_id])
            delete_rows(con, run_id)
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
            Only runs of this kind (one of :data:`KINDS`).
        code_version
            Only runs recorded by this code version (see ``get(...)["code_version"]``).

        Returns
        -------
        str or None
            The run id, or None if no ``done`` run matches (also when the store, or its folder, does
            not exist yet: the first write creates them).
        """
        sql = "SELECT run_id FROM runs WHERE spec_hash = ? AND kind = ? AND status = 'done'"
        args: list[Any] = [spec_hash, _check_kind(kind, "run store find_done")]
        if code_version is not None:
            sql += " AND code_version = ?"
            args.append(code_version)
        with self._read(missing_folder_ok=True) as con:
            row = first(con, sql + " ORDER BY finished DESC, run_id DESC LIMIT 1", args)
        return None if row is None else str(row[0])

    def list_runs(self, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Runs, newest first, without spec and summary.

        Parameters
        ----------
        kind
            Only runs of this kind (one of :data:`KINDS`).
        limit
            At most this many runs.

        Returns
        -------
        list of dict
            The fields of :meth:`get` except ``spec``, ``summary`` and ``tables``, plus
            ``unserved_t`` (``summary.totals.unserved_t`` or ``summary.unserved_t``, else None) and
            ``samples`` (the number of sweep samples).

        Raises
        ------
        InputError
            For a kind that is not one of :data:`KINDS` (with the closest) or a limit below 1.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InputError(Problem("run store list", "limit", f"{limit!r} is not a positive integer"))
        sql = (f"SELECT {_SELECT}, {_KEY_FIGURE}, coalesce(s.n, 0) FROM runs r "
               "LEFT JOIN (SELECT sweep_id, count(*) AS n FROM samples GROUP BY sweep_id) s ON s.sweep_id = r.run_id")
        args: list[Any] = []
        if kind is not None:
            sql += " WHERE r.kind = ?"
            args.append(_check_kind(kind, "run store list"))
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

    def runs(self, kind: str | None = None, limit: int | None = None) -> pd.DataFrame:
        """:meth:`list_runs` as a DataFrame (times as UTC timestamps), for notebooks."""
        import pandas as pd

        frame = pd.DataFrame(self.list_runs(kind=kind, limit=limit), columns=[*_FIELDS, "unserved_t", "samples"])
        for col in ("created", "started", "finished"):
            frame[col] = pd.to_datetime(frame[col], utc=True, format="ISO8601")
        return frame

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
            row = first(con, f"SELECT {_SELECT}, r.spec, r.summary FROM runs r WHERE r.run_id = ?", [run_id])
            tables = listed_tables(con, run_id)
            n = first(con, "SELECT count(*) FROM samples WHERE sweep_id = ?", [run_id])
        assert row is not None  # _resolve found it in this snapshot
        d = _run_dict(row[: len(_FIELDS)])
        d["spec"] = json.loads(row[-2])
        d["summary"] = None if row[-1] is None else json.loads(row[-1])
        d["tables"] = {name: entry[1] for name, entry in tables.items()}
        d["samples"] = int(n[0]) if n else 0
        return d

    def table(self, run_id: str, name: str) -> pd.DataFrame:
        """One result table of a run, as given to :meth:`finish`.

        Raises
        ------
        InputError
            If the run has no table of that name (naming the ones it has).
        """
        with self._read() as con:
            run_id = self._resolve(con, run_id)
            tables = listed_tables(con, run_id)
            if name in tables:
                return _read(con, run_id, tables[name])
        raise InputError(Problem(f"run {run_id}", "table", _unknown("table", name, list(tables))))

    def tables(self, run_id: str) -> dict[str, pd.DataFrame]:
        """All result tables of a run, by name."""
        with self._read() as con:
            run_id = self._resolve(con, run_id)
            return {name: _read(con, run_id, entry) for name, entry in listed_tables(con, run_id).items()}

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
            Columns ``idx``, ``seed`` (nullable Int64; UInt64 for seeds of 2**63 or more),
            ``elapsed_s``, then ``param.<name>`` for each parameter (sorted by name) and one column
            per metric that any sample has, in the sweep's order: ``unserved_t`` ... ``hours_t``,
            ``by_corridor_t.<corridor>``, ``by_gateway_t.<gateway>``,
            ``binding``, ``warm``, ``status``, ``gap``, ``converged`` and the
            physical measures (``russia_t``, ``titr_t`` ...), each only if some sample has it.
        """
        with self._read() as con:
            sweep_id = self._resolve(con, sweep_id)
            return read_samples(con, sweep_id)

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None, *,
            max_rows: int = MAX_SQL_ROWS, time_limit_s: float = SQL_TIME_LIMIT_S) -> pd.DataFrame:
        """The rows of a read-only SQL query over the store's tables (docs/STORE.md).

        The store is opened read-only and the query can read nothing else (no files, no extensions).

        Parameters
        ----------
        query
            One query: ``select``, ``with``, ``describe``, ``show``, ``summarize`` or ``explain``.
        params
            Values for its ``?`` (a list) or ``$name`` (a dict) placeholders.
        max_rows
            Refuse a result of more rows than this.
        time_limit_s
            Stop a query still running after this many seconds.

        Returns
        -------
        pandas.DataFrame
            The rows (DuckDB's conversion: nullable integers and booleans, ``str`` text).

        Raises
        ------
        InputError
            For SQL DuckDB refuses (naming the store and DuckDB's message), a statement that writes,
            more than ``max_rows`` rows or a query stopped at ``time_limit_s``.

        Examples
        --------
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     RunStore(Path(tmp) / "runs.duckdb").sql("select count(*) as n from runs")["n"].tolist()
        [0]
        """
        check_query(query, params, max_rows, time_limit_s, str(self.path))
        with self._read(shared=False) as con:  # the user's query always on a read-only connection
            return run_query(con, query, params, max_rows=max_rows, time_limit_s=float(time_limit_s),
                             where=str(self.path))

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

    def _read(self, *, missing_folder_ok: bool | None = None, shared: bool = True) -> Any:
        ok = not self._given if missing_folder_ok is None else missing_folder_ok
        return connect(self.path, read_only=True, timeout=self.timeout, missing_folder_ok=ok, shared=shared)

    def _write(self) -> Any:
        return connect(self.path, read_only=False, timeout=self.timeout)

    def _resolve(self, con: duckdb.DuckDBPyConnection, run_id: str, *, exact: bool = False) -> str:
        if not isinstance(run_id, str) or not run_id.strip():
            raise InputError(Problem(str(self.path), "run_id", f"{run_id!r} is not a run id"))
        run_id = run_id.strip()
        if first(con, "SELECT 1 FROM runs WHERE run_id = ?", [run_id]):
            return run_id
        if not exact:
            hits = _matching(con, run_id)
            if len(hits) == 1:
                return hits[0]
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


def _matching(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Run ids starting with ``run_id``, else (for 4 characters or more) ending with it."""
    hits = [str(r[0]) for r in con.execute(
        "SELECT run_id FROM runs WHERE starts_with(run_id, ?) ORDER BY run_id", [run_id]).fetchall()]
    if not hits and len(run_id) >= 4:
        hits = [str(r[0]) for r in con.execute(
            "SELECT run_id FROM runs WHERE ends_with(run_id, ?) ORDER BY run_id", [run_id]).fetchall()]
    return hits


def _read(con: duckdb.DuckDBPyConnection, run_id: str, entry: tuple[str, int, list[list[str]]]) -> pd.DataFrame:
    sql_table, _, columns = entry
    if sql_table == SAMPLES.name:
        return read_samples(con, run_id)
    return read_table(con, run_id, sql_table, columns)


def _check_kind(kind: object, where: str) -> str:
    if isinstance(kind, str) and kind in KINDS:
        return kind
    raise InputError(Problem(where, "kind", f"unknown kind of run {kind!r}{did_you_mean(str(kind), KINDS)}"))


def _run_dict(row: tuple[Any, ...]) -> dict[str, Any]:
    d = dict(zip(_FIELDS, row, strict=True))
    for key in ("created", "started", "finished"):
        if d[key] is not None:
            d[key] = d[key].isoformat(timespec="milliseconds") + "Z"
    d["seed"] = None if d["seed"] is None else int(d["seed"])
    return d


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _unknown(what: str, name: str, known: list[str]) -> str:
    hint = did_you_mean(name, known, n=3, list_known=False)
    if what == "table" and not hint:
        hint = f"; it has {', '.join(known)}" if known else "; it has no tables"
    return f"unknown {what} {name!r}{hint}"
