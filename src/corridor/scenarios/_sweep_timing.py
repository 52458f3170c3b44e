"""Where a sweep's time went: in each worker and in the driver (the process that runs the sweep).

The workers report each chunk's stages (:func:`corridor.scenarios._sweep_worker.chunk_timing`);
:class:`SweepClock` sums them per worker and times the driver's own stages: starting the workers
(a local pool's processes and their initializer, or connecting to a Dask cluster), drawing the
samples, writing them to the store, the caller's progress callback, waiting for results, and
summarising. It also takes the driver's CPU time, so that the share of a core the driver itself
uses is known.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = ["DRIVER_STAGES", "WORKER_STAGES", "SweepClock", "timing_rows"]

T = TypeVar("T")

DRIVER_STAGES = ("start_s", "draw_s", "store_s", "progress_s", "wait_s", "summary_s")
"""The driver's stages, in seconds of wall time."""
WORKER_STAGES = ("init_s", "apply_s", "model_s", "solve_s")
"""The workers' stages: the initializer (base loaded and model built), applying each sample's changes,
building or resetting the model, solving."""


class SweepClock:
    """Wall time of the driver's stages and the workers' reports.

    Examples
    --------
    >>> clock = SweepClock()
    >>> clock.begin(time.perf_counter())
    >>> with clock.stage("store_s"):
    ...     pass
    >>> clock.add_chunk({"worker": "w1", "samples": 20, "chunk_s": 2.0, "apply_s": 0.1, "model_s": 0.4,
    ...                  "solve_s": 1.5, "models_built": 1, "model_builds": 1, "model_reuses": 0, "init_s": 0.5,
    ...                  "base_s": 0.2})
    >>> t = clock.summary(4.0)
    >>> t["workers"][0]["samples"], t["totals"]["model_builds"], t["totals"]["solve_s"]
    (20, 1, 1.5)
    """

    def __init__(self) -> None:
        self.driver: dict[str, float] = dict.fromkeys(DRIVER_STAGES, 0.0)
        self.workers: dict[str, dict[str, Any]] = {}
        self.slots = 0
        self._cpu0 = time.process_time()
        self._t0 = time.perf_counter()

    def begin(self, start: float) -> None:
        """Count from ``start`` (a ``time.perf_counter()``) and from this process's CPU time now."""
        self._t0, self._cpu0 = start, time.process_time()

    def add(self, stage: str, seconds: float) -> None:
        """Add ``seconds`` to a driver stage."""
        self.driver[stage] = self.driver.get(stage, 0.0) + seconds

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as driver stage ``name``."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t0)

    def timed(self, name: str, items: Iterable[T]) -> Iterator[T]:
        """``items``, with the time spent making each one added to driver stage ``name``."""
        it = iter(items)
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                self.add(name, time.perf_counter() - t0)
                return
            self.add(name, time.perf_counter() - t0)
            yield item

    def waiting(self, results: Iterable[T]) -> Iterator[T]:
        """``results``, with the time spent waiting for each added to ``wait_s`` (less the draws made meanwhile)."""
        it = iter(results)
        while True:
            t0, drawn = time.perf_counter(), self.driver["draw_s"]
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                self.add("wait_s", time.perf_counter() - t0 - (self.driver["draw_s"] - drawn))
            yield item

    def add_chunk(self, timing: Mapping[str, Any]) -> None:
        """Take a worker's report of one chunk (stage sums; its process's running totals)."""
        w = self.workers.setdefault(str(timing["worker"]), {"chunks": 0, "samples": 0, "busy_s": 0.0,
                                                           "apply_s": 0.0, "model_s": 0.0, "solve_s": 0.0,
                                                           "models_built": 0})
        w["chunks"] += 1
        w["samples"] += int(timing["samples"])
        w["busy_s"] += float(timing["chunk_s"])
        for k in ("apply_s", "model_s", "solve_s"):
            w[k] += float(timing[k])
        w["models_built"] += int(timing["models_built"])
        for k in ("init_s", "base_s", "model_builds", "model_reuses", "maxrss_mb"):  # the process's, latest wins
            w[f"process_{k}"] = timing.get(k)

    def summary(self, elapsed: float) -> dict[str, Any]:
        """Plain values: ``wall_s``, ``driver`` (its stages, ``cpu_s``, ``cpu_share``), ``workers`` and ``totals``.

        ``totals`` sums the workers: ``init_s`` (their initializers: loading the base and building
        the model), ``model_builds`` (builds in the initializers and in chunks), the stages of the
        chunks, ``busy_s``, and ``utilisation``: busy time over the time the worker slots were
        available while solving.
        """
        cpu = time.process_time() - self._cpu0
        workers = [{"worker": k, **v} for k, v in sorted(self.workers.items())]
        totals: dict[str, Any] = {k: sum(float(w[k]) for w in workers)
                                  for k in ("busy_s", "apply_s", "model_s", "solve_s")}
        totals["init_s"] = sum(float(w.get("process_init_s") or 0.0) for w in workers)
        totals["model_builds"] = sum(int(w.get("process_model_builds") or 0) for w in workers)
        totals["model_reuses"] = sum(int(w.get("process_model_reuses") or 0) for w in workers)
        totals["samples"] = sum(int(w["samples"]) for w in workers)
        peaks = [float(w["process_maxrss_mb"]) for w in workers if w.get("process_maxrss_mb") is not None]
        totals["peak_worker_mb"] = max(peaks) if peaks else None
        solving = max(elapsed - self.driver["start_s"] - self.driver["summary_s"], 1e-9)
        totals["utilisation"] = totals["busy_s"] / (max(self.slots, 1) * solving) if workers else None
        return {"wall_s": elapsed, "slots": self.slots,
                "driver": {**self.driver, "cpu_s": cpu, "cpu_share": cpu / elapsed if elapsed > 0 else None},
                "workers": workers, "totals": totals}


