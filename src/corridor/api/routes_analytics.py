"""``/api/analytics/…``: corridor performance from an uploaded shipment log (:mod:`corridor.analytics`).

Every endpoint here takes the log as the request body, CSV (``text/csv``) or Parquet
(``application/vnd.apache.parquet`` or ``application/octet-stream``), reads and validates it with
:func:`uploaded_log` (problems name ``upload.csv:LINE`` or ``upload.parquet:row N`` and the column:
422) and answers the JSON of one analysis, computed on a worker thread (:func:`analyse`). An
endpoint is thus a few lines::

    @router.post("/cpmm", openapi_extra=LOG_BODY, responses=answer_schema({"crossings": "...", ...}))
    async def cpmm(request: Request, network: NetworkQuery = None) -> Response:
        return await analyse(request, network, lambda log: corridor.analytics.cpmm(log).to_dict())

An analysis that needs the model too takes the server's dataset first
(``ds = await dataset(request)``) and closes over ``ds.network`` in its ``compute``.

Nothing is stored and no job is started: the body limit of the server (1 MiB by default,
:class:`~corridor.api.security.BodyLimits`) bounds the work, so no token is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response

from corridor.api._deps import dataset, json_bytes
from corridor.api.errors import ApiError, problems_of, responses
from corridor.api.security import LOG_TYPES
from corridor.exceptions import InputError

if TYPE_CHECKING:
    from corridor.analytics import ShipmentLog
    from corridor.model import Network

__all__ = ["KINDS", "LOG_BODY", "UPLOAD", "NetworkQuery", "analyse", "answer_schema", "log_summary", "read_log",
           "router", "uploaded_log"]

router = APIRouter(prefix="/api/analytics", tags=["analytics"])

UPLOAD = "upload"
"""How problems name the uploaded log: ``upload.csv:3`` or ``upload.parquet:row 2``."""

KINDS: dict[str, str] = {t: "csv" if t == "text/csv" else "parquet" for t in LOG_TYPES}
"""Content type of the body (:data:`corridor.api.security.LOG_TYPES`) → how it is read."""

NetworkQuery = Annotated[str | None, Query(
    max_length=200, description="Check the log's node ids against this network: the server's own dataset "
    "(`eurasia`); default: no check.")]
"""The ``?network=`` query parameter of every endpoint here."""

_BINARY = {"type": "string", "format": "binary"}
LOG_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A shipment log (docs/ANALYTICS.md): the CSV text, or a Parquet file.",
        "content": {"text/csv": {"schema": {"type": "string"}},
                    "application/vnd.apache.parquet": {"schema": _BINARY},
                    "application/octet-stream": {"schema": _BINARY}},
    },
}
"""OpenAPI ``requestBody`` of the endpoints here (``openapi_extra=``)."""

_RECORDS: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
_LOG: dict[str, Any] = {
    "type": "object", "required": ["name", "events", "shipments", "synthetic_events"],
    "properties": {"name": {"type": "string"}, "events": {"type": "integer"}, "shipments": {"type": "integer"},
                   "synthetic_events": {"type": "integer"}},
}


def answer_schema(tables: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` of an endpoint here: the log's summary, ``synthetic`` and ``tables`` (name → text).

    Parameters
    ----------
    tables
        The record lists of the answer and what each holds.

    Returns
    -------
    dict
        The 200 answer's schema beside the error answers (400, 413, 415, 422).
    """
    schema = {"type": "object", "required": ["log", "synthetic", *tables],
              "properties": {"log": _LOG, "synthetic": {
                  "type": "boolean", "description": "Some rows' `source` starts with `synthetic`: not observations."},
                             **{k: {**_RECORDS, "description": v} for k, v in tables.items()}},
              "additionalProperties": _RECORDS}
    ok: dict[int | str, dict[str, Any]] = {
        200: {"description": "The indicators", "content": {"application/json": {"schema": schema}}}}
    return {**ok, **responses(400, 413, 415, 422)}


def read_log(body: bytes, kind: str, network: Network | None = None) -> ShipmentLog:
    """Read and validate a shipment log from the bytes of a CSV or Parquet file.

    Parameters
    ----------
    body
        The file's bytes.
    kind
        ``"csv"`` or ``"parquet"`` (a value of :data:`KINDS`).
    network
        When given, every node id of the log must be one of its nodes.

    Returns
    -------
    ShipmentLog
        The validated log, named ``upload.csv`` or ``upload.parquet``.

    Raises
    ------
    InputError
        Every problem of the log (``upload.csv:LINE``, column, message), or that it cannot be read.
    """
    from corridor.analytics.logs import parse_shipment_log

    return parse_shipment_log(body, kind, f"{UPLOAD}.{kind}", network)


