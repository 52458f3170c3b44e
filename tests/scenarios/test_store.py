"""The run store: round trips, prefixes, exports, bad input, and real concurrent and killed processes.

The native tables, SQL and the schema documentation are tested in test_store_schema.py, the migration
of version-1 stores in test_store_migrate.py.
"""

from __future__ import annotations

import json
import math
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.exceptions import CorridorError, InputError
from corridor.scenarios.store import KINDS, RunStore, default_store_path, hash_spec, new_run_id

SUMMARY = {
    "engine": "lp", "status": "optimal",
    "totals": {"demand_t": 1.6e8, "served_t": 1.6e8, "unserved_t": 2.5e6, "total_cost_usd": 2.0e10,
               "tonne_km": 4.9e11, "co2e_kg": 8.7e9, "hours_t": 3.7e10},
    "by_commodity": {"coal": {"demand_t": 3.2e7, "served_t": 3.2e7, "unserved_t": 0.0}},
    "by_corridor": {"northern": {"tonnes": 1.5e8, "teu": 0.0, "tonne_km": 1.6e11, "co2e_kg": 2.1e9}},
    "border_crossings": {"kz-ru": 1.2e7},
    "bottlenecks": [{"kind": "transfer", "id": "aktau-port-out", "from": "", "to": "", "unit": "t/yr",
                     "capacity": 1.1e7, "flow": 1.1e7, "utilisation": 1.0, "usd_per_t_yr": 6.47}],
}


def flows() -> pd.DataFrame:
    return pd.DataFrame({"link": ["ab", "ab", "bc"], "from": ["a", "b", "b"], "to": ["b", "a", "c"],
                         "mode": "rail-1520", "corridor": "northern", "commodity": ["coal", "grain", "coal"],
                         "tonnes": [1.5e6, 2.0e5, 7.0e5]})


def geometry() -> pd.DataFrame:
    return pd.DataFrame({"link": ["ab", "bc"], "from": ["a", "b"], "to": ["b", "c"], "lon_from": [50.0, 51.0],
                         "lat_from": [40.0, 41.0], "lon_to": [51.0, 52.0], "lat_to": [41.0, 42.5]})


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "store" / "runs.duckdb", timeout=10)


def finished(store: RunStore, name: str = "base", *, kind: str = "scenario", spec: dict[str, Any] | None = None,
             tables: dict[str, pd.DataFrame] | None = None, summary: dict[str, Any] | None = None) -> str:
    spec = spec or {"name": name}
    run = store.start(kind, name, spec, hash_spec(spec))
    store.finish(run, summary=SUMMARY if summary is None else summary,
                 tables={"link_flows": flows(), "geometry": geometry()} if tables is None else tables, elapsed_s=1.25)
    return run


# -- paths and ids -----------------------------------------------------------------------------------


def test_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CORRIDOR_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_store_path() == tmp_path / "corridor-runs.duckdb"
    monkeypatch.setenv("CORRIDOR_HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home" / "runs.duckdb"
    assert RunStore().path == tmp_path / "home" / "runs.duckdb"


def test_run_ids_sort_in_creation_order_and_are_unique() -> None:
    ids = []
    for _ in range(5):
        ids.append(new_run_id())
        time.sleep(0.002)
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"\d{8}-\d{6}\.\d{3}-[0-9a-f]{6}", i) for i in ids)
    assert len({new_run_id() for _ in range(2000)}) == 2000


def test_reading_a_missing_store_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_HOME", str(tmp_path / "no"))
    s = RunStore()  # the default store: no runs yet, wherever it will be
    assert s.list_runs() == [] and s.sql("select * from runs").empty
    assert s.find_done("h", "scenario") is None
    with pytest.raises(InputError, match="does not exist yet"):
        s.get("abc")
    here = RunStore(tmp_path / "runs.duckdb")  # a given file in a folder that exists: no runs yet
    assert here.list_runs() == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/proc/x/runs.duckdb", "{tmp}/typo/runs.duckdb"])
def test_reading_a_given_store_whose_folder_does_not_exist_names_it(tmp_path: Path, path: str) -> None:
    s = RunStore(path.format(tmp=tmp_path))
    for read in (s.list_runs, lambda: s.get("abc"), lambda: s.sql("select 1")):
        with pytest.raises(InputError, match=rf"^{re.escape(str(s.path))}: no run store here: the folder "
                                             rf"{re.escape(str(s.path.parent))} does not exist$"):
            read()
    assert s.find_done("h", "scenario") is None  # the first write creates it
    assert not s.path.parent.exists()


