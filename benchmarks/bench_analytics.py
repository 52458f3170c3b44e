"""CPMM indicators on a large shipment log: read + validate, then TFI1-TFI4/SWOD with every breakdown.

Target (corridor-performance analytics issue): one million events, indicators in under 10 s,
columnar (no per-row Python loops).

The log is generated here, vectorised and seeded (``--seed``): trips of 1-4 border crossings
(one in four with an inspection inside the crossing and its own cost item), 2-12 km markers,
waiting stops, timestamps with five different UTC offsets, trips starting in any month of a year.
The generator shares nothing with the shipped example or the tests, so nothing here was tuned on it.

Reference: the same TFI1 per crossing and SWD and cost per trip written as DuckDB SQL on the Parquet
file; the bench checks that both give the same totals (relative 1e-9) and times both. The SQL does
less (no validation, no union of stops, no SWOD, no breakdowns): its time is a floor, not a peer.

A second input, ``--source synth``: the shipped generator's log (``corridor.analytics.synthesize`` on the
built-in network: real node ids, six corridors, local time zones), as many shipments as give about
``--events`` rows.

Run:  .venv/bin/python benchmarks/bench_analytics.py [--events 1000000] [--seed 0] [--repeat 3] [--source random|synth]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from corridor.analytics import cpmm, read_shipment_log, tcd

T = TypeVar("T")
OFFSETS = ("+05:00", "+08:00", "+04:00", "+03:00", "Z")


def make_log(events: int, seed: int) -> pd.DataFrame:
    """About ``events`` rows of valid random trips, in file order."""
    rng = np.random.default_rng(seed)
    # per trip: departure, arrival, 2-12 positions, 1-4 crossings (2 rows, +2 when inspected), 0-1 waits (2 rows)
    avg = 2 + 7 + 2.5 * 2 + 0.625 * 2 + 0.5 * 2
    n = int(events / avg) + 1
    pos = rng.integers(2, 13, n)
    bor = rng.integers(1, 5, n)
    wait = rng.random(n) < 0.5
    segs = pos + bor + 1  # moving segments between consecutive stops and markers
    # the kinds of each trip's items, in order: position (P) or border (B), shuffled per trip
    items = np.repeat(np.arange(n), pos + bor)
    is_border = np.concatenate([rng.permutation(np.r_[np.zeros(p, bool), np.ones(b, bool)])
                                for p, b in zip(pos, bor, strict=True)])
    # times: moving hours per segment, stop hours per border
    start = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.uniform(0, 365 * 24, n), unit="h")
    move = rng.gamma(2.0, 6.0, segs.sum())
    km_seg = move * rng.uniform(20, 60, segs.sum())
    stop = rng.lognormal(np.log(8.0), 0.8, len(items))
    stop = np.where(is_border, stop, 0.0)
    rows: list[pd.DataFrame] = []
    # item k of trip i comes after segment k of trip i
    seg_start = np.r_[0, np.cumsum(segs)[:-1]]
    item_rank = np.arange(len(items)) - np.repeat(np.r_[0, np.cumsum(pos + bor)[:-1]], pos + bor)
    seg_idx = seg_start[items] + item_rank
    # cumulative clock and km at the start of each item: moving time to here + stops before
    cum_move = np.cumsum(move)
    cum_km = np.cumsum(km_seg)
    base_move = np.r_[0, cum_move][seg_start]
    base_km = np.r_[0, cum_km][seg_start]
    cum_stop = np.cumsum(stop) - stop
    base_stop = np.r_[0, np.cumsum(stop)][np.r_[0, np.cumsum(pos + bor)[:-1]]]
    t_at = (cum_move[seg_idx] - base_move[items]) + (cum_stop - base_stop[items])
    km_at = cum_km[seg_idx] - base_km[items]
    sid = np.char.add("S", np.arange(n).astype(str)).astype(object)
    commodity = np.where(rng.random(n) < 0.6, "container", "grain").astype(object)
    mode = np.where(rng.random(n) < 0.8, "rail", "road").astype(object)
    direction = np.where(rng.random(n) < 0.7, "outbound", "inbound").astype(object)
    tz = np.array(OFFSETS, dtype=object)[rng.integers(0, len(OFFSETS), n)]
    bcps = np.array(["dostyk", "altynkol", "saryagash", "beyneu", "tazhen", "zhaisan"], dtype=object)
    bcp = bcps[rng.integers(0, len(bcps), len(items))]
    tonnes = np.where(commodity == "container", 20.0, 60.0)

    def frame(trip: np.ndarray, event: str, hours: np.ndarray, km: np.ndarray | float, order: np.ndarray,
              **cols: np.ndarray | str | float) -> pd.DataFrame:
        return pd.DataFrame({"shipment": sid[trip], "commodity": commodity[trip], "mode": mode[trip],
                             "event": event, "_h": hours, "km": km, "_tz": tz[trip], "_ord": order,
                             "direction": direction[trip], "tonnes": tonnes[trip], **cols})

    trips = np.arange(n)
    total_h = (np.r_[0, cum_move][seg_start + segs] - base_move) + np.bincount(items, stop, n)
    total_km = np.r_[0, cum_km][seg_start + segs] - base_km
    rows.append(frame(trips, "departure", np.zeros(n), 0.0, np.zeros(n), node="origin", cost_usd=0.0))
    rows.append(frame(trips, "arrival", total_h, total_km, np.full(n, 1e9), node="destination",
                      cost_usd=rng.uniform(500, 3000, n).round(2)))
    p = ~is_border
    rows.append(frame(items[p], "position", t_at[p], km_at[p].round(1), 3.0 * item_rank[p],
                      node=np.full(p.sum(), "km", dtype=object), cost_usd=0.0))
    b = is_border
    ib = items[b]
    rows.append(frame(ib, "border_entry", t_at[b], np.nan, 3.0 * item_rank[b], node=bcp[b], bcp=bcp[b],
                      cost_usd=0.0))
    rows.append(frame(ib, "border_exit", t_at[b] + stop[b], np.nan, 3.0 * item_rank[b] + 2, node=bcp[b],
                      bcp=bcp[b], cost_usd=rng.uniform(50, 400, b.sum()).round(2), cost_type="border"))
    insp = rng.random(b.sum()) < 0.25
    half = stop[b][insp] / 2
    rows.append(frame(ib[insp], "inspection_start", t_at[b][insp] + half / 2, np.nan, 3.0 * item_rank[b][insp] + 1,
                      node=bcp[b][insp], cost_usd=0.0))
    rows.append(frame(ib[insp], "inspection_end", t_at[b][insp] + half, np.nan, 3.0 * item_rank[b][insp] + 1.5,
                      node=bcp[b][insp], cost_usd=rng.uniform(20, 80, insp.sum()).round(2), cost_type="inspection"))
    w = trips[wait]
    rows.append(frame(w, "waiting_start", total_h[wait], total_km[wait], np.full(wait.sum(), 1e9 - 2),
                      node="destination", cost_usd=0.0))
    rows.append(frame(w, "waiting_end", total_h[wait], total_km[wait], np.full(wait.sum(), 1e9 - 1),
                      node="destination", cost_usd=0.0))
    df = pd.concat(rows, ignore_index=True).sort_values(["shipment", "_ord"], kind="stable")
    # the wait happens just before arrival: shift the arrival by its length
    dur = rng.uniform(1, 24, len(df))
    is_wend = (df["event"] == "waiting_end").to_numpy()
    shift = pd.Series(np.where(is_wend, dur, 0.0)).groupby(df["shipment"].to_numpy()).transform("sum").to_numpy()
    df["_h"] = df["_h"].to_numpy() + np.where(is_wend | (df["event"] == "arrival").to_numpy(), shift, 0.0)
    stamp = start[pd.Index(df["shipment"].str[1:].astype(int))] + pd.to_timedelta(df["_h"].to_numpy(), unit="h")
    offset = df["_tz"].map({"Z": 0, "+05:00": 5, "+08:00": 8, "+04:00": 4, "+03:00": 3}).to_numpy()
    local = (stamp.tz_convert(None) + pd.to_timedelta(offset, unit="h")).strftime("%Y-%m-%dT%H:%M:%S")
    df["time"] = local + df["_tz"].to_numpy()
    return df.drop(columns=["_h", "_tz", "_ord"]).reset_index(drop=True)


def _time(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


_SQL_TFI1 = """
with f as (select *, cast("time" as timestamptz) as t from read_parquet('{p}')),
en as (select shipment, t, row_number() over (partition by shipment order by t) k from f where event = 'border_entry'),
ex as (select shipment, t, row_number() over (partition by shipment order by t) k from f where event = 'border_exit')
select count(*), sum(epoch(ex.t) - epoch(en.t)) / 3600.0 from en join ex using (shipment, k)
"""
_SQL_TRIPS = """
with f as (select *, cast("time" as timestamptz) as t from read_parquet('{p}')),
tr as (select shipment,
              max(km) filter (where event = 'arrival') - min(km) filter (where event = 'departure') as d,
              (epoch(max(t) filter (where event = 'arrival'))
               - epoch(min(t) filter (where event = 'departure'))) / 3600.0 as h,
              sum(coalesce(cost_usd, 0)) as c
       from f group by shipment)
