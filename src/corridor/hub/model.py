"""The SimPy model of the container hub: one replication.

Calls (trains, vessels, rail ferries, trucks) are SimPy processes; containers are not. A call
collects ready containers of one direction from the yard (up to its capacity) and delivers a batch
of the other direction; each delivered TEU gets its own customs/inspection dwell, drawn as one
NumPy array per batch, and becomes collectable when that dwell has passed. This keeps a year at
240,000 TEU to a few thousand SimPy processes (plus one per truck).

Resources: berths (SimPy ``Resource``) and cranes (``Container`` of crane units) for vessels,
ferry bridges for rail ferries, rail loading tracks for trains, gate lanes for trucks, and the yard
(``Container`` of TEU, capacity ground slots × tiers; a call that cannot unload waits at its berth
or track). Storms close the port to vessels and ferries: a vessel neither berths nor sails while the
port is closed; work at the berth, the rail side and the gate goes on.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from corridor.hub.config import HOURS_PER_YEAR, HubConfig, Service
from corridor.model.distributions import Distribution

__all__ = ["CallPlan", "call_plans", "offered_load", "run_hub_replication", "storm_intervals"]

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_START_H = np.cumsum((0, *_MONTH_DAYS)) * 24.0
_RETRY_H = 0.5
"""How often (h) a call waiting for yard space looks again."""
_RESOURCE = {"vessel": "berths", "ferry": "ferry_bridges", "train": "tracks", "truck": "gate_lanes"}


@dataclass(frozen=True, slots=True)
class CallPlan:
    """What demand implies for one service: calls per year and TEU per call.

    Parameters
    ----------
    service
        The service.
    calls_per_yr
        Calls per year: the larger of (delivered TEU ÷ nominal TEU per call) and
        (collected TEU ÷ (capacity × load factor)).
    interarrival
        Interarrival distribution with its mean set to 8,760 h ÷ calls per year.
    deliver
        TEU delivered per call, scaled so that the service delivers its share of demand.
    collect_mean
        Mean TEU to collect per call at this demand.

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> plan = call_plans(load_config("aktau-hub"))[0]
    >>> plan.service.name, round(plan.calls_per_yr), round(plan.interarrival.mean, 2), plan.deliver.mean
    ('block-train', 1178, 7.44, 110.0)
    """

    service: Service
    calls_per_yr: float
    interarrival: Distribution
    deliver: Distribution
    collect_mean: float


def _flow(cfg: HubConfig, direction: str, total: float) -> float:
    share = cfg.westbound_share if direction == "west" else 1.0 - cfg.westbound_share
    return total * share


def call_plans(cfg: HubConfig) -> list[CallPlan]:
    """The call frequency and TEU per call of every service at the config's demand.

    Calls per year are the larger of (delivered TEU ÷ nominal TEU per call) and (collected TEU ÷
    (capacity × load factor)), evaluated at the demand for ``frequency: demand`` services and at
    the design capacity for ``frequency: design`` services (timetables); the TEU delivered and
    collected per call then follow the demand.

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> [(p.service.name, round(p.calls_per_yr)) for p in call_plans(load_config("aktau-hub"))]
    [('block-train', 1178), ('feeder', 315), ('rail-ferry', 529), ('truck', 9600)]
    """
    out = []
    for s in cfg.services:
        basis = cfg.capacity_teu_per_yr if s.frequency == "design" else cfg.demand_teu_per_yr
        d_teu = s.deliver_share * _flow(cfg, s.deliver_direction, cfg.demand_teu_per_yr)
        c_teu = s.collect_share * _flow(cfg, s.collect_direction, cfg.demand_teu_per_yr)
        d_basis = s.deliver_share * _flow(cfg, s.deliver_direction, basis)
        c_basis = s.collect_share * _flow(cfg, s.collect_direction, basis)
        by_deliver = d_basis / s.deliver_teu.mean if s.deliver_share > 0 and s.deliver_teu.mean > 0 else 0.0
        by_collect = c_basis / (s.capacity_teu * s.load_factor) if s.collect_share > 0 and s.capacity_teu > 0 else 0.0
        calls = max(by_deliver, by_collect)
        if calls <= 0:
            continue
        deliver = s.deliver_teu.with_mean(d_teu / calls) if d_teu > 0 else Distribution.deterministic(0.0)
        out.append(CallPlan(s, calls, s.arrivals.with_mean(HOURS_PER_YEAR / calls), deliver, c_teu / calls))
    return out


def _handling_mean(cfg: HubConfig, plan: CallPlan) -> float:
    if plan.service.kind == "vessel":
        moves = (plan.deliver.mean + plan.collect_mean) / cfg.teu_per_move
        return moves / (min(cfg.cranes_per_vessel, cfg.cranes) * cfg.crane_moves_per_h)
    return plan.service.handling_h.mean if plan.service.handling_h is not None else 0.0


def offered_load(cfg: HubConfig) -> dict[str, float]:
    """Offered load (busy hours ÷ available hours) of berths, ferry bridges, tracks and gate lanes.

    Storm closures are not counted, so this is a lower bound; ≥ 1 means no steady state.

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> {k: round(v, 3) for k, v in offered_load(load_config("aktau-hub")).items()}
    {'berths': 0.12, 'ferry_bridges': 0.181, 'gate_lanes': 0.037, 'tracks': 0.191}
    """
    load: dict[str, float] = {}
    for plan in call_plans(cfg):
        res = _RESOURCE[plan.service.kind]
        load[res] = load.get(res, 0.0) + plan.calls_per_yr * _handling_mean(cfg, plan) / HOURS_PER_YEAR
    return {k: v / getattr(cfg, k) for k, v in sorted(load.items())}


def storm_intervals(cfg: HubConfig, rng: np.random.Generator, start_h: float,
                    end_h: float) -> list[tuple[float, float]]:
    """Port closures in ``[start_h, end_h)``; hour 0 of the calendar is 1 January.

    An alternating renewal process: open spells end at a month-dependent rate λ chosen so that the
    long-run closed share in month m is ``storm_share_by_month[m]`` for the configured mean storm
    length L (λ = p / (L (1 − p))); storm lengths are drawn from ``storm_duration_h``.

    Examples
    --------
    Storm closures at Aktau over one seeded year (hours from 1 January):

    >>> import numpy as np
    >>> from corridor.hub import load_config
    >>> storms = storm_intervals(load_config("aktau-hub"), np.random.default_rng(0), 0.0, 8760.0)
    >>> len(storms), round(sum(b - a for a, b in storms))
    (7, 936)
    """
    shares = np.asarray(cfg.storm_share_by_month, dtype=float)
    if not shares.any():
        return []
    mean_len = cfg.storm_duration_h.mean
    rate = shares / (mean_len * (1.0 - shares))  # per open hour
    out: list[tuple[float, float]] = []
    t = start_h
    while t < end_h:
        budget = rng.exponential(1.0)
        while t < end_h:  # integrate the piecewise-constant rate until the budget is spent
            year_h = t % HOURS_PER_YEAR
            m = int(np.searchsorted(_MONTH_START_H, year_h, side="right") - 1)
            month_end = t - year_h + _MONTH_START_H[m + 1]
            seg = month_end - t
            if rate[m] * seg >= budget:
                t += budget / rate[m]
                break
            budget -= rate[m] * seg
            t = month_end
        if t >= end_h:
            break
        length = float(cfg.storm_duration_h.sample(rng, 1)[0])
        out.append((t, min(t + length, end_h)))
        t += length
    return out


class _Draws:
    """Draws from one distribution, sampled in blocks (one NumPy call per block, not per draw)."""

    def __init__(self, dist: Distribution, rng: np.random.Generator, block: int = 4096) -> None:
        self.dist, self.rng, self.block = dist, rng, block
        self.buf = dist.sample(rng, block)
        self.i = 0

    def next(self) -> float:
        if self.i == self.buf.size:
            self.buf, self.i = self.dist.sample(self.rng, self.block), 0
        self.i += 1
        return float(self.buf[self.i - 1])

    def many(self, n: int) -> np.ndarray:
        if self.i + n > self.buf.size:
            self.buf, self.i = np.concatenate((self.buf[self.i:], self.dist.sample(self.rng, max(self.block, n)))), 0
        self.i += n
        return self.buf[self.i - n:self.i]


class _Stock:
    """Containers of one direction in the yard: when each arrived at the hub, entered the yard, is ready."""

    def __init__(self) -> None:
        self.arrived = np.empty(0)
        self.entered = np.empty(0)
        self.ready = np.empty(0)

    def add(self, n: int, arrived: float, entered: float, dwell: np.ndarray) -> None:
        self.arrived = np.concatenate((self.arrived, np.full(n, arrived)))
        self.entered = np.concatenate((self.entered, np.full(n, entered)))
        self.ready = np.concatenate((self.ready, entered + dwell))

    def take(self, now: float, most: int) -> tuple[np.ndarray, np.ndarray]:
        """Remove up to ``most`` ready containers, earliest ready first; return (arrived, entered)."""
        if most <= 0 or self.ready.size == 0:
            return np.empty(0), np.empty(0)
        idx = np.flatnonzero(self.ready <= now)
        if idx.size > most:
            idx = idx[np.argpartition(self.ready[idx], most - 1)[:most]]
        if idx.size == 0:
            return np.empty(0), np.empty(0)
        arrived, entered = self.arrived[idx], self.entered[idx]
        keep = np.ones(self.ready.size, dtype=bool)
        keep[idx] = False
        self.arrived, self.entered, self.ready = self.arrived[keep], self.entered[keep], self.ready[keep]
        return arrived, entered


class _Hub:
    """State of one replication."""

    def __init__(self, cfg: HubConfig, env: simpy.Environment, t0: float, t1: float, dwell: _Draws) -> None:
        self.cfg, self.env, self.t0, self.t1 = cfg, env, t0, t1
        self.res = {"berths": simpy.Resource(env, cfg.berths), "ferry_bridges": simpy.Resource(env, cfg.ferry_bridges),
                    "tracks": simpy.Resource(env, cfg.tracks), "gate_lanes": simpy.Resource(env, cfg.gate_lanes)}
        self.cranes = simpy.Container(env, capacity=cfg.cranes, init=cfg.cranes)
        self.level = 0
        self.blocked_h = 0.0
        self.teu_in = 0
        self.teu_out = 0
        self.stock = {"west": _Stock(), "east": _Stock()}
        self.closed = False
        self.reopen = env.event()
        self.busy = {"berths": 0.0, "ferry_bridges": 0.0, "tracks": 0.0, "gate_lanes": 0.0, "cranes": 0.0}
        self.waits: dict[str, list[float]] = {"vessel": [], "ferry": [], "train": [], "truck": []}
        self.weather_waits: list[float] = []
        self.yard_log: list[tuple[float, float]] = [(0.0, 0.0)]
        self.queue_log: dict[str, list[tuple[float, int]]] = {"ships": [(0.0, 0)], "trains": [(0.0, 0)]}
        self.queued = {"ships": 0, "trains": 0}
        self.out_t: list[np.ndarray] = []
        self.out_dwell: list[np.ndarray] = []
        self.out_hub: list[np.ndarray] = []
        self.pending_teu = 0
        self.dwell = dwell  # customs / inspection dwell of each TEU delivered

    def overlap(self, a: float, b: float) -> float:
        return max(0.0, min(b, self.t1) - max(a, self.t0))

    def queue_change(self, which: str, delta: int) -> None:
        self.queued[which] += delta
        self.queue_log[which].append((self.env.now, self.queued[which]))

    def storm(self, intervals: list[tuple[float, float]]) -> Generator[Any, Any, None]:
        for a, b in intervals:
            yield self.env.timeout(a - self.env.now)
            self.closed = True
            yield self.env.timeout(b - a)
            self.closed = False
            ev, self.reopen = self.reopen, self.env.event()
            ev.succeed()

    def arrivals(self, plan: CallPlan, rng: np.random.Generator, end: float) -> Generator[Any, Any, None]:
        block = max(16, int(1.1 * plan.calls_per_yr * end / HOURS_PER_YEAR) + 16)
        gaps = _Draws(plan.interarrival, rng, block)
        teu = _Draws(plan.deliver, rng, block)
        handling = _Draws(plan.service.handling_h, rng, block) if plan.service.handling_h is not None else None
        if plan.interarrival.family == "deterministic":  # a timetable: start at a random phase
            yield self.env.timeout(float(rng.uniform(0.0, plan.interarrival.mean)))
        cap = self.cfg.yard_capacity_teu
        while True:
            yield self.env.timeout(gaps.next())
            n = min(round(teu.next()), cap) if plan.deliver.mean > 0 else 0
            self.env.process(self.call(plan, n, handling.next() if handling is not None else 0.0))

    def exchange(self, svc: Service, teu_in: int, arrived: float) -> Generator[Any, Any, tuple[np.ndarray, np.ndarray]]:
        """Collect ready containers and unload ``teu_in``; wait at the berth or track while the yard is full.

        The call unloads what fits as soon as it fits and, while it waits, keeps collecting
        containers that become ready (up to its capacity), so full yards slow the hub down but a
        waiting train or vessel never blocks the containers it could take away.
        """
        env, cap = self.env, self.cfg.yard_capacity_teu
        stock_out, stock_in = self.stock[svc.collect_direction], self.stock[svc.deliver_direction]
        most = int(svc.capacity_teu) if svc.collect_share > 0 else 0
        got_arr: list[np.ndarray] = []
        got_ent: list[np.ndarray] = []
        n_out, remaining, blocked_since = 0, teu_in, None
        while True:
            a, e = stock_out.take(env.now, most - n_out)
            if a.size:
                n_out += a.size
                got_arr.append(a)
                got_ent.append(e)
                self.level -= a.size
                self.teu_out += a.size
            n = min(remaining, cap - self.level)
            if n > 0:
                self.level += n
                self.teu_in += n
                remaining -= n
                self.pending_teu -= n
                stock_in.add(n, arrived, env.now, self.dwell.many(n))
            if a.size or n > 0:
                self.yard_log.append((env.now, self.level))
            if remaining == 0:
                break
            if blocked_since is None:
                blocked_since = env.now
            yield env.timeout(_RETRY_H)
        if blocked_since is not None:
            self.blocked_h += self.overlap(blocked_since, env.now)
        if not got_arr:
            return np.empty(0), np.empty(0)
        return np.concatenate(got_arr), np.concatenate(got_ent)

    def call(self, plan: CallPlan, teu_in: int, handling_h: float) -> Generator[Any, Any, None]:
        """One call, start to finish: queue for its berth or track, exchange containers, leave."""
        env, svc = self.env, plan.service
        arrived = env.now
        self.pending_teu += teu_in
        by_sea = svc.kind in ("vessel", "ferry")
        which = "ships" if by_sea else ("trains" if svc.kind == "train" else "")
        if which:
            self.queue_change(which, +1)
        res_name = _RESOURCE[svc.kind]
        resource = self.res[res_name]
        req, weather = yield from self._berth(resource, by_sea=by_sea)
        try:
            start = env.now
            if which:
                self.queue_change(which, -1)
            if arrived >= self.t0:
                self.waits[svc.kind].append(start - arrived)
                if by_sea:
                    self.weather_waits.append(weather)
            out_arr, out_ent = yield from self._work(svc, teu_in, arrived, handling_h)
            while by_sea and self.closed:  # a vessel does not sail in a storm; it keeps the berth
                yield self.reopen
            if out_arr.size:
                self.out_t.append(np.full(out_arr.size, env.now))
                self.out_dwell.append(env.now - out_ent)
                self.out_hub.append(env.now - out_arr)
            self.busy[res_name] += self.overlap(start, env.now)
        finally:
            resource.release(req)

    def _berth(self, resource: simpy.Resource, *, by_sea: bool) -> Generator[Any, Any, tuple[Any, float]]:
        """Wait for ``resource`` (at anchor while a storm closes the port); the request and the hours of weather."""
        env = self.env
        weather = 0.0
        while True:
            while by_sea and self.closed:  # at anchor until the storm passes
                t = env.now
                yield self.reopen
                weather += env.now - t
            req = resource.request()
            yield req
            if not (by_sea and self.closed):
                return req, weather
            resource.release(req)  # a storm started while in the queue: back to anchor

    def _work(self, svc: Service, teu_in: int, arrived: float,
              handling_h: float) -> Generator[Any, Any, tuple[np.ndarray, np.ndarray]]:
        """At the berth or track: take the cranes (vessels), exchange containers, handle; what was collected."""
        env, cfg = self.env, self.cfg
        k = 0
        if svc.kind == "vessel":
            k = min(cfg.cranes_per_vessel, cfg.cranes)
            yield self.cranes.get(k)
        out_arr, out_ent = yield from self.exchange(svc, teu_in, arrived)
        if svc.kind == "vessel":
            h = (teu_in + out_arr.size) / cfg.teu_per_move / (k * cfg.crane_moves_per_h)
        else:
            h = handling_h
        t_work = env.now
        yield env.timeout(h)
        if k:
            self.busy["cranes"] += k * self.overlap(t_work, env.now)
            yield self.cranes.put(k)
        return out_arr, out_ent


def _step_stats(log: Sequence[tuple[float, float]], t0: float, t1: float, days: int) -> dict[str, Any]:
    """Time-weighted statistics of a step function inside [t0, t1] and its daily means."""
    t = np.array([p[0] for p in log])
    v = np.array([p[1] for p in log], dtype=float)
    # keep the last value at each time, clip to the window
    keep = np.append(t[1:] != t[:-1], True)
    t, v = t[keep], v[keep]
    edges = t0 + 24.0 * np.arange(days + 1)
    grid = np.union1d(np.clip(t, t0, t1), edges)
    vals = v[np.clip(np.searchsorted(t, grid, side="right") - 1, 0, None)]
    dur = np.diff(grid)
    vals = vals[:-1]
    total = float(dur.sum()) or 1.0
    order = np.argsort(vals)
    cum = np.cumsum(dur[order]) / total
    p95 = float(vals[order][min(np.searchsorted(cum, 0.95), vals.size - 1)]) if vals.size else 0.0
    day = np.minimum(((grid[:-1] - t0) // 24.0).astype(int), days - 1)
    daily = np.bincount(day, weights=vals * dur, minlength=days) / 24.0
    return {"mean": float(np.sum(vals * dur) / total), "p95": p95, "max": float(vals.max()) if vals.size else 0.0,
            "dur": dur, "vals": vals, "daily": daily}


def run_hub_replication(cfg: HubConfig, *, days: int, warmup_days: int,
                        seed: np.random.SeedSequence) -> dict[str, Any]:
    """Simulate ``warmup_days + days`` and return raw KPIs of the last ``days`` (one replication).

    The calendar starts on 1 January after the warm-up (so a warm-up of 14 days runs from
    18 December of the year before).

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.hub import load_config
    >>> raw = run_hub_replication(load_config("aktau-hub"), days=30, warmup_days=7,
    ...                           seed=np.random.SeedSequence(0))
    >>> sorted(raw)
    ['scalars', 'series']
    >>> round(raw["scalars"]["berth_utilisation"], 2)
    0.11
    """
    t0 = warmup_days * 24.0
    t1 = t0 + days * 24.0
    seed = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)  # spawn() mutates: work on a copy
    streams = [np.random.default_rng(s) for s in seed.spawn(len(cfg.services) + 2)]
    env = simpy.Environment()
    hub = _Hub(cfg, env, t0, t1, _Draws(cfg.customs_dwell_h, streams[1], 65536))
    start_cal = HOURS_PER_YEAR - t0 % HOURS_PER_YEAR  # calendar hour of sim time 0
    storms = [(a - start_cal, b - start_cal) for a, b in
              storm_intervals(cfg, streams[0], start_cal, start_cal + t1)]
    env.process(hub.storm(storms))
    for plan, rng in zip(call_plans(cfg), streams[2:], strict=False):
        env.process(hub.arrivals(plan, rng, t1))
    env.run(until=t1)

    hours = t1 - t0
    yard = _step_stats(hub.yard_log, t0, t1, days)
    cap = float(cfg.yard_capacity_teu)
    over = float(np.sum(yard["dur"][yard["vals"] / cap > cfg.yard_threshold]) / hours)
    ships = _step_stats(hub.queue_log["ships"], t0, t1, days)
    trains = _step_stats(hub.queue_log["trains"], t0, t1, days)
    out_t = np.concatenate(hub.out_t) if hub.out_t else np.empty(0)
    inside = (out_t >= t0) & (out_t < t1)
    dwell = np.concatenate(hub.out_dwell)[inside] if hub.out_t else np.empty(0)
    in_hub = np.concatenate(hub.out_hub)[inside] if hub.out_t else np.empty(0)
    closed = np.zeros(days)
    for a, b in storms:
        for d in range(max(0, int((a - t0) // 24)), min(days, math.ceil((b - t0) / 24))):
            closed[d] += max(0.0, min(b, t0 + 24 * (d + 1)) - max(a, t0 + 24 * d)) / 24.0
    vessel_w = np.asarray(hub.waits["vessel"] + hub.waits["ferry"])
    train_w = np.asarray(hub.waits["train"])
    truck_w = np.asarray(hub.waits["truck"])

    def mean(x: np.ndarray) -> float:
        return float(x.mean()) if x.size else 0.0

    def p95(x: np.ndarray) -> float:
        return float(np.percentile(x, 95)) if x.size else 0.0

    teu_out_daily = np.bincount(((out_t[inside] - t0) // 24).astype(int), minlength=days)[:days]
    scalars = {
        "throughput_teu": float(inside.sum()) * HOURS_PER_YEAR / hours,
        "vessel_wait_mean_h": mean(vessel_w), "vessel_wait_p95_h": p95(vessel_w),
        "vessel_weather_wait_mean_h": mean(np.asarray(hub.weather_waits)),
        "train_wait_mean_h": mean(train_w), "train_wait_p95_h": p95(train_w),
        "truck_wait_mean_h": mean(truck_w), "truck_wait_p95_h": p95(truck_w),
        "berth_utilisation": hub.busy["berths"] / (cfg.berths * hours),
        "crane_utilisation": hub.busy["cranes"] / (cfg.cranes * hours),
        "track_utilisation": hub.busy["tracks"] / (cfg.tracks * hours),
        "ferry_bridge_utilisation": hub.busy["ferry_bridges"] / (cfg.ferry_bridges * hours),
        "gate_utilisation": hub.busy["gate_lanes"] / (cfg.gate_lanes * hours),
        "yard_occupancy_mean": yard["mean"] / cap, "yard_occupancy_p95": yard["p95"] / cap,
        "yard_occupancy_max": yard["max"] / cap, "yard_share_over_threshold": over,
        "dwell_mean_h": mean(dwell), "dwell_p95_h": p95(dwell),
        "time_in_hub_mean_h": mean(in_hub), "time_in_hub_p95_h": p95(in_hub),
        "backlog_teu": float(hub.level + hub.pending_teu),
        "days_closed": float(closed.sum()),
        "yard_blocked_h": hub.blocked_h,
        "teu_into_yard_total": float(hub.teu_in), "teu_out_of_yard_total": float(hub.teu_out),
        "yard_teu_end": float(hub.level),
        "vessel_calls": float(vessel_w.size), "train_calls": float(train_w.size), "truck_calls": float(truck_w.size),
    }
    series = {
        "yard_occupancy": (yard["daily"] / cap).tolist(),
        "ships_waiting": ships["daily"].tolist(),
        "trains_waiting": trains["daily"].tolist(),
        "closed_share": closed.tolist(),
        "teu_out": teu_out_daily.astype(float).tolist(),
    }
    return {"scalars": scalars, "series": series}