def test_paths_that_cannot_be_a_store_are_named(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x\n", encoding="utf-8")
    for path, message in ((a_file / "runs.duckdb", f"cannot be a file: {a_file} is not a folder"),
                          (Path("/dev/null"), "is not a regular file")):
        for call in (lambda s: s.list_runs(), lambda s: s.start("scenario", "x", {}, "h")):
            with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: {re.escape(message)}"):
                call(RunStore(path))


def test_writing_where_no_store_can_be_names_the_path(tmp_path: Path) -> None:
    path = Path("/proc/x/runs.duckdb")
    with pytest.raises(InputError) as e:
        RunStore(path).start("scenario", "x", {}, "h")
    [problem] = e.value.problems
    assert problem.where == str(path) and "cannot create the run store's folder /proc/x" in problem.message
    assert ".tmp" not in str(e.value)


def test_kinds_are_checked_with_did_you_mean(store: RunStore) -> None:
    assert KINDS == ("scenario", "baseline", "sweep", "hub")
    with pytest.raises(InputError,
                       match=r"kind: unknown kind of run 'nonsense'; expected one of baseline, hub, scenario, sweep"):
        store.list_runs(kind="nonsense")
    with pytest.raises(InputError, match=r"unknown kind of run 'sweeps'; did you mean 'sweep'\?"):
        store.list_runs(kind="sweeps")
    with pytest.raises(InputError, match="unknown kind of run 'scenrio'; did you mean 'scenario'"):
        store.start("scenrio", "x", {}, "h")
    with pytest.raises(InputError, match="unknown kind"):
        store.find_done("h", "hubs")
    assert not store.path.exists()
    runs = {kind: store.start(kind, kind, {}, "h") for kind in KINDS}
    for kind in KINDS:
        assert [r["run_id"] for r in store.list_runs(kind=kind)] == [runs[kind]]


# -- round trips -------------------------------------------------------------------------------------


def test_run_round_trip(store: RunStore) -> None:
    spec = {"name": "aktau-hub", "changes": [{"add_terminal": {"teu": 5e5}}], "base": {"year": 2021}}
    run = store.start("scenario", "aktau-hub", spec, hash_spec(spec), seed=7)
    got = store.get(run)
    assert got["status"] == "running" and got["spec"] == spec and got["summary"] is None and got["seed"] == 7
    assert got["tables"] == {} and got["finished"] is None and got["code_version"].startswith("0.")
    store.finish(run, summary=SUMMARY, tables={"link_flows": flows(), "geometry": geometry()}, elapsed_s=2.5)
    got = store.get(run)
    assert got["status"] == "done" and got["summary"] == SUMMARY and got["elapsed_s"] == 2.5
    assert got["tables"] == {"geometry": 2, "link_flows": 3}
    assert got["created"].endswith("Z") and got["finished"] >= got["started"]
    json.dumps(got, allow_nan=False)  # the REST API serves it as is
    [row] = store.list_runs()
    assert row["run_id"] == run and row["unserved_t"] == 2.5e6 and row["samples"] == 0
    assert "spec" not in row and "summary" not in row
    json.dumps(row, allow_nan=False)


def test_list_filters_and_orders_newest_first(store: RunStore) -> None:
    a = finished(store, "a")
    sweep = store.start("sweep", "s", {}, "hs", parent_id=a)
    b = finished(store, "b")
    assert [r["run_id"] for r in store.list_runs()] == [b, sweep, a]
    assert [r["run_id"] for r in store.list_runs(kind="sweep")] == [sweep]
    assert [r["run_id"] for r in store.list_runs(limit=2)] == [b, sweep]
    assert store.get(sweep)["parent_id"] == a
    with pytest.raises(InputError, match="limit"):
        store.list_runs(limit=0)


def test_tables_keep_their_columns_and_dtypes(store: RunStore) -> None:
    flows_ = pd.DataFrame({
        "tonnes": np.array([1.5, np.nan, -0.0, np.inf], dtype=np.float32),  # any order, any subset
        "link": pd.Series(["a", "b", None, "d"], dtype="str"),
        "from": pd.Series(["x", None, "y", "z"], dtype=object),
        "mode": pd.Categorical(["rail", "sea", "rail", "sea"]),
        "commodity": pd.Series(["coal", "grain", "coal", pd.NA], dtype="string"),
    })
    kpis = pd.DataFrame({"kpi": ["wait_mean_h", "utilisation"], "mean": [2.5, 0.75], "sd": [None, None],
                         "n": pd.array([5, None], dtype="Int64"), "level": np.array([0.95, 0.95], dtype=np.float64)})
    series = pd.DataFrame({"series": ["wait_h"] * 3, "day": np.array([1, 2, 3], dtype=np.int16), "value": [1, 2, 3]})
    empty = pd.DataFrame(columns=["link", "from", "to", "mode", "corridor", "commodity", "tonnes"])
    od = pd.DataFrame({"id": ["d1"], "origin": ["a"], "destination": ["b"], "commodity": ["coal"],
                       "group": ["kz"], "demand_t": [1e6], "served_t": [1e6], "unserved_t": [0.0], "reason": [""]})
    filtered = geometry().iloc[[1]]  # a plain index that does not start at 0 comes back from 0
    tables = {"link_flows": flows_, "hub_kpis": kpis, "hub_series": series, "transfers": empty[[]], "od": od,
              "geometry": filtered}
    run = finished(store, tables=tables)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(store.table(run, name), frame.reset_index(drop=True))
    assert store.table(run, "hub_kpis")["sd"].tolist() == [None, None]
    assert set(store.tables(run)) == set(tables)
    assert store.get(run)["tables"] == {"geometry": 1, "hub_kpis": 2, "hub_series": 3, "link_flows": 4, "od": 1,
                                        "transfers": 0}
    finished(store, "empty", tables={"link_flows": empty})
    pd.testing.assert_frame_equal(store.table(store.resolve(store.list_runs()[0]["run_id"]), "link_flows"), empty)


@pytest.mark.parametrize(("tables", "match"), [
    ({"mixed": flows()}, r"table name: unknown table 'mixed' \(the store keeps capacities, geometry"),
    ({"link_flow": flows()}, r"unknown table 'link_flow'; did you mean 'link_flows'\?"),
    ({"bottlenecks": flows()}, "is written from the summary's bottlenecks"),
    ({"link_flows": flows().assign(tonnes_per_day=1.0)},
     r"table link_flows: tonnes_per_day: 'tonnes_per_day' is not a column of the link_flows table; did you "
     r"mean 'tonnes'\? \(it has link, from, to, mode, corridor, commodity, tonnes; a new column is a schema change"),
    ({"link_flows": flows().set_index("link")}, r"has an index named 'link'; store it as a column"),
    ({"link_flows": pd.DataFrame({"tonnes": [1.0, "a"]})}, r"table link_flows: tonnes: expected numbers"),
    ({"link_flows": pd.DataFrame({"tonnes": ["1.5"]}, dtype="str")}, r"tonnes: expected numbers, got str values"),
    ({"link_flows": pd.DataFrame({"link": [1, 2]})}, r"table link_flows: link: expected text, got int64"),
    ({"hub_series": pd.DataFrame({"day": [1.5]})}, r"table hub_series: day: expected integers"),
    ({"hub_series": pd.DataFrame({"day": [2**40]})}, r"table hub_series: day: expected integers"),
    ({"hub_kpis": pd.DataFrame({"mean": pd.to_datetime(["2021-01-01"])})}, r"hub_kpis: mean: expected numbers"),
    ({"link_flows": pd.DataFrame([[1.0, 2.0]], columns=["tonnes", "tonnes"])}, r"tonnes: appears twice"),
    ({"samples": pd.DataFrame({"x": [1]})}, r"table samples: x: 'x' is not a column of a sweep's samples"),
    ({"samples": pd.DataFrame({"idx": [0]})}, r"table samples: idx: names samples that are not stored for this run"),
])
def test_tables_the_schema_does_not_know_are_refused(store: RunStore, tables: dict[str, Any], match: str) -> None:
    run = store.start("scenario", "x", {}, "h")
    with pytest.raises(InputError, match=match):
        store.finish(run, summary={}, tables=tables, elapsed_s=1.0)
    assert store.get(run)["status"] == "running" and store.sql("select count(*) n from link_flows")["n"][0] == 0


def test_find_done_reuses_only_finished_runs_of_the_kind(store: RunStore) -> None:
    spec = {"name": "x"}
    h = hash_spec(spec)
    run = store.start("scenario", "x", spec, h)
    assert store.find_done(h, "scenario") is None
    store.finish(run, summary={}, tables={}, elapsed_s=0.0)
    assert store.find_done(h, "scenario") == run
    assert store.find_done(h, "baseline") is None
    assert store.find_done("other", "scenario") is None
    again = finished(store, "x", spec=spec)
    assert store.find_done(h, "scenario") == again
    assert store.find_done(h, "scenario", code_version="0.0.0-nope") is None


def test_fail_interrupt_and_finish_rules(store: RunStore) -> None:
    run = store.start("scenario", "x", {}, "h")
    store.fail(run, "HiGHS: infeasible", elapsed_s=0.5)
    got = store.get(run)
    assert got["status"] == "failed" and got["error"] == "HiGHS: infeasible" and got["summary"] is None
    sweep = store.start("sweep", "s", {}, "hs")
    store.fail(sweep, "Ctrl-C", interrupted=True)
    assert store.get(sweep)["status"] == "interrupted"
    store.finish(sweep, summary={"n": 0}, tables={}, elapsed_s=1.0)  # a resumed sweep may finish
    assert store.get(sweep)["status"] == "done" and store.get(sweep)["error"] is None
    with pytest.raises(InputError, match="already done"):
        store.finish(sweep, summary={}, tables={}, elapsed_s=1.0)
    with pytest.raises(InputError, match="already done"):
        store.fail(sweep, "late")
    with pytest.raises(InputError, match="already exists"):
        store.start("scenario", "x", {}, "h", run_id=run)


def test_delete(store: RunStore) -> None:
    keep = finished(store, "keep")
    sweep = store.start("sweep", "s", {}, "hs")
    store.add_samples(sweep, [{"idx": 0, "params": {}, "summary": {}}])
    assert store.delete(sweep[-6:]) == sweep
    assert [r["run_id"] for r in store.list_runs()] == [keep]
    with pytest.raises(InputError):
        store.sample_indices(sweep)


# -- samples -----------------------------------------------------------------------------------------


def sample(i: int, **extra: Any) -> dict[str, Any]:
    return {"idx": i, "seed": 1000 + i, "params": {"ru_risk_premium": 10.0 + i, "close_ru": i % 2},
            "summary": {"unserved_t": 1e6 * i, "total_cost_usd": 2e10,
                        "binding": "transfer:aktau-port-out" if i % 2 else ""},
            "elapsed_s": 0.25, **extra}


def test_samples_are_idempotent(store: RunStore) -> None:
    sweep = store.start("sweep", "northern-risk-premium", {"samples": 15}, "hs", seed=42)
    assert store.sample_indices(sweep) == set()
    assert store.add_samples(sweep, [sample(i) for i in range(10)]) == 10
    assert store.add_samples(sweep, [sample(i, elapsed_s=9.0) for i in range(5, 15)]) == 5
    assert store.add_samples(sweep, [sample(3), sample(3)]) == 0
    assert store.add_samples(sweep, []) == 0
    assert store.sample_indices(sweep) == set(range(15))
    frame = store.samples(sweep)
    assert list(frame.columns) == ["idx", "seed", "elapsed_s", "param.close_ru", "param.ru_risk_premium",
                                   "unserved_t", "total_cost_usd", "binding"]
    assert frame["idx"].tolist() == list(range(15))
    assert frame["elapsed_s"].tolist() == [0.25] * 10 + [9.0] * 5  # the first write of a sample wins
    assert str(frame["seed"].dtype) == "Int64" and frame["seed"].tolist() == [1000 + i for i in range(15)]
    assert frame["unserved_t"].dtype == np.float64 and frame.loc[3, "unserved_t"] == 3e6
    assert frame["param.close_ru"].tolist() == [float(i % 2) for i in range(15)]
    assert frame.loc[1, "binding"] == "transfer:aktau-port-out" and frame.loc[2, "binding"] == ""
    assert store.get(sweep)["samples"] == 15 and store.list_runs()[0]["samples"] == 15
    store.finish(sweep, summary={"n": 15}, tables={"samples": frame}, elapsed_s=3.0)  # the sweep runner does this
    assert len(store.table(sweep, "samples")) == 15


def test_samples_frame_shapes(store: RunStore) -> None:
    sweep = store.start("sweep", "s", {}, "hs")
    empty = store.samples(sweep)
    assert list(empty.columns) == ["idx", "seed", "elapsed_s"] and len(empty) == 0
    store.add_samples(sweep, [
        {"idx": 1, "seed": None, "params": {"b": 2.0}, "elapsed_s": None,
         "summary": {"status": "not converged", "gap": 0.01, "converged": False, "warm": True,
                     "by_corridor_t": {"northern": 5.0}}},
        {"idx": 0, "seed": 2**64 - 1, "params": {"a": 1.0, "b": None},
         "summary": {"hours_t": 7.0, "by_corridor_t": {"trans-caspian": 3.0, "northern": 4.0},
                     "by_gateway_t": {"aktau": 1.0}}},
    ])
    frame = store.samples(sweep)
    assert list(frame.columns) == ["idx", "seed", "elapsed_s", "param.a", "param.b", "hours_t",
                                   "by_corridor_t.northern", "by_corridor_t.trans-caspian", "by_gateway_t.aktau",
                                   "warm", "status", "gap", "converged"]
    assert str(frame["seed"].dtype) == "UInt64" and frame.loc[0, "seed"] == 2**64 - 1 and pd.isna(frame.loc[1, "seed"])
    assert frame["by_corridor_t.northern"].tolist() == [4.0, 5.0]
    assert math.isnan(frame.loc[1, "by_corridor_t.trans-caspian"]) and math.isnan(frame.loc[1, "param.a"])
    assert frame.loc[0, "by_gateway_t.aktau"] == 1.0 and math.isnan(frame.loc[1, "by_gateway_t.aktau"])
    assert math.isnan(frame.loc[0, "param.b"]) and math.isnan(frame.loc[1, "elapsed_s"])
    assert frame.loc[1, "status"] == "not converged" and pd.isna(frame.loc[0, "status"])
    assert frame["converged"].tolist()[1] is False or not frame.loc[1, "converged"]
    other = store.start("sweep", "t", {}, "ht")
    store.add_samples(other, [{"idx": 0, "seed": 2**63 - 1, "params": {}, "summary": {}}])
    assert str(store.samples(other)["seed"].dtype) == "Int64"


def test_numpy_values_and_non_finite_floats_are_stored_as_json(store: RunStore) -> None:
    summary = {"a": np.float64(1.5), "b": np.int64(3), "c": np.array([1.0, 2.0]), "nan": math.nan,
               "inf": -math.inf, "t": (1, 2), "k": {1: "x"}}
    run = finished(store, summary=summary, tables={})
    assert store.get(run)["summary"] == {"a": 1.5, "b": 3, "c": [1.0, 2.0], "nan": None, "inf": None,
                                         "t": [1, 2], "k": {"1": "x"}}
    sweep = store.start("sweep", "s", {}, "hs", seed=np.uint64(2**64 - 1))
    assert store.get(sweep)["seed"] == 2**64 - 1
    store.add_samples(sweep, [{"idx": np.int64(4), "seed": np.int64(9), "params": {"p": np.float32(0.5)},
                               "summary": {"unserved_t": np.float64(2.0), "warm": np.bool_(True)},
                               "elapsed_s": np.float64(0.1)}])
    assert store.sample_indices(sweep) == {4}
    row = store.samples(sweep).iloc[0]
    assert (row["param.p"], row["unserved_t"], row["warm"], row["seed"]) == (0.5, 2.0, True, 9)


_json_scalars = (st.none() | st.booleans() | st.integers(-(2**80), 2**80)
                 | st.floats(allow_nan=False, allow_infinity=False)
                 | st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
_numbers = st.none() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
_json = st.recursive(_json_scalars, lambda kids: st.lists(kids, max_size=4)
                     | st.dictionaries(st.text(max_size=8), kids, max_size=4), max_leaves=15)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> RunStore:
    return RunStore(tmp_path_factory.mktemp("hypothesis") / "runs.duckdb", timeout=10)


@settings(max_examples=20)
@given(summary=st.dictionaries(st.text(max_size=10), _json, max_size=6),
       params=st.dictionaries(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10),
                              _numbers, max_size=5))
def test_json_values_round_trip(shared_store: RunStore, summary: dict[str, Any], params: dict[str, Any]) -> None:
    spec = {"params": params, "nested": summary}
    run = shared_store.start("sweep", "hypothesis", spec, hash_spec(spec))
    shared_store.add_samples(run, [{"idx": 0, "params": params, "summary": {"unserved_t": 1.0}}])
    shared_store.finish(run, summary=summary, tables={}, elapsed_s=0.0)
    got = shared_store.get(run)
    assert got["summary"] == summary and got["spec"] == spec
    row = shared_store.samples(run).iloc[0]
    for key, value in params.items():
        back = row[f"param.{key}"]
        assert back == value or (value is None and pd.isna(back))
    stored = shared_store.sql("select name, value from sample_params where sweep_id = ?", [run])
    assert dict(zip(stored["name"], stored["value"], strict=True)) == pytest.approx(
        {k: math.nan if v is None else float(v) for k, v in params.items()}, nan_ok=True)


# -- run ids given by people -------------------------------------------------------------------------


def test_prefix_suffix_and_unknown_ids(store: RunStore) -> None:
    a = store.start("scenario", "a", {}, "h", run_id="20260101-000000.000-aaaaaa")
    b = store.start("scenario", "b", {}, "h", run_id="20260101-000000.001-bbbbbb")
    assert store.get("20260101-000000.000")["run_id"] == a
    assert store.resolve("bbbbbb") == b
    assert store.resolve(f"  {a}  ") == a
    with pytest.raises(InputError, match="matches 2 runs"):
        store.get("2026")
    with pytest.raises(InputError, match=r"unknown run '20260101-000000\.000-aaaaab'; did you mean '20260101-"):
        store.get("20260101-000000.000-aaaaab")
    with pytest.raises(InputError, match=r"runs\.duckdb: run_id: unknown run 'zzz'"):
        store.get("zzz")
    with pytest.raises(InputError, match="unknown run"):
        store.finish("bbbbbb", summary={}, tables={}, elapsed_s=0.0)  # writers need the full id
    with pytest.raises(InputError, match="unknown run"):
        store.add_samples("nope", [sample(0)])
    with pytest.raises(InputError, match="unknown run"):
        store.start("scenario", "c", {}, "h", parent_id="nope")


def test_unknown_table_suggests(store: RunStore) -> None:
    run = finished(store)
    with pytest.raises(InputError, match="did you mean 'link_flows'"):
        store.table(run, "link_flow")
    with pytest.raises(InputError, match="it has geometry, link_flows"):
        store.table(run, "od")


@pytest.mark.parametrize(("call", "match"), [
    (lambda s: s.start("", "x", {}, "h"), "kind"),
    (lambda s: s.start("scenario", " ", {}, "h"), "name"),
    (lambda s: s.start("scenario", "x", ["not", "a", "dict"], "h"), "spec"),
    (lambda s: s.start("scenario", "x", {"f": object()}, "h"), "spec: cannot be stored as JSON"),
    (lambda s: s.start("scenario", "x", {}, ""), "spec_hash"),
    (lambda s: s.start("scenario", "x", {}, "h", seed=-1), "seed"),
    (lambda s: s.start("scenario", "x", {}, "h", seed=2**64), r"seed: 18446744073709551616 is not an integer in "
                                                              r"\[0, 2\*\*64\)"),
    (lambda s: s.start("nonsense", "x", {}, "h"), "kind: unknown kind of run 'nonsense'"),
    (lambda s: s.start("scenario", "x", {}, "h", seed=1.5), "seed"),
    (lambda s: s.start("scenario", "x", {}, "h", run_id="a b"), "run_id"),
    (lambda s: s.start("scenario", "x", {"s": "\ud800"}, "h"), "spec: cannot be stored as JSON"),
])
def test_bad_values_at_start(store: RunStore, call: Any, match: str) -> None:
    with pytest.raises(InputError, match=match):
        call(store)
    assert not store.path.exists()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"elapsed_s": math.nan}, "elapsed_s"),
    ({"elapsed_s": -1.0}, "elapsed_s"),
    ({"summary": [1, 2]}, "summary"),
    ({"tables": {"../evil": flows()}}, "table name: unknown table '../evil'"),
    ({"tables": {"link_flows": [1, 2]}}, "expected a pandas DataFrame"),
    ({"tables": [flows()]}, "tables: expected a dict of DataFrames"),
    ({"tables": {"link_flows": pd.DataFrame({"tonnes": [1, "a"]})}}, "table link_flows: tonnes: expected numbers"),
    ({"summary": {"bottlenecks": [{"kind": "link", "capacity": 1.0}, {"kind": "link", "capacity": "lots"}]}},
     r"summary bottlenecks\[1\]: capacity: expected numbers, got 'lots'"),
])
def test_bad_values_at_finish_leave_the_run_running(store: RunStore, kwargs: dict[str, Any], match: str) -> None:
    run = store.start("scenario", "x", {}, "h")
    args = {"summary": {}, "tables": {}, "elapsed_s": 1.0, **kwargs}
    with pytest.raises(InputError, match=match):
        store.finish(run, **args)
    assert store.get(run)["status"] == "running"


