"""Migrating version-1 run stores (Parquet blobs and JSON samples) to the native tables of version 2.

The version-1 stores are written two ways: by the version-1 code itself, taken from the git history
(commit V1_COMMIT, the last with it), and with SQL the way version 1 wrote them (so that the test
runs where the history is not at hand, as in a shallow clone).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from corridor.exceptions import InputError
from corridor.scenarios._store_schema import MEASURE_METRICS, SCHEMA_VERSION, TABLES
from corridor.scenarios.store import RunStore

ROOT = Path(__file__).resolve().parents[2]
V1_COMMIT = "8fafac2cde0fb8fbf22ad5b0d443e20cf788ae8a"
V1_FILES = ("store", "_store_db", "_store_codec", "_store_export")

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    spec JSON NOT NULL, spec_hash TEXT NOT NULL, code_version TEXT NOT NULL, seed UHUGEINT, parent_id TEXT,
    created TIMESTAMP NOT NULL, started TIMESTAMP, finished TIMESTAMP, elapsed_s DOUBLE, summary JSON, error TEXT
);
CREATE TABLE run_tables (
    run_id TEXT NOT NULL, name TEXT NOT NULL, n_rows BIGINT NOT NULL, columns JSON NOT NULL, format TEXT NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY (run_id, name)
);
CREATE TABLE samples (
    sweep_id TEXT NOT NULL, idx INTEGER NOT NULL, seed UHUGEINT, params JSON NOT NULL, summary JSON NOT NULL,
    elapsed_s DOUBLE, PRIMARY KEY (sweep_id, idx)
);
CREATE INDEX runs_hash ON runs (spec_hash, kind, status);
INSERT INTO meta VALUES ('schema_version', '1'), ('created_by', 'corridor 0.9.0');
"""

LP_SUMMARY_KEYS = ("engine", "status", "totals", "bottlenecks")
CONGESTION = [{"kind": "transfer", "id": "aktau-port-out", "from": "", "to": "", "unit": "t/yr", "capacity": 1.1e7,
               "flow": 1.2e7, "utilisation": 1.2 / 1.1, "free_time_h": 24.0, "delay_h": 12.5}]


def sample_row(i: int) -> dict[str, Any]:
    """A sample as the version-1 sweep wrote it."""
    return {"idx": i, "seed": 2**62 + 977 * i, "elapsed_s": 0.05 * (i + 1),
            "params": {"ru_risk_premium_usd_per_t": 10.0 + i, "caspian_capacity": 1.0 - 0.1 * i},
            "summary": {"unserved_t": 1e6 * i, "served_t": 1.6e8 - 1e6 * i, "demand_t": 1.6e8,
                        "total_cost_usd": 2e10 + i, "tonne_km": 4.9e11, "co2e_kg": 8.7e9, "hours_t": 3.7e10,
                        "by_corridor_t": {"northern": 1.4e8 - i, "trans-caspian": 2.3e7 + i},
                        "binding": "transfer:aktau-port-out;transfer:alat-port-in" if i % 2 else "",
                        "warm": i > 0, "status": "optimal"}}


@pytest.fixture(scope="module")
def lp() -> Any:
    """A real LP run (its summary and its five tables)."""
    from corridor.scenarios import load_scenario, run_spec

    return run_spec(load_scenario(ROOT / "examples" / "northern-route-closed.yaml"))


