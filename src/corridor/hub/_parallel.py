"""Running independent tasks (replications) serially, on a local process pool, or on a Dask cluster."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

__all__ = ["run_tasks"]


def run_tasks(func: Callable[[Any], Any], tasks: Sequence[Any], *, workers: int = 1, scheduler: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[func(t) for t in tasks]``, in task order, whatever the execution backend.

    Parameters
    ----------
    func
        A module-level (picklable) function.
    tasks
        Picklable arguments, one per call.
    workers
        Local worker processes; 1 runs in this process.
    scheduler
        Address of a Dask scheduler (``tcp://host:port``); when given, ``workers`` is ignored.
    progress
        Called as ``progress(done, total)`` after each finished task.
    """
    total = len(tasks)
    out: list[Any] = [None] * total
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    if scheduler:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futures = client.map(func, list(tasks), pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            for fut in dask_completed(futures):
                out[index[fut.key]] = fut.result()
                tick()
        return out
    if workers <= 1 or total <= 1:
        for i, task in enumerate(tasks):
            out[i] = func(task)
            tick()
        return out
    # fork needs no ``if __name__ == "__main__"`` guard in the caller's script, but is unsafe once
    # other threads run (a progress bar, a Dask client): then use forkserver.
    methods = multiprocessing.get_all_start_methods()
    safe_fork = "fork" in methods and threading.active_count() == 1
    ctx = multiprocessing.get_context("fork" if safe_fork else "forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx) as pool:
        futures = {pool.submit(func, task): i for i, task in enumerate(tasks)}
        for fut in as_completed(futures):
            out[futures[fut]] = fut.result()
            tick()
    return out