@pytest.mark.parametrize(("row", "match"), [
    ({"params": {}, "summary": {}}, "idx: missing"),
    ({"idx": -1, "params": {}, "summary": {}}, "idx"),
    ({"idx": True, "params": {}, "summary": {}}, "idx"),
    ({"idx": 0, "params": [], "summary": {}}, "params"),
    ({"idx": 0, "params": {}, "summary": {}, "seed": "7"}, "seed"),
    ({"idx": 0, "params": {}, "summary": {}, "elapsed_s": "fast"}, "elapsed_s"),
    ({"idx": 0, "params": {}, "summary": {}, "seed": 2**64}, "seed"),
    ({"idx": 0, "params": {"p": "high"}, "summary": {}}, r"params\.p: 'high' is not a number"),
    ({"idx": 0, "params": {"": 1.0}, "summary": {}}, "params: '' is not a parameter name"),
    ({"idx": 0, "params": {}, "summary": {"unserved": 1.0}},
     r"summary: 'unserved' is not a sample metric the store knows; did you mean 'unserved_t'\? .*schema change"),
    ({"idx": 0, "params": {}, "summary": {"totals": {"unserved_t": 1.0}}}, "'totals' is not a sample metric"),
    ({"idx": 0, "params": {}, "summary": {"unserved_t": "lots"}}, r"summary\.unserved_t: 'lots' is not a number"),
    ({"idx": 0, "params": {}, "summary": {"unserved_t": True}}, r"summary\.unserved_t: True is not a number"),
    ({"idx": 0, "params": {}, "summary": {"warm": 1}}, r"summary\.warm: 1 is not true or false"),
    ({"idx": 0, "params": {}, "summary": {"status": 3}}, r"summary\.status: 3 is not text"),
    ({"idx": 0, "params": {}, "summary": {"by_corridor_t": [1.0]}}, "by_corridor_t: expected a dict"),
    ({"idx": 0, "params": {}, "summary": {"by_corridor_t": {"northern": "x"}}}, r"by_corridor_t\.northern"),
    ({"idx": 0, "params": {}, "summary": {"by_gateway_t": 3.0}}, "by_gateway_t: expected a dict of tonnes by gateway"),
    ({"idx": 0, "params": {}, "summary": {"by_gateway_t": {"": 1.0}}}, "'' is not a gateway name"),
    ({"idx": 0, "params": {}, "summary": {"unserved_t": 10**400}}, "too large"),
])
def test_bad_samples_store_nothing(store: RunStore, row: dict[str, Any], match: str) -> None:
    sweep = store.start("sweep", "s", {}, "hs")
    with pytest.raises(InputError, match=match):
        store.add_samples(sweep, [sample(0), row])
    assert store.sample_indices(sweep) == set()
    assert store.sql("select count(*) as n from sample_params")["n"][0] == 0