@pytest.fixture(scope="module")
def v1_code(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The version-1 ``RunStore`` from the git history, as a module."""
    root = tmp_path_factory.mktemp("v1code")
    package = root / "corridor_store_v1"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for name in V1_FILES:
        p = subprocess.run(["git", "-C", str(ROOT), "show", f"{V1_COMMIT}:src/corridor/scenarios/{name}.py"],
                           capture_output=True, text=True, check=False)
        if p.returncode != 0:
            pytest.skip(f"the version-1 code is not in this checkout's history: {p.stderr.strip()}")
        text = p.stdout.replace("corridor.scenarios._store_", "corridor_store_v1._store_")
        (package / f"{name}.py").write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module("corridor_store_v1.store")
        assert importlib.import_module("corridor_store_v1._store_db").SCHEMA_VERSION == 1
    finally:
        sys.path.remove(str(root))
    return module


def content(lp: Any) -> list[tuple[str, dict[str, Any]]]:
    """What the version-1 store holds: calls of the version-1 API, in order."""
    sweep_frame_rows = [sample_row(i) for i in range(6)]
    return [
        ("start", {"kind": "baseline", "name": "closed", "spec": {"name": "closed", "x": [1, 2.5]}, "spec_hash": "h1",
                   "run_id": "20250101-000000.000-base01"}),
        ("finish", {"run_id": "20250101-000000.000-base01", "summary": lp.summary, "tables": lp.tables,
                    "elapsed_s": 2.5}),
        ("start", {"kind": "scenario", "name": "eq", "spec": {"name": "eq"}, "spec_hash": "h2", "seed": 7,
                   "parent_id": "20250101-000000.000-base01", "run_id": "20250101-000000.001-scen02"}),
        ("finish", {"run_id": "20250101-000000.001-scen02",
                    "summary": {"engine": "equilibrium", "congestion": CONGESTION, "totals": {"unserved_t": 5.0}},
                    "tables": {"link_flows": lp.tables["link_flows"].head(3)}, "elapsed_s": 1.0}),
        ("start", {"kind": "scenario", "name": "broken", "spec": {}, "spec_hash": "h3",
                   "run_id": "20250101-000000.002-fail03"}),
        ("fail", {"run_id": "20250101-000000.002-fail03", "error": "HiGHS: infeasible", "elapsed_s": 0.5}),
        ("start", {"kind": "scenario", "name": "still", "spec": {}, "spec_hash": "h4",
                   "run_id": "20250101-000000.003-runn04"}),
        ("start", {"kind": "sweep", "name": "risk", "spec": {"samples": 6}, "spec_hash": "h5", "seed": 42,
                   "run_id": "20250101-000000.004-swee05"}),
        ("add_samples", {"sweep_id": "20250101-000000.004-swee05", "rows": sweep_frame_rows[:4]}),
        ("add_samples", {"sweep_id": "20250101-000000.004-swee05", "rows": sweep_frame_rows[4:]}),
        ("finish_sweep", {"run_id": "20250101-000000.004-swee05", "summary": {"n": 6}, "elapsed_s": 3.0}),
        ("start", {"kind": "sweep", "name": "risk", "spec": {"samples": 9}, "spec_hash": "h6", "seed": 2**64 - 1,
                   "run_id": "20250101-000000.005-swee06"}),
        ("add_samples", {"sweep_id": "20250101-000000.005-swee06", "rows": [sample_row(7), sample_row(8)]}),
        ("fail", {"run_id": "20250101-000000.005-swee06", "error": "Ctrl-C", "interrupted": True}),
    ]


def write_with_v1_code(v1: Any, path: Path, calls: list[tuple[str, dict[str, Any]]]) -> None:
    store = v1.RunStore(path)
    for method, kw in calls:
        if method == "finish_sweep":
            frame = store.samples(kw["run_id"])
            store.finish(kw["run_id"], summary=kw["summary"], tables={"samples": frame}, elapsed_s=kw["elapsed_s"])
        else:
            getattr(store, method)(**kw)


def write_with_sql(path: Path, calls: list[tuple[str, dict[str, Any]]]) -> None:
    """The same store, written with SQL as version 1 wrote it (Parquet blobs, JSON samples)."""
    con = duckdb.connect(str(path))
    for statement in filter(str.strip, V1_SCHEMA.split(";")):
        con.execute(statement)
    sweep_frames: dict[str, list[dict[str, Any]]] = {}
    for i, (method, kw) in enumerate(calls):
        when = pd.Timestamp("2025-01-01") + pd.Timedelta(seconds=i)
        if method == "start":
            con.execute("INSERT INTO runs (run_id, kind, name, status, spec, spec_hash, code_version, seed, parent_id, "
                        "created, started) VALUES (?, ?, ?, 'running', ?, ?, '0.9.0', ?::UHUGEINT, ?, ?, ?)",
                        [kw["run_id"], kw["kind"], kw["name"], json.dumps(kw["spec"]), kw["spec_hash"],
                         None if kw.get("seed") is None else str(kw["seed"]), kw.get("parent_id"), when, when])
        elif method in ("finish", "finish_sweep"):
            tables = kw.get("tables") or {"samples": _v1_samples_frame(sweep_frames[kw["run_id"]])}
            for name, frame in tables.items():
                blob = io.BytesIO()
                frame.to_parquet(blob, engine="pyarrow", compression="zstd")
                con.execute("INSERT INTO run_tables VALUES (?, ?, ?, ?, 'parquet', ?)",
                            [kw["run_id"], name, len(frame), json.dumps(list(frame.columns)), blob.getvalue()])
            con.execute("UPDATE runs SET status = 'done', summary = ?, finished = ?, elapsed_s = ? WHERE run_id = ?",
                        [json.dumps(kw["summary"]), when, kw["elapsed_s"], kw["run_id"]])
        elif method == "fail":
            con.execute("UPDATE runs SET status = ?, error = ?, finished = ?, elapsed_s = ? WHERE run_id = ?",
                        ["interrupted" if kw.get("interrupted") else "failed", kw["error"], when, kw.get("elapsed_s"),
                         kw["run_id"]])
        else:
            for r in kw["rows"]:
                sweep_frames.setdefault(kw["sweep_id"], []).append(r)
                con.execute("INSERT INTO samples VALUES (?, ?, ?::UHUGEINT, ?, ?, ?)",
                            [kw["sweep_id"], r["idx"], str(r["seed"]), json.dumps(r["params"]),
                             json.dumps(r["summary"]), r["elapsed_s"]])
    con.close()


def _v1_samples_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Version 1's ``samples()``: params and flattened metrics in the order given."""
    records = []
    for r in rows:
        rec: dict[str, Any] = {"idx": r["idx"], "seed": r["seed"], "elapsed_s": r["elapsed_s"]}
        rec.update({f"param.{k}": v for k, v in r["params"].items()})
        for k, v in r["summary"].items():
            rec.update({f"{k}.{c}": t for c, t in v.items()} if isinstance(v, dict) else {k: v})
        records.append(rec)
    frame = pd.DataFrame.from_records(records)
    frame["seed"] = frame["seed"].astype("Int64")
    return frame


WRITERS: dict[str, Callable[..., None]] = {"v1 code": write_with_v1_code, "sql": write_with_sql}


@pytest.fixture(params=list(WRITERS))
def v1_store(request: pytest.FixtureRequest, tmp_path: Path, lp: Any) -> Path:
    path = tmp_path / "runs.duckdb"
    if request.param == "v1 code":
        write_with_v1_code(request.getfixturevalue("v1_code"), path, content(lp))
    else:
        write_with_sql(path, content(lp))
    return path


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a version-1 store holds, read with DuckDB alone."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        runs = con.execute("SELECT run_id, kind, name, status, spec::VARCHAR, spec_hash, code_version, "
                           "seed::VARCHAR, parent_id, created, started, finished, elapsed_s, summary::VARCHAR, error "
                           "FROM runs ORDER BY run_id").fetchall()
        blobs = con.execute("SELECT run_id, name, data FROM run_tables ORDER BY run_id, name").fetchall()
        samples = con.execute("SELECT sweep_id, idx, seed::VARCHAR, params::VARCHAR, summary::VARCHAR, elapsed_s "
                              "FROM samples ORDER BY sweep_id, idx").fetchall()
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()[0][0]
    finally:
        con.close()
    tables = {(r, n): pd.read_parquet(io.BytesIO(b)) for r, n, b in blobs}
    return {"runs": runs, "tables": tables, "samples": samples, "version": version}


