"""Background jobs: scenario runs, sweeps and hub simulations; status, results, cancel.

See :mod:`corridor.api.jobs` for how a job is cancelled.
"""

from __future__ import annotations

import io
import os
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse

from corridor.api._deps import jobs, json_response
from corridor.api.errors import ApiError, responses
from corridor.api.jobs import JobManager
from corridor.api.routes_scenarios import shipped_scenario, spec_from_text
from corridor.api.schemas import HubRequest, JobAccepted, JobList, JobStatus, RunRequest, SweepRequest
from corridor.api.security import require_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from corridor import Progress, Result
    from corridor.api.jobs import Job
    from corridor.scenarios import ScenarioSpec

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["jobs"])

Jobs = Annotated[JobManager, Depends(jobs)]
JobId = Annotated[str, Path(min_length=1, max_length=64)]
WRITE = [Depends(require_token)]


def _spec(req: RunRequest) -> ScenarioSpec:
    if (req.scenario is None) == (req.yaml is None):
        raise ApiError(422, "give a shipped scenario's name or its YAML text, exactly one",
                       [("body", "scenario", "exactly one of scenario and yaml")])
    return shipped_scenario(req.scenario) if req.scenario is not None else spec_from_text(req.yaml or "")


def _accepted(request: Request, job: Job) -> JSONResponse:
    url = str(request.url_for("job_status", job_id=job.id).path)
    return JSONResponse(JobAccepted(job=job.id, status_url=url).model_dump(), status_code=202,
                        headers={"Location": url})


def _store(request: Request) -> Any:
    import corridor

    return corridor.open_store(request.app.state.store)


@router.post("/runs", status_code=202, response_model=JobAccepted, dependencies=WRITE,
             responses=responses(400, 401, 403, 404, 413, 415, 422, 429))
def start_run(req: RunRequest, request: Request, manager: Jobs) -> JSONResponse:
    """Run a scenario against its baseline in the background (recorded in the run store)."""
    import corridor

    spec = _spec(req)
    store = request.app.state.store

    def work(progress: Callable[[Progress], None]) -> Result:
        return corridor.run_scenario(spec, store=corridor.open_store(store), progress=progress)

    return _accepted(request, manager.submit("run", work))


@router.post("/sweeps", status_code=202, response_model=JobAccepted, dependencies=WRITE,
             responses=responses(400, 401, 403, 404, 413, 415, 422, 429))
def start_sweep(req: SweepRequest, request: Request, manager: Jobs) -> JSONResponse:
    """Monte Carlo sweep of a scenario's uncertain parameters in the background (samples stream to the store)."""
    limit, cores = request.app.state.max_samples, os.cpu_count() or 1
    if req.samples > limit:
        raise ApiError(422, f"samples: at most {limit} on this server", [("body", "samples", f"at most {limit}")])
    if req.workers > cores:
        raise ApiError(422, f"workers: at most {cores} (the server's cores)", [("body", "workers", f"at most {cores}")])
    spec = _spec(req)
    if not spec.uncertain:
        raise ApiError(422, f"scenario {spec.name!r} has no uncertain parameters to sweep",
                       [("body", "scenario", "no 'uncertain:' section")])
    return _accepted(request, submit_sweep(request.app, req, spec))


def submit_sweep(app: Any, req: SweepRequest, spec: ScenarioSpec, *, entry: str | None = None) -> Job:
    """Queue a sweep job, journaled so that a server killed mid-sweep resumes it when it starts again.

    ``entry``: the journal entry of a sweep left by a server that died (see :mod:`corridor.api.journal`);
    the sweep recorded in the store under the same scenario, samples and seed is resumed.
    """
    import uuid

    import corridor

    store, journal, manager = app.state.store, app.state.journal, app.state.jobs
    resume = _unfinished_sweep(store, spec, req) if entry is not None else None
    entry = entry or uuid.uuid4().hex
    journal.add(entry, req.model_dump())

    def work(progress: Callable[[Progress], None]) -> Result:
        ended = False
        try:
            out = corridor.sweep(spec, samples=req.samples, seed=req.seed, workers=req.workers,
                                 store=corridor.open_store(store), progress=progress, resume=resume)
            ended = True
            return out
        except BaseException as e:
            # a job that ends (fails, is cancelled) leaves the journal; only a dying server leaves it there
            ended = not isinstance(e, (KeyboardInterrupt, SystemExit))
            raise
        finally:
            if ended:
                journal.remove(entry)

    try:
        return manager.submit("sweep", work)
    except Exception:
        journal.remove(entry)
        raise


def _unfinished_sweep(store: str | None, spec: ScenarioSpec, req: SweepRequest) -> str | None:
    """The newest sweep of ``spec`` with these samples and seed that did not finish, if the store has one."""
    import corridor

    spec_hash = spec.content_hash({}, extra=f"sweep:{req.samples}:{req.seed}")
    for run in corridor.open_store(store).list_runs(kind="sweep"):
        if run["spec_hash"] == spec_hash and run["status"] in ("running", "interrupted"):
            return str(run["run_id"])
    return None


def resume_journaled(app: Any) -> list[Job]:
    """Queue again the sweep jobs a dead server left in the journal (at start-up)."""
    import logging

    from pydantic import ValidationError

    from corridor.exceptions import CorridorError

    jobs = []
    for entry, body in app.state.journal.pending().items():
        try:
            req = SweepRequest.model_validate(body)
            jobs.append(submit_sweep(app, req, _spec(req), entry=entry))
        except (ValidationError, ApiError, CorridorError) as e:  # the scenario is gone or changed: drop it
            logging.getLogger(__name__).warning("not resuming sweep job %s: %s", entry, e)
            app.state.journal.remove(entry)
    return jobs


