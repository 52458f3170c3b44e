"""UNESCAP time/cost–distance points: hand-computed cases and invariants.

Expected numbers come from the definitions (cumulative sums of the legs and stops; percentiles with
linear interpolation, position (n − 1) × q), worked out by hand below, not from the code's output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.analytics.test_cpmm_properties import _build, trip

import corridor
from corridor.analytics import cpmm, read_shipment_log, shipment_log, tcd
from corridor.exceptions import InputError

HEADER = "shipment,commodity,mode,event,node,time,km,tonnes,cost_type,cost_usd,direction,bcp,source\n"

# The constructed leg of the UNESCAP TCD reference (Part B, B2.4): road 200 km 4 h 300 USD;
# transfer road->rail 6 h 120 USD; rail 1,000 km 25 h 800 USD; border 30 h 250 USD (100 at the
# entry, 150 at the exit); rail 500 km 12.5 h 400 USD. The transfer's end has no km marker: it
# carries 200 forward. The 800 USD rail leg ends on a position row at km 1,200 (same time as the
# border entry).
B24 = """\
{s},containers,road,departure,A,2024-03-01T00:00:00Z,0,20,,,outbound,,{src}
{s},containers,road,transshipment_start,B,2024-03-01T04:00:00Z,200,20,road freight,300,outbound,,{src}
{s},containers,rail,transshipment_end,B,2024-03-01T10:00:00Z,,20,transfer,120,outbound,,{src}
{s},containers,rail,position,X,2024-03-02T11:00:00Z,1200,20,rail freight,800,outbound,,{src}
{s},containers,rail,border_entry,X,2024-03-02T11:00:00Z,1200,20,border fees,100,outbound,Dostyk,{src}
{s},containers,rail,border_exit,X,2024-03-03T17:00:00Z,1200,20,customs,150,outbound,Dostyk,{src}
{s},containers,rail,arrival,C,2024-03-04T05:30:00Z,1700,20,rail freight,400,outbound,,{src}
"""

# (distance km, elapsed h, cumulative USD, label) per event, from the table of B2.4:
EXPECTED_B24 = [
    (0, 0, 0, "departure A"),
    (200, 4, 300, "transshipment B"),         # road leg: +200 km, +4 h, +300 USD
    (200, 10, 420, "transshipment B"),        # transfer: vertical, +6 h, +120 USD
    (1200, 35, 1220, "X"),                    # rail leg: +1,000 km, +25 h, +800 USD
    (1200, 35, 1320, "border Dostyk"),        # border entry fee 100 USD
    (1200, 65, 1470, "border Dostyk"),        # border: vertical, 30 h in all, +150 USD at the exit
    (1700, 77.5, 1870, "arrival C"),          # rail leg: +500 km, +12.5 h, +400 USD
]


def _log(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + text, encoding="utf-8")
    return p


@pytest.fixture
def b24(tmp_path: Path) -> Path:
    return _log(tmp_path, B24.format(s="T1", src="carrier survey"))


def test_b24_points_are_the_cumulative_table(b24: Path) -> None:
    r = tcd(read_shipment_log(b24))
    got = list(r.points[["distance_km", "elapsed_h", "cumulative_usd", "label"]].itertuples(index=False, name=None))
    assert got == [(float(a), float(b), float(c), d) for a, b, c, d in EXPECTED_B24]
    assert list(r.points["stop"]) == ["", "transshipment", "transshipment", "", "border", "border", ""]
    assert not r.synthetic


def test_b24_stops_are_the_vertical_steps(b24: Path) -> None:
    s = tcd(read_shipment_log(b24)).stops
    # "The time chart has two vertical steps, 6 h at x = 200 and 30 h at x = 1,200. The cost chart has
    # steps of 120 and 250 at the same x." (B2.4)
    assert list(s["label"]) == ["transshipment B", "border Dostyk"]
    assert list(s["distance_km"]) == [200.0, 1200.0]
    assert list(s["hours"]) == [6.0, 30.0]
    assert list(s["cost_usd"]) == [120.0, 250.0]


def test_b24_corridor_at_waypoints(b24: Path) -> None:
    c = tcd(read_shipment_log(b24)).corridors
    assert set(c["method"]) == {"waypoints"}
    assert list(c["label"]) == ["A", "transshipment B", "transshipment B", "border Dostyk", "border Dostyk", "C"]
    assert list(c["distance_km"]) == [0, 200, 200, 1200, 1200, 1700]
    # one trip: every percentile is the trip itself; the border's "in" point is the first event at X
    assert list(c["elapsed_h_p50"]) == [0, 4, 10, 35, 65, 77.5]
    assert list(c["cumulative_usd_p10"]) == [0, 300, 420, 1220, 1470, 1870]
    assert list(c["cumulative_usd_p90"]) == [0, 300, 420, 1220, 1470, 1870]


# Three trips A -> C over the same nodes: departure A km 0; border at B km 100 (entry, exit); arrival
# C km 300. Times in hours from departure, costs in USD:
#   U1: entry 2, exit 12 (+100), arrival 16 (+200)  -> cumulative cost at C 300
#   U2: entry 3, exit 23 (+150), arrival 28 (+200)  -> 350
#   U3: entry 4, exit 64 (+300), arrival 70 (+250)  -> 550
# Percentiles of three sorted values a <= b <= c: p10 = a + 0.2 (b - a), p50 = b, p90 = b + 0.8 (c - b).
THREE = {"U1": (2, 12, 16, 100, 200), "U2": (3, 23, 28, 150, 200), "U3": (4, 64, 70, 300, 250)}


def _three(border_node: dict[str, str] | None = None) -> str:
    out = []
    for sid, (a, b, c, fee, freight) in THREE.items():
        node = (border_node or {}).get(sid, "B")
        t = pd.Timestamp("2024-05-01T00:00:00Z")
        iso = [(t + pd.Timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in (0, a, b, c)]
        out += [f"{sid},grain,road,departure,A,{iso[0]},0,20,,,,,",
                f"{sid},grain,road,border_entry,{node},{iso[1]},100,20,,,,,",
                f"{sid},grain,road,border_exit,{node},{iso[2]},,20,fees,{fee},,,",
                f"{sid},grain,road,arrival,C,{iso[3]},300,20,freight,{freight},,,"]
    return "\n".join(out) + "\n"


def test_three_trips_median_and_spread_at_waypoints(tmp_path: Path) -> None:
    c = tcd(read_shipment_log(_log(tmp_path, _three()))).corridors
    assert list(c["method"].unique()) == ["waypoints"]
    assert list(c["label"]) == ["A", "border B", "border B", "C"]
    assert list(c["trips"]) == [3, 3, 3, 3]
    assert list(c["distance_km"]) == [0, 100, 100, 300]
    # at B on arrival: 2, 3, 4 h -> p10 2.2, p50 3, p90 3.8; no cost yet
    # at B on leaving: 12, 23, 64 h -> 14.2, 23, 55.8; 100, 150, 300 USD -> 110, 150, 270
    # at C: 16, 28, 70 h -> 18.4, 28, 61.6; 300, 350, 550 USD -> 310, 350, 510
    np.testing.assert_allclose(c["elapsed_h_p10"], [0, 2.2, 14.2, 18.4])
    np.testing.assert_allclose(c["elapsed_h_p50"], [0, 3, 23, 28])
    np.testing.assert_allclose(c["elapsed_h_p90"], [0, 3.8, 55.8, 61.6])
    np.testing.assert_allclose(c["cumulative_usd_p10"], [0, 0, 110, 310])
    np.testing.assert_allclose(c["cumulative_usd_p50"], [0, 0, 150, 350])
    np.testing.assert_allclose(c["cumulative_usd_p90"], [0, 0, 270, 510])


def test_three_trips_on_a_distance_grid_when_nodes_differ(tmp_path: Path) -> None:
    c = tcd(read_shipment_log(_log(tmp_path, _three({"U3": "B2"})))).corridors
    assert list(c["method"].unique()) == ["grid"]
    assert len(c) == 101  # GRID_STEPS + 1 points from 0 to 300 km
    at = c.set_index("distance_km")
    # at 150 km, a quarter of the way from B (100) to C (300), after the border:
    #   U1 12 + 0.25 x 4 = 13 h, 100 + 0.25 x 200 = 150 USD; U2 23 + 0.25 x 5 = 24.25 h, 200 USD;
    #   U3 64 + 0.25 x 6 = 65.5 h, 300 + 0.25 x 250 = 362.5 USD
    row = at.loc[150.0]
    assert row["elapsed_h_p50"] == pytest.approx(24.25)
    assert row["elapsed_h_p10"] == pytest.approx(13 + 0.2 * (24.25 - 13))
    assert row["cumulative_usd_p90"] == pytest.approx(200 + 0.8 * 162.5)
    # the grid steps are 3 km: at 99 km, before the border, U2 is at 0.99 x 3 = 2.97 h; at 102 km, after
    # it, U2 is at 23 + 2/200 x 5 = 23.05 h (the border's 20 h fall between the two grid points)
    assert at.loc[99.0, "elapsed_h_p50"] == pytest.approx(2.97)
    assert at.loc[102.0, "elapsed_h_p50"] == pytest.approx(23.05)
    assert at.loc[300.0, "cumulative_usd_p50"] == pytest.approx(350)


def test_grouping_and_filters(tmp_path: Path) -> None:
    log = read_shipment_log(_log(tmp_path, _three() + B24.format(s="T1", src="x")))
    r = tcd(log, by=("section", "mode"))
    assert set(zip(r.corridors["section"], r.corridors["mode"], strict=True)) == {("A → C", "road"),
                                                                                  ("A → C", "road+rail")}
    one = tcd(log, shipments=["U2"], sections=["A -> C"])
    assert set(one.points["shipment"]) == {"U2"}
    with pytest.raises(InputError, match="no shipment 'nope'"):
        tcd(log, shipments=["nope"])
    with pytest.raises(InputError, match="no section 'A → Q'"):
        tcd(log, sections=["A→Q"])
    with pytest.raises(InputError, match="group by"):
        tcd(log, by=("colour",))


def test_synthetic_flag_and_top_level_api(tmp_path: Path) -> None:
    p = _log(tmp_path, B24.format(s="T1", src="synthetic seed 1"))
    t = corridor.tcd(p)
    assert t.result.synthetic
    assert t.to_frame() is t.points
    assert set(t.to_dict()) == {"by", "synthetic", "points", "corridors", "stops"}
    perf = corridor.cpmm(corridor.read_log(p))
    assert perf.synthetic
    d = perf.to_dict()
    assert {"crossings", "trips", "border_by_bcp", "travel_by_section"} <= set(d)
    assert d["crossings"][0]["tfi1_h"] == 30.0
    assert d["crossings"][0]["tfi2_usd"] == 250.0
    assert {"swd_kmh", "swod_kmh", "tfi3_usd"} <= set(d["trips"][0])
    assert list(perf.to_frame()["shipment"]) == ["T1"]
    with pytest.raises(InputError, match="expected a ShipmentLog"):
        corridor.tcd(42)  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(st.lists(trip, min_size=1, max_size=4))
def test_cumulative_lines_never_fall_and_end_at_the_trip_totals(trips: list[tuple]) -> None:
    df, _ = _build(trips)
    log = shipment_log(df, "random.csv")
    r = tcd(log)
    g = r.points.groupby("shipment")
    for col in ("distance_km", "elapsed_h", "cumulative_usd"):
        assert (g[col].diff().dropna() >= -1e-9).all(), col
    totals = cpmm(log).trips.set_index("shipment")
    last = g[["distance_km", "elapsed_h", "cumulative_usd"]].last()
    np.testing.assert_allclose(last["elapsed_h"], totals.loc[last.index, "time_h"])
    np.testing.assert_allclose(last["cumulative_usd"], totals.loc[last.index, "cost_usd"])
    np.testing.assert_allclose(last["distance_km"], totals.loc[last.index, "distance_km"])
    c = r.corridors
    assert (c["elapsed_h_p10"] <= c["elapsed_h_p50"] + 1e-9).all()
    assert (c["elapsed_h_p50"] <= c["elapsed_h_p90"] + 1e-9).all()
    assert (c["cumulative_usd_p10"] <= c["cumulative_usd_p50"] + 1e-9).all()
    for col in ("elapsed_h_p50", "cumulative_usd_p50", "distance_km"):
        assert (c.groupby("section")[col].diff().dropna() >= -1e-9).all(), col
    assert (r.stops["hours"] >= 0).all()
    assert (r.stops["cost_usd"] >= -1e-9).all()