def log_summary(log: ShipmentLog) -> dict[str, Any]:
    """What every answer says about its log: name, events, shipments and how many events are synthetic.

    Parameters
    ----------
    log
        A validated log.

    Returns
    -------
    dict
        ``{"log": {"name", "events", "shipments", "synthetic_events"}, "synthetic": bool}``.
    """
    f = log.frame
    synthetic = int(f["source"].str.lower().str.startswith("synthetic").sum())
    return {"log": {"name": log.source, "events": len(f), "shipments": int(f["shipment"].nunique()),
                    "synthetic_events": synthetic}, "synthetic": synthetic > 0}


async def uploaded_log(request: Request, network: str | None) -> tuple[bytes, str, Network | None]:
    """The body of a request, how to read it and the network to check it against.

    Parameters
    ----------
    request
        The request; its content type must be one of :data:`KINDS`.
    network
        The ``?network=`` query parameter: None, or the name of the server's dataset.

    Returns
    -------
    tuple
        The body, ``"csv"`` or ``"parquet"``, and the server's network (None without ``network``).

    Raises
    ------
    ApiError
        415 for another content type, 422 for a network that is not the server's.
    """
    ctype = request.headers.get("content-type", "").split(";", maxsplit=1)[0].strip().lower()
    kind = KINDS.get(ctype)
    if kind is None:
        accepted = " or ".join(LOG_TYPES)
        raise ApiError(415, f"content type {ctype or '(none)'!r} not accepted here; send {accepted}",
                       [("header", "content-type", f"expected {accepted}")])
    net = None
    if network is not None:
        ds = await dataset(request)
        if network != ds.name:
            raise ApiError(422, f"network: the server checks node ids against its own network, {ds.name!r}, "
                           f"not {network!r}", [("query", "network", f"expected {ds.name!r}")])
        net = ds.network
    return await request.body(), kind, net


async def analyse(request: Request, network: str | None, compute: Callable[[ShipmentLog], dict[str, Any]]) -> Response:
    """Read the uploaded log (:func:`uploaded_log`, :func:`read_log`), run ``compute`` on it, answer its JSON.

    Reading, computing and encoding run on a worker thread, off the event loop.

    Parameters
    ----------
    request
        The request whose body is the log.
    network
        The ``?network=`` query parameter.
    compute
        The analysis: a validated log → JSON-ready values, answered beside :func:`log_summary`.

    Returns
    -------
    Response
        ``{"log": {...}, "synthetic": bool, **compute(log)}`` as JSON.

    Raises
    ------
    ApiError
        415 (content type), 422 listing the log's problems (``upload.csv:LINE``, column, message).
    """
    body, kind, net = await uploaded_log(request, network)

    def work() -> bytes:
        log = read_log(body, kind, net)
        return json_bytes({**log_summary(log), **compute(log)})

    try:
        out = await anyio.to_thread.run_sync(work)
    except InputError as e:
        problems = problems_of(e)
        message = problems[0][2] if len(problems) == 1 else f"the shipment log has {len(problems)} problems"
        raise ApiError(422, message, problems) from None
    return Response(out, media_type="application/json")


def _cpmm(log: ShipmentLog) -> dict[str, Any]:
    from corridor.analytics import cpmm

    return cpmm(log).to_dict()


@router.post("/cpmm", summary="CPMM indicators of a shipment log", openapi_extra=LOG_BODY, responses=answer_schema({
    "crossings": "One row per border crossing: bcp, mode, direction, entry, exit, month, tfi1_h, tfi2_usd.",
    "trips": "One row per trip: section, mode, distance_km, time_h, stop_h, cost_usd, swd_kmh, swod_kmh, "
             "delay_share, tfi3_usd.",
    "border_by_bcp": "TFI1 (h) and TFI2 (USD) per bcp: count, mean, min, p10, p50, p90, max.",
    "travel_by_section": "Trip indicators per section: count, mean, min, p10, p50, p90, max (tfi3_pooled_usd "
                         "on the tfi3_usd rows).",
}))
async def cpmm(request: Request, network: NetworkQuery = None) -> Response:
    """CAREC CPMM indicators of a shipment log: TFI1/TFI2 per border crossing, SWD/SWOD/TFI3 per trip.

    The body is the log (docs/ANALYTICS.md), CSV (``text/csv``) or Parquet
    (``application/vnd.apache.parquet`` or ``application/octet-stream``). The answer holds the
    per-crossing and per-trip rows and their distributions (count, mean, min, p10, p50, p90, max) by
    every default breakdown (``border_by_bcp``, ``border_by_bcp_direction``, ``travel_by_section``,
    ``travel_by_month`` …), as ``corridor analytics cpmm --json``, plus the log's size and
    ``synthetic`` (some rows' ``source`` starts with ``synthetic``). A log with problems is refused
    with 422, each problem naming the line (``upload.csv:3``, ``upload.parquet:row 2``) and column.
    """
    return await analyse(request, network, _cpmm)


