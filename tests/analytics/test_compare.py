"""Observed vs model: hand-built logs Dostyk → Poti, and a synthetic log with planted biases.

The hand-built trips name only their stops (Aktau, Alat, Beyuk-Kesik), not every node, so the
compared route is planned through them (``model_path == "via"``). By time, that route is the
planner's fastest container route Dostyk → Poti (see the docstring of ``plan_routes``): by rail to
Aktau, by rail ferry to Baku (Alat) and by rail through Georgia, stopping at Aktau
(port-handling), Alat (port-handling) and Beyuk-Kesik (border-clearance). The expected numbers
below are taken from the network's own transfer records and the planner's legs, and the
statistics are written by hand from the observed hours.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor import data
from corridor.analytics import ModelComparison, ShipmentLog, compare, shipment_log, synthesize
from corridor.analytics.synth import STOP_TIME_CV
from corridor.cli import main
from corridor.exceptions import InputError
from corridor.model import Network
from corridor.routing import plan_routes
from corridor.scenarios import apply_changes, load_scenario

BY_TIME = {"by": "time"}
T0 = pd.Timestamp("2024-03-01T00:00:00Z")
BORDER_H = [50.0, 55.0, 60.0, 65.0, 95.0]  # mean 65, p10 52, p50 60, p90 83
AKTAU_H = [90.0, 100.0, 140.0]  # trips 1-3 only: mean 110, p50 100
ALAT_H = 24.0  # as the network says
FERRY_H = 35.0  # aktau → baku-alat, every trip that calls at Aktau


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load().network


@pytest.fixture(scope="module")
def model(net: Network) -> dict[str, float]:
    """Figures of the network and the planner (not of the code under test)."""
    t = {tr.id: tr.time_h for tr in net.transfers}
    route = plan_routes(net, "dostyk", "poti", cargo="container", by="time").routes[0]
    # the route through the observed stops is the fastest route itself
    through = plan_routes(net, "dostyk", "poti", cargo="container", by="time", via=["aktau", "baku-alat",
                                                                                    "beyuk-kesik"]).routes[0]
    assert through.nodes == route.nodes
    run = {leg.start: leg.time_h for leg in route.legs}
    nodes = list(route.nodes)
    to_aktau = sum(run[n] for n in nodes[:nodes.index("aktau")])
    return {"border": t["beyuk-kesik-border"], "aktau": t["aktau-port-out"], "alat": t["alat-port-in"],
           "to_aktau": to_aktau, "ferry": run["aktau"], "route_h": route.time_h}


def _trip(sid: str, border_h: float, aktau_h: float | None, *, commodity: str = "container",
          origin: str = "dostyk", destination: str = "poti", loop: bool = False) -> list[tuple[str, ...]]:
    """One trip: 70 h to Aktau, its port call, the ferry (or 270 h to Alat without an Aktau event), Alat,
    20 h to the border, the border, 15 h to Poti. ``loop``: positions at Aktogay (5 h) and back at the
    origin (10 h) first, so that the trip visits its origin twice."""
    ev: list[tuple[str, str, str, float]] = [("departure", origin, "rail", 0.0)]
    if loop:
        ev += [("position", "aktogay", "rail", 5.0), ("position", origin, "rail", 10.0)]
    if aktau_h is not None:
        ev += [("port_call_start", "aktau", "rail", 70.0), ("port_call_end", "aktau", "rail-ferry", 70.0 + aktau_h)]
        alat = 70.0 + aktau_h + FERRY_H
    else:
        alat = 270.0
    border = alat + ALAT_H + 20.0
    ev += [("port_call_start", "baku-alat", "rail-ferry", alat), ("port_call_end", "baku-alat", "rail", alat + ALAT_H),
           ("border_entry", "beyuk-kesik", "rail", border), ("border_exit", "beyuk-kesik", "rail", border + border_h),
           ("arrival", destination, "rail", border + border_h + 15.0)]
    return [(sid, commodity, mode, e, node, (T0 + pd.Timedelta(hours=h).round("s")).strftime("%Y-%m-%dT%H:%M:%SZ"), "")
            for e, node, mode, h in ev]


COLUMNS = ["shipment", "commodity", "mode", "event", "node", "time", "bcp"]


def _frame(trips: list[list[tuple[str, ...]]]) -> pd.DataFrame:
    return pd.DataFrame([r for t in trips for r in t], columns=COLUMNS)


def _log(trips: list[list[tuple[str, ...]]], name: str = "observed.csv") -> ShipmentLog:
    return shipment_log(_frame(trips), name)


def _five(*, loop: bool = False) -> list[list[tuple[str, ...]]]:
    return [_trip(f"S{i + 1}", BORDER_H[i], AKTAU_H[i] if i < 3 else None, loop=loop) for i in range(5)]


@pytest.fixture(scope="module")
def result(net: Network) -> ModelComparison:
    return compare(_log(_five()), net, route_options=BY_TIME)


def test_transfer_statistics_and_model_times(result: ModelComparison, model: dict[str, float]) -> None:
    assert result.statistic == "mean"
    t = result.transfers.set_index("transfer")
    assert set(t.index) == {"beyuk-kesik-border", "aktau-port-out", "alat-port-in"}
    b = t.loc["beyuk-kesik-border"]
    assert (b["n"], b["kind"], b["node"]) == (5, "border-clearance", "beyuk-kesik")
    assert b["observed_mean_h"] == pytest.approx(65.0)  # 325 / 5
    assert b["observed_p10_h"] == pytest.approx(52.0)   # 50 + 0.4 × 5
    assert b["observed_p50_h"] == pytest.approx(60.0)
    assert b["observed_p90_h"] == pytest.approx(83.0)   # 65 + 0.6 × 30
    assert b["observed_h"] == pytest.approx(65.0)       # the mean by default
    assert b["model_h"] == pytest.approx(model["border"])
    assert b["difference_h"] == pytest.approx(65.0 - model["border"])
    assert b["ratio"] == pytest.approx(65.0 / model["border"])
    a = t.loc["aktau-port-out"]
    assert (a["n"], a["observed_h"], a["model_h"]) == (3, pytest.approx(110.0), pytest.approx(model["aktau"]))
    assert t.loc["alat-port-in", "ratio"] == pytest.approx(ALAT_H / model["alat"])
    assert t["on_model_route"].all()


def test_p50_statistic_and_bad_statistic(net: Network, model: dict[str, float]) -> None:
    r = compare(_log(_five()), net, statistic="p50", route_options=BY_TIME)
    assert r.statistic == "p50"
    t = r.transfers.set_index("transfer")
    assert t.loc["beyuk-kesik-border", "observed_h"] == pytest.approx(60.0)
    assert t.loc["beyuk-kesik-border", "ratio"] == pytest.approx(60.0 / model["border"])
    assert t.loc["aktau-port-out", "observed_h"] == pytest.approx(100.0)
    assert r.legs.set_index(["from", "to"]).loc[("beyuk-kesik", "poti"), "observed_h"] == pytest.approx(15.0)
    rank = r.ranking().set_index("id")
    assert rank.loc["beyuk-kesik-border", "observed_h"] == pytest.approx(60.0)
    assert rank.loc["beyuk-kesik-border", "score"] == pytest.approx(abs(math.log(60.0 / model["border"])))
    assert "median (p50)" in r.scenario_yaml()
    assert r.to_dict()["statistic"] == "p50"
    with pytest.raises(InputError, match="statistic"):
        compare(_log(_five()), net, statistic="p90")


def test_legs_against_the_planner(result: ModelComparison, model: dict[str, float]) -> None:
    legs = result.legs.set_index(["from", "to"])
    first = legs.loc[("dostyk", "aktau")]
    assert first["n"] == 3
    assert first["observed_mean_h"] == pytest.approx(70.0)
    assert first["observed_h"] == pytest.approx(70.0)
    assert first["model_h"] == pytest.approx(model["to_aktau"])
    assert first["model_run_h"] == pytest.approx(model["to_aktau"])
    ferry = legs.loc[("aktau", "baku-alat")]
    assert ferry["ratio"] == pytest.approx(FERRY_H / model["ferry"])
    # without an Aktau event the leg includes the model's stop at Aktau
    skip = legs.loc[("dostyk", "baku-alat")]
    assert skip["n"] == 2
    assert skip["model_h"] == pytest.approx(model["to_aktau"] + model["aktau"] + model["ferry"])
    assert skip["model_run_h"] == pytest.approx(model["to_aktau"] + model["ferry"])


def test_sparse_trips_are_compared_through_their_stops(result: ModelComparison, model: dict[str, float]) -> None:
    t = result.trips.set_index("shipment")
    assert list(result.trips.columns) == ["shipment", "commodity", "section", "origin", "destination", "observed_h",
                                          "model_path", "model_h", "ratio", "best_model_h", "on_best_route",
                                          "stops_matched", "where"]
    # the log names only the stops: no route through those nodes alone, so the planner fills in the rest
    assert (t["model_path"] == "via").all()
    assert t["on_best_route"].all()
    assert t.loc["S1", "observed_h"] == pytest.approx(70 + 90 + FERRY_H + ALAT_H + 20 + 50 + 15)
    assert t.loc["S1", "model_h"] == pytest.approx(model["route_h"])
    assert t.loc["S1", "best_model_h"] == pytest.approx(model["route_h"])
    assert t.loc["S1", "ratio"] == pytest.approx(t.loc["S1", "observed_h"] / model["route_h"])
    assert t.loc["S1", "stops_matched"] == 3
    assert t.loc["S5", "stops_matched"] == 2
    assert result.unmatched.empty


def test_trip_naming_every_node_is_compared_along_it(net: Network) -> None:
    # The default (generalised cost) best route goes by sea via China; a trip that names every node
    # of the Aktau route is compared along exactly that route.
    by_sea = plan_routes(net, "dostyk", "poti", cargo="container").routes[0]
    assert "aktau" not in by_sea.nodes
    path = plan_routes(net, "dostyk", "poti", cargo="container", by="time").routes[0].nodes
    rows = _trip("F1", 60.0, 90.0)
    stops = [r[4] for r in rows]   # dostyk, aktau × 2, baku-alat × 2, beyuk-kesik × 2, poti
    full: list[tuple[str, ...]] = []
    for a, b in zip(rows, [*rows[1:], None], strict=True):
        full.append(a)
        if b is not None and a[4] != b[4]:   # a position at each node between two stops, halfway in time
            half = (pd.Timestamp(a[5]) + (pd.Timestamp(b[5]) - pd.Timestamp(a[5])) / 2).strftime("%Y-%m-%dT%H:%M:%SZ")
            full += [("F1", "container", "rail", "position", n, half, "")
                     for n in path[path.index(a[4]) + 1:path.index(b[4])]]
    assert [n for i, n in enumerate(r[4] for r in full) if i == 0 or full[i - 1][4] != n] == list(path)
    assert len(stops) == 8
    r = compare(_log([full]), net, min_observations=1)
    trip = r.trips.iloc[0]
    assert (trip["model_path"], bool(trip["on_best_route"])) == ("observed", False)
    assert trip["best_model_h"] == pytest.approx(by_sea.time_h)
    assert set(r.transfers["transfer"]) == {"beyuk-kesik-border", "aktau-port-out", "alat-port-in"}
    assert r.transfers["on_model_route"].all()


def test_ranking_order_by_log_ratio(result: ModelComparison, model: dict[str, float]) -> None:
    r = result.ranking()
    assert list(r.columns) == ["what", "id", "kind", "at", "n", "observed_h", "model_h", "difference_h", "ratio",
                               "score"]
    assert (r["n"] >= 3).all()
    expected = {
        ("transfer", "beyuk-kesik-border"): abs(math.log(65.0 / model["border"])),
        ("transfer", "aktau-port-out"): abs(math.log(110.0 / model["aktau"])),
        ("transfer", "alat-port-in"): abs(math.log(ALAT_H / model["alat"])),
        ("leg", "dostyk → aktau"): abs(math.log(70.0 / model["to_aktau"])),
        ("leg", "aktau → baku-alat"): abs(math.log(FERRY_H / model["ferry"])),
    }
    got = {(w, i): s for w, i, s in r[["what", "id", "score"]].itertuples(index=False)}
    assert set(expected) <= set(got)
    for k, v in expected.items():
        assert got[k] == pytest.approx(v)
    order = [k for k in got if k in expected]
    assert order == sorted(expected, key=lambda k: -expected[k])
    assert list(r["score"]) == sorted(r["score"], reverse=True)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(30, 12_000), min_size=3, max_size=7), st.sampled_from(["mean", "p50"]))
def test_statistics_and_factors_on_random_border_times(minutes: list[int], statistic: str) -> None:
    """Invariants: p10 ≤ p50 ≤ p90, the statistic is the mean or median, factor × model is it, scores sorted."""
    net = data.load().network
    hours = [m / 60.0 for m in minutes]
    r = compare(_log([_trip(f"R{i}", h, 100.0) for i, h in enumerate(hours)]), net, statistic=statistic,
                route_options=BY_TIME)
    b = r.transfers.set_index("transfer").loc["beyuk-kesik-border"]
    assert b["observed_p10_h"] <= b["observed_p50_h"] <= b["observed_p90_h"]
    assert b["observed_p50_h"] == pytest.approx(float(np.median(hours)))
    assert b["observed_mean_h"] == pytest.approx(float(np.mean(hours)))
    want = float(np.mean(hours) if statistic == "mean" else np.median(hours))
    assert b["observed_h"] == pytest.approx(want)
    rec = r.recalibration().set_index("id")
    if "beyuk-kesik-border" in rec.index:
        assert rec.loc["beyuk-kesik-border", "factor"] * b["model_h"] == pytest.approx(want, rel=5e-4)
    scores = list(r.ranking()["score"])
    assert scores == sorted(scores, reverse=True)
    assert all(x >= 0 for x in scores)


def test_min_observations_filters(net: Network, result: ModelComparison) -> None:
    four = compare(_log(_five()), net, min_observations=4, route_options=BY_TIME)
    ids = set(four.ranking()["id"])
    assert "beyuk-kesik-border" in ids
    assert "aktau-port-out" not in ids   # 3 observations
    assert "dostyk → aktau" not in ids
    assert compare(_log(_five()), net, min_observations=6, route_options=BY_TIME).ranking().empty
    assert "aktau-port-out" in set(result.ranking()["id"])
    with pytest.raises(InputError, match="min_observations"):
        compare(_log(_five()), net, min_observations=0)


def test_scenario_reproduces_observed_means(result: ModelComparison, net: Network, tmp_path: Path,
                                            model: dict[str, float]) -> None:
    path = result.write_scenario(tmp_path / "recal.yaml")
    spec = load_scenario(path)
    assert "observed.csv" in spec.description
    assert "statistic: mean" in spec.description
    assert [c.kind for c in spec.changes] == ["change_time", "change_time"]   # alat agrees: no change
    assert [c.args["select"]["id"] for c in spec.changes] == ["beyuk-kesik-border", "aktau-port-out"]
    assert spec.changes[0].args["factor"] == pytest.approx(65.0 / model["border"], rel=5e-4)
    assert "5 observed" in spec.changes[0].note and "set to their mean" in spec.changes[0].note
    applied = apply_changes(spec, net, data.load().demand)
    after = {t.id: t.time_h for t in applied.network.transfers}
    assert after["beyuk-kesik-border"] == pytest.approx(65.0, rel=1e-3)
    assert after["aktau-port-out"] == pytest.approx(110.0, rel=1e-3)
    assert after["alat-port-in"] == model["alat"]
    assert after["aktau-port-in"] == model["aktau"]   # only the selected transfer changes
    top = load_scenario(result.write_scenario(tmp_path / "top.yaml", top=1))
    assert len(top.changes) == 1


def test_zero_model_time_gets_add_h(net: Network, tmp_path: Path) -> None:
    zero = dataclasses.replace(net, transfers=tuple(
        dataclasses.replace(t, time_h=0.0) if t.id == "beyuk-kesik-border" else t for t in net.transfers))
    r = compare(_log(_five()), zero, route_options=BY_TIME)
    first = r.ranking().iloc[0]
    assert (first["id"], first["score"]) == ("beyuk-kesik-border", math.inf)
    spec = load_scenario(r.write_scenario(tmp_path / "z.yaml"))
    ch = next(c for c in spec.changes if c.args["select"]["id"] == "beyuk-kesik-border")
    assert ch.args["add_h"] == pytest.approx(65.0)
    after = {t.id: t.time_h for t in apply_changes(spec, zero, data.load().demand).network.transfers}
    assert after["beyuk-kesik-border"] == pytest.approx(65.0)


def test_unknown_commodity_and_node_name_the_rows(net: Network) -> None:
    bad = _frame([_trip("S1", 60.0, 90.0, commodity="bananas")])
    with pytest.raises(InputError) as e:
        compare(shipment_log(bad, "x.csv"), net)
    text = [str(p) for p in e.value.problems]
    assert any("x.csv:2" in p and "commodity" in p and "bananas" in p for p in text), text
    bad = _frame([_trip("S1", 60.0, 90.0, destination="atlantis")])
    with pytest.raises(InputError) as e:
        compare(shipment_log(bad, "y.csv"), net)
    text = [str(p) for p in e.value.problems]
    assert any("y.csv:9" in p and "node" in p and "atlantis" in p for p in text), text


def test_unroutable_trips_are_listed_or_fail(net: Network) -> None:
    loop = _trip("L1", 60.0, 90.0, destination="dostyk")
    r = compare(_log([*_five(), loop]), net, route_options=BY_TIME)
    u = r.unmatched
    row = u[u["what"] == "trip"].iloc[0]
    assert (row["shipment"], row["where"]) == ("L1", "observed.csv:38")  # after 3 × 8 + 2 × 6 rows from line 2
    assert "where it starts" in row["reason"]
    trip = r.trips.set_index("shipment").loc["L1"]
    assert pd.isna(trip["model_path"]) and pd.isna(trip["model_h"]) and not trip["on_best_route"]
    assert set(u.loc[(u["what"] == "leg") & (u["shipment"] == "L1"), "reason"]) == {"the trip has no model route"}
    with pytest.raises(InputError, match="where it starts"):
        compare(_log([loop]), net)


def test_ambiguous_stop_is_unmatched(net: Network) -> None:
    # Dostyk has two border-clearance transfers (in and out); a trip starting there (in 1520 gauge)
    # crosses neither on its compared route, and the log's modes (rail both ways) do not tell them apart.
    rows = _trip("D1", 60.0, 90.0)
    extra = [("D1", "container", "rail", "border_entry", "dostyk", "2024-03-01T00:00:00Z", "dostyk"),
             ("D1", "container", "rail", "border_exit", "dostyk", "2024-03-01T00:00:00Z", "dostyk")]
    r = compare(_log([[rows[0], *extra, *rows[1:]]]), net, min_observations=1, route_options=BY_TIME)
    u = r.unmatched[r.unmatched["what"] == "stop"]
    assert len(u) == 1
    assert "dostyk-border-in" in u.iloc[0]["reason"] and "dostyk-border-out" in u.iloc[0]["reason"]


def test_loop_falls_back_to_best_route_and_modes(net: Network) -> None:
    # A trip that passes its origin twice cannot be planned along its path: it is compared with the
    # planner's best (generalised cost) route, which goes by sea, not by Aktau; the port calls are
    # matched with the network's transfers there, told apart by the modes (in by rail, out by rail
    # ferry at Aktau: aktau-port-out; the reverse at Alat: alat-port-in).
    route = plan_routes(net, "dostyk", "poti", cargo="container").routes[0]
    assert "aktau" not in route.nodes
    ends = _trip("E1", 60.0, 90.0)
    ends = [ends[0], ends[-1]]   # departure and arrival only: no direct link, so the best route too
    r = compare(_log([*_five(loop=True), ends]), net)
    assert (r.trips["model_path"] == "best").all()
    assert list(r.trips.loc[r.trips["on_best_route"], "shipment"]) == ["E1"]
    assert r.trips["model_h"].to_numpy() == pytest.approx(route.time_h)
    t = r.transfers.set_index("transfer")
    assert set(t.index) == {"beyuk-kesik-border", "aktau-port-out", "alat-port-in"}
    assert not t["on_model_route"].any()
    assert t.loc["aktau-port-out", "observed_h"] == pytest.approx(110.0)
    assert set(r.unmatched["what"]) == {"leg"}


def test_synthetic_log_recovers_planted_times(net: Network) -> None:
    """End to end: a synthetic log with two planted biases; the comparison finds both, first."""
    planted = {"beyuk-kesik-border": 2.0, "aktau-port-out": 0.5}
    frame = synthesize(net, shipments=300, seed=3, time_factors=planted)
    r = compare(shipment_log(frame, "synthetic.csv"), net)
    # every synthetic event names its node, so every trip is compared along exactly its path
    assert (r.trips["model_path"] == "observed").all()
    assert not r.unmatched["reason"].str.contains("dostyk|kuryk").any()
    assert not (r.unmatched["what"] == "stop").any()
    rank = r.ranking()
    # both planted factors score |ln 2| (×2 and ×0.5): which comes first is up to the noise
    assert set(rank["id"][:2]) == set(planted)
    assert (rank["score"][2:] < 0.35).all()   # nothing else is off by more than a factor 1.42
    t = r.transfers.set_index("transfer")
    # The synthetic stop times are the planted time × a mean-one lognormal factor, so the observed
    # mean / model estimates the planted factor with a relative standard error of CV / sqrt(n).
    # CVs: border clearance STOP_TIME_CV (0.6); Aktau port handling takes the hub simulation's spread,
    # a CV of about 0.7-0.8 for the seeds tried (assumed ≤ 0.8 here). Three standard errors.
    cv = {"beyuk-kesik-border": STOP_TIME_CV["border-clearance"], "aktau-port-out": 0.8}
    for tid, factor in planted.items():
        n = int(t.loc[tid, "n"])
        assert n >= 40   # 300 trips over the six default corridors, one corridor through each
        assert t.loc[tid, "ratio"] == pytest.approx(factor, rel=3 * cv[tid] / math.sqrt(n))
    # Dostyk and Kuryk in/out transfers are told apart by the compared routes themselves
    assert {"dostyk-border-in", "dostyk-border-out", "kuryk-port-out"} <= set(t.index)
    assert t["on_model_route"].all()


def test_to_dict_is_json(result: ModelComparison) -> None:
    d = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert list(d) == ["source", "synthetic", "statistic", "min_observations", "ranking", "recalibration",
                       "transfers", "legs", "trips", "unmatched"]
    assert d["statistic"] == "mean"
    assert d["synthetic"] is False
    assert d["ranking"][0]["id"] == "beyuk-kesik-border"
    assert [c["id"] for c in d["recalibration"]] == ["beyuk-kesik-border", "aktau-port-out"]
    assert list(d["transfers"][0]) == ["transfer", "node", "kind", "n", "observed_mean_h", "observed_p10_h",
                                       "observed_p50_h", "observed_p90_h", "observed_h", "model_h", "difference_h",
                                       "ratio", "on_model_route"]
    assert list(d["legs"][0]) == ["from", "to", "n", "observed_mean_h", "observed_p10_h", "observed_p50_h",
                                  "observed_p90_h", "observed_h", "model_run_h", "model_h", "difference_h", "ratio"]


def _write(tmp_path: Path) -> Path:
    p = tmp_path / "log.csv"
    _frame(_five()).to_csv(p, index=False)
    return p


def test_cli_json_and_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.yaml"
    code = main(["analytics", "calibrate", str(_write(tmp_path)), "--by", "time", "--json", "--out", str(out),
                 "--statistic", "p50"])
    cap = capsys.readouterr()
    assert code == 0
    d = json.loads(cap.out)
    assert d["statistic"] == "p50"
    assert d["ranking"][0]["id"] == "beyuk-kesik-border"
    assert d["ranking"][0]["observed_h"] == pytest.approx(60.0)
    assert f"wrote {out}" in cap.err
    assert len(load_scenario(out).changes) == 2


def test_cli_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analytics", "calibrate", str(_write(tmp_path)), "--by", "time", "--top", "1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "beyuk-kesik-border" in out
    assert "Observed mean vs model" in out and "ln(observed mean / model)" in out
    assert "0 along their observed path, 5 through their observed nodes (sparse log), 0 on the planner's" in out
    assert "5 of 5 trips took the best route" in out


def test_cli_bad_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("shipment,event\nS1,departure\n", encoding="utf-8")
    assert main(["analytics", "calibrate", str(bad)]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["analytics", "calibrate", str(tmp_path / "missing.csv")]) == 2
    assert main(["analytics", "calibrate", str(_write(tmp_path)), "--by", "speed"]) == 2
    assert "--by" in capsys.readouterr().err
    assert main(["analytics", "calibrate", str(_write(tmp_path)), "--statistic", "max"]) == 2
    assert "--statistic" in capsys.readouterr().err