@router.post("/hub", status_code=202, response_model=JobAccepted, dependencies=WRITE,
             responses=responses(400, 401, 403, 404, 413, 415, 422, 429))
def start_hub(req: HubRequest, request: Request, manager: Jobs) -> JSONResponse:
    """Simulate a shipped hub config over seeded replications in the background (recorded in the store)."""
    import warnings

    import corridor
    from corridor.hub.config import builtin_configs

    if req.config not in builtin_configs():
        raise ApiError(404, f"no shipped hub config {req.config!r}; shipped: {', '.join(builtin_configs())}",
                       [("body", "config", "not a shipped config")])
    store = request.app.state.store

    def work(progress: Callable[[Progress], None]) -> Result:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # no-steady-state warnings: the KPIs say it
            return corridor.simulate_hub(req.config, days=req.days, warmup_days=req.warmup_days,
                                         replications=req.replications, seed=req.seed,
                                         store=corridor.open_store(store), progress=progress)

    return _accepted(request, manager.submit("hub", work))


def _status(job: Job) -> JobStatus:
    done = job.status == "done"
    return JobStatus.model_validate({
        "id": job.id, "kind": job.kind, "status": job.status, "progress": job.progress, "created": job.created,
        "started": job.started, "finished": job.finished, "error": job.error,
        "result_url": f"/api/jobs/{job.id}/result" if done else None, "formats": job.formats(),
        "run_id": job.run_id()})


def _job(manager: JobManager, job_id: str) -> Job:
    job = manager.get(job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id!r}", [("path", "job_id", "unknown or forgotten job")])
    return job


def _result(manager: JobManager, job_id: str) -> Result:
    job = _job(manager, job_id)
    if job.status != "done" or job.result is None:
        why = f"job {job_id} is {job.status}" + (f": {job.error['message']}" if job.error else "")
        raise ApiError(409, why, [("path", "job_id", f"status {job.status}")])
    return job.result


@router.get("/jobs", response_model=JobList, responses=responses())
def list_jobs(manager: Jobs) -> JobList:
    """Every job the server remembers, newest first."""
    return JobList(jobs=[_status(j) for j in manager.list()])


@router.get("/jobs/{job_id}", response_model=JobStatus, name="job_status", responses=responses(404, 422))
def job_status(job_id: JobId, manager: Jobs) -> JobStatus:
    """A job's status and its last progress report (stage, done, total)."""
    return _status(_job(manager, job_id))


@router.delete("/jobs/{job_id}", response_model=JobStatus, dependencies=WRITE,
               responses=responses(401, 403, 404, 422))
def cancel_job(job_id: JobId, manager: Jobs) -> JobStatus:
    """Cancel a job; a finished one stays as it is.

    A queued job never runs; a sweep or hub simulation stops at its next chunk or replication; a
    scenario run at its next step (baseline, scenario, comparison).
    """
    _job(manager, job_id)
    manager.cancel(job_id)
    return _status(_job(manager, job_id))


@router.get("/jobs/{job_id}/result", responses=responses(404, 409, 422),
            response_model=dict[str, Any])
def job_result(job_id: JobId, manager: Jobs) -> Response:
    """The result as JSON: its ``to_dict()``."""
    return json_response(_result(manager, job_id).to_dict())


_FRAME: dict[int | str, dict[str, Any]] = {
    200: {"description": "The result's table", "content": {"text/csv": {"schema": {"type": "string"}}}}}
_PARQUET: dict[int | str, dict[str, Any]] = {200: {"description": "The result's table",
                  "content": {"application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}}}}}


@router.get("/jobs/{job_id}/result.csv", responses={**_FRAME, **responses(404, 409, 422)}, response_class=Response)
def job_result_csv(job_id: JobId, manager: Jobs) -> Response:
    """The result's table (``to_frame()``) as CSV."""
    frame = _result(manager, job_id).to_frame()
    return Response(frame.to_csv(index=False), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'})


@router.get("/jobs/{job_id}/result.parquet", responses={**_PARQUET, **responses(404, 409, 422)},
            response_class=Response)
def job_result_parquet(job_id: JobId, manager: Jobs) -> Response:
    """The result's table (``to_frame()``) as Parquet."""
    buf = io.BytesIO()
    _result(manager, job_id).to_frame().to_parquet(buf, index=False)
    return Response(buf.getvalue(), media_type="application/vnd.apache.parquet",
                    headers={"Content-Disposition": f'attachment; filename="{job_id}.parquet"'})


@router.get("/jobs/{job_id}/result.geojson", responses={200: {"content": {"application/geo+json": {}}},
                                                          **responses(404, 409, 422)}, response_class=JSONResponse)
def job_result_geojson(job_id: JobId, manager: Jobs) -> Response:
    """The result's geometry as GeoJSON: a scenario run's link flows against its baseline, capacities, closures.

    404 for results without geometry (sweeps, hub simulations).
    """
    result = _result(manager, job_id)
    to_geojson = getattr(result, "to_geojson", None)
    if to_geojson is None:
        raise ApiError(404, f"the result of job {job_id} has no geometry", [("path", "job_id", "no GeoJSON")])
    return json_response(to_geojson(), media_type="application/geo+json")
