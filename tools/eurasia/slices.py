"""Time slices of the eurasia dataset (issue 11: "One year, no seasons"): the ``monthly`` set.

Each month's share of the year is its days over 365 (M-CALENDAR). Factors:

- Caspian storm closures at the Kazakh ports (Aktau, Kuryk) and on the sea links that leave them:
  Kuryk is closed by weather about half the time in November and December (EVR, the port
  director); the same share at Aktau, 70 km north, is an assumption (ASSUME-STORM-AKTAU); the other
  months follow the storm climatology as an assumption (ASSUME-STORM-MONTHS: the shares of the
  Aktau hub model, src/corridor/hub/configs/aktau-hub.yaml). No annual closure days were found for
  any Caspian port (corridor-facts 5.1), nor monthly closures on the Azerbaijani or Turkmen side.
- Grain: the harvest is exported in autumn. Oct-Dec move at the rail grain-export capacity,
  1.1 Mt/month (midpoint of 1.0-1.2, GU25), of the 6.8 Mt exported in 2021 (RN22); the other nine
  months share the rest evenly. Which months peak is an assumption (ASSUME-GRAIN-SEASON).
- Other commodities move evenly over the year (ASSUME-EVEN-DEMAND): no monthly data were found.
- No winter slowdown of Baltic or northern routes is applied: the fact sheets give none (the
  northern Caspian's winter closure, BGN23, is outside Aktau and Kuryk).
"""

import calendar

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
YEAR = 2021

# share of the time closed by storms, by month (Jan..Dec)
CLOSURE = [0.10, 0.10, 0.10, 0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.05, 0.50, 0.50]
GRAIN_PEAK = (10, 11, 12)
GRAIN_PEAK_MT = 1.1  # Mt/month, GU25 midpoint of 1.0-1.2
GRAIN_EXPORT_MT = 6.8  # Mt in 2021, RN22

PORTS = {"kuryk": ("EVR", "official", "EVR+ASSUME-STORM-MONTHS"),
         "aktau": ("EVR+ASSUME-STORM-AKTAU", "assumption", "EVR+ASSUME-STORM-MONTHS")}


def _closures(month):
    """(select, value, source, status, note) of the storm closures in ``month``."""
    p = CLOSURE[month - 1]
    out = []
    for port, (storm_key, storm_status, other_key) in PORTS.items():
        if month in (11, 12):
            key, status, note = storm_key, storm_status, "closed by weather about half the time in Nov-Dec (EVR)"
        else:
            key, status, note = other_key, "assumption", "storm climatology outside Nov-Dec (assumption)"
        for select in (f"node={port}&kind=port-handling", f"node={port}&mode=rail-ferry|feeder|sea&records=links"):
            out.append((select, p, key, status, f"{port}: {note}"))
    return out


def _grain(month):
    peak = GRAIN_PEAK_MT / GRAIN_EXPORT_MT
    value = peak if month in GRAIN_PEAK else (1.0 - peak * len(GRAIN_PEAK)) / (12 - len(GRAIN_PEAK))
    note = ("peak: rail grain-export capacity 1.1 Mt/month of 6.8 Mt/yr" if month in GRAIN_PEAK
            else "the rest of the year's grain, evenly")
    return ("grain", value, "GU25+RN22+ASSUME-GRAIN-SEASON", "assumption", note)


def build(prov):
    """``{"monthly": SliceSet}`` of the dataset; ``prov(key, status)`` makes a Provenance."""
    from corridor.model.slices import SliceFactor, SliceSet, TimeSlice

    slices = []
    for m, sid in enumerate(MONTHS, start=1):
        days = calendar.monthrange(YEAR, m)[1]
        factors = [SliceFactor("closure", sel, v, note, {"value": prov(k, s)}) for sel, v, k, s, note in _closures(m)]
        sel, v, k, s, note = _grain(m)
        factors.append(SliceFactor("demand", sel, v, note, {"value": prov(k, s)}))
        slices.append(TimeSlice(sid, calendar.month_name[m], (m,), days / 365, tuple(factors),
                                f"{days} days of {YEAR}", {"share": prov("M-CALENDAR", "derived")}))
    return {"monthly": SliceSet("monthly", tuple(slices))}


def source_keys(sets):
    """Every source key the slice tables cite."""
    keys = set()
    for ss in sets.values():
        for s in ss.slices:
            for p in s.provenance.values():
                keys.update(p.keys)
            for f in s.factors:
                for p in f.provenance.values():
                    keys.update(p.keys)
    return keys


def table_lines(sets):
    """DATA.md rows: the monthly shares, closures and grain shares with their sources."""
    lines = ["", "### Time slices (`monthly`)", "",
             "Closure = share of the month the Kazakh Caspian ports and their sea links are closed by storms; "
             "grain = share of the year's grain moving in the month. Other commodities move by the month's share "
             "of the year (assumption).", "",
             "| slice | share of year | closure Aktau | closure Kuryk | grain | sources |", "|---|---:|---:|---:|---:|---|"]
    for s in sets["monthly"].slices:
        cl = {f.select.split("&")[0].removeprefix("node="): f for f in s.factors if f.kind == "closure"}
        grain = next(f for f in s.factors if f.kind == "demand")
        keys = sorted({k for f in s.factors for p in f.provenance.values() for k in p.keys})
        lines.append(f"| {s.id} | {s.share:.4f} | {cl['aktau'].value:.2f} | {cl['kuryk'].value:.2f} | "
                     f"{grain.value:.4f} | {', '.join(keys)} |")
    return lines
