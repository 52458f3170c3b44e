"""Calibration targets of the eurasia dataset: 2021 aggregates the baseline should carry.

Each: (id, measure, observed, unit, year, source keys, status, note). ``measure`` names a physical
measure of an assignment (``corridor.assignment.measures``; ``facility:<id>:<unit>`` is the flow
through a facility). Figures are the fact sheets'; a target whose counterpart in the model differs
in scope says so in its note.
"""

TARGETS = [
    ("titr-tonnes", "titr_t", 586_000, "t", 2021, "RPT26", "measured",
     "cargo on the Trans-Caspian route in 2021 (Kazakh Ministry of Transport)"),
    ("titr-teu", "titr_teu", 25_200, "TEU", 2021, "TITR22", "measured",
     "containers on the Trans-Caspian route in 2021 (TITR Association)"),
    ("kz-transit-teu", "kz_transit_teu", 660_000, "TEU", 2021, "LOK22", "measured",
     "China-Europe-China containers through Kazakhstan in 2021 (>660,000 TEU, KTZ via Lok-Report)"),
    ("baku-port-t", "facility:alat-port:t/yr", 5_600_000, "t", 2021, "PN23c", "measured",
     "Port of Baku (Alat) throughput 2021; includes Azerbaijan's own trade, which the demand table lacks"),
]
