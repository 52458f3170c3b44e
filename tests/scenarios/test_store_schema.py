"""The run store's native tables: real engine results in SQL, read-only queries, and the documented schema."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import corridor.scenarios.store as store_module
from corridor.exceptions import InputError
from corridor.scenarios._store_schema import TABLES
from corridor.scenarios.store import RunStore, hash_spec

ROOT = Path(__file__).resolve().parents[2]
CLOSED = ROOT / "examples" / "northern-route-closed.yaml"
RISK = ROOT / "examples" / "northern-risk-premium.yaml"


@pytest.fixture(scope="module")
def lp_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunStore, str, Any]:
    """A real LP run of the built-in data with the Northern route closed, recorded in a store."""
    from corridor.scenarios import load_scenario, run_spec

    out = run_spec(load_scenario(CLOSED))
    store = RunStore(tmp_path_factory.mktemp("lp") / "runs.duckdb")
    run = store.start("scenario", out.name, {"name": out.name}, out.spec_hash)
    store.finish(run, summary=out.summary, tables=out.tables, elapsed_s=out.elapsed_s)
    return store, run, out


def test_an_lp_run_comes_back_exactly_as_the_engine_produced_it(lp_run: tuple[RunStore, str, Any]) -> None:
    store, run, out = lp_run
    assert set(out.tables) == {"link_flows", "od", "capacities", "transfers", "geometry"}
    back = store.tables(run)
    assert set(back) == set(out.tables)
    for name, frame in out.tables.items():
        pd.testing.assert_frame_equal(back[name], frame)
    assert store.get(run)["tables"] == {name: len(frame) for name, frame in out.tables.items()}


def test_an_lp_run_in_sql(lp_run: tuple[RunStore, str, Any]) -> None:
    store, run, out = lp_run
    tables = out.tables
    by_corridor = store.sql("select corridor, sum(tonnes) as t from link_flows where run_id = ? group by all",
                            [run]).set_index("corridor")["t"]
    expected = tables["link_flows"].groupby("corridor")["tonnes"].sum()
    pd.testing.assert_series_equal(by_corridor.sort_index(), expected.sort_index(), check_names=False)
    od = store.sql("select sum(demand_t) d, sum(served_t) s, sum(unserved_t) u from od_results where run_id = $run",
                   {"run": run}).iloc[0]
    totals = out.summary["totals"]
    assert od["d"] == pytest.approx(totals["demand_t"]) and od["s"] == pytest.approx(totals["served_t"])
    assert od["u"] == pytest.approx(totals["unserved_t"])
    # the ports out of Kazakhstan across the Caspian carry what the transfers table says
    ports = store.sql("select transfer_id, tonnes from transfer_flows where transfer_id like 'aktau%' or "
                      "transfer_id like 'kuryk%' order by transfer_id")
    frame = tables["transfers"]
    assert dict(zip(ports["transfer_id"], ports["tonnes"], strict=True)) == {
        r["id"]: r["tonnes"] for r in frame.to_dict("records") if r["id"].startswith(("aktau", "kuryk"))}
    # every link direction with a flow has its geometry, so GeoJSON needs nothing else
    orphans = store.sql("select count(*) n from link_flows f anti join link_geometry g "
                        "on f.run_id = g.run_id and f.link = g.link and f.from_node = g.from_node "
                        "and f.to_node = g.to_node")
    assert orphans["n"][0] == 0


def test_bottlenecks_are_the_summary_s_ranked(lp_run: tuple[RunStore, str, Any]) -> None:
    store, run, out = lp_run
    ranked = store.sql("select * from bottlenecks where run_id = ? order by rank", [run])
    expected = out.summary["bottlenecks"]
    assert len(ranked) == len(expected) > 0
    assert ranked["rank"].tolist() == list(range(1, len(expected) + 1))
    assert set(ranked["ranked_by"]) == {"usd_per_t_yr"}
    assert ranked["capacity_id"].tolist() == [b["id"] for b in expected]
    assert ranked["usd_per_t_yr"].tolist() == [b["usd_per_t_yr"] for b in expected]
    assert ranked["usd_per_t_yr"].is_monotonic_decreasing
    # each is binding: a capacity row of the run at full use
    joined = store.sql("select b.capacity_id, c.flow, c.capacity from bottlenecks b join capacities c using "
                       "(run_id, kind, capacity_id, from_node, to_node, unit) where b.run_id = ?", [run])
    assert len(joined) >= len(expected)
    assert (joined["flow"] >= joined["capacity"] * (1 - 1e-6)).all()


def test_equilibrium_bottlenecks_are_the_congestion_ranked_by_delay(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.duckdb")
    congestion = [{"kind": "transfer", "id": "aktau-port-out", "from": "", "to": "", "unit": "t/yr", "capacity": 1.1e7,
                   "flow": 1.3e7, "utilisation": 1.3 / 1.1, "free_time_h": 24.0, "delay_h": 31.5},
                  {"kind": "link", "id": "dostyk-aktogay", "from": "dostyk", "to": "aktogay", "unit": "t/yr",
                   "capacity": 2.0e7, "flow": 1.5e7, "utilisation": 0.75, "free_time_h": 9.0, "delay_h": 0.4}]
    summary = {"engine": "equilibrium", "congestion": congestion, "bottlenecks": [{"kind": "ignored"}]}
    run = store.start("scenario", "eq", {}, "h")
    store.finish(run, summary=summary, tables={}, elapsed_s=1.0)
    rows = store.sql("select rank, ranked_by, capacity_id, from_node, delay_h, free_time_h, usd_per_t_yr "
                     "from bottlenecks order by rank")
    assert rows["capacity_id"].tolist() == ["aktau-port-out", "dostyk-aktogay"]
    assert rows["ranked_by"].tolist() == ["delay_h"] * 2 and rows["delay_h"].tolist() == [31.5, 0.4]
    assert rows["from_node"].tolist() == ["", "dostyk"] and rows["usd_per_t_yr"].isna().all()
    assert store.get(run)["tables"] == {}  # written from the summary, not a table of the run


def test_a_sweep_in_sql(tmp_path: Path) -> None:
    """Real samples (solved in this process as the sweep's workers do), stored as the sweep stores them."""
    from corridor.scenarios import _sweep_worker as sww
    from corridor.scenarios import load_scenario
    from corridor.scenarios import sweep as sw

    spec = load_scenario(RISK)
    sww._CACHE.clear()
    rows = sw.solve_chunk(spec, sw.draw_params(spec, 3, 5))
    store = RunStore(tmp_path / "runs.duckdb")
    sweep = store.start("sweep", spec.name, {"samples": 5}, "hs", seed=3)
    assert store.add_samples(sweep, rows) == 5
    frame = store.samples(sweep)
    store.finish(sweep, summary={"n": 5}, tables={"samples": frame}, elapsed_s=1.0)
    pd.testing.assert_frame_equal(store.table(sweep, "samples"), frame)
    for row, (_, got) in zip(rows, frame.iterrows(), strict=True):
        assert got["idx"] == row["idx"] and got["seed"] == row["seed"]
        for name, value in row["params"].items():
            assert got[f"param.{name}"] == value
        for name, value in row["summary"].items():
            if name in ("by_corridor_t", "by_gateway_t"):
                assert {k: got[f"{name}.{k}"] for k in value} == value
            else:
                assert got[name] == value, name
    # each binding capacity is a row of sample_binding; tonnes by corridor are rows of sample_corridors
    binding = store.sql("select idx, kind || ':' || capacity_id as b from sample_binding where sweep_id = ? "
                        "order by idx, pos", [sweep])
    for row in rows:
        assert binding[binding["idx"] == row["idx"]]["b"].tolist() == [x for x in row["summary"]["binding"].split(";")
                                                                       if x]
    corridors = store.sql("select corridor, avg(tonnes) t from sample_corridors where sweep_id = ? group by all",
                          [sweep]).set_index("corridor")["t"]
    for name, mean in corridors.items():
        assert mean == pytest.approx(np.mean([r["summary"]["by_corridor_t"][name] for r in rows]))
    # tonnes by export gateway are rows of sample_gateways; the documented query gives their shares' percentiles
    gateways = store.sql("select gateway, avg(tonnes) t from sample_gateways where sweep_id = ? group by all",
                         [sweep]).set_index("gateway")["t"]
    assert set(gateways.index) == {g for r in rows for g in r["summary"]["by_gateway_t"]} and "aktau" in gateways.index
    for name, mean in gateways.items():
        assert mean == pytest.approx(np.mean([r["summary"]["by_gateway_t"][name] for r in rows
                                              if name in r["summary"]["by_gateway_t"]]))
    shares = store.sql("with s as (select idx, gateway, tonnes / sum(tonnes) over (partition by idx) as share "
                       "from sample_gateways where sweep_id = ?) "
                       "select gateway, quantile_cont(share, [0.05, 0.5, 0.95]) q from s group by all", [sweep])
    assert all(0 <= q[0] <= q[1] <= q[2] <= 1 for q in shares["q"])
    params = store.sql("select p.value, s.total_cost_usd from samples s join sample_params p using (sweep_id, idx) "
                       "where p.name = 'ru_risk_premium_usd_per_t' order by idx")
    assert params["value"].tolist() == [r["params"]["ru_risk_premium_usd_per_t"] for r in rows]


def test_a_hub_run_in_sql(tmp_path: Path) -> None:
    """A real simulation, recorded with the layout of ``scenarios.hub_runs.hub_tables``."""
    from corridor import hub

    result = hub.simulate(hub.load_config("aktau-hub"), days=12, warmup_days=2, replications=3, seed=4)
    kpis = pd.DataFrame([{"kpi": k, "mean": e.mean, "sd": e.sd, "ci_low": e.ci[0] if e.ci else None,
                          "ci_high": e.ci[1] if e.ci else None, "n": e.n} for k, e in result.kpis.items()],
                        columns=["kpi", "mean", "sd", "ci_low", "ci_high", "n"])
    series = pd.DataFrame([{"series": s, "day": d + 1, "value": v} for s, vals in result.series.items()
                           for d, v in enumerate(vals)], columns=["series", "day", "value"])
    store = RunStore(tmp_path / "runs.duckdb")
    run = store.start("hub", "aktau-hub", {"days": 12}, hash_spec({"days": 12}), seed=4)
    store.finish(run, summary={"config": "aktau-hub"}, tables={"hub_kpis": kpis, "hub_series": series},
                 elapsed_s=result.elapsed_s)
    pd.testing.assert_frame_equal(store.table(run, "hub_kpis"), kpis)
    pd.testing.assert_frame_equal(store.table(run, "hub_series"), series)
    wait = store.sql("select k.mean, k.ci_low, k.ci_high, k.n from hub_kpis k join runs r using (run_id) "
                     "where r.kind = 'hub' and k.kpi = 'vessel_wait_mean_h'").iloc[0]
    est = result.kpis["vessel_wait_mean_h"]
    assert (wait["mean"], wait["n"]) == (est.mean, 3)
    assert est.ci is not None and (wait["ci_low"], wait["ci_high"]) == pytest.approx(est.ci)
    days = store.sql("select series, count(*) n, max(day) last from hub_series group by all")
    assert set(days["n"]) == {12} and set(days["last"]) == {12}
    assert [r["run_id"] for r in store.list_runs(kind="hub")] == [run]


# -- sql() -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> RunStore:
    store = RunStore(tmp_path_factory.mktemp("small") / "runs.duckdb")
    run = store.start("scenario", "s", {}, "h", seed=2**64 - 1)
    flows = pd.DataFrame({"link": ["ab", "bc"], "from": ["a", "b"], "to": ["b", "c"], "tonnes": [1.0, 2.0]})
    store.finish(run, summary={}, tables={"link_flows": flows}, elapsed_s=0.5)
    sweep = store.start("sweep", "w", {}, "hw", seed=1)
    store.add_samples(sweep, [{"idx": i, "seed": 2**63 + i, "params": {"p": i}, "summary": {"unserved_t": i}}
                              for i in range(3)])
    return store


@pytest.mark.parametrize(("query", "params", "match"), [
    ("insert into runs (run_id) values ('x')", None, "only queries read the store .* not INSERT"),
    ("delete from link_flows", None, "not DELETE"),
    ("create table t (x int)", None, "not CREATE"),
    ("drop table link_flows", None, "not DROP"),
    ("copy link_flows to '/tmp/corridor-leak.csv'", None, "not COPY"),
    ("attach '/tmp/other.duckdb' as other", None, "not ATTACH"),
    ("set enable_external_access = true", None, "not SET"),
    ("select 1; delete from runs", None, "give one query, not 2 statements"),
    ("select * from read_csv('/etc/hostname')", None, "Permission Error.*file system operations are disabled"),
    ("select * from '/etc/hostname'", None, "Table with name /etc/hostname does not exist"),
    ("select nope from runs", None,
     r"^[^\n]*runs\.duckdb: sql: Binder Error: Referenced column \"nope\" not found in FROM clause!"),
    ("selec 1", None, "Parser Error"),
    ("select * from runs where run_id = ?", None, "Invalid Input Error"),
    ("select * from link_flows", "ab", "params: expected a list or dict"),
    ("", None, "is not an SQL query"),
])
def test_sql_refuses_writes_and_reports_duckdb_errors(small: RunStore, query: str, params: Any, match: str) -> None:
    with pytest.raises(InputError, match=match) as e:
        small.sql(query, params)
    assert str(e.value).startswith(str(small.path)) and "\n" not in str(e.value) and "LINE" not in str(e.value)
    assert len(small.list_runs()) == 2
    assert not Path("/tmp/corridor-leak.csv").exists()


def test_sql_bounds_rows_and_time(small: RunStore) -> None:
    assert len(small.sql("select * from range(250000)", max_rows=250_000)) == 250_000
    with pytest.raises(InputError, match=r"returns more than 1,000 rows; aggregate, add a LIMIT"):
        small.sql("select * from range(1000000000000)", max_rows=1000)
    with pytest.raises(InputError, match=r"the query ran for 0\.5 s and was stopped"):
        small.sql("select count(*) from range(100000000000000)", time_limit_s=0.5)
    for bad in ({"max_rows": 0}, {"max_rows": 1.5}, {"time_limit_s": 0}, {"time_limit_s": math.inf}):
        with pytest.raises(InputError, match=next(iter(bad))):
            small.sql("select 1", **bad)


def test_sql_results(small: RunStore) -> None:
    flows = small.sql("select link, from_node, tonnes from link_flows order by seq")
    assert flows.to_dict("list") == {"link": ["ab", "bc"], "from_node": ["a", "b"], "tonnes": [1.0, 2.0]}
    runs = small.sql("select kind, seed from runs order by kind")
    assert runs["seed"].tolist() == [2**64 - 1, 1]  # UBIGINT seeds come back exactly
    assert small.sql("select * from link_flows where tonnes > 5").empty
    assert small.sql("describe link_flows")["column_name"].tolist()[:3] == ["run_id", "seq", "link"]
    assert small.sql("select sum(value) s from sample_params")["s"][0] == 3.0
    pd.testing.assert_frame_equal(small.runs(), small.runs(limit=5))
    assert small.runs()["created"].dt.tz is not None and list(small.runs(kind="sweep")["samples"]) == [3]


def test_the_duckdb_client_reads_every_table(small: RunStore) -> None:
    """What ``duckdb corridor-runs.duckdb "select ..."`` does: DuckDB alone, read-only, every column to pandas."""
    con = duckdb.connect(str(small.path), read_only=True)
    try:
        for table in TABLES:
            frame = con.sql(f"select * from {table.name}").df()
            assert list(frame.columns) == [c.name for c in table.columns]
        assert "tonnes" in str(con.sql("select link, tonnes from link_flows"))
    finally:
        con.close()


# -- the documented schema -----------------------------------------------------------------------


def _documented() -> dict[str, list[tuple[str, str, str]]]:
    """``{table: [(column, type, unit)]}`` from the tables of docs/STORE.md."""
    text = (ROOT / "docs" / "STORE.md").read_text(encoding="utf-8")
    out: dict[str, list[tuple[str, str, str]]] = {}
    for section in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        name = section.split("\n", 1)[0].strip()
        rows = re.findall(r"^\| `([a-z_0-9]+)` \| ([A-Z ]+?) \| ([^|]*) \|", section, flags=re.MULTILINE)
        out[name] = [(c, t.replace(" NOT NULL", ""), u.strip()) for c, t, u in rows]
    return out


def test_docs_describe_every_table_and_column_with_its_type_and_unit() -> None:
    documented = _documented()
    assert list(documented) == [t.name for t in TABLES]
    for table in TABLES:
        assert documented[table.name] == [(c.name, c.type, c.unit) for c in table.columns], table.name


def test_the_module_docstring_lists_every_table_and_column() -> None:
    doc = store_module.__doc__ or ""
    listing = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    entries = re.split(r"\n    (?=[a-z_]+ )", "\n" + listing)[1:]
    listed = {e.split()[0]: set(re.findall(r"[a-z_0-9]+", e)) for e in entries}
    assert sorted(listed) == sorted(t.name for t in TABLES)
    for table in TABLES:
        missing = [c.name for c in table.columns if c.name not in listed[table.name]]
        assert not missing, (table.name, missing)


# -- any table, any dtype ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hypothesis_store(tmp_path_factory: pytest.TempPathFactory) -> RunStore:
    return RunStore(tmp_path_factory.mktemp("property") / "runs.duckdb", timeout=10)


_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
_TEXT_DTYPES = ("str", "object", "category")
_NUMBER_DTYPES = ("float64", "float32", "Float64", "int64", "Int64")


@st.composite
def _link_flows(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    columns = draw(st.lists(st.sampled_from(["link", "from", "to", "mode", "corridor", "commodity", "tonnes"]),
                            unique=True, min_size=1))
    data = {}
    for col in columns:
        if col == "tonnes":
            dtype = draw(st.sampled_from(_NUMBER_DTYPES))
            ints = dtype.lower().startswith("int")
            values = draw(st.lists(st.integers(-(10**9), 10**9) if ints else
                                   st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=n, max_size=n))
            data[col] = pd.Series(values, dtype=dtype)
        else:
            values = draw(st.lists(st.none() | _text, min_size=n, max_size=n))
            dtype = draw(st.sampled_from(_TEXT_DTYPES))
            if dtype == "category" and all(v is None for v in values):
                dtype = "str"  # a categorical comes back with the categories it uses: none has no dtype of them
            data[col] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data, columns=columns)


@settings(max_examples=25)
@given(frame=_link_flows())
def test_any_link_flow_frame_round_trips(hypothesis_store: RunStore, frame: pd.DataFrame) -> None:
    run = hypothesis_store.start("scenario", "property", {}, "h")
    hypothesis_store.finish(run, summary={}, tables={"link_flows": frame}, elapsed_s=0.0)
    back = hypothesis_store.table(run, "link_flows")
    pd.testing.assert_frame_equal(back, frame)
    if "tonnes" in frame and len(frame):
        total = hypothesis_store.sql("select sum(tonnes) t from link_flows where run_id = ?", [run])["t"][0]
        assert total == pytest.approx(float(frame["tonnes"].astype("float64").sum()), rel=1e-9, abs=1e-6)