_DRIVER_LABELS = {"start_s": "starting the workers (connecting to the cluster)", "draw_s": "drawing the samples",
                  "store_s": "writing samples to the run store", "progress_s": "progress reports",
                  "wait_s": "waiting for the workers", "summary_s": "summarising the samples"}


def timing_rows(timing: Mapping[str, Any]) -> list[tuple[str, str, float, float | None]]:
    """Where a sweep's time went, for people: ``(where, stage, seconds, share)`` rows.

    The driver's stages are shares of the wall time; the workers' of the worker slots' time
    (slots × wall time), their ``idle`` row what the slots did not spend on chunks or initializers.

    Examples
    --------
    >>> rows = timing_rows({"wall_s": 10.0, "slots": 2,
    ...                     "driver": {"start_s": 1.0, "wait_s": 8.0, "store_s": 0.5, "cpu_s": 1.2},
    ...                     "totals": {"init_s": 2.0, "model_builds": 2, "apply_s": 1.0, "model_s": 1.0,
    ...                                "solve_s": 12.0, "busy_s": 15.0}})
    >>> for where, stage, seconds, share in rows[:3]:
    ...     print(where, stage, seconds, share)
    driver starting the workers (connecting to the cluster) 1.0 0.1
    driver waiting for the workers 8.0 0.8
    driver writing samples to the run store 0.5 0.05
    >>> [(s, share) for w, s, _, share in rows if w == "workers"][-2:]
    [('other work in the chunks', 0.05), ('idle', 0.15)]
    """
    wall = float(timing.get("wall_s") or 0.0)
    driver, totals = timing.get("driver") or {}, timing.get("totals") or {}
    rows: list[tuple[str, str, float, float | None]] = []
    rows += [("driver", _DRIVER_LABELS[k], float(driver[k]), float(driver[k]) / wall if wall else None)
             for k in ("start_s", "wait_s", "draw_s", "store_s", "progress_s", "summary_s") if driver.get(k)]
    if driver.get("cpu_s") is not None:
        rows.append(("driver", "CPU time of the driver process", float(driver["cpu_s"]),
                     float(driver["cpu_s"]) / wall if wall else None))
    if not totals:
        return rows
    capacity = max(int(timing.get("slots") or 1), 1) * wall
    busy = float(totals.get("busy_s", 0.0))
    parts = [(f"initializers (base loaded, model built: {int(totals.get('model_builds', 0))} builds in all)",
              float(totals.get("init_s", 0.0))),
             ("applying each sample's changes", float(totals.get("apply_s", 0.0))),
             ("building, resetting or re-pricing the model for each sample", float(totals.get("model_s", 0.0))),
             ("solving", float(totals.get("solve_s", 0.0))),
             ("other work in the chunks", max(busy - sum(float(totals.get(k, 0.0))
                                                         for k in ("apply_s", "model_s", "solve_s")), 0.0))]
    parts.append(("idle", max(capacity - busy - parts[0][1], 0.0)))
    rows += [("workers", name, s, s / capacity if capacity else None) for name, s in parts]
    return rows
