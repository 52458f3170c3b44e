"""Facilities of the eurasia dataset: one published capacity shared by the transfers that use it.

A port's or a border station's published capacity is one figure for everything it handles, in and
out together (none of the sources gives one per direction). Each facility holds that figure once;
its member transfers carry no capacity of their own.

Each: (id, node, name, members, fields) with fields holding capacity_mtpa / capacity_teu =
(value, source key, status), plus note.
"""

FACILITIES = [
    ("aktau-port", "aktau", "Aktau sea trade port", ("aktau-port-out", "aktau-port-in"), {
        "capacity_mtpa": (11, "AT24", "official capacity"),
        "capacity_teu": (40000, "KZI22b", "official capacity"),
        "note": "total throughput >11 Mt/yr (2024), oil berths 7.5 Mt/yr of it; container capacity before the "
                "hub 40,000 TEU/yr (2022); the hub plans 200,000-300,000 TEU/yr (see DATA.md)"}),
    ("kuryk-port", "kuryk", "Kuryk port, rail ferry complex", ("kuryk-port-out", "kuryk-port-in"), {
        "capacity_mtpa": (4.1, "AT21K", "official capacity"),
        "note": "rail ferry berths 4.1 Mt/yr (2021); the 2 Mt/yr road ferry terminal serves trucks"}),
    ("alat-port", "baku-alat", "Port of Baku (Alat), phase 1", ("alat-port-in", "alat-port-out"), {
        "capacity_mtpa": (15, "TRD23a", "official capacity"),
        "capacity_teu": (100000, "TRD23a", "official capacity"),
        "note": "phase 1: 15 Mt/yr including 100,000 TEU/yr"}),
    ("turkmenbashi-port", "turkmenbashi", "Türkmenbaşy international sea port", ("turkmenbashi-port",), {
        "capacity_mtpa": (17, "TMRU18", "official capacity"),
        "capacity_teu": (400000, "TDY19", "official capacity"),
        "note": "17 Mt/yr excluding oil products; container terminal 400,000 TEU/yr"}),
    ("poti-port", "poti", "Poti sea port, container terminal", ("poti-port-out", "poti-port-in"), {
        "capacity_teu": (400000, "WIKI-GEP", "indicative"),
        "note": "container terminal 400,000 TEU/yr (c. 2015 data)"}),
    ("batumi-port", "batumi", "Batumi sea port", ("batumi-port",), {
        "capacity_mtpa": (15 + 2.1, "SUD+CBW+M-SUM", "derived"),
        "capacity_teu": (100000, "SUD", "official capacity"),
        "note": "oil terminal 15 Mt/yr + dry cargo 2.1 Mt/yr; container terminal 100,000 TEU/yr"}),
    ("dostyk-station", "dostyk", "Dostyk-Alashankou crossing", ("dostyk-gauge-in", "dostyk-gauge-out"), {
        "capacity_mtpa": (20, "SRN16", "official capacity"),
        "capacity_teu": (760 * 365, "RF18+M-PERYEAR", "derived"),
        "note": "Alashankou-Dostyk 20 Mt/yr (2016); Dostyk container transshipment 760 TEU/day (2018)"}),
    ("altynkol-station", "altynkol", "Altynkol-Khorgos crossing", ("altynkol-gauge-in", "altynkol-gauge-out"), {
        "capacity_mtpa": (4, "KZI19", "official capacity"),
        "capacity_teu": (5000 * 365, "RF18+M-PERYEAR", "derived"),
        "note": "Khorgos Eastern Gate dry port 4 Mt/yr (2019); Altynkol container handling >5,000 TEU/day (2018)"}),
]
