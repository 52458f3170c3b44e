"""Request and response models of the REST API (pydantic lives here only, STYLE 10)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "MAX_YAML",
    "ErrorBody",
    "ErrorModel",
    "FeatureCollection",
    "Health",
    "HubRequest",
    "JobAccepted",
    "JobList",
    "JobStatus",
    "NodeMatch",
    "NodeMatches",
    "ProblemModel",
    "ProgressModel",
    "RouteRequest",
    "RoutesResponse",
    "RunRequest",
    "ScenarioDetail",
    "ScenarioList",
    "ScenarioSummary",
    "SweepRequest",
    "Validation",
    "Version",
]

MAX_YAML = 80_000
"""Most characters of a scenario's YAML: its JSON body stays under the 1 MiB limit even escaped."""


class _Strict(BaseModel):
    """Requests: no unknown fields, no coercion (``"k": "3"`` or ``"seed": false`` is refused)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ProblemModel(BaseModel):
    """One problem: where (``body``, ``query``, ``<request>:3``), which field, what is wrong."""

    where: str
    field: str
    message: str


class ErrorBody(BaseModel):
    """The status again, a message for people and the problems one by one."""

    status: int
    message: str
    problems: list[ProblemModel]


class ErrorModel(BaseModel):
    """Every error answer: ``{"error": {...}}``."""

    error: ErrorBody


class Health(BaseModel):
    """``GET /api/health``."""

    status: Literal["ok"] = "ok"


class Version(BaseModel):
    """``GET /api/version``."""

    name: str = "corridor"
    version: str
    api: str = "1"


class FeatureCollection(BaseModel):
    """A GeoJSON FeatureCollection (features as plain GeoJSON objects)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[dict[str, Any]]


class NodeMatch(BaseModel):
    """A node found by :func:`corridor.model.lookup.find_node` or a close match."""

    id: str
    name: str
    country: str
    kind: str
    lon: float
    lat: float
    exact: bool


class NodeMatches(BaseModel):
    """``GET /api/nodes``."""

    query: str
    nodes: list[NodeMatch]


class RouteRequest(_Strict):
    """``POST /api/routes``: the options of ``corridor route`` (see :func:`corridor.route`)."""

    origin: str = Field(min_length=1, max_length=200, description="Node id or name (case-insensitive).")
    destination: str = Field(min_length=1, max_length=200, description="Node id or name.")
    by: Literal["time", "cost", "co2", "risk", "generalized"] = "time"
    pareto: bool = Field(False, description="The Pareto set over cost, time, CO2e and risk (k must be 1).")
    k: int = Field(1, ge=1, le=50, description="Number of alternatives.")
    avoid_countries: list[str] = Field(default_factory=list, max_length=50)
    avoid_nodes: list[str] = Field(default_factory=list, max_length=200)
    avoid_links: list[str] = Field(default_factory=list, max_length=500)
    via: list[str] = Field(default_factory=list, max_length=10)
    modes: list[str] | None = Field(None, max_length=20, description="Allowed modes (default: all).")
    cargo: str = Field("container", min_length=1, max_length=50)
    max_transfers: int | None = Field(None, ge=0, le=100)
    value_of_time: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False)
    carbon_price: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False)
    risk_price: float = Field(0.0, ge=0, le=1e6, allow_inf_nan=False)
    country_risk: dict[str, float] | None = Field(None, max_length=300)
    hub_throughput: float | None = Field(None, ge=0, le=1e8, allow_inf_nan=False)
    max_labels: int = Field(200_000, ge=1, le=2_000_000)
    epsilon: float = Field(0.0, ge=0, le=10, allow_inf_nan=False,
                           description="Pareto only: every Pareto route within 1 + epsilon of one returned; 0 exact.")
    max_seconds: float | None = Field(None, gt=0, le=60, allow_inf_nan=False,
                                      description="Pareto only: time budget; a set it stopped says so.")


class RoutesResponse(BaseModel):
    """Routes best first (:meth:`corridor.Routes.to_dict`) and their legs and stops as GeoJSON."""

    origin: str
    destination: str
    routes: list[dict[str, Any]]
    result: dict[str, Any]
    geojson: FeatureCollection


class ScenarioSummary(BaseModel):
    """A shipped example scenario."""

    name: str
    description: str


class ScenarioList(BaseModel):
    """``GET /api/scenarios``."""

    scenarios: list[ScenarioSummary]


class Validation(BaseModel):
    """A parsed scenario: what it is based on, changes, engine and uncertain parameters."""

    valid: bool = True
    name: str
    description: str
    dataset: str
    year: int | None
    changes: list[dict[str, Any]]
    engine: dict[str, Any]
    uncertain: dict[str, Any]
    content_hash: str


class ScenarioDetail(BaseModel):
    """``GET /api/scenarios/{name}``: the YAML and its parsed summary."""

    name: str
    yaml: str
    spec: Validation


class RunRequest(_Strict):
    """``POST /api/runs``: a shipped scenario by name, or YAML content (exactly one)."""

    scenario: str | None = Field(None, min_length=1, max_length=200, description="A shipped scenario's name.")
    yaml: str | None = Field(None, min_length=1, max_length=MAX_YAML, description="A scenario's YAML text.")


class SweepRequest(RunRequest):
    """``POST /api/sweeps``: a Monte Carlo sweep of a scenario's uncertain parameters."""

    samples: int = Field(100, ge=1, description="How many samples (at most the server's limit).")
    seed: int = Field(0, ge=0, le=2**63 - 1)
    workers: int = Field(1, ge=1, description="Worker processes (at most the server's cores).")


class HubRequest(_Strict):
    """``POST /api/hub``: a hub simulation of a shipped config."""

    config: str = Field("aktau-hub", min_length=1, max_length=200, description="A shipped hub config's name.")
    days: int = Field(365, ge=1, le=3650)
    warmup_days: int = Field(14, ge=0, le=365)
    replications: int = Field(5, ge=1, le=100)
    seed: int = Field(0, ge=0, le=2**63 - 1)


class JobAccepted(BaseModel):
    """The answer to a job's ``POST`` (202)."""

    job: str
    status_url: str


class ProgressModel(BaseModel):
    """The last progress report of the Python API (:class:`corridor.Progress`)."""

    stage: str = ""
    done: float = 0.0
    total: float | None = None
    detail: str = ""


class JobStatus(BaseModel):
    """A background job."""

    id: str
    kind: Literal["run", "sweep", "hub"]
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: ProgressModel
    created: float
    started: float | None
    finished: float | None
    error: ErrorBody | None
    result_url: str | None
    formats: list[str]
    run_id: str


class JobList(BaseModel):
    """``GET /api/jobs``: newest first."""

    jobs: list[JobStatus]
