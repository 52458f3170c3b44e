"""Migrating an older run store to the current version (:data:`SCHEMA_VERSION`), in one transaction.

Version 3 -> 4 adds the table ``sample_gateways`` (tonnes of Kazakh exports by export gateway of each
sweep sample), empty: samples recorded before have no tonnes by gateway.

Version 2 -> 4 adds the physical measures (:data:`~corridor.scenarios._store_schema.MEASURE_METRICS`)
to ``samples`` as nullable columns: samples recorded before have no measures (null), and their
``sample_corridors`` keep the link entries by corridor tag they were recorded with; and it adds
``sample_gateways`` as from version 3.

Version 1 kept each result table as one Parquet blob per run and table, and each sweep sample as
JSON ``params`` and ``summary``; its seeds were ``UHUGEINT``. The migration renames the old tables,
creates the version-2 schema, copies every run, decodes every blob into its native table (through
the same checks as :meth:`RunStore.finish <corridor.scenarios.store.RunStore.finish>`), writes each
sample's metrics, parameters, corridors and binding capacities to their tables, writes the
bottlenecks of every summary, drops the old tables and sets ``schema_version`` to 2. If anything
cannot be carried over, nothing changes and the store is refused with the reason.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from corridor.exceptions import InputError, Problem
from corridor.scenarios._store_codec import MAX_SEED
from corridor.scenarios._store_samples import check_samples, insert_samples
from corridor.scenarios._store_schema import MEASURE_METRICS, RUNS, SAMPLE_GATEWAYS, SCHEMA_VERSION, TABLES, ddl
from corridor.scenarios._store_tables import prepare_tables, write_tables

if TYPE_CHECKING:
    from pathlib import Path

    import duckdb
    import pandas as pd

__all__ = ["migrate_v1", "migrate_v2", "migrate_v3"]

_OLD = ("runs", "run_tables", "samples")
_BATCH = 5000


def migrate_v1(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Migrate the version-1 store open on ``con`` (read-write) to version 2, in one transaction.

    Raises
    ------
    InputError
        If a run, table or sample cannot be carried over (the file is left unchanged), naming it.
    """
    import duckdb

    from corridor._version import __version__

    con.begin()
    try:
        _check_seeds(con)
        _rename_old(con)
        for table in TABLES:
            if table.name != "meta":
                con.execute(ddl(table))
        con.execute("CREATE INDEX runs_hash ON runs (spec_hash, kind, status)")
        _copy_runs(con)
        _copy_samples(con)
        _copy_tables(con)
        for name in _OLD:
            con.execute(f"DROP TABLE {name}_v1")
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("INSERT OR REPLACE INTO meta VALUES ('migrated_from', '1'), ('migrated_by', ?), "
                    "('migrated_at', ?)", [f"corridor {__version__}", datetime.now(UTC).isoformat(timespec="seconds")])
    except (InputError, duckdb.Error) as e:
        con.rollback()
        reason = "; ".join(str(p) for p in e.problems) if isinstance(e, InputError) else str(e).splitlines()[0]
        msg = (f"is a version-1 run store that cannot be migrated to version 2 ({reason}); the file is unchanged: "
               "export its runs with the corridor version that wrote it")
        raise InputError(Problem(str(path), "", msg)) from None
    con.commit()


def migrate_v2(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Migrate the version-2 store open on ``con`` (read-write) to the current version, in one transaction.

    Raises
    ------
    InputError
        If the store cannot be altered (the file is left unchanged).
    """

    def steps() -> None:
        have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                          "WHERE table_schema = 'main' AND table_name = 'samples'").fetchall()}
        for c in MEASURE_METRICS:
            if c.name not in have:
                con.execute(f"ALTER TABLE samples ADD COLUMN {c.name} {c.type}")
        _add_gateways(con)

    _migrate(con, path, 2, steps)


def migrate_v3(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Migrate the version-3 store open on ``con`` (read-write) to version 4, in one transaction.

    Raises
    ------
    InputError
        If the store cannot be altered (the file is left unchanged).
    """
    _migrate(con, path, 3, lambda: _add_gateways(con))


def _migrate(con: duckdb.DuckDBPyConnection, path: Path, version: int, steps: Callable[[], None]) -> None:
    """Run ``steps`` and mark the store as of :data:`SCHEMA_VERSION`, all in one transaction."""
    import duckdb

    from corridor._version import __version__

    con.begin()
    try:
        steps()
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        con.execute("INSERT OR REPLACE INTO meta VALUES ('migrated_from', ?), ('migrated_by', ?), "
                    "('migrated_at', ?)", [str(version), f"corridor {__version__}",
                                           datetime.now(UTC).isoformat(timespec="seconds")])
    except duckdb.Error as e:
        con.rollback()
        msg = (f"is a version-{version} run store that cannot be migrated to version {SCHEMA_VERSION} "
               f"({str(e).splitlines()[0]}); the file is unchanged")
        raise InputError(Problem(str(path), "", msg)) from None
    con.commit()


def _add_gateways(con: duckdb.DuckDBPyConnection) -> None:
    """Create the empty ``sample_gateways`` (version 4) unless the store has it."""
    have = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' "
                       "AND table_name = ?", [SAMPLE_GATEWAYS.name]).fetchall()[0][0]
    if not have:
        con.execute(ddl(SAMPLE_GATEWAYS))