TcdPoints = Annotated[bool, Query(description="Also answer every trip's points (one row per event); they can be "
                                  "large. The charts draw the median and the p10–p90 band either way.")]


def _tcd(points: bool) -> Callable[[ShipmentLog], dict[str, Any]]:
    def compute(log: ShipmentLog) -> dict[str, Any]:
        from corridor.analytics import tcd
        from corridor.report import tcd_figures

        d = tcd(log).to_dict()
        charts = [{"name": name, "svg": str(fig)} for name, fig in tcd_figures(d)]
        if not points:
            d.pop("points")
        return {**d, "charts": charts}

    return compute


@router.post("/tcd", summary="Time/cost–distance of a shipment log", openapi_extra=LOG_BODY,
             responses=answer_schema({
                 "corridors": "Per section, at each waypoint (or distance step): distance_km and the p10, p50 and "
                              "p90 of the cumulative time (elapsed_h_*) and cost (cumulative_usd_*).",
                 "stops": "Each stop: shipment, label (border Dostyk, port Aktau …), distance_km, hours, cost_usd.",
                 "charts": "Per section: name and svg, the time/cost–distance chart (median and p10–p90 band, "
                           "labelled steps at borders and ports).",
             }))
async def time_cost_distance(request: Request, network: NetworkQuery = None, points: TcdPoints = False) -> Response:
    """UNESCAP time/cost–distance of a shipment log: cumulative time and cost against distance, per section.

    The body is the log, as for ``/api/analytics/cpmm``. The answer is ``corridor analytics tcd
    --json`` (without the per-trip ``points`` unless ``?points=true``) plus one inline SVG chart
    per section (``charts``), drawn by the report stack.
    """
    return await analyse(request, network, _tcd(points))


Statistic = Annotated[Literal["mean", "p50"], Query(
    description="The observed statistic compared with the model and written into the scenario: mean (the "
    "dataset's times are averages) or p50.")]
By = Annotated[Literal["generalized", "cost", "time", "co2", "risk"], Query(
    description="How the planner ranks the model's best route for each origin, destination and cargo.")]


@router.post("/calibrate", summary="Observed vs model, and a suggested recalibration", openapi_extra=LOG_BODY,
             responses=answer_schema({
                 "ranking": "Transfers and legs, worst disagreement first: what, id, kind, at, n, observed_h, "
                            "model_h, difference_h, ratio, score = |ln(observed / model)|.",
                 "recalibration": "The changes of the suggested scenario (factor or add_h per transfer).",
                 "transfers": "Per network transfer matched by observed stops: n, observed mean/p10/p50/p90 h, "
                              "model_h, difference_h, ratio.",
                 "legs": "Per pair of consecutive observed nodes: n, observed hours, model hours.",
                 "trips": "Per trip: observed and model door-to-door hours, the model path compared.",
                 "unmatched": "Trips, stops and legs that could not be compared, with the reason.",
             }))
async def calibrate(request: Request, network: NetworkQuery = None, statistic: Statistic = "mean",
                    min_observations: Annotated[int, Query(ge=1, le=100_000)] = 3,
                    top: Annotated[int | None, Query(ge=1, le=10_000)] = None, by: By = "generalized") -> Response:
    """Compare a shipment log with the model's itineraries on the server's network (``corridor analytics calibrate``).

    The body is the log, as for ``/api/analytics/cpmm``; its node ids and commodities must be the
    server network's. The answer is ``corridor analytics calibrate --json`` plus ``scenario_yaml``:
    the suggested recalibration as a scenario file (``change_time`` per disagreeing transfer),
    ready to validate and run with ``/api/scenarios``.
    """
    from corridor.analytics.compare import scenario_base

    ds = await dataset(request)

    def compute(log: ShipmentLog) -> dict[str, Any]:
        from corridor.analytics import compare

        r = compare(log, ds.network, min_observations=min_observations, statistic=statistic,
                    route_options={"by": by})
        return {**r.to_dict(top), "scenario_yaml": r.scenario_yaml(top, **scenario_base(ds.name))}

    return await analyse(request, network, compute)
