"""Synthetic shipment logs from the route planner and the hub simulation, for demos and tests.

Every row says ``source = "synthetic: corridor analytics synth, seed N"``: these are not
observations. A log is built per corridor (origin, destination, commodity) from the planner's best
route: a ``departure`` at the origin (km 0), a ``position`` at the end of every leg with the
cumulative km and the leg's freight cost, the route's stops as event pairs (border clearance →
``border_entry``/``border_exit``, port handling → ``port_call_start``/``_end``, gauge change and
transshipment → ``transshipment_start``/``_end``) with their charges, and an ``arrival``.

Variability (switched off by ``noise=False``, which reproduces the planner's times exactly):
leg and stop times are multiplied by mean-one lognormal factors with the coefficients of variation
of :data:`LEG_TIME_CV` and :data:`STOP_TIME_CV`; port handling at Aktau and Kuryk takes the spread
of the time in the hub of a short seeded run of :func:`corridor.hub.simulate` (a lognormal matched
to its mean and 95th percentile); cost items vary by :data:`COST_CV`; and after a stop a shipment
waits now and then (:data:`WAIT_PROBABILITY`, :data:`WAIT_MEDIAN_H`, :data:`WAIT_SIGMA`). Every
one of these figures is an assumption, listed in ``docs/ANALYTICS.md``.

Everything is drawn on whole arrays (one row per shipment, one column per event of the corridor),
never by a loop over events.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from corridor.analytics.logs import MAX_SPEED_KMH, STOP_PAIRS
from corridor.exceptions import CorridorError, InputError, Problem
from corridor.model import Network
from corridor.model.commodity import MODES as PLANNER_MODES
from corridor.routing import Route, Stop, plan_routes

__all__ = [
    "COST_CV", "COUNTRY_UTC_OFFSET_H", "DEFAULT_CORRIDORS", "HUB_PORTS", "LEG_TIME_CV", "MODE_OF", "NODE_UTC_OFFSET_H",
    "STOP_EVENTS", "STOP_TIME_CV", "TEU_PER_SHIPMENT", "WAGONS_PER_SHIPMENT", "WAIT_MEDIAN_H", "WAIT_PROBABILITY",
    "WAIT_SIGMA", "Corridor", "synthesize",
]


@dataclass(frozen=True)
class Corridor:
    """An origin–destination pair with its commodity, and how to steer the planner onto the corridor.

    Parameters
    ----------
    origin, destination
        Node ids (or names).
    commodity
        Commodity id of the network.
    via, avoid_countries, modes
        Passed to :func:`corridor.routing.plan_routes` (``modes=()``: every mode a log can name).
    name
        A label for people.

    Examples
    --------
    >>> from corridor import data
    >>> from corridor.analytics import synthesize
    >>> kz_az = Corridor("aktau", "baku-alat", "container", name="Caspian ferry")
    >>> df = synthesize(data.load().network, shipments=2, pairs=[kz_az], noise=False)
    >>> df.groupby("shipment")["node"].agg(["first", "last"]).to_dict("records")
    [{'first': 'aktau', 'last': 'baku-alat'}, {'first': 'aktau', 'last': 'baku-alat'}]
    """

    origin: str
    destination: str
    commodity: str
    via: tuple[str, ...] = ()
    avoid_countries: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    name: str = ""


#: Default corridors: Kazakh export and transit routes that the planner finds on the built-in network.
DEFAULT_CORRIDORS: tuple[Corridor, ...] = (
    Corridor("urumqi", "poti", "container", via=("dostyk",), avoid_countries=("RU", "TM", "UZ", "IR"),
             name="Trans-Caspian (TITR) containers: Dostyk, Aktau, Baku, Poti"),
    Corridor("altynkol", "baku", "container", via=("kuryk",), avoid_countries=("CN", "RU", "TM", "UZ", "IR"),
             name="Altynkol to Baku containers through Kuryk"),
    Corridor("urumqi", "duisburg", "container", via=("dostyk",), modes=("rail-1435", "rail-1520"),
             name="China-Europe containers all by rail through Russia"),
    Corridor("kostanay", "novorossiysk", "grain", name="grain to the Black Sea through Russia"),
    Corridor("kostanay", "tashkent", "grain", name="grain to Uzbekistan through Saryagash"),
    Corridor("karaganda", "urumqi", "metals", name="metals to China through Dostyk"),
)

#: Planner modes and the log's mode for them (``pipeline`` has none: synthetic routes avoid it).
MODE_OF: dict[str, str] = {"rail-1520": "rail", "rail-1435": "rail", "rail": "rail", "rail-ferry": "rail-ferry",
                           "sea": "sea", "feeder": "sea", "ferry": "ferry", "road": "road", "river": "river",
                           "air": "air"}
#: Stop kinds of the planner and the log's stop kind (a key of ``STOP_PAIRS``) and cost type for them.
STOP_EVENTS: dict[str, tuple[str, str]] = {
    "border-clearance": ("border", "border"), "port-handling": ("port_call", "port"),
    "gauge-change": ("transshipment", "transshipment"), "transshipment": ("transshipment", "transshipment"),
}

# Assumptions (not measurements): the spreads below are chosen to look like the CPMM distributions
# (border times spread far more than running times), not fitted to any data.
#: Assumption: coefficient of variation of a leg's running time, by log mode.
LEG_TIME_CV: dict[str, float] = {"rail": 0.15, "rail-ferry": 0.35, "sea": 0.10, "ferry": 0.30, "road": 0.15,
                                 "river": 0.20, "air": 0.05}
#: Assumption: coefficient of variation of a stop's time, by planner stop kind (others: ``"other"``).
STOP_TIME_CV: dict[str, float] = {"border-clearance": 0.60, "port-handling": 0.50, "gauge-change": 0.40,
                                  "transshipment": 0.50, "other": 0.50}
#: Assumption: coefficient of variation of every cost item (tariffs and charges vary less than times).
COST_CV = 0.10
#: Assumption: chance that a shipment waits (for wagons, a ferry slot, documents) after the stops at a node.
WAIT_PROBABILITY = 0.10
#: Assumption: median of such a wait, h (lognormal).
WAIT_MEDIAN_H = 6.0
#: Assumption: log-scale spread (sigma) of such a wait.
WAIT_SIGMA = 1.0
#: Ports whose handling time takes the spread of the hub simulation (the Aktau hub model stands for both).
HUB_PORTS: tuple[str, ...] = ("aktau", "kuryk")
#: Hub run whose time in the hub gives that spread: built-in config, measured days, warm-up days, replications.
HUB_RUN: tuple[str, int, int, int] = ("aktau-hub", 120, 14, 2)
#: Assumption: a container shipment is one 40 ft box (2 TEU) at the commodity's tonnes per TEU.
TEU_PER_SHIPMENT = 2.0
#: Assumption: a bulk shipment is a group of 10 wagons at the commodity's tonnes per wagon.
WAGONS_PER_SHIPMENT = 10
#: Assumption: tonnes per wagon when the commodity gives none.
FALLBACK_WAGON_T = 60.0
#: Assumption: a noisy leg is never faster than this share of the log's speed limit (``MAX_SPEED_KMH``).
MAX_SPEED_SHARE = 0.9
#: Assumption: local time offsets (h from UTC) by country, standard time all year (no summer time).
COUNTRY_UTC_OFFSET_H: dict[str, float] = {
    "CN": 8.0, "KZ": 5.0, "UZ": 5.0, "TM": 5.0, "KG": 6.0, "TJ": 5.0, "AZ": 4.0, "GE": 4.0, "AM": 4.0,
    "IR": 3.5, "TR": 3.0, "RU": 3.0, "BY": 3.0, "UA": 2.0, "RO": 2.0, "BG": 2.0, "GR": 2.0, "PL": 1.0,
    "DE": 1.0, "NL": 1.0, "AT": 1.0, "HU": 1.0, "IT": 1.0, "MT": 1.0,
}
#: Assumption: nodes off their country's offset (Russian nodes east of Moscow time).
NODE_UTC_OFFSET_H: dict[str, float] = {"chelyabinsk": 5.0, "troitsk": 5.0, "petukhovo": 5.0, "orenburg": 5.0,
                                       "iletsk": 5.0, "samara": 4.0, "astrakhan": 4.0, "aksaraiskaya": 4.0}

_LOG_MODES = tuple(MAX_SPEED_KMH)
_SOURCE = "synthetic: corridor analytics synth, seed {seed}"


@dataclass
class _Template:
    """The events of one corridor, one row per event, before any shipment is drawn.

    Columns of ``rows``: event, node, mode, km, dt_h (time since the previous event: the planner's,
    times the time factor), sigma (log-scale spread of that time), cost (USD for the shipment),
    cost_type, bcp, wait (index of the wait slot of the row, -1 for none), limit_kmh (speed limit
    of a leg's row, 0 otherwise) and leg_km.
    """

    corridor: Corridor
    route: Route
    tonnes: float
    units: float
    noisy: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    km: float = 0.0
    slots: int = 0

    def add(self, event: str, node: str, mode: str, *, dt: float = 0.0, sigma: float = 0.0, cost: float = 0.0,
            cost_type: str = "", bcp: str = "", wait: int = -1, limit: float = 0.0, leg_km: float = 0.0) -> None:
        self.rows.append({"event": event, "node": node, "mode": mode, "km": self.km, "dt_h": dt,
                          "sigma": sigma if self.noisy else 0.0, "cost": cost * self.units,
                          "cost_type": cost_type if cost else "", "bcp": bcp, "wait": wait, "limit_kmh": limit,
                          "leg_km": leg_km})

    def stops(self, here: Sequence[Stop], mode: str, factors: Mapping[str, float], hub_sigma: float,
              wait: bool) -> None:
        """The stops at a node as event pairs, then (``wait``) a wait slot.

        A stop the model gives neither time nor cost (an EU-internal border, a crossing of the Union
        State) is no stop: a log would not record one, so none is written.
        """
        here = [s for s in here if s.time_h > 0 or s.cost_usd > 0]
        for s in here:
            kind, cost_type = STOP_EVENTS.get(s.kind, ("waiting", "other"))
            start, end = STOP_PAIRS[kind]
            cv = STOP_TIME_CV.get(s.kind, STOP_TIME_CV["other"])
            sig = hub_sigma if s.kind == "port-handling" and s.node in HUB_PORTS else _sigma(cv)
            bcp = s.node if kind == "border" else ""
            self.add(start, s.node, mode, cost=s.cost_usd, cost_type=cost_type, bcp=bcp)
            self.add(end, s.node, mode, dt=s.time_h * factors.get(s.transfer, 1.0), sigma=sig, bcp=bcp)
        if here and wait and self.noisy:
            start, end = STOP_PAIRS["waiting"]
            self.add(start, here[-1].node, mode, wait=self.slots)
            self.add(end, here[-1].node, mode, dt=WAIT_MEDIAN_H, sigma=WAIT_SIGMA, wait=self.slots)
            self.slots += 1

    def table(self) -> pd.DataFrame:
        """The rows as a frame."""
        return pd.DataFrame(self.rows)


def _sigma(cv: float) -> float:
    """Log-scale sigma of a mean-one lognormal with coefficient of variation ``cv``."""
    return math.sqrt(math.log1p(cv * cv))


def _hub_sigma(seed: int) -> float:
    """Sigma of a lognormal matched to the mean and p95 of the time in the hub of a short seeded run."""
    from corridor.hub import load_config, simulate

    name, days, warmup, reps = HUB_RUN
    result = simulate(load_config(name), days=days, warmup_days=warmup, replications=reps, seed=seed)
    mean, p95 = result["time_in_hub_mean_h"].mean, result["time_in_hub_p95_h"].mean
    if not (mean > 0 and p95 > mean):
        return _sigma(STOP_TIME_CV["port-handling"])
    # lognormal: ln p95 - ln mean = 1.645 s - s^2 / 2; the smaller root
    z = 1.6448536269514722
    disc = z * z - 2.0 * math.log(p95 / mean)
    return z - math.sqrt(disc) if disc > 0 else z


def _offset_h(network: Network, node: str) -> float:
    if node in NODE_UTC_OFFSET_H:
        return NODE_UTC_OFFSET_H[node]
    return COUNTRY_UTC_OFFSET_H.get(network.node(node).country, 0.0)


def _plan(network: Network, c: Corridor, where: str) -> Route:
    planner_modes = [m for m in (c.modes or PLANNER_MODES) if m in MODE_OF]
    try:
        rs = plan_routes(network, c.origin, c.destination, cargo=c.commodity, via=c.via,
                         avoid_countries=c.avoid_countries, modes=planner_modes or None)
    except InputError as e:
        raise InputError([Problem(where, p.field or "pair", p.message) for p in e.problems]) from None
    except CorridorError as e:
        raise InputError(Problem(where, "pair", str(e))) from None
    return rs.routes[0]


def _template(network: Network, c: Corridor, route: Route, factors: Mapping[str, float], noisy: bool,
              hub_sigma: float) -> _Template:
    com = network.commodity_index[c.commodity]
    if route.unit == "TEU":
        units = TEU_PER_SHIPMENT
        tonnes = units * route.tonnes_per_unit
    else:
        tonnes = WAGONS_PER_SHIPMENT * (com.t_per_wagon or FALLBACK_WAGON_T)
        units = tonnes / route.tonnes_per_unit
    t = _Template(c, route, tonnes, units, noisy)
    by_leg: dict[int, list[Stop]] = {}
    for s in route.stops:
        by_leg.setdefault(s.after_leg, []).append(s)
    first = MODE_OF[route.legs[0].mode]
    t.add("departure", route.nodes[0], first)
    t.stops(by_leg.get(-1, []), first, factors, hub_sigma, wait=False)
    last = len(route.legs) - 1
    for i, leg in enumerate(route.legs):
        mode = MODE_OF[leg.mode]
        t.km += leg.distance_km
        event = "arrival" if i == last and not by_leg.get(i) else "position"
        t.add(event, leg.end, mode, dt=leg.time_h * factors.get(leg.link, 1.0), sigma=_sigma(LEG_TIME_CV[mode]),
              cost=leg.cost_usd, cost_type="freight", limit=MAX_SPEED_KMH[mode], leg_km=leg.distance_km)
        t.stops(by_leg.get(i, []), mode, factors, hub_sigma, wait=i < last)
    if t.rows[-1]["event"] != "arrival":
        t.add("arrival", route.nodes[-1], MODE_OF[route.legs[-1].mode])
    return t


def _draw(tab: pd.DataFrame, n: int, rng: np.random.Generator, noise: bool) -> dict[str, np.ndarray]:
    """Per shipment (rows) and event (columns): hours since departure, cost and kept mask."""
    e = len(tab)
    dt = np.tile(tab["dt_h"].to_numpy(dtype=float), (n, 1))
    cost = np.tile(tab["cost"].to_numpy(dtype=float), (n, 1))
    keep = np.ones((n, e), dtype=bool)
    if noise:
        sigma = tab["sigma"].to_numpy(dtype=float)
        wait = tab["wait"].to_numpy(dtype=int)
        is_wait = wait >= 0
        z = rng.standard_normal((n, e))
        mult = np.exp(sigma * z - sigma * sigma / 2.0)  # mean one
        # a wait is a lognormal around its median, not a factor on a planner time
        mult[:, is_wait] = np.exp(sigma[is_wait] * z[:, is_wait])
        dt = dt * mult
        waits = rng.random((n, int(wait.max()) + 1 if is_wait.any() else 1)) < WAIT_PROBABILITY
        keep[:, is_wait] = waits[:, wait[is_wait]]
        dt[~keep] = 0.0
        has_cost = cost[0] > 0
        cz = rng.standard_normal((n, int(has_cost.sum())))
        cs = _sigma(COST_CV)
        cost[:, has_cost] *= np.exp(cs * cz - cs * cs / 2.0)
    # never faster than the log allows (planner speeds are far below it, so noise=False stays exact)
    limit = tab["limit_kmh"].to_numpy(dtype=float)
    leg = limit > 0
    floor = tab["leg_km"].to_numpy(dtype=float)[leg] / (MAX_SPEED_SHARE * limit[leg])
    dt[:, leg] = np.maximum(dt[:, leg], floor)
    return {"hours": np.cumsum(dt, axis=1), "cost": cost, "keep": keep}


def _timestamps(utc_s: np.ndarray, offset_h: np.ndarray) -> np.ndarray:
    """ISO 8601 local times with their offset (``2024-03-01T13:00:00+05:00``) from UTC seconds."""
    offset_s = np.round(offset_h * 3600.0).astype(np.int64)
    local = pd.Series(pd.to_datetime(utc_s + offset_s, unit="s")).dt.strftime("%Y-%m-%dT%H:%M:%S")
    sign = np.where(offset_s < 0, "-", "+")
    a = np.abs(offset_s)
    hh = pd.Series(a // 3600).astype(str).str.zfill(2)
    mm = pd.Series((a % 3600) // 60).astype(str).str.zfill(2)
    suffix = pd.Series(sign, dtype=str) + hh + ":" + mm
    return (local.astype(str) + suffix).to_numpy(dtype=object)


def _check(shipments: int, seed: int, days: float, start: Any, factors: Mapping[str, float],
           network: Network) -> pd.Timestamp:
    problems = []
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(Problem("seed", "seed", f"must be a whole number ≥ 0, not {seed!r}"))
    if isinstance(shipments, bool) or not isinstance(shipments, int | np.integer) or shipments < 1:
        problems.append(Problem("shipments", "shipments", f"must be a whole number ≥ 1, not {shipments!r}"))
    if not (isinstance(days, int | float) and math.isfinite(days) and days > 0):
        problems.append(Problem("days", "days", f"must be a number of days > 0, not {days!r}"))
    t0: Any = pd.NaT
    with contextlib.suppress(ValueError, TypeError):
        t0 = pd.Timestamp(start)
    if pd.isna(t0):
        problems.append(Problem("start", "start", f"not a date (write 2024-01-01): {start!r}"))
    known = {tr.id for tr in network.transfers} | {lk.id for lk in network.links}
    for key, value in factors.items():
        if key not in known:
            problems.append(Problem("time_factors", str(key), "not a transfer or link id of the network"))
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            problems.append(Problem("time_factors", str(key), f"must be a number > 0, not {value!r}"))
    if problems:
        raise InputError(problems)
    stamp = pd.Timestamp(t0)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _corridors(pairs: Iterable[Corridor | Sequence[str]] | None) -> list[Corridor]:
    if pairs is None:
        return list(DEFAULT_CORRIDORS)
    out: list[Corridor] = []
    for i, p in enumerate(pairs):
        if isinstance(p, Corridor):
            out.append(p)
        elif not isinstance(p, str) and len(p) == 3 and all(isinstance(x, str) and x.strip() for x in p):
            out.append(Corridor(p[0].strip(), p[1].strip(), p[2].strip()))
        else:
            raise InputError(Problem(f"pairs[{i}]", "pair", f"expected (origin, destination, commodity), not {p!r}"))
    if not out:
        raise InputError(Problem("pairs", "pair", "no pairs given"))
    return out


def _rows(t: _Template, ids: np.ndarray, depart_s: np.ndarray, d: dict[str, np.ndarray], network: Network,
          seed: int) -> pd.DataFrame:
    """The log rows of one corridor's shipments (long format, shipments × events, waits not drawn left out)."""
    tab = t.table()
    n, e = d["hours"].shape

    def tile(column: str) -> np.ndarray:
        return np.tile(tab[column].to_numpy(), n)

    utc = (depart_s[:, None] + np.round(d["hours"] * 3600.0).astype(np.int64)).ravel()
    offsets = np.array([_offset_h(network, x) for x in tab["node"]])
    cost = d["cost"].ravel()
    frame = pd.DataFrame({
        "shipment": np.repeat(ids, e),
        "commodity": t.corridor.commodity,
        "mode": tile("mode"),
        "event": tile("event"),
        "time": _timestamps(utc, np.tile(offsets, n)),
        "node": tile("node"),
        "km": np.round(tile("km").astype(float), 3),
        "tonnes": round(t.tonnes, 3),
        "cost_type": tile("cost_type"),
        "cost_usd": np.where(cost > 0, np.round(cost, 2), np.nan),
        "bcp": tile("bcp"),
        "source": _SOURCE.format(seed=seed),
        "_seq": np.tile(np.arange(e), n),
    })
    return frame[d["keep"].ravel()]


def synthesize(network: Network, *, shipments: int = 200, seed: int = 0,
               pairs: Iterable[Corridor | Sequence[str]] | None = None, start: Any = "2024-01-01",
               days: float = 365, time_factors: Mapping[str, float] | None = None, noise: bool = True,
               progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """A synthetic shipment log: trips along the planner's routes with seeded, assumed variability.

    Parameters
    ----------
    network
        The network (node ids of the log are its ids; the result validates against it).
    shipments
        Number of trips, spread evenly at random over the corridors.
    seed
        Seed of every draw (and of the hub run): the same seed gives the same frame.
    pairs
        ``(origin, destination, commodity)`` triples or :class:`Corridor` objects; default
        :data:`DEFAULT_CORRIDORS`.
    start, days
        Departures are uniform over ``[start, start + days)`` (``start`` a date or time; UTC when naive).
    time_factors
        Planner times of the named transfer or link ids are multiplied by these factors before the
        noise (to plant a known bias: ``{"beyuk-kesik-border": 2.0}``).
    noise
        ``False``: no variability and no waits; every trip takes exactly the planner's times.
    progress
        Called as ``progress(stage, done, total)``.

    Returns
    -------
    pandas.DataFrame
        One row per event with the columns ``shipment, commodity, mode, event, time, node, km,
        tonnes, cost_type, cost_usd, bcp, source`` (``time`` ISO 8601 local time with offset,
        ``source`` labels every row as synthetic), ordered by shipment and time.

    Raises
    ------
    InputError
        Bad arguments, an unknown node or commodity, or a pair without a route.

    Examples
    --------
    Three synthetic container trips by rail from Altynkol to Tashkent, with the seeded variability
    (the same seed gives the same trips):

    >>> from corridor import data
    >>> from corridor.analytics import cpmm, shipment_log
    >>> net = data.load().network
    >>> df = synthesize(net, shipments=3, seed=1, pairs=[("altynkol", "tashkent", "container")])
    >>> df["shipment"].unique().tolist(), df["source"].iloc[0]
    (['SYN1-0001', 'SYN1-0002', 'SYN1-0003'], 'synthetic: corridor analytics synth, seed 1')
    >>> cpmm(shipment_log(df, "synthetic", net)).trips[["section", "time_h", "stop_h"]].round(1)
                   section  time_h  stop_h
    0  altynkol → tashkent    48.8    19.4
    1  altynkol → tashkent    39.5     9.9
    2  altynkol → tashkent    35.3     8.4
    """
    factors = dict(time_factors or {})
    t0 = _check(shipments, seed, days, start, factors, network)
    corridors = _corridors(pairs)
    total = len(corridors) + 2
    tick = progress or (lambda stage, done, total: None)
    routes = []
    for i, c in enumerate(corridors):
        tick("planning routes", i, total)
        routes.append(_plan(network, c, f"pairs[{i}]" if pairs is not None else c.name))
    hub_sigma = 0.0
    if noise and any(s.kind == "port-handling" and s.node in HUB_PORTS for r in routes for s in r.stops):
        tick("hub simulation", len(corridors), total)
        hub_sigma = _hub_sigma(seed)
    tick("drawing shipments", len(corridors) + 1, total)
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(corridors), size=shipments)
    depart_s = np.floor(rng.uniform(0.0, days * 86400.0, size=shipments)).astype(np.int64)
    depart_s += int(t0.value // 1_000_000_000)
    order = np.lexsort((np.arange(shipments), depart_s))
    ids = np.empty(shipments, dtype=object)
    width = max(4, len(str(shipments)))
    ids[order] = [f"SYN{seed}-{k + 1:0{width}d}" for k in range(shipments)]
    frames = []
    for ci, (c, route) in enumerate(zip(corridors, routes, strict=True)):
        mine = np.flatnonzero(which == ci)
        if mine.size == 0:
            continue
        t = _template(network, c, route, factors, noise, hub_sigma)
        frames.append(_rows(t, ids[mine], depart_s[mine], _draw(t.table(), mine.size, rng, noise), network, seed))
    out = pd.concat(frames, ignore_index=True).sort_values(["shipment", "_seq"], kind="stable")
    return out.drop(columns="_seq").reset_index(drop=True)
