"""Scenarios: the shipped examples, and validation of uploaded YAML (content only, never a server path)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Path, Request

from corridor.api._deps import plain
from corridor.api.errors import ApiError, responses
from corridor.api.schemas import MAX_YAML, ScenarioDetail, ScenarioList, ScenarioSummary, Validation

if TYPE_CHECKING:
    from corridor.scenarios import ScenarioSpec

__all__ = ["router", "shipped_scenario", "spec_from_text", "summary"]

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])

UPLOAD = "<request>"
"""How messages name an uploaded scenario (``<request>:3: changes[0].link: ...``)."""


def _shipped_text(name: str) -> str:
    from corridor import data

    if name not in data.scenarios():
        from corridor.validation import did_you_mean

        raise ApiError(404, f"no shipped scenario {name!r}{did_you_mean(name, data.scenarios())}",
                       [("path", "name", f"not one of {', '.join(data.scenarios())}")])
    return data.scenario_path(name).read_text(encoding="utf-8")


def _check_safe(spec: ScenarioSpec, file: str) -> None:
    """Refuse what would read a server file: a base dataset that is a path, a slices CSV.

    Raises
    ------
    ApiError
        400 naming ``base.dataset`` or ``engine.slices``.
    """
    from corridor import data

    if spec.dataset not in data.available():
        where = spec.base_where or file
        raise ApiError(400, f"base.dataset must be a built-in dataset ({', '.join(data.available())}), not a path: "
                       f"{spec.dataset!r}", [(where, "base.dataset", "paths on the server are not accepted")])
    slices = spec.engine.get("slices")
    if isinstance(slices, str) and (slices.endswith(".csv") or "/" in slices or "\\" in slices or "#" in slices):
        raise ApiError(400, f"engine.slices must name a slice set of the dataset, not a file: {slices!r}",
                       [(file, "engine.slices", "paths on the server are not accepted")])


def spec_from_text(text: str, file: str = UPLOAD) -> ScenarioSpec:
    """Parse uploaded YAML with corridor's safe loader (line numbers, size bounds) and refuse paths.

    Raises
    ------
    InputError
        Malformed YAML or a bad scenario (each problem with ``file:line`` and field).
    ApiError
        400 for a server path in ``base`` or ``engine.slices``.
    """
    from corridor.scenarios import scenario_from_text

    if "\x00" in text:
        raise ApiError(400, "the YAML contains a NUL character", [("body", "yaml", "not text")])
    spec = scenario_from_text(text, file)
    _check_safe(spec, file)
    return spec


def shipped_scenario(name: str) -> ScenarioSpec:
    """A shipped scenario by name (never a path).

    Raises
    ------
    ApiError
        404 for a name that is not shipped.
    """
    from corridor.scenarios import scenario_from_text

    return scenario_from_text(_shipped_text(name), f"{name}.yaml")


def summary(spec: ScenarioSpec) -> Validation:
    """The parsed scenario, as plain values."""
    d = spec.to_dict()
    return Validation(name=spec.name, description=spec.description, dataset=spec.dataset, year=spec.year,
                      changes=plain(d.get("changes", [])), engine=plain(dict(spec.engine)),
                      uncertain=plain(d.get("uncertain", {})), content_hash=spec.content_hash())


@router.get("", response_model=ScenarioList, responses=responses())
def list_scenarios() -> ScenarioList:
    """The example scenarios shipped with corridor: name and description."""
    from corridor import data

    out = [ScenarioSummary(name=n, description=shipped_scenario(n).description) for n in data.scenarios()]
    return ScenarioList(scenarios=out)


@router.get("/{name}", response_model=ScenarioDetail, responses=responses(404))
def get_scenario(name: Annotated[str, Path(max_length=200)]) -> ScenarioDetail:
    """A shipped scenario: its YAML text and what it parses to."""
    return ScenarioDetail(name=name, yaml=_shipped_text(name), spec=summary(shipped_scenario(name)))


_YAML_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": {"type": "object", "required": ["yaml"], "additionalProperties": False,
                                        "properties": {"yaml": {"type": "string", "minLength": 1,
                                                                       "maxLength": MAX_YAML}}}},
        "text/yaml": {"schema": {"type": "string", "minLength": 1, "maxLength": MAX_YAML}},
    },
}


@router.post("/validate", response_model=Validation, responses=responses(400, 413, 415, 422),
             openapi_extra={"requestBody": _YAML_BODY})
async def validate(request: Request) -> Validation:
    """Check a scenario sent as YAML (``text/yaml``) or JSON ``{"yaml": "..."}``; nothing runs or is stored.

    Problems name the line of the YAML (``<request>:3``) and the field; ``base.dataset`` must be a
    built-in dataset's name (paths on the server are refused).
    """
    raw = await request.body()
    text = _yaml_of(raw, request.headers.get("content-type", ""))
    if len(text) > MAX_YAML:
        raise ApiError(422, f"yaml: at most {MAX_YAML:,} characters", [("body", "yaml", f"{len(text):,} characters")])
    return summary(spec_from_text(text))


def _yaml_of(raw: bytes, content_type: str) -> str:
    """The YAML text of a body: JSON ``{"yaml": ...}`` or the text itself."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not UTF-8 text", [("body", "", "not UTF-8")]) from None
    if content_type.split(";", maxsplit=1)[0].strip().lower() != "application/json":
        if not text.strip():
            raise ApiError(400, "empty scenario", [("body", "", "send the scenario's YAML")])
        return text
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ApiError(400, f"malformed JSON: {e}", [("body", "", f"malformed JSON: {e}")]) from None
    if not isinstance(doc, dict) or set(doc) != {"yaml"} or not isinstance(doc["yaml"], str) or not doc["yaml"]:
        raise ApiError(422, 'expected {"yaml": "<scenario text>"}', [("body", "yaml", "a non-empty string")])
    return doc["yaml"]