def _runs_now(path: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT run_id, kind, name, status, spec::VARCHAR, spec_hash, code_version, "
                           "seed::VARCHAR, parent_id, created, started, finished, elapsed_s, summary::VARCHAR, error "
                           "FROM runs ORDER BY run_id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("first_use", ["write", "read"])
def test_every_run_table_and_sample_survives(v1_store: Path, lp: Any, first_use: str) -> None:
    before = snapshot(v1_store)
    assert before["version"] == "1" and len(before["runs"]) == 6 and len(before["samples"]) == 8
    store = RunStore(v1_store)
    if first_use == "write":
        new = store.start("scenario", "after", {}, "h7")
    else:
        assert [r["run_id"] for r in store.list_runs()][-1] == "20250101-000000.000-base01"
    meta = dict(store.sql("select key, value from meta").values.tolist())
    assert meta["schema_version"] == str(SCHEMA_VERSION) and meta["migrated_from"] == "1"
    names = set(store.sql("select table_name from information_schema.tables")["table_name"])
    assert names == {t.name for t in TABLES}  # the blobs and JSON samples are gone
    runs = _runs_now(v1_store)
    if first_use == "write":
        assert [r[0] for r in runs] == [r[0] for r in before["runs"]] + [new]
        runs = runs[:-1]
    assert runs == before["runs"]  # every field of every run, seeds up to 2**64 - 1 exactly
    for (run_id, name), frame in before["tables"].items():
        back = store.table(run_id, name)
        if name == "samples":
            pd.testing.assert_frame_equal(back, frame, check_like=True)
        else:
            pd.testing.assert_frame_equal(back, frame)
    pd.testing.assert_frame_equal(store.table("base01", "link_flows"), lp.tables["link_flows"])
    assert store.get("base01")["tables"] == {n: len(f) for n, f in lp.tables.items()}
    for sweep_id in {s[0] for s in before["samples"]}:
        expected = _v1_samples_frame([sample_row(int(s[1])) for s in before["samples"] if s[0] == sweep_id])
        pd.testing.assert_frame_equal(store.samples(sweep_id), expected, check_like=True)
    assert store.sample_indices("swee06") == {7, 8} and store.get("swee06")["status"] == "interrupted"
    ranked = store.sql("select run_id, rank, capacity_id, ranked_by from bottlenecks order by run_id, rank")
    lp_ids = [b["id"] for b in lp.summary["bottlenecks"]]
    assert ranked["capacity_id"].tolist() == [*lp_ids, "aktau-port-out"]
    assert ranked["ranked_by"].tolist() == ["usd_per_t_yr"] * len(lp_ids) + ["delay_h"]
    binding = store.sql("select count(*) n from sample_binding where sweep_id like '%swee05'")["n"][0]
    assert binding == 2 * 3  # samples 1, 3 and 5 bind two capacities each


def test_a_store_that_cannot_be_migrated_is_left_unchanged(tmp_path: Path, lp: Any) -> None:
    path = tmp_path / "runs.duckdb"
    calls = content(lp)
    odd = lp.tables["link_flows"].assign(tonnes_per_day=1.0)
    calls[1] = ("finish", {**calls[1][1], "tables": {"link_flows": odd}})
    write_with_sql(path, calls)
    before = snapshot(path)
    for call in (lambda s: s.list_runs(), lambda s: s.start("scenario", "x", {}, "h")):
        with pytest.raises(InputError, match=r"runs\.duckdb: is a version-1 run store that cannot be migrated to "
                                             r"version 2 \(run 20250101-000000\.000-base01 table link_flows: "
                                             r"tonnes_per_day: .*\); the file is unchanged"):
            call(RunStore(path))
    after = snapshot(path)
    assert after["version"] == "1" and after["runs"] == before["runs"] and after["samples"] == before["samples"]
    assert after["tables"].keys() == before["tables"].keys()


def test_seeds_of_2_64_or_more_are_refused(tmp_path: Path, lp: Any) -> None:
    path = tmp_path / "runs.duckdb"
    calls = content(lp)
    calls.append(("start", {"kind": "hub", "name": "big", "spec": {}, "spec_hash": "h9", "seed": 2**100,
                            "run_id": "20250101-000000.009-bigs09"}))
    write_with_sql(path, calls)
    with pytest.raises(InputError, match=r"run 20250101-000000\.009-bigs09: seed: 1267650600228229401496703205376 "
                                         r"is 2\*\*64 or more"):
        RunStore(path).list_runs()
    assert snapshot(path)["version"] == "1"


@pytest.mark.parametrize("version", ["0", "x", "5"])
def test_other_versions_are_refused(tmp_path: Path, version: str) -> None:
    path = tmp_path / "runs.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    con.execute("CREATE TABLE runs (run_id TEXT)")
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [version])
    con.close()
    hint = "upgrade corridor" if version == "5" else "unknown layout"
    with pytest.raises(InputError, match=rf"run store schema version .*, this corridor reads version 4 \(.*{hint}\)"):
        RunStore(path).list_runs()


