"""Transfers of the eurasia dataset: gauge changes, border clearance and port handling.

Each: (id, node, kind, from_modes, to_modes, fields) with fields holding
time_h / cost_usd_per_t / cost_usd_per_teu / capacity_mtpa / capacity_teu = (value, key, status)
or the string "calibrated:<name>" resolved by tools/build_eurasia.py, plus note.
"""

R1435, R1520 = {"rail-1435"}, {"rail-1520"}
LAND = {"rail-1520", "rail-1435", "road", "pipeline"}
WATER = {"sea", "feeder", "rail-ferry"}

# KZ rail border crossing points, CAREC CPMM 2021: inbound 61.8 h, outbound 11.4 h (CPMM22-KZ);
# Dostyk train processing 4 h 15 min (SRN16) is the gauge change, the rest is clearance.
DOSTYK_PROC = 4.25
KZ_IN, KZ_OUT = 61.8, 11.4
BULK_BORDER = (308 / 20, "CPMM22-KZ+M-TFI2", "derived")   # TFI2 2021: 308 USD per crossing of 20 t
NO_TEU_CHARGE = (0.0, "M-INCLUDED", "derived")

TRANSFERS = [
    # --- Dostyk / Alashankou ---------------------------------------------------------------------------
    ("dostyk-gauge-in", "dostyk", "gauge-change", R1435, R1520, {
        "time_h": (DOSTYK_PROC, "SRN16", "measured"),
        "note": "capacity: facility dostyk-station (facilities.py)"}),
    ("dostyk-gauge-out", "dostyk", "gauge-change", R1520, R1435, {
        "time_h": (DOSTYK_PROC, "SRN16", "measured")}),
    ("dostyk-border-in", "dostyk", "border-clearance", R1435, R1520, {
        "time_h": (KZ_IN - DOSTYK_PROC, "CPMM22-KZ+M-TFI1", "derived"), "cost_usd_per_t": BULK_BORDER,
        "cost_usd_per_teu": NO_TEU_CHARGE, "note": "CAREC KZ rail inbound 61.8 h (2021) incl. processing"}),
    ("dostyk-border-out", "dostyk", "border-clearance", R1520, R1435, {
        "time_h": (KZ_OUT - DOSTYK_PROC, "CPMM22-KZ+M-TFI1", "derived"), "cost_usd_per_t": BULK_BORDER,
        "cost_usd_per_teu": NO_TEU_CHARGE, "note": "CAREC KZ rail outbound 11.4 h (2021) incl. processing"}),
    ("alashankou-border", "alashankou", "border-clearance", set(), set(), {
        "time_h": (30.5, "CPMM22-RAIL", "estimate"),
        "note": "PRC outbound rail BCP time 2022 (a CAREC average over PRC crossings) applied to this crossing, "
                "both directions"}),
    # --- Altynkol / Khorgos ------------------------------------------------------------------------------
    ("altynkol-gauge-in", "altynkol", "gauge-change", R1435, R1520, {
        "time_h": (47 / 60, "YDYL", "indicative"),
        "note": "Khorgos Gateway moves a full train between gauges in ~47 min; capacity: facility altynkol-station"}),
    ("altynkol-gauge-out", "altynkol", "gauge-change", R1520, R1435, {
        "time_h": (47 / 60, "YDYL", "indicative")}),
    ("altynkol-border-in", "altynkol", "border-clearance", R1435, R1520, {
        "time_h": (KZ_IN - DOSTYK_PROC, "CPMM22-KZ+M-TFI1", "derived"), "cost_usd_per_t": BULK_BORDER,
        "cost_usd_per_teu": NO_TEU_CHARGE, "note": "CAREC KZ rail inbound average applied to Altynkol"}),
    ("altynkol-border-out", "altynkol", "border-clearance", R1520, R1435, {
        "time_h": (KZ_OUT - DOSTYK_PROC, "CPMM22-KZ+M-TFI1", "derived"), "cost_usd_per_t": BULK_BORDER,
        "cost_usd_per_teu": NO_TEU_CHARGE}),
    # the Khorgos road crossing (Nur Zholy) and its transshipments are in borders.py
    ("khorgos-border", "khorgos", "border-clearance", set(), set(), {
        "time_h": (34.8, "CPMM22-RAIL", "estimate"),
        "note": "PRC outbound rail BCP time 2022 (a CAREC average) applied to this crossing, both ways"}),
    # --- Brest / Małaszewicze ----------------------------------------------------------------------------
    ("malaszewicze-gauge", "malaszewicze", "gauge-change", {"rail-1520", "rail-1435"}, {"rail-1520", "rail-1435"}, {
        "time_h": (60, "RT18", "indicative"), "time_sd_h": (12, "RT18", "indicative"),
        "capacity_teu": (14 * 112.5 * 365, "IRE18+UIC19+M-TRAINS", "derived"),
        "cost_usd_per_teu": NO_TEU_CHARGE,
        "note": "waiting 2-3 days typical (5+ at peaks) incl. transshipment; 14 trains/day; sd = range/2"}),
    # --- other gauge changes --------------------------------------------------------------------------------
    ("akhalkalaki-gauge", "akhalkalaki", "gauge-change", {"rail-1520", "rail-1435"}, {"rail-1520", "rail-1435"}, {
        "time_h": (DOSTYK_PROC, "SRN16+ASSUME-GAUGE", "assumption"),
        "note": "freight gauge-change time at Akhalkalaki not found"}),
    ("etrek-gauge", "etrek", "gauge-change", {"rail-1520", "rail-1435"}, {"rail-1520", "rail-1435"}, {
        "time_h": (DOSTYK_PROC, "SRN16+ASSUME-GAUGE", "assumption")}),
    ("sarakhs-gauge", "sarakhs", "gauge-change", {"rail-1520", "rail-1435"}, {"rail-1520", "rail-1435"}, {
        "time_h": (DOSTYK_PROC, "SRN16+ASSUME-GAUGE", "assumption")}),
    # --- other borders --------------------------------------------------------------------------------------
    ("beyuk-kesik-border", "beyuk-kesik", "border-clearance", set(), set(), {
        "time_h": (40.6, "CPMM22-RAIL+ASSUME-BORDER", "assumption"),
        "note": "AZ-GE rail border time not found (corridor-facts gap 9)"}),
    ("bolashak-border", "bolashak", "border-clearance", set(), set(), {
        "time_h": (KZ_OUT, "CPMM22-KZ", "estimate"), "cost_usd_per_t": BULK_BORDER,
        "note": "CAREC KZ rail outbound average applied to this crossing; station handles 5 trains/day (JJ23)"}),
    ("saryagash-border", "saryagash", "border-clearance", set(), set(), {
        "time_h": (KZ_OUT, "CPMM22-KZ", "estimate"), "cost_usd_per_t": BULK_BORDER,
        "capacity_mtpa": (27, "KZI22c", "official capacity"),
        "note": "CAREC KZ rail outbound average applied to this crossing; operating at full capacity (2022)"}),
    ("etrek-border", "etrek", "border-clearance", set(), set(), {
        "time_h": (40.6, "CPMM22-RAIL+ASSUME-BORDER", "assumption")}),
    ("sarakhs-border", "sarakhs", "border-clearance", set(), set(), {
        "time_h": (40.6, "CPMM22-RAIL+ASSUME-BORDER", "assumption")}),
    # --- Caspian ports ----------------------------------------------------------------------------------
    # (port capacities: one per port for both directions, in facilities.py)
    ("aktau-port-out", "aktau", "port-handling", LAND, WATER, {
        "time_h": "calibrated:aktau", "note": "capacity: facility aktau-port"}),
    ("aktau-port-in", "aktau", "port-handling", WATER, LAND, {
        "time_h": "calibrated:aktau"}),
    ("kuryk-port-out", "kuryk", "port-handling", LAND, WATER, {
        "time_h": "calibrated:aktau-assumed", "note": "dwell taken as Aktau's; capacity: facility kuryk-port"}),
    ("kuryk-port-in", "kuryk", "port-handling", WATER, LAND, {
        "time_h": "calibrated:aktau-assumed"}),
    ("alat-port-in", "baku-alat", "port-handling", WATER, LAND, {
        "time_h": (24, "ASSUME-PORT", "assumption"), "note": "capacity: facility alat-port"}),
    ("alat-port-out", "baku-alat", "port-handling", LAND, WATER, {
        "time_h": (24, "ASSUME-PORT", "assumption")}),
    ("turkmenbashi-port", "turkmenbashi", "port-handling", LAND | WATER, LAND | WATER, {
        "time_h": "calibrated:aktau-assumed", "note": "dwell taken as Aktau's; capacity: facility turkmenbashi-port"}),
    # --- Black Sea and other ports ------------------------------------------------------------------------
    ("poti-port-out", "poti", "port-handling", LAND, WATER, {
        "time_h": "calibrated:poti", "note": "capacity: facility poti-port"}),
    ("poti-port-in", "poti", "port-handling", WATER, LAND, {
        "time_h": (24, "ASSUME-PORT", "assumption")}),
    ("batumi-port", "batumi", "port-handling", LAND | WATER, LAND | WATER, {
        "time_h": "calibrated:poti-assumed", "note": "dwell taken as Poti's; capacity: facility batumi-port"}),
]

