"""Corridor performance analytics from shipment logs (layer 2).

- :mod:`corridor.analytics.logs`: the shipment log format, read from CSV or Parquet and validated.
- :mod:`corridor.analytics.cpmm`: the CAREC CPMM indicators TFI1–TFI4 (SWD) and SWOD.
- :mod:`corridor.analytics.tcd`: UNESCAP time/cost–distance points per trip and per corridor.
"""

from __future__ import annotations

from corridor.analytics.cpmm import CPMMResult, border_crossings, cpmm, summarise, trips
from corridor.analytics.logs import EVENTS, STOP_PAIRS, ShipmentLog, read_shipment_log, shipment_log
from corridor.analytics.tcd import TCDResult, is_synthetic, tcd

__all__ = ["EVENTS", "STOP_PAIRS", "CPMMResult", "ShipmentLog", "TCDResult", "border_crossings", "cpmm",
           "is_synthetic", "read_shipment_log", "shipment_log", "summarise", "tcd", "trips"]
