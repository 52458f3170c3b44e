"""Validity periods and dated variants of the eurasia records (issue 11: "The base year mixes years").

PERIODS: (table, record id) -> (valid_from, valid_to, source keys, status, what the dates are):
the years (inclusive, None = open) in which a node, link or transfer exists. Links and transfers
of a node that does not exist in a year go with it.

VARIANTS: (table, record id, first year, {field: (value, source keys, status)}, note): from that
year on, the record has these figures (the earlier variant ends the year before). Variants of one
record follow one another in year order.

Every date is from the fact sheets (/work/shared/data/corridor-facts*.md); figures that are a sum
of a capacity and a published addition cite M-CAPSUM. Dates the sheets do not give (BTK's
17 Mt/yr "peak capacity", Alat phase 2) are not modelled.
"""

PERIODS = {
    # BTK opened 30 Oct 2017 (XS17; RPT17): its new-build section, the Akhalkalaki gauge change and the
    # rebuilt Akhalkalaki-Marabda line carry traffic from then on.
    ("links", "akhalkalaki-kartsakhi"): (2017, None, "XS17", "official", "BTK opened 30 Oct 2017"),
    ("links", "kartsakhi-kars"): (2017, None, "XS17", "official", "BTK opened 30 Oct 2017"),
    ("nodes", "kartsakhi"): (2017, None, "XS17", "official", "BTK border point, opened 30 Oct 2017"),
    ("transfers", "kartsakhi-border"): (2017, None, "XS17", "official", "BTK opened 30 Oct 2017"),
    ("links", "tbilisi-akhalkalaki"): (2017, None, "XS17+RM17", "official", "BTK opened 30 Oct 2017"),
    ("transfers", "akhalkalaki-gauge"): (2017, None, "XS17", "official", "BTK opened 30 Oct 2017"),
    ("nodes", "akhalkalaki"): (2017, None, "XS17", "official", "BTK break-of-gauge station, opened 30 Oct 2017"),
    # Kuryk's rail ferry complex (first launch complex) opened in December 2016 (OREA16).
    ("nodes", "kuryk"): (2016, None, "OREA16", "official", "Kuryk rail ferry complex, Dec 2016"),
    # Caspian vessels (fleets.py) sail from the year they entered service.
    ("fleets", "asco-azerbaijan"): (2021, None, "TRD21", "indicative", "MV Azerbaijan's first voyage, 7 May 2021"),
    ("fleets", "asco-zarifa-aliyeva"): (2022, None, "SEA22", "indicative",
                                        "MV Zarifa Aliyeva reached Kuryk on its first voyages, May 2022"),
    ("fleets", "kmtf-turkestan"): (2019, None, "UIC19", "official", "weekly Aktau-Baku feeder from 16 Apr 2019"),
    ("fleets", "ady-feeder"): (2020, None, "TRD20", "official", "ADY Container feeder, weekly from April 2020"),
}