# -- export ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_tables(store: RunStore, tmp_path: Path, fmt: str) -> None:
    run = finished(store)
    files = store.export(run[-6:], fmt, tmp_path / "out")
    assert sorted(f.name for f in files) == [f"geometry.{fmt}", f"link_flows.{fmt}"]
    back = pd.read_parquet(tmp_path / "out" / "link_flows.parquet") if fmt == "parquet" else \
        pd.read_csv(tmp_path / "out" / "link_flows.csv")
    pd.testing.assert_frame_equal(back, flows())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_export_geojson(store: RunStore, tmp_path: Path) -> None:
    run = finished(store)
    [path] = store.export(run, "geojson", tmp_path / "flows.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    ab, ba, bc = doc["features"]
    assert ab["geometry"] == {"type": "LineString", "coordinates": [[50.0, 40.0], [51.0, 41.0]]}
    assert ba["geometry"]["coordinates"] == [[51.0, 41.0], [50.0, 40.0]]  # the flow runs b → a
    assert bc["properties"] == {"link": "bc", "from": "b", "to": "c", "mode": "rail-1520", "corridor": "northern",
                                "commodity": "coal", "tonnes": 7.0e5}
    [folder_file] = store.export(run, "geojson", tmp_path / "folder")
    assert folder_file == tmp_path / "folder" / "link_flows.geojson" and folder_file.is_file()


def test_export_geojson_needs_geometry(store: RunStore, tmp_path: Path) -> None:
    run = finished(store, tables={"link_flows": flows()})
    with pytest.raises(InputError, match="has no geometry table"):
        store.export(run, "geojson", tmp_path / "flows.geojson")
    with pytest.raises(InputError, match="unknown format 'shp'"):
        store.export(run, "shp", tmp_path / "x")
    bad = finished(store, "bad", tables={"link_flows": flows(), "geometry": geometry().drop(columns="lat_to")})
    with pytest.raises(InputError, match="geometry: lat_to: column missing"):
        store.export(bad, "geojson", tmp_path / "flows.geojson")
    assert list(tmp_path.iterdir()) == [tmp_path / "store"]


# -- files that are not stores -----------------------------------------------------------------------


def test_not_a_store(tmp_path: Path) -> None:
    text = tmp_path / "notes.duckdb"
    text.write_text("hello\n", encoding="utf-8")
    for s in (RunStore(text), RunStore(text)):
        with pytest.raises(InputError, match=r"notes\.duckdb: is not a corridor run store"):
            s.list_runs()
        with pytest.raises(InputError, match=r"notes\.duckdb: is not a corridor run store"):
            s.start("scenario", "x", {}, "h")
    assert text.read_text(encoding="utf-8") == "hello\n"
    with pytest.raises(InputError, match="is a folder"):
        RunStore(tmp_path).list_runs()
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(InputError, match="not a corridor run store"):
        RunStore(other).start("scenario", "x", {}, "h")


def test_an_empty_file_reads_as_an_empty_store_but_is_not_written(tmp_path: Path) -> None:
    empty = tmp_path / "runs.duckdb"
    empty.touch()
    assert RunStore(empty).list_runs() == []
    with pytest.raises(InputError, match="is an empty file, not a run store; delete it"):
        RunStore(empty).start("scenario", "x", {}, "h")
    assert empty.stat().st_size == 0


def test_newer_schema_is_refused(store: RunStore) -> None:
    finished(store)
    con = duckdb.connect(str(store.path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(InputError, match=r"schema version 99.*upgrade corridor"):
        store.list_runs()


# -- other processes ---------------------------------------------------------------------------------

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def hold(path: Path, seconds: float) -> subprocess.Popen[str]:
    """A process holding a read-write connection to ``path`` for ``seconds``."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def test_busy_store_waits_then_says_so(store: RunStore) -> None:
    run = finished(store)
    proc = hold(store.path, 3.0)
    try:
        impatient = RunStore(store.path, timeout=0.4)
        with pytest.raises(CorridorError, match=rf"run store .*runs.duckdb is busy: process {proc.pid} holds it "
                                                r"and it stayed locked for 0\.4 s"):
            impatient.list_runs()
        with pytest.raises(CorridorError, match="is busy"):
            impatient.start("scenario", "x", {}, "h")
        assert store.get(run)["status"] == "done"  # a patient reader waits for the writer to finish
    finally:
        proc.kill()
        proc.communicate()
    assert [r["run_id"] for r in store.list_runs()] == [run]


def test_threads_of_one_process_share_a_store(store: RunStore) -> None:
    """A web server's threads: DuckDB refuses mixed read-only and read-write connections in one process."""
    from concurrent.futures import ThreadPoolExecutor

    sweep = store.start("sweep", "s", {}, "hs")

    def work(k: int) -> int:
        if k % 2:
            return store.add_samples(sweep, [sample(k)])
        assert store.sample_indices(sweep) <= set(range(1, 40, 2))
        return len(store.list_runs())

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(work, range(40))) == 20 + 20  # 20 new samples, 20 lists of one run
    assert store.sample_indices(sweep) == set(range(1, 40, 2))


READER = """
import json, sys, time
from corridor.scenarios.store import RunStore
store = RunStore(sys.argv[1], timeout=30)
sweep, batch, stop = sys.argv[2], int(sys.argv[3]), sys.argv[4]
import pathlib
reads, last, runs_seen, states = 0, 0, 0, set()
while True:
    done = pathlib.Path(stop).exists()
    n = len(store.sample_indices(sweep))
    assert n % batch == 0, f"half a batch visible: {n}"
    assert n >= last, f"samples went backwards: {last} -> {n}"
    last = n
    runs = store.list_runs()
    assert len(runs) >= runs_seen
    runs_seen = len(runs)
    for r in runs:
        if r["status"] == "done":
            assert store.get(r["run_id"])["tables"] == {"geometry": 2, "link_flows": 3}
    reads += 1
    states.add(n)
    if reads == 1:
        print("ready", flush=True)
    if done:
        break
print(json.dumps({"reads": reads, "samples": last, "runs": runs_seen, "states": len(states)}))
"""


def test_readers_in_another_process_while_writing(store: RunStore, tmp_path: Path) -> None:
    finished(store, "first")
    sweep = store.start("sweep", "s", {}, "hs")
    stop = tmp_path / "stop"
    batch = 40
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store.path), sweep, str(batch), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline().strip() == "ready"
    try:
        for b in range(25):
            store.add_samples(sweep, [sample(b * batch + i) for i in range(batch)])
            if b % 5 == 0:
                finished(store, f"run{b}")
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    seen = json.loads(out)
    assert seen["samples"] == 25 * batch and seen["runs"] == 7
    assert seen["reads"] >= 3 and seen["states"] >= 2  # it read while the writer wrote
    assert len(store.sample_indices(sweep)) == 25 * batch


WRITER = """
import sys
import numpy as np
from corridor.scenarios.store import RunStore
store = RunStore(sys.argv[1], timeout=30)
sweep, batch = sys.argv[2], int(sys.argv[3])
b = 0
while True:
    store.add_samples(sweep, [{"idx": b * batch + i, "seed": i, "params": {"p": float(i)},
                               "summary": {"unserved_t": float(i), "binding": ["x"] * (i % 3)}}
                              for i in range(batch)])
    print(b, flush=True)
    run = store.start("scenario", f"big{b}", {"b": b}, "hb")
    rng = np.random.default_rng(b)
    import pandas as pd
    store.finish(run, summary={"b": b}, tables={"link_flows": pd.DataFrame({"tonnes": rng.random(300_000)})},
                 elapsed_s=0.0)
    print(run, flush=True)
    b += 1
"""


@pytest.mark.parametrize("delay", [0.05, 0.25, 0.6])
def test_a_killed_writer_leaves_earlier_runs_intact(store: RunStore, delay: float) -> None:
    base = finished(store, "base")
    before, before_flows = store.get(base), store.table(base, "link_flows")
    sweep = store.start("sweep", "s", {}, "hs")
    batch = 5000
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(store.path), sweep, str(batch)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    first = writer.stdout.readline().strip()
    assert first == "0", first
    time.sleep(delay)  # somewhere in a later batch, a big table or a commit
    writer.send_signal(signal.SIGKILL)
    rest = writer.communicate(timeout=30)[0].split()
    committed = 1 + sum(1 for line in rest if line.isdigit())
    assert store.get(base) == before
    pd.testing.assert_frame_equal(store.table(base, "link_flows"), before_flows)
    indices = store.sample_indices(sweep)
    batches = {i // batch for i in indices}
    assert len(indices) == batch * len(batches)  # whole batches only
    assert batches == set(range(len(batches))) and len(batches) >= committed
    for run in store.list_runs(kind="scenario"):
        got = store.get(run["run_id"])
        if run["name"].startswith("big"):
            assert (got["status"], got["tables"]) in [("running", {}), ("done", {"link_flows": 300_000})]
    store.add_samples(sweep, [sample(10**6)])  # and the store takes writes again
