"""Bad shipment logs are rejected with every problem named by file:line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.analytics import read_shipment_log
from corridor.exceptions import InputError
from corridor.model import Network, Node

HEADER = "shipment,commodity,mode,event,node,time,km,tonnes,cost_type,cost_usd,direction,bcp\n"
GOOD = [
    "S,grain,road,departure,A,2024-01-01T00:00:00Z,0,20,,,outbound,",
    "S,grain,road,border_entry,X,2024-01-01T05:00:00Z,300,20,,,outbound,",
    "S,grain,road,border_exit,X,2024-01-01T09:00:00Z,300,20,customs,40,outbound,",
    "S,grain,road,arrival,B,2024-01-01T15:00:00Z,700,20,freight,900,outbound,",
]


def _errors(tmp_path: Path, rows: list[str], header: str = HEADER, network: Network | None = None) -> list[str]:
    p = tmp_path / "log.csv"
    p.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_shipment_log(p, network)
    return [str(pr) for pr in e.value.problems]


def _one(errors: list[str], where: str, field: str, words: str) -> None:
    hits = [e for e in errors if f"{where}: {field}:" in e and words in e]
    assert hits, f"no {where} {field} {words!r} in {errors}"


def test_good_log_reads(tmp_path: Path) -> None:
    p = tmp_path / "log.csv"
    p.write_text(HEADER + "\n".join(GOOD) + "\n", encoding="utf-8")
    net = Network("t", nodes=tuple(Node(n, n, "KZ", "city", 70.0, 45.0) for n in "ABX"))
    assert read_shipment_log(p, net).shipments == ["S"]


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    errs = _errors(tmp_path, ["S,road,departure,2024-01-01T00:00:00Z,1"], "shipment,mode,event,time,speed\n")
    assert any("log.csv:1: speed: unknown column" in e for e in errs)
    assert any("log.csv:1: commodity: required column(s) missing" in e for e in errs)


def test_bad_event_type(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[1] = rows[1].replace("border_entry", "border_in")
    _one(_errors(tmp_path, rows), "log.csv:3", "event", "unknown event type")


def test_naive_and_unparsable_timestamps(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[1] = rows[1].replace("2024-01-01T05:00:00Z", "2024-01-01T05:00:00")
    rows[2] = rows[2].replace("2024-01-01T09:00:00Z", "yesterday")
    errs = _errors(tmp_path, rows)
    _one(errs, "log.csv:3", "time", "no time zone")
    _one(errs, "log.csv:4", "time", "not an ISO 8601 timestamp")


def test_negative_cost_and_other_currency(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[2] = rows[2].replace("customs,40", "customs,-40")
    _one(_errors(tmp_path, rows), "log.csv:4", "cost_usd", "negative")
    header = HEADER.replace("cost_usd", "cost_amount,currency")
    rows2 = [r.replace(",outbound", ",,outbound") for r in GOOD]
    rows2[3] = rows2[3].replace("freight,900,,", "freight,900,EUR,")
    _one(_errors(tmp_path, rows2, header), "log.csv:5", "usd_per_unit", "needs usd_per_unit")
    rows2[3] = rows2[3].replace("freight,900,EUR,", "freight,900,euro,")
    _one(_errors(tmp_path, rows2, header), "log.csv:5", "currency", "ISO 4217")
    rows2[3] = rows2[3].replace("freight,900,euro,", "freight,900,,")
    _one(_errors(tmp_path, rows2, header), "log.csv:5", "currency", "without its currency")


def test_cost_in_another_currency_at_the_rows_rate(tmp_path: Path) -> None:
    from corridor.analytics import cpmm

    header = "shipment,commodity,mode,event,node,time,km,cost_amount,currency,usd_per_unit\n"
    # 50,000 KZT at 0.0021 USD/KZT = 105 USD; 40 USD as is; 200 CNY at 0.14 = 28 USD: C = 173 USD
    rows = ["S,grain,rail,departure,a,2024-01-01T00:00:00+05:00,0,50000,KZT,0.0021",
            "S,grain,rail,position,b,2024-01-01T05:00:00+05:00,200,40,USD,",
            "S,grain,rail,arrival,c,2024-01-01T10:00:00+05:00,400,200,cny,0.14"]
    p = tmp_path / "log.csv"
    p.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    assert cpmm(read_shipment_log(p)).trips["cost_usd"].tolist() == [pytest.approx(173.0)]
    bad = [rows[0].replace("0.0021", "-1"), *rows[1:]]
    p.write_text(header + "\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_shipment_log(p)
    assert any("log.csv:2" in str(x) and "usd_per_unit" in str(x) for x in e.value.problems)


def test_events_out_of_order(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[2] = rows[2].replace("2024-01-01T09:00:00Z", "2024-01-01T04:00:00Z")
    _one(_errors(tmp_path, rows), "log.csv:4", "time", "earlier than the shipment's previous event")


def test_exit_without_entry(tmp_path: Path) -> None:
    rows = [GOOD[0], GOOD[2], GOOD[3]]
    errs = _errors(tmp_path, rows)
    _one(errs, "log.csv:3", "event", "border_exit without its border_entry")


def test_entry_without_exit_and_missing_arrival(tmp_path: Path) -> None:
    errs = _errors(tmp_path, GOOD[:2])
    _one(errs, "log.csv:3", "event", "border_entry without its border_exit")
    _one(errs, "log.csv:2", "event", "shipment has no arrival")


def test_unknown_node(tmp_path: Path) -> None:
    net = Network("tiny", nodes=(Node("A", "A", "KZ", "city", 70.0, 45.0), Node("B", "B", "KZ", "city", 71.0, 45.0)))
    _one(_errors(tmp_path, GOOD, network=net), "log.csv:3", "node", "unknown node")


def test_impossible_speed(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[3] = rows[3].replace(",700,", ",1300,")  # 1,000 km in 6 h by road
    _one(_errors(tmp_path, rows), "log.csv:5", "km", "impossible speed 166.7 km/h")


def test_km_going_back(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[3] = rows[3].replace(",700,", ",100,")
    _one(_errors(tmp_path, rows), "log.csv:5", "km", "smaller than the shipment's previous km marker")


def test_several_problems_reported_together(tmp_path: Path) -> None:
    rows = [*GOOD]
    rows[0] = rows[0].replace("road", "hovercraft")
    rows[1] = rows[1].replace("2024-01-01T05:00:00Z", "2024-01-01 05:00")
    rows[2] = rows[2].replace("customs,40", "customs,lots")
    rows[3] = rows[3].replace(",700,", ",5000,")
    errs = _errors(tmp_path, rows)
    _one(errs, "log.csv:2", "mode", "unknown mode")
    _one(errs, "log.csv:3", "time", "no time zone")
    _one(errs, "log.csv:4", "cost_usd", "not a number")
    _one(errs, "log.csv:5", "km", "impossible speed")
    assert len(errs) >= 4


def test_parquet_naive_times_rejected(tmp_path: Path) -> None:
    import pandas as pd

    df = pd.DataFrame({"shipment": ["S", "S"], "commodity": ["g", "g"], "mode": ["road", "road"],
                       "event": ["departure", "arrival"], "node": ["A", "B"],
                       "time": pd.to_datetime(["2024-01-01T00:00", "2024-01-01T05:00"])})
    p = tmp_path / "log.parquet"
    df.to_parquet(p)
    with pytest.raises(InputError) as e:
        read_shipment_log(p)
    assert "log.parquet:row 1: time: timestamp has no time zone" in str(e.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_shipment_log(tmp_path / "nope.csv")


def test_cost_amount_in_usd_and_positions_by_lon_lat(tmp_path: Path) -> None:
    from corridor.analytics import cpmm

    header = "shipment,commodity,mode,event,lon,lat,time,km,cost_amount,currency\n"
    rows = ["S,grain,rail,departure,51.2,43.6,2024-01-01T00:00:00+04:00,0,,",
            "S,grain,rail,arrival,52.0,44.0,2024-01-01T10:00:00+04:00,400,250.5,usd"]
    p = tmp_path / "log.csv"
    p.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    t = cpmm(read_shipment_log(p)).trips
    assert t["cost_usd"].tolist() == [250.5]
    assert t["swd_kmh"].tolist() == [40.0]  # 400 km in 10 h