VARIANTS = [
    # Aktau container capacity: 40,000 TEU/yr before the hub (KZI22b, 2022); ~70,000 TEU/yr in 2025 with the
    # hub's pilot zone (opened 9 Jun 2025, LYG25; I365); ~240,000 TEU/yr by end-2026 (I365; RPT25: plan).
    # One capacity for the port in and out (facilities.py).
    ("facilities", "aktau-port", 2025, {"capacity_teu": (70000, "I365+LYG25", "official capacity")},
     "Aktau container hub pilot zone opened 9 Jun 2025 (LYG25): ~70,000 TEU/yr (I365)"),
    ("facilities", "aktau-port", 2027, {"capacity_teu": (240000, "I365+RPT25", "plan")},
     "Aktau container hub: ~240,000 TEU/yr by end-2026 (I365; RPT25), plan"),
    # Kuryk: rail berths 4.1 Mt/yr (AT21K, 2021); the Sarzha multifunctional terminal adds 9.4 Mt/yr, in
    # full by 2030 (MEN23; RTU24: plan).
    ("facilities", "kuryk-port", 2030, {"capacity_mtpa": (4.1 + 9.4, "AT21K+RTU24+MEN23+M-CAPSUM", "plan")},
     "Kuryk rail berths 4.1 Mt/yr + Sarzha terminal 9.4 Mt/yr, full by 2030 (plan)"),
    # Poti: 400,000 TEU/yr (WIKI-GEP); +50,000 TEU/yr commissioned in 2025 (SEA25, measured); the new
    # terminal adds 400,000 TEU/yr by 2027 (SEA25, plan).
    ("facilities", "poti-port", 2025, {"capacity_teu": (450000, "WIKI-GEP+SEA25+M-CAPSUM", "derived")},
     "Poti yard expansion +50,000 TEU/yr commissioned 2025 (SEA25)"),
    ("facilities", "poti-port", 2027, {"capacity_teu": (850000, "WIKI-GEP+SEA25+M-CAPSUM", "plan")},
     "Poti new container terminal +400,000 TEU/yr by 2027 (SEA25), plan"),
    # Dostyk-Moyynty second track, opened 2025: service speed 800 -> 1,500 km/day (KZI22c; QZI25).
    ("links", "dostyk-aktogay", 2025, {"speed_kmh": (1500 / 24, "QZI25+KZI22c+M-KMDAY", "plan")},
     "Dostyk-Moyynty double track 2025: 1,500 km/day (QZI25)"),
    ("links", "aktogay-moyynty", 2025, {"speed_kmh": (1500 / 24, "QZI25+KZI22c+M-KMDAY", "plan")},
     "Dostyk-Moyynty double track 2025: 1,500 km/day (QZI25)"),
]


def _dated(rec, periods):
    """``rec`` with its period from PERIODS (and the dates' source in its note)."""
    import dataclasses

    found = periods.get(rec.id)
    if found is None:
        return rec
    lo, hi, key, status, what = found
    note = "; ".join(x for x in (rec.note, f"exists {lo or '...'}-{hi or '...'}: {what} ({key}, {status})") if x)
    return dataclasses.replace(rec, valid_from=lo, valid_to=hi, note=note)


def apply(table, records, prov):
    """The records of ``table`` ("nodes", "links", "transfers") with their periods and dated variants.

    ``prov(key, status)`` makes a Provenance. A record with variants ends the year before its first
    variant; each variant is a copy with the changed figures, valid until the next one.
    """
    import dataclasses

    periods = {rid: v for (t, rid), v in PERIODS.items() if t == table}
    ids = {rec.id for rec in records}
    unknown = sorted({rid for rid in periods if rid not in ids}
                     | {rid for t, rid, *_ in VARIANTS if t == table and rid not in ids})
    if unknown:
        raise SystemExit(f"validity.py dates {table} that do not exist: {', '.join(unknown)}")
    out = []
    for rec in records:
        rec = _dated(rec, periods)
        steps = sorted((y, ch, note) for t, rid, y, ch, note in VARIANTS if t == table and rid == rec.id)
        if not steps:
            out.append(rec)
            continue
        out.append(dataclasses.replace(rec, valid_to=steps[0][0] - 1))
        for i, (year, changes, note) in enumerate(steps):
            end = steps[i + 1][0] - 1 if i + 1 < len(steps) else rec.valid_to
            fields = {name: float(v) for name, (v, _k, _s) in changes.items()}
            sources = {**rec.provenance, **{name: prov(k, s) for name, (_v, k, s) in changes.items()}}
            if "speed_kmh" in changes:
                fields["speed_kmh"] = round(fields["speed_kmh"], 3)
            out.append(dataclasses.replace(rec, valid_from=year, valid_to=end, provenance=sources,
                                           note=f"from {year}: {note}", **fields))
    return out


def table_lines(records):
    """DATA.md rows: every dated record with its period, figures and sources."""
    lines = ["", "### Validity periods and dated variants", "",
             "The 2021 baseline uses the records valid in 2021; a scenario for a later year switches on the "
             "variants valid then (`base: {dataset: eurasia, year: 2027}`).", "",
             "| table | id | from | to | note |", "|---|---|---:|---:|---|"]
    for table, recs in records:
        for r in recs:
            if r.valid_from is not None or r.valid_to is not None:
                lines.append(f"| {table} | {r.id} | {r.valid_from or ''} | {r.valid_to or ''} | "
                             f"{r.note.replace('|', '/')} |")
    return lines
