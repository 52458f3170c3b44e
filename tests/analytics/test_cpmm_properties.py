"""Property tests on random valid logs: SWD <= SWOD, times >= 0, totals equal the sums of their parts."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.analytics import STOP_PAIRS, cpmm, shipment_log
from corridor.analytics.logs import MAX_SPEED_KMH

MODES = ("road", "rail", "sea")
leg = st.tuples(st.just("leg"), st.sampled_from(MODES), st.integers(0, 800), st.floats(0.05, 0.9),
                st.integers(0, 2000))
stop = st.tuples(st.just("stop"), st.sampled_from(sorted(STOP_PAIRS)), st.integers(0, 3000), st.just(0.0),
                 st.integers(0, 500))
trip = st.tuples(st.lists(st.one_of(leg, stop), min_size=1, max_size=8), st.integers(1, 60),
                 st.sampled_from(["outbound", "inbound", ""]), st.integers(-5, 8))


def _build(trips: list[tuple]) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Rows of a log and, per shipment, the totals expected from its parts."""
    rows: list[dict] = []
    expect: dict[str, dict[str, float]] = {}
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    for i, (elements, tonnes, direction, tz_h) in enumerate(trips):
        sid = f"s{i}"
        tz = timezone(timedelta(hours=tz_h))
        now, km, cost, stop_min, mode = t0, 0, 0, 0, elements[0][1] if elements[0][0] == "leg" else "road"

        def add(event: str, usd: float, mode: str, bcp: str = "", *, sid: str = sid, tz: timezone = tz,
                tonnes: int = tonnes, direction: str = direction) -> None:
            rows.append({"shipment": sid, "commodity": "c", "mode": mode, "event": event, "node": f"n{len(rows)}",
                         "time": now.astimezone(tz).isoformat(), "km": str(km), "tonnes": str(tonnes),  # noqa: B023 (now, km: the current values)
                         "cost_type": "x" if usd else "", "cost_usd": str(usd) if usd else "",
                         "direction": direction, "bcp": bcp})

        add("departure", 0, mode)
        for kind, what, amount, frac, usd in elements:
            if kind == "leg":
                mode = what
                minutes = math.ceil(amount / (frac * MAX_SPEED_KMH[mode]) * 60) if amount else 0
                now += timedelta(minutes=minutes)
                km += amount
                add("position", usd, mode)
            else:
                start, end = STOP_PAIRS[what]
                add(start, 0, mode, "b1" if what == "border" else "")
                now += timedelta(minutes=amount)
                stop_min += amount
                add(end, usd, mode, "b1" if what == "border" else "")
            cost += usd
        add("arrival", 0, mode)
        expect[sid] = {"cost": cost, "stop_h": stop_min / 60, "km": km,
                       "time_h": (now - t0).total_seconds() / 3600}
    return pd.DataFrame(rows), expect


@settings(max_examples=25)
@given(st.lists(trip, min_size=1, max_size=4))
def test_random_logs(trips: list[tuple]) -> None:
    df, expect = _build(trips)
    r = cpmm(shipment_log(df, "random.csv"))
    t = r.trips.set_index("shipment")
    for sid, e in expect.items():
        row = t.loc[sid]
        assert row["cost_usd"] == pytest.approx(e["cost"])  # trip cost = sum of its cost items
        assert row["stop_h"] == pytest.approx(e["stop_h"])  # stops do not overlap here: S = sum of stops
        assert row["distance_km"] == e["km"]
        assert row["time_h"] == pytest.approx(e["time_h"])
    assert (t["time_h"] >= 0).all()
    assert (t["stop_h"] >= 0).all()
    assert (t["stop_h"] <= t["time_h"] + 1e-9).all()
    both = t.dropna(subset=["swd_kmh", "swod_kmh"])
    assert (both["swd_kmh"] <= both["swod_kmh"] * (1 + 1e-12)).all()
    assert ((both["delay_share"] >= -1e-12) & (both["delay_share"] <= 1)).all()
    x = r.crossings
    assert (x["tfi1_h"] >= 0).all()
    assert (x["tfi2_usd"] >= 0).all()
    # border time and cost are parts of the trip's stop time and cost
    per_trip = x.groupby("shipment")[["tfi1_h", "tfi2_usd"]].sum()
    for sid, p in per_trip.iterrows():
        assert p["tfi1_h"] <= t.loc[sid, "stop_h"] + 1e-9
        assert p["tfi2_usd"] <= t.loc[sid, "cost_usd"] + 1e-9
    s = r.border()
    assert (s["p10"] <= s["p50"] + 1e-9).all()
    assert (s["p50"] <= s["p90"] + 1e-9).all()


@settings(max_examples=15)
@given(st.lists(trip, min_size=1, max_size=3), st.data())
def test_overlapping_stops_counted_once(trips: list[tuple], data: st.DataObject) -> None:
    """An inspection inside a border crossing adds no stop time."""
    df, _ = _build(trips)
    base = cpmm(shipment_log(df, "a.csv")).trips.set_index("shipment")["stop_h"]
    crossings = df.index[df["event"] == "border_entry"]
    if len(crossings) == 0:
        return
    i = data.draw(st.sampled_from(list(crossings)))
    ins = pd.concat([df.loc[[i]].assign(event="inspection_start", cost_usd="", bcp=""),
                     df.loc[[i]].assign(event="inspection_end", cost_usd="", bcp="")])
    df2 = pd.concat([df.loc[:i], ins, df.loc[i + 1:]], ignore_index=True)
    again = cpmm(shipment_log(df2, "b.csv")).trips.set_index("shipment")["stop_h"]
    pd.testing.assert_series_equal(base, again)