# Ports without a published dwell: loading (land to water) and transshipment (water to water) wait
# as long as Aktau's calibrated dwell, unloading one day (assumptions). At Lianyungang and Rotterdam
# the maritime route's 28-40 days door to door already include the port time (M-SEA).
for _port in ("constanta", "istanbul", "mersin", "novorossiysk", "ust-luga", "bandar-abbas", "ceyhan"):
    TRANSFERS += [
        (f"{_port}-port-out", _port, "port-handling", LAND, WATER,
         {"time_h": "calibrated:aktau-assumed", "note": "dwell taken as Aktau's calibrated dwell (assumption)"}),
        (f"{_port}-port-tranship", _port, "transshipment", WATER, WATER,
         {"time_h": "calibrated:aktau-assumed", "note": "dwell taken as Aktau's calibrated dwell (assumption)"}),
        (f"{_port}-port-in", _port, "port-handling", WATER, LAND, {"time_h": (24, "ASSUME-PORT", "assumption")}),
    ]
for _port in ("lianyungang", "rotterdam"):
    TRANSFERS.append((f"{_port}-port", _port, "port-handling", LAND | WATER, LAND | WATER,
                      {"time_h": (0.0, "EY24+M-SEA", "derived"),
                       "note": "port time is inside the maritime door-to-door time used for sea speed"}))

# --- Southern route: the Uzbekistan-Turkmenistan crossing (the other Southern crossings, Bolashak,
# Etrek and Sarakhs, are above). No border time was found for Farap: the CAREC all-corridor rail TFI1
# (assumption); Uzbekistan and Turkmenistan are both broad gauge, so there is no gauge change.
TRANSFERS += [
    ("farap-border", "farap", "border-clearance", set(), set(), {
        "time_h": (40.6, "CPMM22-RAIL+ASSUME-BORDER", "assumption"),
        "note": "TM-UZ rail border (Farap / Khodjadavlet); time not found"}),
]
