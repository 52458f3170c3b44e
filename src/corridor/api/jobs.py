"""Background jobs of the REST API: scenario runs, sweeps and hub simulations on a small thread pool.

A job goes ``queued → running → done | failed | cancelled``. Its progress is the last
:class:`corridor.Progress` the Python API reported through ``progress=``.

Cancelling (``DELETE /api/jobs/{id}``):

- a queued job never starts;
- a running sweep or hub simulation stops at its next progress report (between chunks of samples,
  between replications): the progress callback raises :class:`Cancelled`, which the Python API lets
  through; samples already recorded stay in the run store, where the sweep can be resumed;
- a running scenario run stops at its next step (between the baseline and the scenario run, or
  before the comparison); a step under way runs to its end first.

Sweeps and hub simulations run their samples and replications in worker processes even with
``workers: 1`` (:func:`corridor.parallel.isolated`): the server's own interpreter stays free to
answer requests while they run.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridor.exceptions import CorridorError, InputError, NodeNotFound
from corridor.parallel import isolated

if TYPE_CHECKING:
    from corridor import Progress, Result

__all__ = ["Busy", "Cancelled", "Job", "JobManager"]

log = logging.getLogger(__name__)

Work = Callable[[Callable[["Progress"], None]], "Result"]


class Cancelled(Exception):
    """Raised inside a job's progress callback once the job is cancelled."""


class Busy(Exception):
    """Too many jobs waiting already."""


@dataclass
class Job:
    """One background job (mutable; guarded by its manager's lock)."""

    id: str
    kind: str
    status: str = "queued"
    progress: dict[str, Any] = field(default_factory=lambda: {"stage": "queued", "done": 0.0, "total": None,
                                                               "detail": ""})
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    error: dict[str, Any] | None = None
    result: Result | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    future: Future[None] | None = None

    def formats(self) -> list[str]:
        """The result's downloads: ``json``, ``csv``, ``parquet`` and ``geojson`` where it has geometry."""
        if self.status != "done" or self.result is None:
            return []
        out = ["json", "csv", "parquet"]
        return [*out, "geojson"] if hasattr(self.result, "to_geojson") else out

    def run_id(self) -> str:
        """The run's id in the run store, where the result has one."""
        r = self.result
        if r is None:
            return ""
        inner = getattr(r, "result", None)
        rid = getattr(r, "run_id", "") or getattr(inner, "run_id", "") or getattr(inner, "sweep_id", "")
        if not rid and hasattr(r, "comparison"):
            rid = getattr(r.comparison.scenario_run, "run_id", "")
        return str(rid or "")


class JobManager:
    """Jobs on a :class:`~concurrent.futures.ThreadPoolExecutor`; at most ``keep`` finished jobs remembered.

    Parameters
    ----------
    workers
        Jobs that run at once (the engines use processes of their own for sweeps).
    keep
        Finished jobs kept for their results; the oldest are forgotten first.
    max_waiting
        Jobs that may wait or run at once; :meth:`submit` refuses more (:class:`Busy`).
    """

    def __init__(self, workers: int = 1, keep: int = 50, max_waiting: int = 20) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="corridor-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._keep = keep
        self._max_waiting = max_waiting

    def submit(self, kind: str, work: Work) -> Job:
        """Queue ``work(progress)``; it returns a result of the Python API.

        Raises
        ------
        Busy
            When ``max_waiting`` jobs are queued or running already.
        """
        job = Job(uuid.uuid4().hex[:12], kind)
        with self._lock:
            waiting = sum(j.status in ("queued", "running") for j in self._jobs.values())
            if waiting >= self._max_waiting:
                msg = f"{waiting} jobs are queued or running; try again later"
                raise Busy(msg)
            self._forget_old()
            self._jobs[job.id] = job
        job.future = self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job, or None."""
        with self._lock:
            return self._jobs.get(job_id)

    def list(self) -> list[Job]:
        """Every job remembered, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job (see the module docstring); a finished job stays as it is."""
        job = self.get(job_id)
        if job is None:
            return None
        with self._lock:
            if job.status in ("queued", "running"):
                job.cancel.set()
                if job.status == "queued":
                    job.status, job.finished = "cancelled", time.time()
        return job

    def shutdown(self) -> None:
        """Cancel everything and stop the pool without waiting for running jobs."""
        for job in self.list():
            job.cancel.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _forget_old(self) -> None:
        done = sorted((j for j in self._jobs.values() if j.status in ("done", "failed", "cancelled")),
                      key=lambda j: j.created)
        for j in done[: max(0, len(done) - self._keep + 1)]:
            del self._jobs[j.id]

    def _run(self, job: Job, work: Work) -> None:
        with self._lock:
            if job.cancel.is_set():
                return
            job.status, job.started = "running", time.time()

        def progress(p: Progress) -> None:
            if job.cancel.is_set():
                raise Cancelled
            job.progress = {"stage": p.stage, "done": float(p.done),
                            "total": None if p.total is None else float(p.total), "detail": p.detail}

        try:
            # The engines' parallel work runs in worker processes, never in the server's interpreter.
            with isolated():
                result = work(progress)
        except Cancelled:
            self._finish(job, "cancelled")
        except (InputError, NodeNotFound, CorridorError) as e:
            self._finish(job, "cancelled" if job.cancel.is_set() else "failed", error=_error_of(e))
        except Exception as e:  # a bug in an engine: the job fails, the server goes on
            log.exception("job %s (%s) failed", job.id, job.kind)
            self._finish(job, "cancelled" if job.cancel.is_set() else "failed",
                         error={"status": 500, "message": f"internal error ({type(e).__name__}: {e})",
                                "problems": []})
        else:
            if job.cancel.is_set():
                self._finish(job, "cancelled")  # no hook stopped it: the result is discarded
            else:
                job.result = result
                self._finish(job, "done")

    def _finish(self, job: Job, status: str, error: dict[str, Any] | None = None) -> None:
        with self._lock:
            job.status, job.finished, job.error = status, time.time(), error


def _error_of(e: Exception) -> dict[str, Any]:
    from corridor.api.errors import problems_of

    if isinstance(e, InputError):
        rows = problems_of(e)
        status = 400
    else:
        rows = [("job", str(getattr(e, "constraint", "") or ""), str(e))]
        status = 422
    return {"status": status, "message": rows[0][2] if len(rows) == 1 else str(e),
            "problems": [{"where": w, "field": f, "message": m} for w, f, m in rows]}
