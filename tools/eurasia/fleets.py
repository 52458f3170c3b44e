"""The Caspian fleets of the eurasia dataset: vessel groups per line, and tonnes per railcar.

Each group: (id, fleet, lines, name, operator, fields) with fields holding vessels / railcars / teu /
trucks / round_trip_h / voyages_per_year / share = (value, source key, status), plus note. Groups of
one fleet share its capacity (corridor.model.fleet). Vessels that entered service after 2021 are
groups of their own with the year in the note, so that validity periods can be applied to them.

Round trips: two crossings (links.py) plus a port cycle at each end. The only published cycle is
Kuryk's, 6-8 h for a single-deck ferry (AT21K); its midpoint, 7 h, is taken at every port
(ASSUME-CYCLE). A fleet on two lines takes the mean of their round trips (M-ROUNDTRIP).

Not modelled: the Ro-Ro vessel on each ASCO line (RUSSHIP): its load is not in the sources, and
trucks do not count against rail or container capacities. The 2022-2025 feeder fleet totals
(TELS: 7 feeders, 3-4 westbound voyages a week; SIA25: Kazmortransflot 4 + ASCO 2, ~89,000 TEU/yr)
are totals over vessels that include the two 2019-2020 feeders below, so they are not added as
further groups (DATA.md, "Caspian fleet").
"""

from links import LINKS

PORT_CYCLE_H = (6 + 8) / 2  # AT21K: Kuryk ferry processing 6-8 h (single-deck ferry)
CROSSING_H = {lid: float(extra["time_h"][0]) for lid, *_, extra in LINKS if "time_h" in extra}  # links.py


def round_trip_h(lines: tuple[str, ...]) -> float:
    """Mean over ``lines`` of two crossings plus a port cycle at each end (M-ROUNDTRIP)."""
    return sum(2 * (CROSSING_H[line] + PORT_CYCLE_H) for line in lines) / len(lines)


KZ_LINES = ("aktau-alat-ferry", "kuryk-alat-ferry")
TM_LINES = ("turkmenbashi-alat-ferry",)
LINK_SOURCE = {lid: extra["time_h"][1] for lid, *_, extra in LINKS if "time_h" in extra}


def round_trip(lines: tuple[str, ...]) -> tuple[float, str, str]:
    """The round trip of a fleet on ``lines`` with its sources: the crossings' and the cycle's (an assumption)."""
    keys = "+".join(sorted({LINK_SOURCE[line] for line in lines}))
    return round_trip_h(lines), f"{keys}+AT21K+M-ROUNDTRIP+ASSUME-CYCLE", "assumption"


RT_KZ, RT_TM = round_trip(KZ_LINES), round_trip(TM_LINES)
ALL_YEAR = (1.0, "ASSUME-SHARE", "assumption")
WEEKLY = (52, "M-WEEKLY", "derived")

FLEETS = [
    ("asco-kz-ferries", "asco-kazakhstan", KZ_LINES, "ASCO rail ferries, Baku-Aktau line", "ASCO", {
        "vessels": (6, "RUSSHIP", "measured"), "railcars": (27, "EUTR+ASSUME-FERRY-CLASS", "assumption"),
        "round_trip_h": RT_KZ, "share": ALL_YEAR,
        "note": "6 ferries + 1 Ro-Ro on Baku-Aktau (RUSSHIP, c. 2021); taken as older Dagestan-class ferries "
                "(27 railcars, EUTR) and as sailing to Kuryk too"}),
    ("asco-azerbaijan", "asco-kazakhstan", KZ_LINES, "MV Azerbaijan (entered service 2021)", "ASCO", {
        "vessels": (1, "TRD21", "measured"), "railcars": (56, "TRD21", "official capacity"),
        "trucks": (50, "TRD21", "official capacity"), "round_trip_h": RT_KZ, "share": ALL_YEAR,
        "note": "new ferry, 2021: 56 railcars or 50 trucks; RUSSHIP's undated count may include it"}),
    ("asco-zarifa-aliyeva", "asco-kazakhstan", KZ_LINES, "MV Zarifa Aliyeva (entered service 2022)", "ASCO", {
        "vessels": (1, "SEA22", "measured"), "railcars": (56, "SEA22", "official capacity"),
        "trucks": (50, "SEA22", "official capacity"), "round_trip_h": RT_KZ, "share": ALL_YEAR,
        "note": "new RoPax ferry, in service 2022 (Kuryk-Baku crossings, SEA22): not in the 2021 fleet"}),
    ("asco-tm-ferries", "asco-turkmenistan", TM_LINES, "ASCO rail ferries, Baku-Turkmenbashi line", "ASCO", {
        "vessels": (6, "RUSSHIP", "measured"), "railcars": (27, "EUTR+ASSUME-FERRY-CLASS", "assumption"),
        "round_trip_h": RT_TM, "share": ALL_YEAR,
        "note": "6 ferries + 1 Ro-Ro on Baku-Turkmenbashi (RUSSHIP, c. 2021); taken as Dagestan-class"}),
    ("kmtf-turkestan", "caspian-feeders", ("aktau-alat-feeder",), "Feeder Turkestan", "Kazmortransflot", {
        "vessels": (1, "UIC19", "official"), "teu": (225, "UIC19", "official"), "voyages_per_year": WEEKLY,
        "share": ALL_YEAR, "note": "225 TEU (2 container trains), weekly Aktau-Baku service from 16 Apr 2019"}),
    ("ady-feeder", "caspian-feeders", ("aktau-alat-feeder",), "ADY Container feeder", "ADY Container", {
        "vessels": (1, "TRD20", "official"), "teu": (120, "TRD20", "official"), "voyages_per_year": WEEKLY,
        "share": ALL_YEAR, "note": "120 TEU, weekly (2020)"}),
]

# PEM: Caspian ferries carry 95,000 wagons or 4.5 Mt a year, so a railcar carries 4.5 Mt / 95,000 on average.
T_PER_WAGON = (round(4.5e6 / 95000, 2), "PEM+M-TPERWAGON", "derived")