select count(*), avg(d / h), sum(c) from tr
"""


def duckdb_reference(parquet: Path) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(crossings, Σ TFI1 h) and (trips, mean SWD, Σ C) by DuckDB SQL."""
    import duckdb

    con = duckdb.connect()
    a = con.sql(_SQL_TFI1.format(p=parquet)).fetchall()[0]
    b = con.sql(_SQL_TRIPS.format(p=parquet)).fetchall()[0]
    return tuple(a), tuple(b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--source", choices=("random", "synth"), default="random")
    args = ap.parse_args()
    t = time.perf_counter()
    if args.source == "synth":
        from corridor import data
        from corridor.analytics import synthesize

        per_trip = 17.4  # events per shipment of the default corridors (measured on 2,000 shipments)
        df = synthesize(data.load().network, shipments=int(args.events / per_trip), seed=args.seed)
    else:
        df = make_log(args.events, args.seed)
    print(f"generated {len(df):,} events, {df['shipment'].nunique():,} trips in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "log.csv"
        pq = Path(tmp) / "log.parquet"
        df.to_csv(csv, index=False)
        df.to_parquet(pq, index=False)
        print(f"CSV {csv.stat().st_size / 1e6:,.0f} MB, Parquet {pq.stat().st_size / 1e6:,.0f} MB")
        t_csv, log = _time(lambda: read_shipment_log(csv), args.repeat)
        t_pq, _ = _time(lambda: read_shipment_log(pq), args.repeat)
        t_sql, (ref_x, ref_t) = _time(lambda: duckdb_reference(pq), args.repeat)
    t_ind, res = _time(lambda: cpmm(log), args.repeat)
    t_tab, tables = _time(res.tables, args.repeat)
    t_tcd, _ = _time(lambda: tcd(log, trip_table=res.trips), args.repeat)
    n_cross = len(res.crossings)
    print(f"\n{len(df):,} events, {n_cross:,} border crossings, {len(res.trips):,} trips "
          f"(median of {args.repeat})")
    print("| step | s |\n|---|---:|")
    print(f"| read + validate CSV | {t_csv:.2f} |")
    print(f"| read + validate Parquet | {t_pq:.2f} |")
    print(f"| indicators (per crossing, per trip) | {t_ind:.2f} |")
    print(f"| every default breakdown ({len(tables)} tables, percentiles) | {t_tab:.2f} |")
    print(f"| indicators + breakdowns | {t_ind + t_tab:.2f} |")
    print(f"| whole job from CSV | {t_csv + t_ind + t_tab:.2f} |")
    print(f"| time/cost-distance, per trip and per corridor (not an indicator; for reference) | {t_tcd:.2f} |")
    print(f"| DuckDB SQL floor: TFI1, SWD, C only, from Parquet | {t_sql:.2f} |")
    mine = ((len(res.crossings), res.crossings["tfi1_h"].sum()),
            (len(res.trips), res.trips["swd_kmh"].mean(), res.trips["cost_usd"].sum()))
    for ours, ref in zip(mine, (ref_x, ref_t), strict=True):
        assert ours[0] == ref[0], (ours, ref)
        assert np.allclose(ours[1:], ref[1:], rtol=1e-9, atol=0), (ours, ref)
    print(f"\nsame as DuckDB: {ref_x[0]:,} crossings, Σ TFI1 {ref_x[1]:,.3f} h; {ref_t[0]:,} trips, "
          f"mean SWD {ref_t[1]:.6f} km/h, Σ C {ref_t[2]:,.2f} USD")


if __name__ == "__main__":
    main()
