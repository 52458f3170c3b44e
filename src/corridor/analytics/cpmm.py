"""CAREC CPMM indicators from a shipment log: TFI1, TFI2, TFI3 and TFI4 (SWD) with SWOD.

Definitions (CAREC Corridor Performance Measurement and Monitoring annual reports; formulas as
read in ``docs/ANALYTICS.md``), for trip k and border crossing j:

- TFI1_j = exit time − entry time at the border-crossing point, h.
- TFI2_j = sum of the cost items recorded from the entry to the exit (both rows included), USD.
- D_k = last km marker − first km marker, T_k = arrival − departure (h), S_k = time at stops
  (the union of the stop intervals of :data:`corridor.analytics.logs.STOP_PAIRS` inside the trip,
  so an inspection inside a border crossing is not counted twice), C_k = all cost items, W_k = load.
- SWD_k = D_k / T_k (TFI4), SWOD_k = D_k / (T_k − S_k), delay share = 1 − SWD_k / SWOD_k.
- TFI3_k = C_k × 500 / D_k × 20 / W_k (USD per 500 km per 20 t); the pooled reading
  Σ C_k / Σ (D_k / 500 × W_k / 20) is given too, since the reports do not say which one they use.

Everything is computed on whole columns (groupby, merge), never by a loop over events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.analytics.logs import STOP_PAIRS, ShipmentLog

__all__ = ["BORDER_INDICATORS", "PERCENTILES", "TRIP_INDICATORS", "CPMMResult", "border_crossings", "cpmm",
           "summarise", "trips"]

#: Percentiles reported beside count, mean, min and max.
PERCENTILES: tuple[float, ...] = (0.1, 0.5, 0.9)
#: Indicator columns of :func:`border_crossings`.
BORDER_INDICATORS: tuple[str, ...] = ("tfi1_h", "tfi2_usd")
#: Indicator columns of :func:`trips`.
TRIP_INDICATORS: tuple[str, ...] = ("distance_km", "time_h", "stop_h", "cost_usd", "swd_kmh", "swod_kmh",
                                    "delay_share", "tfi3_usd")


def _hours(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds() / 3600.0


def _month(times: pd.Series) -> pd.Series:
    return times.dt.strftime("%Y-%m")


def border_crossings(log: ShipmentLog) -> pd.DataFrame:
    """One row per border crossing (a ``border_entry`` and its ``border_exit``) with TFI1 and TFI2.

    Parameters
    ----------
    log
        A validated log.

    Returns
    -------
    pandas.DataFrame
        Columns ``shipment, bcp, mode, direction, commodity, entry, exit, month, tfi1_h, tfi2_usd``.

    Examples
    --------
    A made-up one-trip log (rail, Ürümqi to Almaty through Khorgos):

    >>> import pandas as pd
    >>> from corridor.analytics import shipment_log
    >>> rows = [("S1", "departure", "urumqi", "2024-03-01T08:00Z", 0, 0),
    ...         ("S1", "border_entry", "khorgos", "2024-03-02T10:00Z", 670, 0),
    ...         ("S1", "border_exit", "khorgos", "2024-03-02T16:30Z", 670, 150),
    ...         ("S1", "arrival", "almaty", "2024-03-04T08:00Z", 1050, 0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km", "cost_usd"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail", tonnes=20))
    >>> border_crossings(log)[["bcp", "month", "tfi1_h", "tfi2_usd"]]
           bcp    month  tfi1_h  tfi2_usd
    0  khorgos  2024-03     6.5     150.0
    """
    f = log.frame.assign(seq=np.arange(len(log.frame)))
    entry_ev, exit_ev = STOP_PAIRS["border"]
    ent = f[f["event"] == entry_ev]
    ext = f[f["event"] == exit_ev]
    ent = ent.assign(k=ent.groupby("shipment").cumcount())
    ext = ext.assign(k=ext.groupby("shipment").cumcount())
    x = ent[["shipment", "k", "bcp", "mode", "direction", "commodity", "time", "seq"]].merge(
        ext[["shipment", "k", "time", "seq"]], on=["shipment", "k"], suffixes=("_in", "_out"))
    x = x.rename(columns={"time_in": "entry", "time_out": "exit"})
    x["crossing"] = np.arange(len(x))
    costs = f.loc[f["cost_usd"] != 0, ["shipment", "seq", "cost_usd"]]
    inside = x[["crossing", "shipment", "seq_in", "seq_out"]].merge(costs, on="shipment")
    inside = inside[(inside["seq"] >= inside["seq_in"]) & (inside["seq"] <= inside["seq_out"])]
    paid = inside.groupby("crossing")["cost_usd"].sum()
    x["month"] = _month(x["entry"])
    x["tfi1_h"] = _hours(x["exit"] - x["entry"])
    x["tfi2_usd"] = x["crossing"].map(paid).fillna(0.0).astype(float)
    cols = ["shipment", "bcp", "mode", "direction", "commodity", "entry", "exit", "month", *BORDER_INDICATORS]
    return x[cols].reset_index(drop=True)


def _stop_hours(f: pd.DataFrame, window: pd.DataFrame) -> pd.Series:
    """Hours per shipment covered by at least one stop interval, clipped to [departure, arrival]."""
    parts = []
    for start, end in STOP_PAIRS.values():
        s = f[f["event"] == start]
        e = f[f["event"] == end]
        s = s.assign(k=s.groupby("shipment").cumcount())
        e = e.assign(k=e.groupby("shipment").cumcount())
        parts.append(s[["shipment", "k", "time"]].merge(e[["shipment", "k", "time"]], on=["shipment", "k"],
                                                         suffixes=("_a", "_b")))
    win = window.rename_axis("_sid").reset_index()
    iv = pd.concat(parts, ignore_index=True).merge(win, left_on="shipment", right_on="_sid")
    a = iv["time_a"].where(iv["time_a"] > iv["departure"], iv["departure"])
    b = iv["time_b"].where(iv["time_b"] < iv["arrival"], iv["arrival"])
    iv = iv.assign(a=a, b=b)
    iv = iv[iv["b"] > iv["a"]].sort_values(["shipment", "a"], kind="stable")
    # union of intervals: each one counts only beyond the latest end seen before it
    reach = iv.groupby("shipment")["b"].cummax()
    before = reach.groupby(iv["shipment"]).shift()
    begin = iv["a"].where(before.isna() | (iv["a"] > before), before)
    gain = _hours(iv["b"] - begin).clip(lower=0.0)
    return gain.groupby(iv["shipment"]).sum()


def trips(log: ShipmentLog) -> pd.DataFrame:
    """One row per shipment (trip) with D, T, S, C, W, SWD, SWOD, delay share and TFI3.

    Parameters
    ----------
    log
        A validated log.

    Returns
    -------
    pandas.DataFrame
        Columns ``shipment, commodity, mode, direction, origin, destination, section, departure,
        arrival, month, tonnes`` and :data:`TRIP_INDICATORS`. ``mode`` joins the modes in order
        (``road+rail``); ``section`` is ``origin → destination``. An indicator that cannot be
        computed (no km markers, no load, no moving time) is NaN.

    Examples
    --------
    A made-up one-trip log (rail, Ürümqi to Almaty through Khorgos):

    >>> import pandas as pd
    >>> from corridor.analytics import shipment_log
    >>> rows = [("S1", "departure", "urumqi", "2024-03-01T08:00Z", 0, 0),
    ...         ("S1", "border_entry", "khorgos", "2024-03-02T10:00Z", 670, 0),
    ...         ("S1", "border_exit", "khorgos", "2024-03-02T16:30Z", 670, 150),
    ...         ("S1", "arrival", "almaty", "2024-03-04T08:00Z", 1050, 0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km", "cost_usd"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail", tonnes=20))
    >>> trips(log)[["section", "distance_km", "time_h", "stop_h", "swd_kmh", "swod_kmh"]].round(1)
               section  distance_km  time_h  stop_h  swd_kmh  swod_kmh
    0  urumqi → almaty       1050.0    72.0     6.5     14.6      16.0
    """
    f = log.frame
    g = f.groupby("shipment", sort=False)
    dep = f[f["event"] == "departure"].set_index("shipment")
    arr = f[f["event"] == "arrival"].set_index("shipment")
    t = pd.DataFrame({"commodity": g["commodity"].first()})
    t["mode"] = f.drop_duplicates(["shipment", "mode"]).groupby("shipment", sort=False)["mode"].agg("+".join)
    t["direction"] = f["direction"].where(f["direction"] != "").groupby(f["shipment"], sort=False).first()
    t["direction"] = t["direction"].fillna("")
    t["origin"] = dep["node"]
    t["destination"] = arr["node"]
    t["section"] = t["origin"] + " → " + t["destination"]
    t["departure"] = dep["time"]
    t["arrival"] = arr["time"]
    t["month"] = _month(t["departure"])
    t["tonnes"] = g["tonnes"].max()
    t["distance_km"] = g["km"].last() - g["km"].first()
    t["time_h"] = _hours(t["arrival"] - t["departure"])
    stop = _stop_hours(f, t[["departure", "arrival"]])
    t["stop_h"] = stop.reindex(t.index).fillna(0.0)
    t["cost_usd"] = g["cost_usd"].sum()
    d = t["distance_km"].where(t["distance_km"] > 0)
    t["swd_kmh"] = d / t["time_h"].where(t["time_h"] > 0)
    t["swod_kmh"] = d / (t["time_h"] - t["stop_h"]).where(t["time_h"] > t["stop_h"])
    t["delay_share"] = 1.0 - t["swd_kmh"] / t["swod_kmh"]
    t["tfi3_usd"] = t["cost_usd"] * 500.0 / d * 20.0 / t["tonnes"]
    return t.rename_axis("shipment").reset_index()


def summarise(table: pd.DataFrame, indicators: Sequence[str], by: Sequence[str] = ()) -> pd.DataFrame:
    """Distribution of each indicator per group: count, mean, min, p10, p50, p90, max.

    Parameters
    ----------
    table
        :func:`border_crossings` or :func:`trips` (or any frame with the columns).
    indicators
        The columns to describe.
    by
        The grouping columns (``("bcp", "direction")``); empty for one overall row per indicator.

    Returns
    -------
    pandas.DataFrame
        One row per group and indicator; NaN values are left out of the counts.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"bcp": ["khorgos", "khorgos", "dostyk"], "tfi1_h": [4.0, 8.0, 30.0]})
    >>> summarise(table, ["tfi1_h"], by=["bcp"])[["bcp", "count", "mean", "p50", "max"]]
           bcp  count  mean   p50   max
    0   dostyk      1  30.0  30.0  30.0
    1  khorgos      2   6.0   6.0   8.0
    """
    keys = list(by)
    long = table.melt(id_vars=keys, value_vars=list(indicators), var_name="indicator").dropna(subset=["value"])
    long["value"] = long["value"].astype(float)
    gk = [*keys, "indicator"]
    g = long.groupby(gk, sort=True)["value"]
    out = g.agg(["count", "mean", "min"])
    q = g.quantile(np.array(PERCENTILES)).unstack().reindex(columns=list(PERCENTILES))
    q.columns = pd.Index([f"p{round(float(p) * 100)}" for p in q.columns])
    out = out.join(q)
    out["max"] = g.max()
    return out.reset_index()


def pooled_tfi3(table: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """TFI3 as ratio of sums, Σ C / Σ (D/500 × W/20), per group of trips (the other reading of CPMM)."""
    ok = table[(table["distance_km"] > 0) & (table["tonnes"] > 0)]
    units = ok["distance_km"] / 500.0 * ok["tonnes"] / 20.0
    frame = ok.assign(_units=units, _one=0)
    keys = list(by) or ["_one"]
    s = frame.groupby(keys)[["cost_usd", "_units"]].sum()
    out = pd.DataFrame({"tfi3_pooled_usd": s["cost_usd"] / s["_units"]}).reset_index()
    return out.drop(columns=["_one"], errors="ignore")


#: The default breakdowns of :meth:`CPMMResult.tables`.
BORDER_BREAKDOWNS: tuple[tuple[str, ...], ...] = ((), ("bcp",), ("bcp", "direction"), ("bcp", "mode", "direction"),
                                                  ("mode",), ("direction",), ("month",), ("bcp", "month"))
TRIP_BREAKDOWNS: tuple[tuple[str, ...], ...] = ((), ("section",), ("mode",), ("direction",), ("month",),
                                                ("section", "direction"))


@dataclass(frozen=True, eq=False)
class CPMMResult:
    """The CPMM indicators of a log.

    Parameters
    ----------
    crossings
        One row per border crossing (:func:`border_crossings`): TFI1, TFI2.
    trips
        One row per trip (:func:`trips`): D, T, S, C, W, SWD, SWOD, delay share, TFI3.

    Examples
    --------
    A made-up one-trip log (rail, Ürümqi to Almaty through Khorgos):

    >>> import pandas as pd
    >>> from corridor.analytics import shipment_log
    >>> rows = [("S1", "departure", "urumqi", "2024-03-01T08:00Z", 0, 0),
    ...         ("S1", "border_entry", "khorgos", "2024-03-02T10:00Z", 670, 0),
    ...         ("S1", "border_exit", "khorgos", "2024-03-02T16:30Z", 670, 150),
    ...         ("S1", "arrival", "almaty", "2024-03-04T08:00Z", 1050, 0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km", "cost_usd"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail", tonnes=20))
    >>> result = cpmm(log)
    >>> result.tfi1[["bcp", "tfi1_h"]].to_dict("records")
    [{'bcp': 'khorgos', 'tfi1_h': 6.5}]
    >>> result.border("bcp")[["bcp", "indicator", "count", "p50"]]
           bcp indicator  count    p50
    0  khorgos    tfi1_h      1    6.5
    1  khorgos  tfi2_usd      1  150.0
    >>> sorted(result.tables())[:3]
    ['border_all', 'border_by_bcp', 'border_by_bcp_direction']
    """

    crossings: pd.DataFrame = field(repr=False)
    trips: pd.DataFrame = field(repr=False)

    @property
    def tfi1(self) -> pd.DataFrame:
        """TFI1 (h) per crossing."""
        return self.crossings[["shipment", "bcp", "mode", "direction", "month", "tfi1_h"]]

    @property
    def tfi2(self) -> pd.DataFrame:
        """TFI2 (USD) per crossing."""
        return self.crossings[["shipment", "bcp", "mode", "direction", "month", "tfi2_usd"]]

    def border(self, *by: str) -> pd.DataFrame:
        """Distribution of TFI1 and TFI2 by the given columns (``bcp``, ``mode``, ``direction``, ``month``)."""
        return summarise(self.crossings, BORDER_INDICATORS, by)

    def travel(self, *by: str) -> pd.DataFrame:
        """Distribution of the trip indicators by the given columns (``section``, ``mode``, ``direction``, ``month``).

        The pooled TFI3 (ratio of sums) is joined as column ``tfi3_pooled_usd`` on the ``tfi3_usd`` rows.
        """
        out = summarise(self.trips, TRIP_INDICATORS, by)
        pooled = pooled_tfi3(self.trips, by).assign(indicator="tfi3_usd")
        return out.merge(pooled, on=[*by, "indicator"], how="left")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every default breakdown, keyed ``border_by_bcp_direction``, ``travel_by_section`` ..."""
        out = {"border_" + ("by_" + "_".join(b) if b else "all"): self.border(*b) for b in BORDER_BREAKDOWNS}
        out |= {"travel_" + ("by_" + "_".join(b) if b else "all"): self.travel(*b) for b in TRIP_BREAKDOWNS}
        return out

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """The per-crossing and per-trip rows and every default table, as JSON-ready records."""
        out = {"crossings": self.crossings, "trips": self.trips, **self.tables()}
        return {k: _records(v) for k, v in out.items()}


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    df = df.copy()
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = df[c].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    df = df.astype(object).where(df.notna(), None)
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def cpmm(log: ShipmentLog) -> CPMMResult:
    """All CPMM indicators of a log.

    Parameters
    ----------
    log
        A validated log (:func:`corridor.analytics.logs.read_shipment_log`).

    Returns
    -------
    CPMMResult
        Per-crossing and per-trip tables, with breakdowns by :meth:`CPMMResult.border` and
        :meth:`CPMMResult.travel`.

    Examples
    --------
    A made-up one-trip log (rail, Ürümqi to Almaty through Khorgos):

    >>> import pandas as pd
    >>> from corridor.analytics import shipment_log
    >>> rows = [("S1", "departure", "urumqi", "2024-03-01T08:00Z", 0, 0),
    ...         ("S1", "border_entry", "khorgos", "2024-03-02T10:00Z", 670, 0),
    ...         ("S1", "border_exit", "khorgos", "2024-03-02T16:30Z", 670, 150),
    ...         ("S1", "arrival", "almaty", "2024-03-04T08:00Z", 1050, 0)]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time", "km", "cost_usd"])
    >>> log = shipment_log(df.assign(commodity="container", mode="rail", tonnes=20))
    >>> r = cpmm(log)
    >>> r.travel("section").query("indicator == 'swd_kmh'")[["section", "count", "p50"]].round(1)
               section  count   p50
    4  urumqi → almaty      1  14.6
    """
    return CPMMResult(border_crossings(log), trips(log))
