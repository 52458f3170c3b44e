"""Corridor performance analytics from shipment logs (layer 2).

- :mod:`corridor.analytics.logs`: the shipment log format, read from CSV or Parquet and validated.
- :mod:`corridor.analytics.cpmm`: the CAREC CPMM indicators TFI1–TFI4 (SWD) and SWOD.
- :mod:`corridor.analytics.tcd`: UNESCAP time/cost–distance points per trip and per corridor.
- :mod:`corridor.analytics.synth`: synthetic logs from the route planner and the hub simulation.
- :mod:`corridor.analytics.compare`: observed stops and legs against the route planner's itineraries,
  the times that disagree most and a suggested recalibration (a scenario file).
"""

from __future__ import annotations

from corridor.analytics.compare import ModelComparison, compare
from corridor.analytics.cpmm import CPMMResult, border_crossings, cpmm, summarise, trips
from corridor.analytics.logs import (
    EVENTS,
    STOP_PAIRS,
    ShipmentLog,
    parse_shipment_log,
    read_shipment_log,
    shipment_log,
    write_shipment_log,
)
from corridor.analytics.synth import DEFAULT_CORRIDORS, Corridor, synthesize
from corridor.analytics.tcd import TCDResult, is_synthetic, tcd

__all__ = ["DEFAULT_CORRIDORS", "EVENTS", "STOP_PAIRS", "CPMMResult", "Corridor", "ModelComparison", "ShipmentLog",
           "TCDResult", "border_crossings", "compare", "cpmm", "is_synthetic", "parse_shipment_log",
           "read_shipment_log", "shipment_log", "summarise", "synthesize", "tcd", "trips", "write_shipment_log"]
