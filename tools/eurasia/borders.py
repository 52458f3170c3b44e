"""Border crossings of the eurasia dataset: border nodes, the links split at them, and their border processes.

Every route that crosses a national border passes a ``border-clearance`` transfer, and every change
of mode a transfer (see ``corridor.model.passage``; ``validate_network`` checks both). This file
holds what that needs beyond nodes.py, links.py and transfers.py, in their formats:

- ``NODES``: border stations added where a cross-border link was split;
- ``LINKS``: the halves of the split links, each lying in one country (the whole links are no longer
  in links.py);
- ``TRANSFERS``: border clearance at every crossing, and the transshipments of the Khorgos road.

CAREC CPMM border times are averages over a country's or the programme's border-crossing points;
applied to one crossing they are status "estimate" (not "measured").
"""

# CAREC CPMM 2021, Kazakhstan rail border-crossing time (TFI1), all KZ rail BCPs, both directions.
# The KZ-RU crossings carry the same rail on both sides, so the direction cannot be told apart and
# the two-way average is used rather than the inbound (61.8 h) or outbound (11.4 h) figure.
KZ_RU_BORDER_H = 57.2
KZ_RU = {"time_h": (KZ_RU_BORDER_H, "CPMM22-KZ", "estimate"),
         "note": "CAREC CPMM 2021 Kazakhstan rail border-crossing time (TFI1, 57.2 h, all KZ rail crossings, both "
                 "directions) applied to this crossing: an average, not a measurement here"}
NO_STOP = {"time_h": (0.0, "ASSUME-NO-STOP", "assumption")}
TRANSSHIP = (24.0, "ASSUME-PORT+ASSUME-TRANSSHIP", "assumption")

NODES = [
    # --- KZ-RU rail crossings: the Russian border stations --------------------------------------------
    ("petukhovo", "Petukhovo", "RU", "border", ("assume", 55.07, 67.89), ("Mamlyutka",), "",
     "RU border station on the Petropavl-Kurgan line (Mamlyutka on the KZ side)"),
    ("troitsk", "Troitsk", "RU", "border", ("assume", 54.09, 61.57), (), "",
     "RU border station on the Kostanay-Chelyabinsk line"),
    ("iletsk", "Sol-Iletsk", "RU", "border", ("geo", "Sol’-Iletsk"), ("Iletsk", "Sol’-Iletsk"), "",
     "RU border station (Iletsk I) on the Aktobe-Orenburg line"),
    ("aksaraiskaya", "Aksaraiskaya", "RU", "border", ("assume", 46.72, 48.05), ("Aksaraysky",), "",
     "RU border station on the Atyrau-Astrakhan line (Ganyushkino on the KZ side)"),
    # --- KZ-CN road crossing at Khorgos ---------------------------------------------------------------
    ("nur-zholy", "Nur Zholy", "KZ", "border", ("assume", 44.18, 80.37), ("Nurly Zhol", "Khorgos road checkpoint"),
     "", "KZ road checkpoint of the Khorgos crossing, next to the International Center for Boundary Cooperation"),
    # --- GE-TR rail crossing on Baku-Tbilisi-Kars ------------------------------------------------------
    ("kartsakhi", "Kartsakhi", "GE", "border", ("assume", 41.21, 43.25), (), "",
     "GE-TR border on the BTK line (Kartsakhi-Akhalkalaki 29 km, RM17)"),
]

LINKS = [
    ("petropavl-petukhovo", "petropavl", "petukhovo", "rail-1520", "northern", "KZ", ("gc",),
     {"note": "the KZ-RU border lies just before Petukhovo: the link is taken as Kazakh"}),
    ("petukhovo-chelyabinsk", "petukhovo", "chelyabinsk", "rail-1520", "northern", "RU", ("gc",), {"note": "via Kurgan"}),
    ("kostanay-troitsk", "kostanay", "troitsk", "rail-1520", "northern", "KZ", ("gc",),
     {"note": "the KZ-RU border lies just before Troitsk: the link is taken as Kazakh"}),
    ("troitsk-chelyabinsk", "troitsk", "chelyabinsk", "rail-1520", "northern", "RU", ("gc",), {}),
    ("aktobe-iletsk", "aktobe", "iletsk", "rail-1520", "northern", "KZ", ("gc",),
     {"note": "the KZ-RU border lies just before Sol-Iletsk: the link is taken as Kazakh"}),
    ("iletsk-orenburg", "iletsk", "orenburg", "rail-1520", "northern", "RU", ("gc",), {}),
    ("atyrau-aksaraiskaya", "atyrau", "aksaraiskaya", "rail-1520", "northern", "KZ", ("gc",),
     {"note": "via Ganyushkino; the KZ-RU border lies just before Aksaraiskaya: the link is taken as Kazakh"}),
    ("aksaraiskaya-astrakhan", "aksaraiskaya", "astrakhan", "rail-1520", "northern", "RU", ("gc",), {}),
    ("khorgos-nur-zholy-road", "khorgos", "nur-zholy", "road", "china-access", "CN", ("gc",),
     {"note": "Khorgos road crossing, Chinese side"}),
    ("nur-zholy-altynkol-road", "nur-zholy", "altynkol", "road", "china-access", "KZ", ("gc",),
     {"note": "Khorgos road crossing, Kazakh side, to the Khorgos Gateway at Altynkol"}),
    ("akhalkalaki-kartsakhi", "akhalkalaki", "kartsakhi", "rail-1435", "trans-caspian", "GE", ("src", 29, "RM17", "official"),
     {"capacity_mtpa": (5, "RPT17", "official capacity"), "note": "BTK standard-gauge section in Georgia"}),
    ("kartsakhi-kars", "kartsakhi", "kars", "rail-1435", "trans-caspian", "TR", ("src", 76, "RM17", "official"),
     {"capacity_mtpa": (5, "RPT17", "official capacity"),
      "note": "BTK new-build section in Türkiye incl. the 4.4 km border tunnel; initial capacity 5 Mt/yr (Aliyev) "
              "or 6.5 Mt/yr (XS17)"}),
]

