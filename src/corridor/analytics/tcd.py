"""UNESCAP Time/Cost–Distance (TCD) charts from shipment logs: per trip, and per corridor section.

The method (UNESCAP Time/Cost–Distance methodology, see ``docs/ANALYTICS.md``): cumulative distance
from the origin on the x axis, cumulative time and cumulative cost on the y axis of two charts. A
moving leg is a sloped segment; a stop (a border crossing, a transfer, a port call) adds time and
cost without distance, so it is a vertical step, labelled with what and where it is
(``border Dostyk``, ``port Aktau``).

Per trip (:func:`tcd_points`), every event of the shipment in time order is one point:

- ``distance_km``: the event's km marker minus the trip's first km marker. An event without a km
  marker carries the last known marker forward (a stop's end is where its start was); events before
  the first marker are at 0. A trip without any km marker has no distance (NaN).
- ``elapsed_h``: hours since the departure (events logged before the departure are negative).
- ``cumulative_usd``: the sum of the cost items of the shipment up to and including the event.
  A leg's cost logged on the row that ends the leg makes a sloped cost segment; the cost items of a
  stop's rows make a vertical cost step.

Per corridor (:func:`tcd_corridors`): the trips are grouped by ``section`` (origin → destination),
optionally also by ``mode``, ``direction``, ``commodity`` or ``month`` of the trip; each group gets
the median and the 10th/90th percentiles of cumulative time and cost, either

- ``waypoints``: when every trip of the group visits the same nodes in the same order (rows without a
  node are ignored), at each node visit: once on arrival (the first event there) and, where a trip
  stops at the node, once on leaving it (the last event there), so the median keeps its steps; or
- ``grid``: otherwise, on :data:`GRID_STEPS` equal steps from 0 to the longest trip's distance,
  each trip interpolated linearly between its points (after a stop at a km: the value on leaving);
  a trip counts only up to its own distance.

Everything is computed on whole columns (groupby, merge, merge_asof), never by a loop over events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.analytics.cpmm import PERCENTILES, _records, trips
from corridor.analytics.logs import STOP_PAIRS, ShipmentLog
from corridor.exceptions import InputError, Problem

__all__ = ["GRID_STEPS", "GROUP_COLUMNS", "STOP_NAMES", "TCDResult", "is_synthetic", "tcd", "tcd_corridors",
           "tcd_points", "tcd_stops"]

#: Assumption (a display resolution, not a measurement): a corridor whose trips do not visit the same
#: nodes is summarised on this many equal distance steps; 100 steps put a point every 1 % of the route.
GRID_STEPS = 100
#: Trip columns a corridor may be grouped by (``section`` is origin → destination).
GROUP_COLUMNS: tuple[str, ...] = ("section", "mode", "direction", "commodity", "month")
#: The word a stop kind is labelled with (``border Dostyk``, ``port Aktau``).
STOP_NAMES: dict[str, str] = {"border": "border", "transshipment": "transshipment", "inspection": "inspection",
                              "waiting": "waiting", "port_call": "port", "loading": "loading",
                              "unloading": "unloading"}
_EVENT_WORD = {"departure": "departure", "arrival": "arrival", "position": "",
               **{e: STOP_NAMES[k] for k, pair in STOP_PAIRS.items() for e in pair}}
_EVENT_STOP = {e: k for k, pair in STOP_PAIRS.items() for e in pair}
_Q = np.array(PERCENTILES, dtype=float)
_QNAME = [f"p{round(q * 100)}" for q in _Q]


def is_synthetic(log: ShipmentLog) -> bool:
    """True when every row's ``source`` starts with ``synthetic`` (a generated log, not observations).

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
    >>> is_synthetic(log), is_synthetic(shipment_log(df.assign(commodity="container", mode="rail",
    ...                                                       source="synthetic: made up")))
    (False, True)
    """
    src = log.frame["source"].astype(str)
    return bool(len(src)) and bool(src.str.lower().str.startswith("synthetic").all())


def _place(f: pd.DataFrame) -> pd.Series:
    """Where an event is: the bcp of a border event, else the node, else ``lat, lon``."""
    latlon = f["lat"].round(3).astype(str) + ", " + f["lon"].round(3).astype(str)
    where = f["node"].where(f["node"] != "", latlon)
    border = f["event"].isin(STOP_PAIRS["border"]) & (f["bcp"] != "")
    return where.where(~border, f["bcp"])


def tcd_points(log: ShipmentLog, trip_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The TCD points of every trip: one per event, in time order.

    Parameters
    ----------
    log
        A validated log.
    trip_table
        :func:`corridor.analytics.cpmm.trips` of the log, when already computed.

    Returns
    -------
    pandas.DataFrame
        Columns ``shipment, step`` (0, 1 … within the trip), ``event, stop`` (the stop kind of a
        stop's start or end, else ``""``), ``node, bcp, mode`` (of the event), ``time``, ``km`` (the
        marker as logged), ``distance_km, elapsed_h, item_usd`` (the event's cost item),
        ``cumulative_usd, label`` (``border Dostyk``, ``departure A``, the node of a position) and the
        trip's ``section, direction, commodity, month, trip_mode``.

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
    >>> tcd_points(log)[["step", "label", "distance_km", "elapsed_h", "cumulative_usd"]]
       step             label  distance_km  elapsed_h  cumulative_usd
    0     0  departure urumqi          0.0        0.0             0.0
    1     1    border khorgos        670.0       26.0             0.0
    2     2    border khorgos        670.0       32.5           150.0
    3     3    arrival almaty       1050.0       72.0           150.0
    """
    f = log.frame
    sid = f["shipment"]
    g = f.groupby("shipment", sort=False)
    km = g["km"].ffill()
    first = g["km"].transform("first")  # the first non-missing marker
    dep = f["time"].where(f["event"] == "departure").groupby(sid, sort=False).transform("first")
    word = f["event"].map(_EVENT_WORD).fillna("")
    place = _place(f)
    label = (word + " " + place).where(word != "", place)
    pts = pd.DataFrame({
        "shipment": sid, "step": g.cumcount(), "event": f["event"],
        "stop": f["event"].map(_EVENT_STOP).fillna(""), "node": f["node"], "bcp": f["bcp"], "mode": f["mode"],
        "time": f["time"], "km": f["km"], "distance_km": km.fillna(first) - first,
        "elapsed_h": (f["time"] - dep).dt.total_seconds() / 3600.0, "item_usd": f["cost_usd"],
        "cumulative_usd": g["cost_usd"].cumsum(), "label": label,
    })
    t = trips(log) if trip_table is None else trip_table
    keys = t[["shipment", "section", "direction", "commodity", "month", "mode"]].rename(columns={"mode": "trip_mode"})
    keys = keys.fillna("")  # a trip whose origin or destination has no node id: section ""
    return pts.merge(keys, on="shipment", how="left")


