"""The JSON Schema shipped with the package matches the columns and enums the code checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corridor.analytics import logs

SCHEMA = json.loads((Path(logs.__file__).parent / "shipment-log.schema.json").read_text(encoding="utf-8"))


def test_schema_columns_and_enums_match_code() -> None:
    assert list(SCHEMA["properties"]) == list(logs.COLUMNS)
    assert SCHEMA["required"] == list(logs.REQUIRED)
    assert SCHEMA["properties"]["event"]["enum"] == list(logs.EVENTS)
    assert SCHEMA["properties"]["mode"]["enum"] == list(logs.MODES)
    assert [d for d in SCHEMA["properties"]["direction"]["enum"] if d] == list(logs.DIRECTIONS)


def test_sample_row_validates() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    row = {"shipment": "S1", "commodity": "grain", "mode": "rail", "event": "border_entry", "node": "dostyk",
           "time": "2024-03-01T08:00:00+05:00", "km": 1200.0, "tonnes": 60.0, "cost_type": "customs",
           "cost_usd": 120.0, "direction": "outbound", "bcp": "dostyk"}
    jsonschema.validate(row, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "time": "2024-03-01T08:00:00"}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**row, "event": "teleport"}, SCHEMA)