TRANSFERS = [
    # --- KZ-RU rail ------------------------------------------------------------------------------------
    *((f"{node}-border", node, "border-clearance", set(), set(), KZ_RU)
      for node in ("petukhovo", "troitsk", "iletsk", "aksaraiskaya")),
    # --- Khorgos road: CN rail -> truck at Khorgos, road border at Nur Zholy, truck -> KZ rail at Altynkol ----
    ("nur-zholy-border", "nur-zholy", "border-clearance", set(), set(), {
        "time_h": (9.9, "CPMM22-RAIL", "estimate"),
        "capacity_teu": (50 * 365 * 2, "INM21+M-TRUCKS", "derived"),
        "capacity_mtpa": (50 * 365 * 20 / 1e6, "INM21+M-TRUCKS", "derived"),
        "note": "CAREC road border-crossing time 2022 (9.9 h, all corridors) applied to Nur Zholy: an average; "
                "Nur Zholy handled up to 50 trucks a day in Dec 2021 (INM21)"}),
    ("khorgos-rail-road", "khorgos", "transshipment", {"rail-1435"}, {"road"}, {
        "time_h": TRANSSHIP, "note": "containers from Chinese wagons to trucks; no time or charge found"}),
    ("khorgos-road-rail", "khorgos", "transshipment", {"road"}, {"rail-1435"}, {"time_h": TRANSSHIP}),
    ("altynkol-road-rail", "altynkol", "transshipment", {"road"}, {"rail-1520"}, {
        "time_h": TRANSSHIP, "note": "containers from trucks to Kazakh wagons at the Khorgos Gateway; no time or "
                                     "charge found"}),
    ("altynkol-rail-road", "altynkol", "transshipment", {"rail-1520"}, {"road"}, {"time_h": TRANSSHIP}),
    # --- GE-TR, BY-PL, RU-BY, EU internal borders, pipelines ---------------------------------------------
    ("kartsakhi-border", "kartsakhi", "border-clearance", set(), set(), {
        "time_h": (40.6, "CPMM22-RAIL+ASSUME-BORDER", "assumption"), "note": "GE-TR rail border time not found"}),
    ("brest-border", "brest", "border-clearance", set(), set(), {
        "time_h": (0.0, "RT18+M-IN-GAUGE", "derived"),
        "note": "the BY-PL border wait is counted inside the Małaszewicze gauge-change dwell (RT18: 2-3 days incl. "
                "transshipment) instead of here"}),
    ("smolensk-border", "smolensk", "border-clearance", set(), set(), {
        **NO_STOP, "note": "RU-BY border (Krasnoye/Osinovka), Union State: no stop time found"}),
    *((f"{node}-border", node, "border-clearance", set(), set(), {**NO_STOP, "note": f"{what}: EU internal border"})
      for node, what in (("arad", "RO-HU at Curtici"), ("vienna", "HU-AT at Hegyeshalom"),
                         ("nuremberg", "AT-DE at Passau"), ("frankfurt-oder", "PL-DE"), ("duisburg", "NL-DE"))),
    ("atyrau-cpc-border", "atyrau", "border-clearance", set(), {"pipeline"}, {
        **NO_STOP, "note": "crude enters the CPC pipeline, which crosses into Russia; metered at the terminals"}),
    ("samara-pipeline-border", "samara", "border-clearance", {"pipeline"}, set(), {
        **NO_STOP, "note": "crude from the Atyrau-Samara pipeline, which crosses from Kazakhstan"}),
]

SPLIT = {"petropavl-chelyabinsk", "kostanay-chelyabinsk", "aktobe-orenburg", "atyrau-astrakhan",
         "khorgos-altynkol-road", "akhalkalaki-kars"}
"""Ids of the links of links.py replaced by the halves above (kept out of links.py; listed for the build's check)."""