def test_a_store_that_cannot_be_written_is_refused_with_what_to_do(tmp_path: Path, lp: Any) -> None:
    """The file and its folder read-only; as root, the check runs without the power to override permissions."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "runs.duckdb"
    write_with_sql(path, content(lp))
    before = snapshot(path)
    path.chmod(0o444)
    folder.chmod(0o555)
    code = ("import sys\nfrom corridor.scenarios.store import RunStore\nfrom corridor.exceptions import InputError\n"
            "try:\n    RunStore(sys.argv[1]).list_runs()\nexcept InputError as e:\n    print(e)\n")
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: nothing can be read-only here")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    try:
        p = subprocess.run([*prefix, sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                           timeout=120, check=False)
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert p.returncode == 0, p.stderr
    after = snapshot(path)
    assert p.stdout.strip() == (
        f"{path}: is an older run store, and this corridor reads version 4: it migrates the file on first use, "
        "but cannot write it here; copy it to a folder you can write (or make it writable) and open it there once, "
        "or use the corridor version that wrote it")
    assert (after["version"], after["runs"], after["samples"]) == ("1", before["runs"], before["samples"])


def test_a_version_2_store_gains_the_measure_columns(tmp_path: Path) -> None:
    """Version 2 -> 4: the samples table gains the physical measures (null in old samples); nothing is lost."""
    path = tmp_path / "runs.duckdb"
    store = RunStore(path)
    sweep = store.start("sweep", "old", {}, "h-old")
    assert store.add_samples(sweep, [{"idx": 0, "params": {"x": 1.0},
                                      "summary": {"served_t": 5.0, "by_corridor_t": {"northern": 2.0}}}]) == 1
    con = duckdb.connect(str(path))  # make it a version-2 store, as the previous corridor wrote it
    for c in MEASURE_METRICS:
        con.execute(f"ALTER TABLE samples DROP COLUMN {c.name}")
    con.execute("DROP TABLE sample_gateways")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.close()
    store = RunStore(path)
    old = store.samples(sweep)
    assert old["served_t"].tolist() == [5.0] and old["by_corridor_t.northern"].tolist() == [2.0]
    assert "russia_t" not in old  # null in every old sample: no column
    meta = dict(store.sql("select key, value from meta").values.tolist())
    assert meta["schema_version"] == str(SCHEMA_VERSION) == "4" and meta["migrated_from"] == "2"
    assert store.add_samples(sweep, [{"idx": 1, "params": {"x": 2.0},
                                      "summary": {"served_t": 6.0, "russia_t": 1.5, "titr_teu": 10.0}}]) == 1
    new = store.samples(sweep)
    assert new["russia_t"].tolist()[1] == 1.5 and pd.isna(new["russia_t"].tolist()[0])
    con = duckdb.connect(str(path), read_only=True)
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
                                      "'samples' ORDER BY ordinal_position").fetchall()]
    con.close()
    samples = next(t for t in TABLES if t.name == "samples")
    assert cols == [c.name for c in samples.columns]  # the same layout as a new store


def _columns(path: Path, table: str) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [(r[0], r[1]) for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("first_use", ["write", "read"])
def test_a_version_3_store_gains_the_gateway_table(tmp_path: Path, first_use: str) -> None:
    """Version 3 -> 4: ``sample_gateways`` is added, empty; old samples keep everything, new ones record gateways."""
    path = tmp_path / "runs.duckdb"
    store = RunStore(path)
    sweep = store.start("sweep", "old", {}, "h-old")
    assert store.add_samples(sweep, [{"idx": 0, "params": {"x": 1.0},
                                      "summary": {"served_t": 5.0, "titr_t": 1.0, "by_corridor_t": {"northern": 2.0}}}]
                             ) == 1
    expect = _columns(path, "sample_gateways")
    con = duckdb.connect(str(path))  # make it a version-3 store, as the previous corridor wrote it
    con.execute("DROP TABLE sample_gateways")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    store = RunStore(path)
    if first_use == "read":
        old = store.samples(sweep)
    else:
        assert store.add_samples(sweep, [{"idx": 1, "params": {"x": 2.0},
                                          "summary": {"served_t": 6.0, "by_gateway_t": {"aktau": 3.0}}}]) == 1
        old = store.samples(sweep).iloc[:1]
    assert old["served_t"].tolist() == [5.0] and old["by_corridor_t.northern"].tolist() == [2.0]
    assert old["titr_t"].tolist() == [1.0]
    meta = dict(store.sql("select key, value from meta").values.tolist())
    assert meta["schema_version"] == "4" and meta["migrated_from"] == "3"
    assert _columns(path, "sample_gateways") == expect  # the same layout as a new store
    assert store.add_samples(sweep, [{"idx": 2, "params": {"x": 3.0},
                                      "summary": {"served_t": 7.0, "by_gateway_t": {"aktau": 4.0, "atyrau": 1.0}}}]
                             ) == 1
    frame = store.samples(sweep)
    assert pd.isna(frame["by_gateway_t.aktau"].tolist()[0]) and frame["by_gateway_t.aktau"].tolist()[-1] == 4.0
    assert store.sql("select count(*) from sample_gateways where idx = 0").values.tolist() == [[0]]
    assert store.delete(sweep) == sweep
    assert store.sql("select count(*) from sample_gateways").values.tolist() == [[0]]


def test_a_version_3_store_that_cannot_be_altered_is_left_unchanged(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "runs.duckdb"
    RunStore(path).start("sweep", "old", {}, "h-old")
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE sample_gateways")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()
    from corridor.scenarios import _store_migrate

    def broken(con: Any) -> None:
        con.execute("CREATE TABLE sample_gateways (x INTEGER)")
        con.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(_store_migrate, "_add_gateways", broken)
    with pytest.raises(InputError, match="is a version-3 run store that cannot be migrated to version 4"):
        RunStore(path).list_runs()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall() == [("3",)]
    assert not con.execute("SELECT * FROM information_schema.tables WHERE table_name = 'sample_gateways'").fetchall()
    con.close()