def _group_columns(by: Sequence[str]) -> list[str]:
    """The point columns of the grouping keys (``mode`` of a trip is ``trip_mode`` among the points)."""
    bad = [b for b in by if b not in GROUP_COLUMNS]
    if bad or not by:
        msg = f"group by one or more of {', '.join(GROUP_COLUMNS)}" + (f", not {', '.join(bad)}" if bad else "")
        raise InputError(Problem("argument", "by", msg))
    return ["trip_mode" if b == "mode" else b for b in dict.fromkeys(by)]


def _quantiles(frame: pd.DataFrame, keys: list[str], value: str, prefix: str) -> pd.DataFrame:
    q = frame.groupby(keys, sort=False)[value].quantile(_Q).unstack()
    q.columns = pd.Index([f"{prefix}_{n}" for n in _QNAME])
    return q


def _summary(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Trips counted, median distance and the percentiles of time and cost per point of a group."""
    g = frame.groupby(keys, sort=False)
    out = pd.DataFrame({"trips": g["shipment"].nunique(), "distance_km": g["distance_km"].median()})
    out = out.join(_quantiles(frame, keys, "elapsed_h", "elapsed_h"))
    return out.join(_quantiles(frame, keys, "cumulative_usd", "cumulative_usd")).reset_index()


def _waypoints(pts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Median and spread at each node visit (arrival, and leaving where a trip stops there)."""
    p = pts[pts["node"] != ""]
    new = p["node"] != p.groupby("shipment", sort=False)["node"].shift()
    p = p.assign(point=new.astype(int).groupby(p["shipment"]).cumsum() - 1)
    v = p.groupby(["shipment", "point"], sort=False)
    stop_label = p["label"].where(p["stop"] != "").groupby([p["shipment"], p["point"]], sort=False).first()
    cols = ["distance_km", "elapsed_h", "cumulative_usd"]
    first, last = v[cols].first(), v[cols].last()
    visit = pd.DataFrame({"node": v["node"].first(), "label": stop_label,
                          "steps": ((last - first).fillna(0.0) > 0).any(axis=1)})
    visit["label"] = visit["label"].fillna(visit["node"])
    long = pd.concat([first.assign(at=0), last.assign(at=1)]).join(visit).reset_index()
    long = long.merge(pts.drop_duplicates("shipment")[["shipment", *keys]], on="shipment")
    # the point on leaving a node only where some trip of the group gains time or cost there
    steps = long.groupby([*keys, "point"], sort=False)["steps"].transform("max").astype(bool)
    long = long[(long["at"] == 0) | steps]
    out = _summary(long, [*keys, "point", "at"])
    names = long.drop_duplicates([*keys, "point"])[[*keys, "point", "node", "label"]]
    out = out.merge(names, on=[*keys, "point"]).sort_values([*keys, "point", "at"], kind="stable")
    return out.drop(columns=["at"]).assign(method="waypoints")


def _grid(pts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Median and spread on :data:`GRID_STEPS` equal distance steps, each trip interpolated linearly."""
    p = pts.dropna(subset=["distance_km"])
    if p.empty:
        return p.iloc[:0]
    last = p.groupby("shipment", sort=False)[[*keys, "distance_km"]].last()
    span = last.groupby(keys, sort=False)["distance_km"].transform("max")
    k = np.arange(GRID_STEPS + 1)
    grid = pd.DataFrame({"shipment": np.repeat(last.index.to_numpy(), len(k)),
                         "point": np.tile(k, len(last)),
                         "at_km": np.repeat(span.to_numpy(), len(k)) * np.tile(k, len(last)) / GRID_STEPS,
                         "end_km": np.repeat(last["distance_km"].to_numpy(), len(k))})
    grid = grid[grid["at_km"] <= grid["end_km"] + 1e-9].sort_values("at_km", kind="stable")
    right = p[["shipment", "step", "distance_km", "elapsed_h", "cumulative_usd"]].sort_values(
        ["distance_km", "step"], kind="stable")
    back = pd.merge_asof(grid, right, left_on="at_km", right_on="distance_km", by="shipment", direction="backward")
    fwd = pd.merge_asof(grid, right, left_on="at_km", right_on="distance_km", by="shipment", direction="forward",
                        allow_exact_matches=False)
    share = ((back["at_km"] - back["distance_km"]) / (fwd["distance_km"] - back["distance_km"])).fillna(0.0)
    cols = ["elapsed_h", "cumulative_usd"]
    vals = back[cols] + (fwd[cols].fillna(back[cols]) - back[cols]).mul(share.to_numpy(), axis=0)
    frame = pd.DataFrame({"shipment": back["shipment"], "point": back["point"], "distance_km": back["at_km"],
                          **{c: vals[c] for c in cols}})
    frame = frame.merge(last[keys].reset_index(), on="shipment")
    out = _summary(frame, [*keys, "point"]).sort_values([*keys, "point"], kind="stable")
    return out.assign(node="", label="", method="grid")


def _same_nodes(points: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Per shipment: whether every trip of its group visits the same nodes in the same order."""
    named = points[points["node"] != ""]
    seq = named[named["node"] != named.groupby("shipment", sort=False)["node"].shift()]
    seq = seq[["shipment", "node", *keys]].assign(visit=seq.groupby("shipment", sort=False).cumcount())
    trip_keys = points.drop_duplicates("shipment").set_index("shipment")[keys]
    n = seq.groupby("shipment", sort=False).size().reindex(trip_keys.index, fill_value=0)
    g = trip_keys.assign(n=n).groupby(keys, sort=False)["n"]
    ok = (g.transform("nunique") == 1) & (g.transform("min") > 0)
    differ = seq.groupby([*keys, "visit"], sort=False)["node"].transform("nunique") > 1
    bad = seq.loc[differ, keys].drop_duplicates().assign(_bad=True)
    flagged = trip_keys.reset_index().merge(bad, on=keys, how="left").set_index("shipment")["_bad"]
    return ok & flagged.isna().reindex(ok.index)


def tcd_corridors(points: pd.DataFrame, by: Sequence[str] = ("section",)) -> pd.DataFrame:
    """Median and p10/p90 spread of cumulative time and cost per corridor group.

    Parameters
    ----------
    points
        :func:`tcd_points`.
    by
        Trip columns to group by, from :data:`GROUP_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        One row per point of a group's median line: the group columns (``mode`` is the trip's modes
        joined), ``method`` (``waypoints`` or ``grid``, see the module docstring), ``point`` (its
        order), ``node, label`` (waypoints only), ``trips`` (counted there), ``distance_km`` (median
        at a waypoint, the grid distance otherwise), ``elapsed_h_p10/p50/p90`` and
        ``cumulative_usd_p10/p50/p90``.

    Raises
    ------
    InputError
        If ``by`` names an unknown column.

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

    The median line of a corridor (here of one trip, so its p10, p50 and p90 coincide):

    >>> tcd_corridors(tcd_points(log))[["point", "label", "distance_km", "elapsed_h_p50"]]
       point           label  distance_km  elapsed_h_p50
    0      0          urumqi          0.0            0.0
    1      1  border khorgos        670.0           26.0
    2      2  border khorgos        670.0           32.5
    3      3          almaty       1050.0           72.0
    """
    keys = _group_columns(by)
    cols = [*keys, "method", "point", "node", "label", "trips", "distance_km",
            *(f"elapsed_h_{n}" for n in _QNAME), *(f"cumulative_usd_{n}" for n in _QNAME)]
    if points.empty:
        return pd.DataFrame(columns=cols)
    way = points["shipment"].map(_same_nodes(points, keys)).fillna(False).astype(bool)
    parts = [part(points[sel], keys) for part, sel in ((_waypoints, way), (_grid, ~way)) if sel.any()]
    parts = [x for x in parts if len(x)]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True).reindex(columns=cols)
    out = out.sort_values([*keys, "point"], kind="stable").reset_index(drop=True)
    out["point"] = out.groupby(keys, sort=False).cumcount()
    return out.rename(columns={"trip_mode": "mode"})


def tcd_stops(points: pd.DataFrame) -> pd.DataFrame:
    """Every stop of every trip, the vertical steps of its chart.

    Parameters
    ----------
    points
        :func:`tcd_points`.

    Returns
    -------
    pandas.DataFrame
        Columns ``shipment, kind, label, node, distance_km`` (at the start), ``elapsed_h`` (at the
        start), ``hours`` (end − start), ``cost_usd`` (the height of the cost step drawn at the
        stop: from the first point at the stop's km, or the end of an earlier stop at the same km,
        to the stop's end; so a leg's cost logged on the stop's first row, where that row is the
        first at its km, stays with the leg) and the trip's ``section, direction, commodity, month,
        trip_mode``.

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
    >>> tcd_stops(tcd_points(log))[["kind", "label", "distance_km", "elapsed_h", "hours", "cost_usd"]]
         kind           label  distance_km  elapsed_h  hours  cost_usd
    0  border  border khorgos        670.0       26.0    6.5     150.0
    """
    # the cost line rises at a stop from where the trip reached the stop's km (the first point there) or,
    # after another stop at the same km, from that stop's end: the step before the start, whichever is later
    at_km = points.groupby(["shipment", points["distance_km"].fillna(-1.0)], sort=False)["step"].transform("min")
    base = points[["shipment", "step", "cumulative_usd"]].rename(columns={"step": "base", "cumulative_usd": "base_usd"})
    points = points.assign(base=np.maximum(at_km, points["step"] - 1))
    parts = []
    for kind, (start, end) in STOP_PAIRS.items():
        s = points[points["event"] == start]
        e = points[points["event"] == end]
        s = s.assign(k=s.groupby("shipment").cumcount())
        e = e.assign(k=e.groupby("shipment").cumcount())
        m = s.merge(e[["shipment", "k", "elapsed_h", "cumulative_usd"]], on=["shipment", "k"], suffixes=("", "_end"))
        parts.append(m.assign(kind=kind))
    x = pd.concat(parts, ignore_index=True).sort_values(["shipment", "step"], kind="stable")
    x["hours"] = x["elapsed_h_end"] - x["elapsed_h"]
    x = x.merge(base, on=["shipment", "base"], how="left")
    x["cost_usd"] = x["cumulative_usd_end"] - x["base_usd"]
    cols = ["shipment", "kind", "label", "node", "distance_km", "elapsed_h", "hours", "cost_usd", "section",
            "direction", "commodity", "month", "trip_mode"]
    return x[cols].reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class TCDResult:
    """The time/cost–distance points of a log, per trip and per corridor.

    Parameters
    ----------
    points
        Per trip, one point per event (:func:`tcd_points`).
    corridors
        Per corridor group, the median line with its p10–p90 spread (:func:`tcd_corridors`).
    stops
        Every stop of every trip (:func:`tcd_stops`): the steps and their labels.
    by
        The grouping of :attr:`corridors`.
    synthetic
        Whether the log is synthetic (every row's ``source`` starts with ``synthetic``).

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
    >>> result = tcd(log)
    >>> result
    TCDResult(by=('section',), synthetic=False)
    >>> result.stops[["kind", "label", "distance_km", "hours", "cost_usd"]]
         kind           label  distance_km  hours  cost_usd
    0  border  border khorgos        670.0    6.5     150.0
    >>> sorted(result.to_dict())
    ['by', 'corridors', 'points', 'stops', 'synthetic']
    """

    points: pd.DataFrame = field(repr=False)
    corridors: pd.DataFrame = field(repr=False)
    stops: pd.DataFrame = field(repr=False)
    by: tuple[str, ...] = ("section",)
    synthetic: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``by``, ``synthetic`` and the ``points``, ``corridors`` and ``stops`` rows, JSON-ready."""
        return {"by": list(self.by), "synthetic": self.synthetic, "points": _records(self.points),
                "corridors": _records(self.corridors), "stops": _records(self.stops)}


def _select(log: ShipmentLog, t: pd.DataFrame, shipments: Sequence[str], sections: Sequence[str]) -> pd.DataFrame:
    """The trips kept by the ``shipments`` and ``sections`` filters (unknown names are problems)."""
    problems = [Problem("argument", "shipment", f"no shipment {s!r} in {log.source}")
                for s in dict.fromkeys(shipments) if s not in set(t["shipment"])]
    wanted = [s.replace("->", "→").replace(" → ", "→").replace("→", " → ").strip() for s in sections]
    problems += [Problem("argument", "section", f"no section {s!r} in {log.source} (sections: "
                         f"{', '.join(sorted(set(t['section'].dropna())))})")
                 for s in dict.fromkeys(wanted) if s not in set(t["section"])]
    if problems:
        raise InputError(problems)
    keep = np.ones(len(t), dtype=bool)
    if shipments:
        keep &= t["shipment"].isin(list(shipments)).to_numpy()
    if wanted:
        keep &= t["section"].isin(wanted).to_numpy()
    return t[keep]


def tcd(log: ShipmentLog, *, by: Sequence[str] = ("section",), shipments: Sequence[str] = (),
        sections: Sequence[str] = (), trip_table: pd.DataFrame | None = None) -> TCDResult:
    """The UNESCAP time/cost–distance points of a log: per trip, and per corridor with median and spread.

    Parameters
    ----------
    log
        A validated log (:func:`corridor.analytics.read_shipment_log`).
    by
        Trip columns the corridors are grouped by (:data:`GROUP_COLUMNS`); default the section.
    shipments, sections
        Keep only these shipments and these sections (``"A → B"``; ``"A -> B"`` is read the same).
    trip_table
        :func:`corridor.analytics.cpmm.trips` of the log, when already computed (saves its time).

    Returns
    -------
    TCDResult
        ``.points``, ``.corridors``, ``.stops``.

    Raises
    ------
    InputError
        An unknown grouping column, shipment or section.

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
    >>> result = tcd(log, sections=["urumqi -> almaty"])
    >>> result.corridors[["label", "distance_km", "elapsed_h_p50", "cumulative_usd_p50"]]
                label  distance_km  elapsed_h_p50  cumulative_usd_p50
    0          urumqi          0.0            0.0                 0.0
    1  border khorgos        670.0           26.0                 0.0
    2  border khorgos        670.0           32.5               150.0
    3          almaty       1050.0           72.0               150.0
    >>> try:
    ...     tcd(log, shipments=["S9"])
    ... except InputError as e:
    ...     print(e)
    argument: shipment: no shipment 'S9' in log
    """
    keys = _group_columns(by)
    t = trips(log) if trip_table is None else trip_table
    if shipments or sections:
        t = _select(log, t, shipments, sections)
        log = ShipmentLog(log.frame[log.frame["shipment"].isin(t["shipment"])].reset_index(drop=True), log.source)
    pts = tcd_points(log, t)
    corridors = tcd_corridors(pts, [("mode" if k == "trip_mode" else k) for k in keys])
    return TCDResult(pts, corridors, tcd_stops(pts), tuple(by), is_synthetic(log))
