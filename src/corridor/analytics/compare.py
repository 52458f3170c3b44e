"""Observed vs model: shipment-log stops and legs against the route planner's itinerary.

Each trip of a log (one ``departure`` … one ``arrival``) is compared with a model itinerary
planned by :func:`corridor.routing.plan_routes` for the same origin node, destination node and
commodity and, as far as the network allows, along the **path the shipment actually took**: the
sequence of node ids its events visit in time order (consecutive events at one node are one
visit; rows without a node id are left out). Per distinct observed path (a log has few) the compared route
(``model_path``) is, in this order:

1. ``observed``: ``via`` = the path's intermediate nodes in order and ``avoid_nodes`` = every
   network node off the path, which forces exactly the observed path when the log names every
   node (as synthetic logs do);
2. ``via``: the intermediate nodes alone, when (1) has no route (a sparse log naming only stops:
   the planner fills in the nodes between them);
3. ``best``: the planner's best route for the origin, destination and cargo, when (2) has no route
   or would be no different from it (no intermediate node), or when the path visits a node twice
   (or does not start at the origin and end at the destination).

The best route of every (origin, destination, commodity) is also planned (once) for the trip
table. Then:

- **Stops.** Each observed stop pair is matched with a transfer of the network by node and kind
  (:data:`STOP_KINDS`): a border crossing (``border_entry`` … ``border_exit``) with a
  ``border-clearance`` transfer at its node (its ``bcp`` when the rows have no node), a port call
  with ``port-handling``, a transshipment with ``gauge-change`` or ``transshipment``. The transfer
  the compared route applies at that node is taken first (which of a node's ``-in`` and ``-out``
  transfers follows from the route itself). Only when the route does not stop there (mostly on a
  ``best`` route that goes another way) the network's only transfer of that kind at the node is
  taken or, of several, the only one whose modes admit the modes of the stop's start row (way in)
  and end row (way out) (:data:`LOG_MODES`); otherwise the stop is unmatched (with the reason).
  Inspections, waits, loading and unloading have no transfer in the model and are not compared.
- **Legs.** A leg is the time from the last event of a visit to the first event of the next one.
  The model's time for it runs from leaving the first node to reaching the second on the compared
  route: the legs between them plus the route's stops at the nodes in between (``model_h``;
  ``model_run_h`` is the running time alone). A leg whose ends are not both on the compared route,
  in that order, is unmatched.
- **Statistic.** The dataset's transfer times are averages (the CAREC CPMM publishes averages), so
  by default the observed **mean** is compared (``statistic="mean"``); ``statistic="p50"`` compares
  the median. ``observed_h`` is the chosen statistic.
- **Ranking.** Transfers and legs with at least ``min_observations`` observations, ordered by the
  disagreement ``|ln(observed_h / model_h)|`` (a factor 2 too slow and a factor 2 too fast rank
  alike); a model time of 0 h against a positive observation (or the reverse) ranks first
  (infinite score), and ties are ordered by the difference in hours.
- **Recalibration.** :meth:`ModelComparison.scenario_yaml` writes a scenario with one
  ``change_time`` per disagreeing transfer (``factor`` = observed statistic / model, 4 significant
  digits; ``add_h`` = the observed statistic where the model's time is 0 h), so that running it
  makes the model's transfer times the observed statistic.

Unknown commodities and node ids raise :class:`~corridor.exceptions.InputError` naming the log
rows; a trip the planner cannot route is listed in ``unmatched`` (the run fails only when no
trip at all can be routed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from corridor.analytics.cpmm import _records, summarise
from corridor.analytics.logs import MAX_PROBLEMS, STOP_PAIRS, ShipmentLog
from corridor.analytics.tcd import is_synthetic
from corridor.exceptions import InputError, Problem
from corridor.model import Network
from corridor.routing import NoRoute, Route, plan_routes
from corridor.validation import unknown

__all__ = ["FACTOR_DIGITS", "LOG_MODES", "MIN_OBSERVATIONS", "MODEL_PATHS", "STATISTICS", "STOP_KINDS",
           "ModelComparison", "compare", "scenario_base"]

#: Observed stop kind (:data:`corridor.analytics.logs.STOP_PAIRS`) → the transfer kinds it is matched with.
STOP_KINDS: dict[str, tuple[str, ...]] = {
    "border": ("border-clearance",),
    "port_call": ("port-handling",),
    "transshipment": ("gauge-change", "transshipment"),
}
#: Log mode (:data:`corridor.analytics.logs.MODES`) → the network modes it may be. Used only to tell
#: apart several transfers of the same kind at a node off the model route (in or out of a port).
LOG_MODES: dict[str, tuple[str, ...]] = {
    "road": ("road",), "rail": ("rail-1520", "rail-1435"), "sea": ("sea", "feeder"), "rail-ferry": ("rail-ferry",),
    "ferry": ("rail-ferry", "feeder"), "river": (), "air": (),
}
#: Assumption: fewer observations than this give no statistic worth ranking or recalibrating on (a
#: median of 3 is the smallest that is not a mean of the two values or the value itself).
MIN_OBSERVATIONS = 3
#: Observed statistics that may be compared with the model: the mean (default: the dataset's
#: transfer times are averages, as the CAREC CPMM publishes them) or the median.
STATISTICS: tuple[str, ...] = ("mean", "p50")
#: How a trip's compared route was planned, in the order tried (see the module docstring).
MODEL_PATHS: tuple[str, ...] = ("observed", "via", "best")
#: Significant digits of a suggested ``change_time`` factor (relative error below 5e-4).
FACTOR_DIGITS = 4

_OBSERVED_COLS = ["n", "observed_mean_h", "observed_p10_h", "observed_p50_h", "observed_p90_h", "observed_h"]
_TRANSFER_COLS = ["transfer", "node", "kind", *_OBSERVED_COLS, "model_h", "difference_h", "ratio", "on_model_route"]
_LEG_COLS = ["from", "to", *_OBSERVED_COLS, "model_run_h", "model_h", "difference_h", "ratio"]
_TRIP_COLS = ["shipment", "commodity", "section", "origin", "destination", "observed_h", "model_path", "model_h",
              "ratio", "best_model_h", "on_best_route", "stops_matched", "where"]
_UNMATCHED_COLS = ["shipment", "what", "item", "where", "reason"]
_RANK_COLS = ["what", "id", "kind", "at", "n", "observed_h", "model_h", "difference_h", "ratio", "score"]
_STAT_NAMES = {"mean": "mean", "p50": "median (p50)"}


def _fmt(x: Any) -> str:
    return f"{float(x):,.1f}"


@dataclass(frozen=True, eq=False)
class ModelComparison:
    """Observed stops, legs and trips against the model routes, with a ranking and a recalibration.

    Parameters
    ----------
    transfers
        One row per network transfer matched by observed stops: ``transfer, node, kind, n``,
        observed ``mean/p10/p50/p90`` hours, ``observed_h`` (the compared ``statistic``),
        ``model_h`` (the transfer's time in the network), ``difference_h`` (observed_h − model_h),
        ``ratio`` (observed_h / model_h; NaN when the model says 0 h) and ``on_model_route`` (some
        observation was matched on its trip's compared route).
    legs
        One row per pair of consecutive nodes (and model time): ``from, to, n``, observed
        ``mean/p10/p50/p90`` hours, ``observed_h``, ``model_run_h``, ``model_h``, ``difference_h``,
        ``ratio``.
    trips
        One row per trip: ``shipment, commodity, section, origin, destination, observed_h``
        (arrival − departure), ``model_path`` (how the compared route was planned: ``observed``,
        ``via`` or ``best``, see :data:`MODEL_PATHS`), ``model_h`` (the compared route door to
        door), ``ratio``, ``best_model_h`` (the planner's best route), ``on_best_route`` (the
        observed nodes lie on the best route, in its order), ``stops_matched`` and ``where`` (the
        departure row).
    unmatched
        Trips, stops and legs that could not be compared: ``shipment, what, item, where, reason``.
    min_observations
        Least number of observations for :meth:`ranking`.
    source
        The log's file name.
    statistic
        The observed statistic compared and recalibrated on: ``mean`` or ``p50`` (:data:`STATISTICS`).
    synthetic
        The log is synthetic (every row's ``source`` says so): the scenario file says so too.

    Examples
    --------
    One observed border crossing at Beyuk-Kesik, slower than the network says:

    >>> from corridor import data
    >>> from corridor.analytics import shipment_log
    >>> import pandas as pd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z"),
    ...         ("S1", "border_entry", "beyuk-kesik", "2024-01-09T00:00Z"),
    ...         ("S1", "border_exit", "beyuk-kesik", "2024-01-11T12:00Z"),
    ...         ("S1", "arrival", "poti", "2024-01-12T12:00Z")]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time"]).assign(
    ...     commodity="container", mode="rail")
    >>> r = compare(shipment_log(df), data.load().network, min_observations=1, route_options={"by": "time"})
    >>> r.ranking()[["what", "id", "n", "observed_h", "model_h"]].round(1)
           what                    id  n  observed_h  model_h
    0       leg    beyuk-kesik → poti  1        24.0     14.4
    1  transfer    beyuk-kesik-border  1        60.0     40.6
    2       leg  dostyk → beyuk-kesik  1       192.0    235.0
    """

    transfers: pd.DataFrame = field(repr=False)
    legs: pd.DataFrame = field(repr=False)
    trips: pd.DataFrame = field(repr=False)
    unmatched: pd.DataFrame = field(repr=False)
    min_observations: int = MIN_OBSERVATIONS
    source: str = "log"
    statistic: str = "mean"
    synthetic: bool = False

    def ranking(self) -> pd.DataFrame:
        """Transfers and legs with at least ``min_observations`` observations, worst disagreement first.

        Returns
        -------
        pandas.DataFrame
            Columns ``what`` (``transfer`` or ``leg``), ``id`` (transfer id or ``from → to``),
            ``kind``, ``at`` (node or ``from → to``), ``n``, ``observed_h`` (the observed
            :attr:`statistic`), ``model_h``, ``difference_h``, ``ratio`` and ``score`` =
            ``|ln(observed_h / model_h)|`` (infinite when exactly one of the two is 0 h), ordered
            by score then by ``|difference_h|``.
        """
        t = self.transfers.assign(what="transfer", id=self.transfers["transfer"], at=self.transfers["node"])
        legs = self.legs
        arrow = legs["from"] + " → " + legs["to"]
        g = legs.assign(what="leg", id=arrow, kind="leg", at=arrow)
        both = pd.concat([t[[c for c in _RANK_COLS if c != "score"]], g[[c for c in _RANK_COLS if c != "score"]]],
                         ignore_index=True)
        both = both[both["n"] >= self.min_observations]
        obs, mod = both["observed_h"].to_numpy(float), both["model_h"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.abs(np.log(obs / mod))
        score = np.where((obs == 0) & (mod == 0), 0.0, score)
        both = both.assign(score=score, _abs=both["difference_h"].abs())
        both = both.sort_values(["score", "_abs"], ascending=False, kind="stable")
        return both[_RANK_COLS].reset_index(drop=True)

    def recalibration(self, top: int | None = None) -> pd.DataFrame:
        """The transfer changes of the suggested scenario, worst disagreement first.

        Parameters
        ----------
        top
            Keep at most this many (``None``: every ranked transfer whose time would change).

        Returns
        -------
        pandas.DataFrame
            The :meth:`ranking` rows of transfers with ``factor`` (observed_h / model_h, rounded to
            :data:`FACTOR_DIGITS` significant digits; NaN where the model says 0 h) and ``add_h``
            (observed_h where the model says 0 h, else 0).
        """
        r = self.ranking()
        r = r[r["what"] == "transfer"].drop(columns=["what"])
        model = r["model_h"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = r["observed_h"].to_numpy(float) / model
        factor = [float(f"{x:.{FACTOR_DIGITS}g}") if m > 0 else math.nan for x, m in zip(raw, model, strict=True)]
        r = r.assign(factor=factor, add_h=np.where(model > 0, 0.0, r["observed_h"].to_numpy(float)))
        keep = (r["factor"] != 1.0) & ~((r["model_h"] == 0) & (r["add_h"] == 0))
        r = r[keep].reset_index(drop=True)
        return r if top is None else r.head(top)

    def scenario_yaml(self, top: int | None = None, name: str | None = None, *, base: str = "eurasia",
                      year: int | None = None, engine: Mapping[str, Any] | None = None) -> str:
        """A scenario file setting the disagreeing transfers' times to the observed :attr:`statistic`.

        Parameters
        ----------
        top
            At most this many changes, worst first (``None``: all, see :meth:`recalibration`).
        name
            The scenario's name (default ``calibrated-<log file stem>``).
        base
            The base dataset of the scenario: a built-in name or the path of the network compared.
        year
            The base year (``base: {dataset, year}``), or none.
        engine
            The scenario's ``engine:`` section (``{"method": "sue"}``: the shippers who choose, so that
            the recalibrated times move shares), or none (the scenario runner's default).

        Returns
        -------
        str
            YAML that :func:`corridor.scenarios.load_scenario` accepts: one ``change_time`` per
            transfer, selected by id (``records: transfers``), with ``factor`` or ``add_h`` and a
            note naming the statistic and giving n, mean, p10/p50/p90 and the model's time.
        """
        rec = self.recalibration(top).merge(
            self.transfers[["transfer", "observed_mean_h", "observed_p10_h", "observed_p50_h", "observed_p90_h"]],
            left_on="id", right_on="transfer")
        stat = _STAT_NAMES[self.statistic]
        stem = Path(self.source).stem or "log"
        changes: list[dict[str, Any]] = []
        for row in rec.to_dict(orient="records"):
            args: dict[str, Any] = {"select": {"id": str(row["id"]), "records": "transfers"}}
            if row["model_h"] > 0:
                args["factor"] = float(row["factor"])
            else:
                args["add_h"] = round(float(row["add_h"]), 3)
            note = (f"{int(row['n'])} observed {row['kind']} stops at {row['at']} (LOG), set to their {stat}: "
                    f"mean {_fmt(row['observed_mean_h'])} h, p10 {_fmt(row['observed_p10_h'])} h, p50 "
                    f"{_fmt(row['observed_p50_h'])} h, p90 {_fmt(row['observed_p90_h'])} h; the network says "
                    f"{_fmt(row['model_h'])} h")
            changes.append({"change_time": args, "note": note})
        description = (
            f"Suggested recalibration derived from the shipment log {Path(self.source).name} by comparing its "
            f"observed stops with the route planner's itineraries along the paths the shipments took "
            f"(corridor.analytics.compare). Each change sets a transfer's dwell time to the {stat} of its observed "
            f"stops (statistic: {self.statistic}). Rule: transfers with at least {self.min_observations} "
            f"observations, ordered by |ln(observed {self.statistic} / model)|, worst first"
            + (f", the first {top}" if top is not None else "")
            + "; the number of observations of each value is in its note. "
            + ("The log is SYNTHETIC (generated by corridor analytics synth, not observed): these values show how "
               "the method works and must not replace the dataset's figures." if self.synthetic else
               f"The {stat} values are observations of this log only, not published figures."))
        doc = {
            "name": name or f"calibrated-{stem}",
            "description": description,
            "base": {"dataset": base, **({"year": year} if year is not None else {})},
            "sources": {"LOG": f"{Path(self.source).name}: shipment log, {len(self.trips)} trip"
                               f"{'' if len(self.trips) == 1 else 's'} - "
                               f"{'synthetic (generated, not observed)' if self.synthetic else 'observed'}"},
            "changes": changes,
            **({"engine": dict(engine)} if engine else {}),
        }
        head = f"# Suggested recalibration from {Path(self.source).name} (corridor analytics calibrate).\n"
        return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)

    def write_scenario(self, path: str | Path, top: int | None = None, name: str | None = None, *,
                       base: str = "eurasia", year: int | None = None,
                       engine: Mapping[str, Any] | None = None) -> Path:
        """Write :meth:`scenario_yaml` to ``path``.

        Parameters
        ----------
        path
            The scenario file to write (replaced if it exists).
        top, name, base, year, engine
            As for :meth:`scenario_yaml`.

        Returns
        -------
        pathlib.Path
            ``path``.
        """
        from corridor.io.files import write_text

        return write_text(path, self.scenario_yaml(top, name, base=base, year=year, engine=engine))

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        """Every table, the ranking and the :meth:`recalibration` (``top`` changes), JSON-ready.

        Infinite scores and NaN become ``None``.
        """
        rank = self.ranking()
        rank["score"] = rank["score"].replace([np.inf, -np.inf], np.nan)
        rec = self.recalibration(top)
        rec["score"] = rec["score"].replace([np.inf, -np.inf], np.nan)
        return {"source": self.source, "synthetic": self.synthetic, "statistic": self.statistic,
                "min_observations": self.min_observations, "ranking": _records(rank),
                "recalibration": _records(rec),
                **{k: _records(getattr(self, k)) for k in ("transfers", "legs", "trips", "unmatched")}}


def scenario_base(network: str | None) -> dict[str, Any]:
    """``base``, ``year`` and ``engine`` of a suggested recalibration on ``network`` (None: the built-in one).

    On the built-in network the scenario runs the shippers who choose (``method: sue``) in the year
    their choice was calibrated on (2021), so that the observed transfer times move the shares; on a
    network of one's own, the scenario runner's default engine.

    Examples
    --------
    >>> scenario_base(None)
    {'base': 'eurasia', 'year': 2021, 'engine': {'method': 'sue'}}
    >>> scenario_base("my-network.yaml")
    {'base': 'my-network.yaml'}
    """
    if network is None or network == "eurasia":
        return {"base": "eurasia", "year": 2021, "engine": {"method": "sue"}}
    return {"base": network}



# -- inputs ----------------------------------------------------------------------------------------


def _check_known(f: pd.DataFrame, network: Network) -> None:
    """Unknown commodities (one problem per shipment) and node ids (per row) raise InputError."""
    problems: list[Problem] = []
    commodities = list(network.commodity_index)
    first = f.drop_duplicates("shipment")
    for where_, c in first.loc[~first["commodity"].isin(commodities), ["where", "commodity"]].itertuples(index=False):
        problems.append(Problem(str(where_), "commodity", unknown(f"commodity (not in {network.name})", c,
                                                                  commodities)))
    nodes = list(network.node_index)
    bad = f[(f["node"] != "") & ~f["node"].isin(nodes)].head(MAX_PROBLEMS)
    for where_, n in bad[["where", "node"]].itertuples(index=False):
        problems.append(Problem(str(where_), "node", unknown(f"node (not in {network.name})", n, nodes,
                                                             list_known=False)))
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])


def _trip_ends(f: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """One row per trip: ends, times, ``od_key`` (origin|destination|commodity) and ``path`` (visited nodes)."""
    dep = f[f["event"] == "departure"].set_index("shipment")
    arr = f[f["event"] == "arrival"].set_index("shipment")
    t = pd.DataFrame({"commodity": dep["commodity"], "origin": dep["node"], "destination": arr["node"],
                      "departure": dep["time"], "arrival": arr["time"], "where": dep["where"]})
    t["od_key"] = t["origin"] + "|" + t["destination"] + "|" + t["commodity"]
    t["path"] = visits.groupby("shipment")["node"].agg(" ".join).reindex(t.index).fillna("")
    return t.rename_axis("shipment").reset_index()


def _try_plan(network: Network, o: str, d: str, c: str, options: Mapping[str, Any], **extra: Any) -> Route | str:
    """The planner's best route under ``options`` and ``extra``, or the reason it has none."""
    try:
        return plan_routes(network, o, d, cargo=c, **{**options, **extra}).routes[0]
    except NoRoute as e:
        return f"no model route: {e}"


def _along(network: Network, o: str, d: str, c: str, path: list[str], options: Mapping[str, Any],
           every: set[str]) -> tuple[str, Route] | None:
    """The route along an observed path (``observed``, else ``via``), or None: then the best route is compared."""
    if path[0] != o or path[-1] != d or len(set(path)) != len(path):
        return None   # a loop, or ends that are not the trip's: no path to plan along
    inner = path[1:-1]
    avoid = sorted(set(options.get("avoid_nodes", ())) | (every - set(path)))
    tries: list[tuple[str, dict[str, Any]]] = [("observed", {"avoid_nodes": avoid})]
    if inner:   # without intermediate nodes, "via" would be the best route itself
        tries.append(("via", {}))
    for how, extra in tries:
        got = _try_plan(network, o, d, c, options, via=inner, **extra)
        if not isinstance(got, str):
            return how, got
    return None


def _plan(network: Network, trips: pd.DataFrame, options: Mapping[str, Any]) -> tuple[dict[str, Route], pd.DataFrame,
                                                                                      pd.DataFrame]:
    """Best route per (origin, destination, commodity) and compared route per observed path.

    Returns the routes by key (``best|<od>``, ``observed|<od>|<path>``, ``via|<od>|<path>``), the
    trips with ``route_key`` (the compared route; NaN if none), ``model_path`` and ``best_key``, and
    the unroutable trips with the reason. One planner call per distinct key, never per event.
    """
    routes: dict[str, Route] = {}
    reasons: dict[str, str] = {}
    opts = {**options, "compiled": options.get("compiled") or network.compile()}
    for key, o, d, c in trips[["od_key", "origin", "destination", "commodity"]].drop_duplicates().itertuples(
            index=False):
        if not o or not d:
            reasons[key] = "the departure or the arrival has no node id (lon/lat only)"
        elif o == d:
            reasons[key] = "the trip ends where it starts"
        else:
            got = _try_plan(network, o, d, c, opts)
            if isinstance(got, str):
                reasons[key] = got
            else:
                routes[f"best|{key}"] = got
    every = set(network.node_index)
    chosen: dict[str, tuple[str, str]] = {}   # path key → (model_path, route key)
    routable = (trips["origin"] != "") & (trips["destination"] != "") & (trips["origin"] != trips["destination"])
    paths = trips.loc[routable, ["od_key", "origin", "destination", "commodity", "path"]].drop_duplicates()
    for key, o, d, c, text in paths.itertuples(index=False):
        pkey = f"{key}|{text}"
        along = _along(network, o, d, c, text.split(" "), opts, every)
        if along is not None:
            routes[f"{along[0]}|{pkey}"] = along[1]
            chosen[pkey] = (along[0], f"{along[0]}|{pkey}")
        elif f"best|{key}" in routes:
            chosen[pkey] = ("best", f"best|{key}")
    pk = trips["od_key"] + "|" + trips["path"]
    trips = trips.assign(model_path=pk.map({k: v[0] for k, v in chosen.items()}),
                         route_key=pk.map({k: v[1] for k, v in chosen.items()}), best_key="best|" + trips["od_key"])
    bad = trips[trips["route_key"].isna()]
    unmatched = pd.DataFrame({"shipment": bad["shipment"], "what": "trip",
                              "item": bad["origin"] + " → " + bad["destination"] + " (" + bad["commodity"] + ")",
                              "where": bad["where"], "reason": bad["od_key"].map(reasons)})
    return routes, trips, unmatched


def _route_tables(routes: Mapping[str, Route]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stops (route_key, node, kind, transfer, model_h) and node positions with cumulative times.

    ``arr_h`` is when the route reaches a node, ``dep_h`` when it leaves (after its stops),
    ``run_h`` the running time to the node.
    """
    stops, nodes = [], []
    for key, r in routes.items():
        at: dict[str, float] = {}
        for s in r.stops:
            stops.append((key, s.node, s.kind, s.transfer, s.time_h))
            at[s.node] = at.get(s.node, 0.0) + s.time_h
        legs = np.array([0.0, *(leg.time_h for leg in r.legs)])
        run = np.cumsum(legs)
        dwell = np.array([at.get(n, 0.0) for n in r.nodes])
        arr = run + np.concatenate([[0.0], np.cumsum(dwell)[:-1]])
        nodes += [(key, n, i, float(arr[i]), float(arr[i] + dwell[i]), float(run[i])) for i, n in enumerate(r.nodes)]
    return (pd.DataFrame(stops, columns=["route_key", "node", "kind", "transfer", "model_h"]),
            pd.DataFrame(nodes, columns=["route_key", "node", "idx", "arr_h", "dep_h", "run_h"]))


# -- observed stops and legs -----------------------------------------------------------------------


def _observed_stops(f: pd.DataFrame) -> pd.DataFrame:
    """One row per observed stop of the kinds in :data:`STOP_KINDS`: shipment, stop, node, hours, where."""
    parts = []
    for stop in STOP_KINDS:
        start, end = STOP_PAIRS[stop]
        s = f[f["event"] == start]
        e = f[f["event"] == end]
        s = s.assign(k=s.groupby("shipment").cumcount())
        e = e.assign(k=e.groupby("shipment").cumcount())
        x = s[["shipment", "k", "node", "bcp", "mode", "time", "where"]].merge(
            e[["shipment", "k", "mode", "time"]], on=["shipment", "k"], suffixes=("_a", "_b"))
        node = x["node"].where(x["node"] != "", x["bcp"])
        parts.append(pd.DataFrame({"shipment": x["shipment"], "stop": stop, "node": node,
                                   "mode_a": x["mode_a"], "mode_b": x["mode_b"],
                                   "hours": (x["time_b"] - x["time_a"]).dt.total_seconds() / 3600.0,
                                   "where": x["where"]}))
    out = pd.concat(parts, ignore_index=True)
    return out.assign(obs=np.arange(len(out)))


def _mode_fit(network: Network) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which log modes each transfer admits on the way in (``mode_a``) and out (``mode_b``)."""
    rows = []
    for t in network.transfers:
        for m, net_modes in LOG_MODES.items():
            rows.append((t.id, m, not t.from_modes or bool(t.from_modes & set(net_modes)),
                         not t.to_modes or bool(t.to_modes & set(net_modes))))
    fit = pd.DataFrame(rows, columns=["transfer", "mode", "from_ok", "to_ok"])
    return (fit[["transfer", "mode", "from_ok"]].rename(columns={"mode": "mode_a"}),
            fit[["transfer", "mode", "to_ok"]].rename(columns={"mode": "mode_b"}))


def _match_stops(obs: pd.DataFrame, trips: pd.DataFrame, model_stops: pd.DataFrame,
                 network: Network) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observed stops with their transfer (``transfer, model_h, on_model_route``), and the unmatched ones."""
    kinds = pd.DataFrame([(s, k) for s, ks in STOP_KINDS.items() for k in ks], columns=["stop", "kind"])
    o = obs.merge(trips[["shipment", "route_key"]], on="shipment", how="left").merge(kinds, on="stop")
    on_route = o.merge(model_stops, on=["route_key", "node", "kind"])
    n_route = on_route.groupby("obs").size()
    net_t = pd.DataFrame([(t.id, t.node, t.kind, t.time_h or 0.0) for t in network.transfers],
                         columns=["transfer", "node", "kind", "model_h"])
    fit_from, fit_to = _mode_fit(network)
    cand = o[~o["obs"].isin(n_route.index)].merge(net_t, on=["node", "kind"])
    cand = cand.merge(fit_from, on=["transfer", "mode_a"], how="left").merge(fit_to, on=["transfer", "mode_b"],
                                                                             how="left")
    cand["fits"] = cand["from_ok"].astype("boolean").fillna(False) & cand["to_ok"].astype("boolean").fillna(False)
    n_cand = cand["obs"].map(cand.groupby("obs").size())
    n_fit = cand["obs"].map(cand.groupby("obs")["fits"].sum())
    ids = cand.groupby("obs")["transfer"].agg(lambda s: ", ".join(sorted(s)))
    one = (n_cand == 1) | ((n_fit == 1) & cand["fits"].astype(bool))
    matched = pd.concat([on_route[on_route["obs"].map(n_route) == 1].assign(on_model_route=True),
                         cand[one].assign(on_model_route=False)], ignore_index=True)
    rest = obs[~obs["obs"].isin(matched["obs"])]
    wanted = rest["stop"].map({s: " or ".join(ks) for s, ks in STOP_KINDS.items()}).astype(str)
    listed = rest["obs"].map(dict(ids)).astype(object).fillna("").astype(str)
    reason = np.where(rest["obs"].isin(n_route.index[n_route > 1]),
                      "several transfers of the model route match: " + wanted + " at " + rest["node"],
                      np.where(rest["obs"].isin(ids.index),
                               "the model route does not stop here and the modes of the log do not tell "
                               "which of the network's " + wanted + " transfers at " + rest["node"]
                               + " it is: " + listed,
                               "no " + wanted + " transfer at " + rest["node"]))
    unmatched = pd.DataFrame({"shipment": rest["shipment"], "what": "stop",
                              "item": rest["stop"] + " at " + rest["node"], "where": rest["where"], "reason": reason})
    return matched, unmatched


def _visits(f: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive events of a trip at the same node: shipment, node, start, end, where."""
    v = f[f["node"] != ""]
    new = (v["node"] != v.groupby("shipment")["node"].shift()) | (v["shipment"] != v["shipment"].shift())
    run = new.cumsum()
    g = v.groupby(run)
    return pd.DataFrame({"shipment": g["shipment"].first(), "node": g["node"].first(), "start": g["time"].first(),
                         "end": g["time"].last(), "where": g["where"].last()}).reset_index(drop=True)


def _legs(visits: pd.DataFrame, trips: pd.DataFrame, positions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observed legs between consecutive visits, with the model's time where both ends are on the route."""
    nxt = visits.groupby("shipment").shift(-1)
    legs = pd.DataFrame({"shipment": visits["shipment"], "from": visits["node"], "to": nxt["node"],
                         "hours": (nxt["start"] - visits["end"]).dt.total_seconds() / 3600.0,
                         "where": visits["where"]}).dropna(subset=["to"])
    legs = legs.merge(trips[["shipment", "route_key"]], on="shipment", how="left")
    pa = positions.rename(columns={"node": "from", "idx": "idx_a", "dep_h": "dep_a", "run_h": "run_a"})
    pb = positions.rename(columns={"node": "to", "idx": "idx_b", "arr_h": "arr_b", "run_h": "run_b"})
    legs = legs.merge(pa[["route_key", "from", "idx_a", "dep_a", "run_a"]], on=["route_key", "from"], how="left")
    legs = legs.merge(pb[["route_key", "to", "idx_b", "arr_b", "run_b"]], on=["route_key", "to"], how="left")
    ok = legs["idx_a"].notna() & legs["idx_b"].notna() & (legs["idx_b"] > legs["idx_a"])
    legs["model_h"] = legs["arr_b"] - legs["dep_a"]
    legs["model_run_h"] = legs["run_b"] - legs["run_a"]
    bad = legs[~ok]
    unmatched = pd.DataFrame({"shipment": bad["shipment"], "what": "leg", "item": bad["from"] + " → " + bad["to"],
                              "where": bad["where"],
                              "reason": np.where(bad["route_key"].isna(), "the trip has no model route",
                                                 "not both on the model route in this order")})
    return legs[ok], unmatched


def _stats(obs: pd.DataFrame, by: list[str], statistic: str) -> pd.DataFrame:
    """n, mean, p10, p50, p90 and ``observed_h`` (the statistic) of ``hours`` per group, against ``model_h``."""
    s = summarise(obs, ["hours"], by).drop(columns=["indicator", "min", "max"])
    s = s.rename(columns={"count": "n", **{c: f"observed_{c}_h" for c in ("mean", "p10", "p50", "p90")}})
    s["n"] = s["n"].astype(int)
    s["observed_h"] = s[f"observed_{statistic}_h"]
    s["difference_h"] = s["observed_h"] - s["model_h"]
    s["ratio"] = s["observed_h"] / s["model_h"].where(s["model_h"] > 0)
    return s


def _in_order(visits: pd.DataFrame, trips: pd.DataFrame, key: str, positions: pd.DataFrame) -> pd.Series:
    """Per shipment: whether its visited nodes all lie on the route ``trips[key]``, in the route's order."""
    seq = visits.merge(trips[["shipment", key]].rename(columns={key: "route_key"}), on="shipment").merge(
        positions[["route_key", "node", "idx"]], on=["route_key", "node"], how="left")
    step = seq.groupby("shipment")["idx"].diff()
    seq["ok"] = seq["idx"].notna() & (step.isna() | (step > 0))
    return trips["shipment"].map(seq.groupby("shipment")["ok"].all()).fillna(False).astype(bool)


def _trip_table(trips: pd.DataFrame, routes: Mapping[str, Route], visits: pd.DataFrame,
                positions: pd.DataFrame, matched: pd.DataFrame) -> pd.DataFrame:
    t = trips.copy()
    hours = {k: r.time_h for k, r in routes.items()}
    t["section"] = t["origin"] + " → " + t["destination"]
    t["observed_h"] = (t["arrival"] - t["departure"]).dt.total_seconds() / 3600.0
    t["model_h"] = t["route_key"].map(hours).astype(float)
    t["ratio"] = t["observed_h"] / t["model_h"].where(t["model_h"] > 0)
    t["best_model_h"] = t["best_key"].map(hours).astype(float)
    t["on_best_route"] = _in_order(visits, t, "best_key", positions) & t["best_model_h"].notna()
    t["stops_matched"] = t["shipment"].map(matched.groupby("shipment").size()).fillna(0).astype(int)
    return t[_TRIP_COLS]


def compare(log: ShipmentLog, network: Network, *, min_observations: int = MIN_OBSERVATIONS,
            statistic: str = "mean", route_options: Mapping[str, Any] | None = None) -> ModelComparison:
    """Compare a log's observed stops, legs and trips with model routes along the paths they took.

    Parameters
    ----------
    log
        A validated shipment log (:func:`corridor.analytics.read_shipment_log`).
    network
        The network whose route planner and transfer times are compared.
    min_observations
        Least number of observations of a transfer or leg to be ranked and recalibrated.
    statistic
        The observed statistic compared with the model and written to the scenario: ``"mean"``
        (default; the dataset's transfer times are averages) or ``"p50"`` (the median).
    route_options
        Keyword options of :func:`corridor.routing.plan_routes` (``by``, ``value_of_time``,
        ``modes`` …); default: the planner's defaults. The compared routes replace ``via`` by the
        observed intermediate nodes (and the ``observed`` one adds the nodes off the path to
        ``avoid_nodes``).

    Returns
    -------
    ModelComparison
        Transfers, legs, trips and unmatched items; :meth:`ModelComparison.ranking` and
        :meth:`ModelComparison.scenario_yaml` give the disagreements and the recalibration.

    Raises
    ------
    InputError
        A commodity or node id the network does not know (naming the log rows), a bad
        ``min_observations`` or ``statistic``, or no trip of the log that the planner can route.

    Examples
    --------
    A sparse log (the stops only) is compared along the planner's route through them (``via``):

    >>> from corridor import data
    >>> from corridor.analytics import shipment_log
    >>> import pandas as pd
    >>> rows = [("S1", "departure", "dostyk", "2024-01-01T00:00Z"),
    ...         ("S1", "border_entry", "beyuk-kesik", "2024-01-09T00:00Z"),
    ...         ("S1", "border_exit", "beyuk-kesik", "2024-01-11T12:00Z"),
    ...         ("S1", "arrival", "poti", "2024-01-12T12:00Z")]
    >>> df = pd.DataFrame(rows, columns=["shipment", "event", "node", "time"]).assign(
    ...     commodity="container", mode="rail")
    >>> r = compare(shipment_log(df), data.load().network, min_observations=1, route_options={"by": "time"})
    >>> r.transfers[["transfer", "n", "observed_h", "model_h"]].to_dict("records")
    [{'transfer': 'beyuk-kesik-border', 'n': 1, 'observed_h': 60.0, 'model_h': 40.6}]
    >>> r.trips["model_path"].tolist()
    ['via']
    """
    if isinstance(min_observations, bool) or not isinstance(min_observations, int) or min_observations < 1:
        raise InputError(Problem("min_observations", "", f"must be a whole number ≥ 1, got {min_observations!r}"))
    if statistic not in STATISTICS:
        raise InputError(Problem("statistic", "", f"unknown statistic {statistic!r}; expected one of "
                                                  f"{', '.join(STATISTICS)}"))
    f = log.frame
    _check_known(f, network)
    visits = _visits(f)
    routes, trips, unmatched_trips = _plan(network, _trip_ends(f, visits), dict(route_options or {}))
    if trips["route_key"].isna().all():
        raise InputError([Problem(str(r.where), "trip", f"{r.item}: {r.reason}")
                          for r in unmatched_trips.head(MAX_PROBLEMS).itertuples(index=False)])
    model_stops, positions = _route_tables(routes)
    routed = trips[trips["route_key"].notna()]
    matched, unmatched_stops = _match_stops(_observed_stops(f), routed, model_stops, network)
    legs, unmatched_legs = _legs(visits, routed, positions)
    transfers = _stats(matched.assign(on_model_route=matched["on_model_route"].astype(bool)),
                       ["transfer", "node", "kind", "model_h"], statistic)
    on_route = matched.groupby("transfer")["on_model_route"].any()
    transfers["on_model_route"] = transfers["transfer"].map(on_route).astype(bool)
    leg_stats = _stats(legs, ["from", "to", "model_run_h", "model_h"], statistic)
    unmatched = pd.concat([x for x in (unmatched_trips, unmatched_stops, unmatched_legs) if len(x)]
                          or [pd.DataFrame(columns=_UNMATCHED_COLS)], ignore_index=True)
    return ModelComparison(
        transfers=transfers[_TRANSFER_COLS].reset_index(drop=True),
        legs=leg_stats[_LEG_COLS].reset_index(drop=True),
        trips=_trip_table(trips, routes, visits, positions, matched),
        unmatched=unmatched[_UNMATCHED_COLS].reset_index(drop=True),
        min_observations=min_observations,
        source=log.source,
        synthetic=is_synthetic(log),
        statistic=statistic,
    )