def _rename_old(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP INDEX IF EXISTS runs_hash")  # an index keeps a table from being renamed
    for name in _OLD:
        con.execute(f"ALTER TABLE {name} RENAME TO {name}_v1")


def _check_seeds(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse seeds of 2**64 or more (version 1 kept up to 2**128 - 1), before any table changes."""
    big = con.execute(f"SELECT run_id, seed::VARCHAR FROM runs WHERE seed > {MAX_SEED} LIMIT 1").fetchall()
    if big:
        raise InputError(Problem(f"run {big[0][0]}", "seed", f"{big[0][1]} is 2**64 or more; version 2 keeps seeds "
                                 "below 2**64"))
    big = con.execute(f"SELECT sweep_id, idx, seed::VARCHAR FROM samples WHERE seed > {MAX_SEED} LIMIT 1").fetchall()
    if big:
        raise InputError(Problem(f"sweep {big[0][0]} sample {big[0][1]}", "seed", f"{big[0][2]} is 2**64 or more; "
                                 "version 2 keeps seeds below 2**64"))


def _copy_runs(con: duckdb.DuckDBPyConnection) -> None:
    columns = ", ".join(c.name for c in RUNS.columns)
    con.execute(f"INSERT INTO runs ({columns}) SELECT {columns} FROM runs_v1")


def _copy_samples(con: duckdb.DuckDBPyConnection) -> None:
    last: tuple[str, int] = ("", -1)
    while True:
        rows = con.execute(
            "SELECT sweep_id, idx, seed::UBIGINT, params, summary, elapsed_s FROM samples_v1 "
            "WHERE sweep_id > ? OR (sweep_id = ? AND idx > ?) ORDER BY sweep_id, idx LIMIT ?",
            [last[0], last[0], last[1], _BATCH]).fetchall()
        if not rows:
            return
        by_sweep: dict[str, list[dict[str, Any]]] = {}
        for sweep_id, idx, seed, params, summary, elapsed in rows:
            by_sweep.setdefault(sweep_id, []).append({"idx": idx, "seed": seed, "params": json.loads(params),
                                                      "summary": json.loads(summary), "elapsed_s": elapsed})
        for sweep_id, batch in by_sweep.items():
            insert_samples(con, sweep_id, check_samples(sweep_id, batch))
        last = (rows[-1][0], rows[-1][1])


def _copy_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Each run's blobs decoded into native tables, and the bottlenecks of its summary."""
    runs = con.execute("SELECT run_id, summary FROM runs ORDER BY run_id").fetchall()
    for run_id, summary_text in runs:
        names = [r[0] for r in con.execute("SELECT name FROM run_tables_v1 WHERE run_id = ? ORDER BY name",
                                           [run_id]).fetchall()]
        frames = {}
        for name in names:
            row = con.execute("SELECT data FROM run_tables_v1 WHERE run_id = ? AND name = ?", [run_id, name]).fetchall()
            frames[name] = _frame_from_blob(row[0][0])
        summary = json.loads(summary_text) if summary_text is not None else {}
        write_tables(con, run_id, prepare_tables(run_id, frames, summary if isinstance(summary, dict) else {}))


def _frame_from_blob(blob: bytes) -> pd.DataFrame:
    """A table stored by version 1: Parquet bytes written by pandas."""
    import pandas as pd

    return pd.read_parquet(io.BytesIO(blob), engine="pyarrow")
