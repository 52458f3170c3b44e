"""The pure-queue mode: c FIFO servers, general arrivals and service, no yard and no storms.

Two engines compute the same waits from the same sampled times:

- ``"kernel"`` (default): the multi-server Lindley (Kiefer–Wolfowitz) recursion, each customer
  starts at max(arrival, earliest free server), compiled with numba;
- ``"simpy"``: one SimPy process per customer on a ``simpy.Resource`` with c slots, the plain
  reference the tests compare the kernel against.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import simpy

from corridor._kernels._jit import jit
from corridor.hub.config import HOURS_PER_YEAR, QueueSpec

__all__ = ["ENGINES", "fcfs_waits", "fcfs_waits_simpy", "run_queue_replication", "sample_customers"]

ENGINES = ("kernel", "simpy")


@jit()
def _fcfs(arrivals: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:  # pragma: no cover - jitted
    free = np.zeros(servers)
    starts = np.empty(arrivals.size)
    for i in range(arrivals.size):
        j = 0
        for k in range(1, servers):
            if free[k] < free[j]:
                j = k
        s = arrivals[i] if arrivals[i] > free[j] else free[j]
        starts[i] = s
        free[j] = s + service[i]
    return starts


def fcfs_waits(arrivals: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:
    """Start times of FIFO service on ``servers`` identical servers (arrival times sorted).

    Examples
    --------
    Three customers one hour apart, each served for three hours, on one server and on two:

    >>> import numpy as np
    >>> arrivals, service = np.array([0.0, 1.0, 2.0]), np.array([3.0, 3.0, 3.0])
    >>> fcfs_waits(arrivals, service, 1).tolist(), fcfs_waits(arrivals, service, 2).tolist()
    ([0.0, 3.0, 6.0], [0.0, 1.0, 3.0])
    """
    return _fcfs(np.ascontiguousarray(arrivals, dtype=np.float64), np.ascontiguousarray(service, dtype=np.float64),
                 int(servers))


def fcfs_waits_simpy(arrivals: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:
    """Start times of the same queue, simulated with SimPy (reference implementation).

    Examples
    --------
    >>> import numpy as np
    >>> arrivals, service = np.array([0.0, 1.0, 2.0]), np.array([3.0, 3.0, 3.0])
    >>> fcfs_waits_simpy(arrivals, service, 2).tolist() == fcfs_waits(arrivals, service, 2).tolist()
    True
    """
    env = simpy.Environment()
    res = simpy.Resource(env, capacity=int(servers))
    starts = np.empty(arrivals.size)

    def customer(i: int) -> Any:
        with res.request() as req:
            yield req
            starts[i] = env.now
            yield env.timeout(float(service[i]))

    def source() -> Any:
        t = 0.0
        for i in range(arrivals.size):
            yield env.timeout(float(arrivals[i]) - t)
            t = float(arrivals[i])
            env.process(customer(i))

    env.process(source())
    env.run()
    return starts


def sample_customers(spec: QueueSpec, rng: np.random.Generator, horizon_h: float) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times in [0, horizon_h) and their service times.

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.hub import load_config
    >>> arrivals, service = sample_customers(load_config("mm2-example").queue, np.random.default_rng(0), 24 * 365)
    >>> arrivals.size == service.size, bool(arrivals.max() < 24 * 365), round(arrivals.size / 365, 1)
    (True, True, 1.5)
    """
    expected = horizon_h / spec.arrivals.mean
    n = int(expected + 6 * np.sqrt(expected + 1) + 16)
    times = np.cumsum(spec.arrivals.sample(rng, n))
    while times[-1] < horizon_h:
        times = np.concatenate((times, times[-1] + np.cumsum(spec.arrivals.sample(rng, n))))
    times = times[times < horizon_h]
    return times, spec.service.sample(rng, times.size)


def run_queue_replication(spec: QueueSpec, *, days: float, warmup_days: float, seed: np.random.SeedSequence,
                          engine: str = "kernel") -> dict[str, Any]:
    """One replication: KPIs of the customers that arrive after the warm-up.

    Examples
    --------
    >>> import numpy as np
    >>> from corridor.hub import load_config
    >>> raw = run_queue_replication(load_config("mm2-example").queue, days=365, warmup_days=14,
    ...                             seed=np.random.SeedSequence(1))
    >>> sorted(raw)
    ['scalars', 'series']
    >>> round(raw["scalars"]["utilisation"], 2)
    0.83
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    seed = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)  # spawn() mutates: work on a copy
    arr_rng, svc_rng = (np.random.default_rng(s) for s in seed.spawn(2))
    t0, t1 = warmup_days * 24.0, (warmup_days + days) * 24.0
    arrivals, _ = sample_customers(spec, arr_rng, t1)
    service = spec.service.sample(svc_rng, arrivals.size)
    starts = (fcfs_waits if engine == "kernel" else fcfs_waits_simpy)(arrivals, service, spec.servers)
    waits = starts - arrivals
    ends = starts + service
    inside = arrivals >= t0
    busy = np.clip(np.minimum(ends, t1) - np.maximum(starts, t0), 0.0, None).sum()
    w = waits[inside]
    hours = t1 - t0
    scalars = {
        "wait_mean_h": float(w.mean()) if w.size else 0.0,
        "wait_p95_h": float(np.percentile(w, 95)) if w.size else 0.0,
        "wait_prob": float(np.mean(w > 0)) if w.size else 0.0,
        "time_in_system_mean_h": float((w + service[inside]).mean()) if w.size else 0.0,
        "utilisation": float(busy / (spec.servers * hours)),
        "customers": float(inside.sum()),
        "customers_per_yr": float(inside.sum()) * HOURS_PER_YEAR / hours,
        "queue_at_end": float(np.sum((arrivals < t1) & (starts > t1))),
    }
    day = ((arrivals[inside] - t0) // 24).astype(int)
    n_days = int(np.ceil(days))
    count = np.bincount(day, minlength=n_days)[:n_days]
    mean_wait = np.bincount(day, weights=w, minlength=n_days)[:n_days] / np.maximum(count, 1)
    return {"scalars": scalars, "series": {"wait_h": mean_wait.tolist(), "arrivals": count.astype(float).tolist()}}
