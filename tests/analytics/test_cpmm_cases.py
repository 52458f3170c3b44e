"""Hand-computed CPMM cases: expected numbers come from the definitions, not from the code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corridor.analytics import cpmm, read_shipment_log

HEADER = "shipment,commodity,mode,event,node,time,km,tonnes,cost_type,cost_usd,direction,bcp\n"

# The constructed test case of the UNESCAP TCD / CPMM reference, section B2.4 (round numbers):
# road leg 200 km 4 h 300 USD; transfer road->rail 6 h 120 USD; rail leg 1,000 km 25 h 800 USD;
# border 30 h 250 USD (100 at entry, 150 at exit); rail leg 500 km 12.5 h 400 USD.
# Leg costs sit on the row that ends the leg; the 800 USD rail leg ends on a `position` row just
# before the border entry (same time), so it is not counted at the border.
B24 = """\
{s},containers,road,departure,A,2024-03-01T00:00:00Z,0,{w},,,outbound,
{s},containers,road,transshipment_start,B,2024-03-01T04:00:00Z,200,{w},road freight,300,outbound,
{s},containers,rail,transshipment_end,B,2024-03-01T10:00:00+00:00,200,{w},transfer,120,outbound,
{s},containers,rail,position,X,2024-03-02T11:00:00Z,1200,{w},rail freight,800,outbound,
{s},containers,rail,border_entry,X,2024-03-02T16:00:00+05:00,1200,{w},border fees,100,outbound,
{s},containers,rail,border_exit,X,2024-03-03T17:00:00Z,1200,{w},customs,150,outbound,
{s},containers,rail,arrival,C,2024-03-04T05:30:00Z,1700,{w},rail freight,400,outbound,
"""


@pytest.fixture
def b24(tmp_path: Path) -> Path:
    p = tmp_path / "b24.csv"
    p.write_text(HEADER + B24.format(s="T20", w=20) + B24.format(s="T25", w=25), encoding="utf-8")
    return p


def test_b24_trip_totals_and_speeds(b24: Path) -> None:
    t = cpmm(read_shipment_log(b24)).trips.set_index("shipment")
    r = t.loc["T20"]
    assert r["distance_km"] == 1700.0
    assert r["time_h"] == 77.5
    assert r["stop_h"] == 36.0  # 6 h transfer + 30 h border
    assert r["cost_usd"] == 1870.0
    assert r["swod_kmh"] == pytest.approx(1700 / 41.5)
    assert round(r["swod_kmh"], 2) == 40.96
    assert round(r["swd_kmh"], 2) == 21.94
    assert round(r["delay_share"], 4) == 0.4645
    assert r["tfi3_usd"] == pytest.approx(550.0)
    assert t.loc["T25", "tfi3_usd"] == pytest.approx(440.0)
    assert r["mode"] == "road+rail"
    assert r["section"] == "A → C"


def test_b24_border(b24: Path) -> None:
    x = cpmm(read_shipment_log(b24)).crossings
    assert list(x["bcp"]) == ["X", "X"]
    assert list(x["tfi1_h"]) == [30.0, 30.0]
    assert list(x["tfi2_usd"]) == [250.0, 250.0]
    assert list(x["month"]) == ["2024-03", "2024-03"]


def test_b24_parquet_same_as_csv(b24: Path, tmp_path: Path) -> None:
    df = pd.read_csv(b24, dtype=str, keep_default_na=False)
    df["time"] = pd.to_datetime(df["time"], utc=True, format="ISO8601")
    for c in ("km", "tonnes"):
        df[c] = df[c].astype(float)
    pq = tmp_path / "b24.parquet"
    df.to_parquet(pq)
    a = cpmm(read_shipment_log(pq)).trips
    b = cpmm(read_shipment_log(b24)).trips
    pd.testing.assert_frame_equal(a, b)


# Two trips, two crossings each (bcps KHO and DOS), road. Times in hours from 2024-05-01T00:00Z.
# P outbound, 20 t: dep A km 0 h 0; KHO entry km 300 h 5 .. exit h 15 (10 h, 100 USD at exit),
#   an inspection h 6..8 inside that crossing (not counted twice in S); DOS entry km 600 h 20 ..
#   exit h 24 (4 h, 50 USD); arrival km 900 h 30, freight 1,000 USD.
#   D 900, T 30, S 14, C 1,150 -> SWD 30, SWOD 900/16 = 56.25, TFI3 1150*500/900 = 638.889.
# Q inbound, 10 t: dep C km 0 h 0; DOS entry km 300 h 5 .. exit h 7 (2 h, 30 USD); KHO entry km 600
#   h 12 .. exit h 18 (6 h, 70 USD); arrival km 900 h 25, freight 800 USD.
#   D 900, T 25, S 8, C 900 -> SWD 36, SWOD 900/17, TFI3 900*500/900*20/10 = 1,000.
TWO = """\
P,steel,road,departure,A,2024-05-01T00:00:00Z,0,20,,,outbound,
P,steel,road,border_entry,K,2024-05-01T05:00:00Z,300,20,,,outbound,KHO
P,steel,road,inspection_start,K,2024-05-01T06:00:00Z,,20,,,outbound,
P,steel,road,inspection_end,K,2024-05-01T08:00:00Z,,20,,,outbound,
P,steel,road,border_exit,K,2024-05-01T15:00:00Z,300,20,customs,100,outbound,KHO
P,steel,road,border_entry,D,2024-05-01T20:00:00Z,600,20,,,outbound,DOS
P,steel,road,border_exit,D,2024-05-02T00:00:00Z,600,20,customs,50,outbound,DOS
P,steel,road,arrival,B,2024-05-02T06:00:00Z,900,20,freight,1000,outbound,
Q,steel,road,departure,C,2024-05-01T00:00:00Z,0,10,,,inbound,
Q,steel,road,border_entry,D,2024-05-01T05:00:00Z,300,10,,,inbound,DOS
Q,steel,road,border_exit,D,2024-05-01T07:00:00Z,300,10,customs,30,inbound,DOS
Q,steel,road,border_entry,K,2024-05-01T12:00:00Z,600,10,,,inbound,KHO
Q,steel,road,border_exit,K,2024-05-01T18:00:00Z,600,10,customs,70,inbound,KHO
Q,steel,road,arrival,E,2024-05-02T01:00:00Z,900,10,freight,800,inbound,
"""


@pytest.fixture
def two(tmp_path: Path) -> Path:
    p = tmp_path / "two.csv"
    p.write_text(HEADER + TWO, encoding="utf-8")
    return p


def _row(table: pd.DataFrame, indicator: str, **keys: str) -> pd.Series:
    m = table["indicator"] == indicator
    for k, v in keys.items():
        m &= table[k] == v
    assert m.sum() == 1
    return table[m].iloc[0]


def test_two_trips_by_bcp(two: Path) -> None:
    r = cpmm(read_shipment_log(two))
    t = r.border("bcp")
    # KHO TFI1 values 10, 6: mean 8; linear percentiles p10 = 6 + 0.1*4 = 6.4, p90 = 6 + 0.9*4 = 9.6
    k = _row(t, "tfi1_h", bcp="KHO")
    assert (k["count"], k["mean"], k["min"], k["max"]) == (2, 8.0, 6.0, 10.0)
    assert (k["p10"], k["p50"], k["p90"]) == pytest.approx((6.4, 8.0, 9.6))
    # KHO TFI2 100, 70: mean 85, p10 73, p90 97
    k2 = _row(t, "tfi2_usd", bcp="KHO")
    assert (k2["mean"], k2["p10"], k2["p90"]) == pytest.approx((85.0, 73.0, 97.0))
    # DOS TFI1 4, 2: mean 3, p10 2.2, p90 3.8; TFI2 50, 30: mean 40
    d = _row(t, "tfi1_h", bcp="DOS")
    assert (d["mean"], d["p10"], d["p90"]) == pytest.approx((3.0, 2.2, 3.8))
    assert _row(t, "tfi2_usd", bcp="DOS")["mean"] == 40.0


def test_two_trips_by_direction_and_overall(two: Path) -> None:
    r = cpmm(read_shipment_log(two))
    t = r.border("direction")
    assert _row(t, "tfi1_h", direction="outbound")["mean"] == 7.0  # (10 + 4) / 2
    assert _row(t, "tfi1_h", direction="inbound")["mean"] == 4.0  # (2 + 6) / 2
    assert _row(t, "tfi2_usd", direction="outbound")["mean"] == 75.0  # (100 + 50) / 2
    one = _row(r.border("bcp", "direction"), "tfi1_h", bcp="KHO", direction="inbound")
    assert (one["count"], one["mean"]) == (1, 6.0)
    # overall TFI1 2, 4, 6, 10: mean 5.5, p50 5, p10 = 2 + 0.3*2 = 2.6, p90 = 6 + 0.7*4 = 8.8
    a = _row(r.border(), "tfi1_h")
    assert (a["count"], a["mean"]) == (4, 5.5)
    assert (a["p10"], a["p50"], a["p90"]) == pytest.approx((2.6, 5.0, 8.8))


def test_two_trips_travel(two: Path) -> None:
    r = cpmm(read_shipment_log(two))
    t = r.trips.set_index("shipment")
    assert t.loc["P", "stop_h"] == 14.0  # 10 + 4; the inspection lies inside the KHO crossing
    assert t.loc["Q", "stop_h"] == 8.0
    assert t.loc["P", "swd_kmh"] == 30.0
    assert t.loc["P", "swod_kmh"] == 56.25
    assert t.loc["Q", "swod_kmh"] == pytest.approx(900 / 17)
    assert t.loc["P", "tfi3_usd"] == pytest.approx(1150 * 500 / 900)
    assert t.loc["Q", "tfi3_usd"] == pytest.approx(1000.0)
    a = _row(r.travel(), "tfi3_usd")
    assert a["mean"] == pytest.approx((1150 * 500 / 900 + 1000) / 2)
    # ratio of sums: (1,150 + 900) / (900/500*20/20 + 900/500*10/20) = 2,050 / 2.7
    assert a["tfi3_pooled_usd"] == pytest.approx(2050 / 2.7)
    s = _row(r.travel("direction"), "swd_kmh", direction="inbound")
    assert s["mean"] == 36.0


def test_tables_and_to_dict(two: Path) -> None:
    import json

    r = cpmm(read_shipment_log(two))
    tables = r.tables()
    assert "border_by_bcp_direction" in tables
    assert "travel_by_section" in tables
    d = r.to_dict()
    json.dumps(d)  # JSON-ready
    assert len(d["crossings"]) == 4
    assert len(d["trips"]) == 2
