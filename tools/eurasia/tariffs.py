"""Tariff rows of the eurasia dataset (tariffs.csv) and the charges on transfers.

Rows select links by mode, country, link-id pattern, commodity and tariff class (see
corridor.model.tariffs). Every rate states its source keys and status; where no rate is published
the row says so and cites the method (M-*) or assumption (ASSUME-*) it uses instead.

Published inputs (fact-sheet keys):
  CPMM22-KZ   Kazakh rail TFI3 2021: 924 USD per 500 km per 20 t; TFI2 308 USD per crossing
  CPMM22-RAIL CAREC all-corridor rail TFI3 2021: 902.3 USD per 500 km per 20 t; TFI2 177.8 USD
  RAGT        Dosjan Temir Zholy track-access tariffs 2023 by commodity and class (KZT per t-km;
              average 5.37): only their ratios are used, so no exchange rate is needed
  CARAVAN     Kazakh domestic rail tariffs lower than Russian ones: grain 2x, coal 57 %, rolled metal 26 %
  ERAI24      1520 mm container index, 3-year minimum 2,691 USD/FEU (the build's M-ERAI rate)
  EY24        World Bank corridor prices: Northern 3,121 USD/FEU westbound; maritime 1,500-2,000 USD/FEU
  RPTRU       Shanghai-Poti by sea 2,000-2,500 USD per 40'
  SEA17       Georgian Railway 123 USD per container
  CFTS        KTZ special rate 0.12 USD per 20' container-km (China-Iran via Bolashak)
  IRAIL20     Interrail all-in quotes per 20' container, Tashkent-Derince via Aktau 2,704.32 and via
              Turkmenbashi 2,305.42 USD (1 Apr 2020)
  SEA20       Kuryk-Iran ro-ro 1,600-1,700 USD per truck
Not found in the sources: port handling charges (Aktau, Kuryk, Alat, Poti, Batumi, Constanța),
Caspian ferry tariffs (derived below from IRAIL20), dry-bulk and tanker freight, CPC and
KazTransOil pipeline tariffs, empty-return tariffs.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from corridor.model import Link, Provenance, Status, Transfer
from corridor.model.tariffs import Tariff

TFI3_KZ = 924 / 10_000  # USD per t-km (CPMM22-KZ, 2021)
TFI3_CAREC = 902.3 / 10_000  # USD per t-km (CPMM22-RAIL, 2021)
TFI2_CAREC_T = 177.8 / 20  # USD per t per rail border crossing (CPMM22-RAIL, 2021)
CAREC = {"CN", "KZ", "AZ", "GE", "TM", "UZ"}  # CAREC members among the network's countries

DTZ_AVERAGE = 5.37  # KZT per t-km (RAGT, 2023)
# KZT per t-km (RAGT, 2023) by class: interregional (= domestic), import, export
DTZ = {"coal": (2.15, 2.15, 2.15), "grain": (3.49, 4.13, 4.13), "metals": (9.64, 9.64, 9.64),
       "oil": (5.08, 5.08, 5.08)}
DTZ_NOTE = {"coal": "coal", "grain": "grain", "metals": "ferrous and non-ferrous metals",
            "oil": "crude and oil products"}
# CARAVAN: how much lower the Kazakh domestic rail tariff is than the Russian one
KZ_BELOW_RU = {"coal": 0.57, "grain": 0.5, "metals": 0.26}
# dedicated equipment that comes back empty: tank wagons (oil), grain hoppers (ASSUME-EMPTY)
EMPTY_RETURN = {"oil": 1.0, "grain": 1.0}

# USD per 40' container (IRAIL20), per TEU as every FEU price of the dataset (M-FEU); the 20' quotes,
# 2,704.32 and 2,305.42 USD, are dearer per TEU (DATA.md)
IRAIL_AKTAU_TEU = 4284.32 / 2  # Tashkent-Aktau-Alat-BTK-Derince
IRAIL_TMB_TEU = 2972.33 / 2  # Tashkent-Turkmenbashi-Alat-BTK-Derince
SEA20_TRUCK = (1600 + 1700) / 2  # USD per truck, Kuryk-Iran ro-ro (SEA20)
TFI_CONSIGNMENT_T = 20  # tonnes of the CAREC TFI consignment (CPMM)
CFTS_TEU_KM = 0.12  # USD per 20' container-km (CFTS)

# The quoted routes, in links of the network (Derince is the istanbul node)
IRAIL_TO_AKTAU = ["saryagash-tashkent", "shymkent-saryagash", "shymkent-kyzylorda", "kyzylorda-saksaulskaya",
                  "saksaulskaya-beyneu", "beyneu-aktau"]
IRAIL_ALAT_ON = ["alat-ganja", "ganja-beyuk-kesik", "beyuk-kesik-gardabani", "gardabani-tbilisi",
                 "tbilisi-akhalkalaki", "akhalkalaki-kartsakhi", "kartsakhi-kars", "kars-ankara", "ankara-istanbul"]
# Tashkent-Turkmenbashi by rail through Uzbekistan and Turkmenistan (GeoNames city points)
TASHKENT_TMB = [("Tashkent", "UZ"), ("Samarkand", "UZ"), ("Bukhara", "UZ"), ("Türkmenabat", "TM"),
                ("Mary", "TM"), ("Ashgabat", "TM"), ("Balkanabat", "TM"), ("Türkmenbaşy", "TM")]


def P(key: str, status: str) -> Provenance:
    return Provenance(key, Status(status))


def row(tid: str, mode: str, rate: float, basis: str, source: str, status: str, *, note: str = "",
        empty: tuple[float, str, str] | None = None, **sel: str) -> Tariff:
    prov = {"rate": P(source, status)}
    share = 0.0
    if empty is not None:
        share, key, st = empty
        prov["empty_return"] = P(key, st)
    return Tariff(tid, mode, round(rate, 6), basis, empty_return=share, note=note, provenance=prov, **sel)


class TariffBuilder:
    """Rows from the build's calibrated rates (``b`` is the tools/build_eurasia.py Builder)."""

    def __init__(self, b: Any, cities: dict[str, Any], haversine: Callable[..., float]) -> None:
        self.b = b
        self.cities = cities
        self.haversine = haversine
        self.rows: list[Tariff] = []
        self.log: list[str] = []
        self.countries = sorted({lk[5] for lk in b.spec.values() if lk[5]})

    # --- bulk rail -----------------------------------------------------------------------------------
    def kz_rail(self) -> None:
        for com, rates in DTZ.items():
            if len(set(rates)) == 1:  # one rate for every class: one row
                self._kz(com, "", rates[0], "")
                continue
            for cls, kzt in zip(("domestic", "import", "export"), rates, strict=True):
                self._kz(com, cls, kzt, "")
            self._kz(com, "transit", rates[2], "+ASSUME-TRANSIT")
        self.rows.append(row("rail-kz-bulk", "rail-1520", TFI3_KZ, "usd_per_t_km", "CPMM22-KZ+M-TFI3", "derived",
                             country="KZ", note="TFI3 2021 for goods without a commodity rate of their own"))

    def _kz(self, com: str, cls: str, kzt: float, extra: str) -> None:
        status = "assumption" if extra else "derived"
        label = {"": "(the same for interregional, import and export)", "transit": "export"}.get(cls, cls)
        note = (f"TFI3 x DTZ {DTZ_NOTE[com]} {label} {kzt} / average {DTZ_AVERAGE} KZT per t-km"
                + (" (no transit class published: the export rate)" if extra else ""))
        tid = f"rail-kz-{com}" + (f"-{cls}" if cls else "")
        self.rows.append(row(tid, "rail-1520", TFI3_KZ * kzt / DTZ_AVERAGE, "usd_per_t_km",
                             f"CPMM22-KZ+RAGT+M-DTZ{extra}", status, country="KZ", commodity=com, tariff_class=cls,
                             empty=self._empty(com), note=note))

    @staticmethod
    def _empty(com: str) -> tuple[float, str, str] | None:
        return (EMPTY_RETURN[com], "ASSUME-EMPTY", "assumption") if com in EMPTY_RETURN else None

    def foreign_rail(self) -> None:
        for country in self.countries:
            if country == "KZ":
                continue
            for mode in ("rail-1520", "rail-1435"):
                if not any(lk[3] == mode and lk[5] == country for lk in self.b.spec.values()):
                    continue
                self._foreign(country, mode)

    def _foreign(self, country: str, mode: str) -> None:
        carec = country in CAREC
        src, status = ("CPMM22-RAIL+M-TFI3", "derived") if carec else ("CPMM22-RAIL+M-TFI3+ASSUME-RATE", "assumption")
        note = "CAREC all-corridor TFI3 2021" + ("" if carec else " applied outside CAREC (no rate found)")
        tag = f"rail-{country.lower()}-{mode[-4:]}"
        self.rows.append(row(f"{tag}-bulk", mode, TFI3_CAREC, "usd_per_t_km", src, status, country=country, note=note))
        for com in sorted(EMPTY_RETURN):
            self.rows.append(row(f"{tag}-{com}", mode, TFI3_CAREC, "usd_per_t_km", src, status, country=country,
                                 commodity=com, empty=self._empty(com), note=note))
        if country != "RU":
            return
        # Russian domestic tariffs (for domestic and import traffic) from the Kazakh ones and the published
        # ratios; transit and export through Russia follow the CIS transit tariff, not found: the bulk row
        for com, below in KZ_BELOW_RU.items():
            rate = TFI3_KZ * DTZ[com][0] / DTZ_AVERAGE / (1 - below)
            for cls in ("domestic", "import"):
                self.rows.append(row(f"{tag}-{com}-{cls}", mode, rate, "usd_per_t_km",
                                     "CPMM22-KZ+RAGT+CARAVAN+M-RU-RATIO", "derived", country=country, commodity=com,
                                     tariff_class=cls, empty=self._empty(com),
                                     note=f"Kazakh domestic {com} rate / (1 - {below:.0%}): the Kazakh tariff is "
                                          "that much lower (CARAVAN)"))

    # --- containers by rail ----------------------------------------------------------------------------
    def container_rail(self) -> None:
        b = self.b
        for country in self.countries:
            for mode in ("rail-1520", "rail-1435"):
                if any(lk[3] == mode and lk[5] == country for lk in b.spec.values()):
                    rate, src, status = self._teu_rate(mode, country)
                    self.rows.append(row(f"teu-{country.lower()}-{mode[-4:]}", mode, rate, "usd_per_teu_km", src,
                                         status, country=country, commodity="container",
                                         note="through rate per loaded TEU; empties repositioned inside it"))
        # Małaszewicze-Warsaw is Polish standard gauge priced as the EU residual
        self.rows.append(row("teu-malaszewicze-warsaw", "rail-1435", b.rate_1435_teu, "usd_per_teu_km",
                             "EY24+ERAI24+M-CAL-1435", "derived", links="malaszewicze-warsaw", commodity="container"))

    def _teu_rate(self, mode: str, country: str) -> tuple[float, str, str]:
        b = self.b
        if mode == "rail-1520":
            if country in ("KZ", "RU", "BY", "PL"):
                return b.rate_1520_teu, "ERAI24+M-ERAI", "derived"
            if country == "GE":
                return b.rate_ge_teu, "SEA17", "indicative"
            if country in ("TM", "UZ"):
                return CFTS_TEU_KM, "CFTS+ASSUME-RATE", "assumption"
            return b.rate_1520_teu, "ERAI24+M-ERAI+ASSUME-RATE", "assumption"
        if country in ("CN", "PL", "DE"):
            return b.rate_1435_teu, "EY24+ERAI24+M-CAL-1435", "derived"
        if country == "IR":
            return CFTS_TEU_KM, "CFTS+ASSUME-RATE", "assumption"
        # the Northern residual (M-CAL-1435) is no market rate: elsewhere the ERAI broad-gauge rate stands in
        return b.rate_1520_teu, "ERAI24+M-ERAI+ASSUME-RATE", "assumption"

    # --- road, pipeline, sea ----------------------------------------------------------------------------
    def road_pipe_sea(self) -> None:
        b = self.b
        src = "CPMM22-KZ+ASSUME-ROAD-COST"
        self.rows += [
            row("road", "road", 2 * TFI3_KZ, "usd_per_t_km", src, "assumption"),
            row("road-teu", "road", 2 * TFI3_KZ * b.t_per_teu, "usd_per_teu_km", src, "assumption",
                commodity="container"),
            row("pipeline", "pipeline", 0.5 * TFI3_KZ, "usd_per_t_km", "CPMM22-KZ+ASSUME-PIPE", "assumption",
                note="CPC and KazTransOil tariffs not found"),
            row("sea-teu", "sea", b.rate_sea_teu, "usd_per_teu_km", "EY24+SEAROUTE+M-SEA", "derived",
                commodity="container"),
            row("sea-teu-china-north-europe", "sea", 1750 / 2, "usd_per_teu", "EY24+M-FEU", "derived",
                links="lianyungang-rotterdam", commodity="container",
                note="maritime China-Europe 1,500-2,000 USD/FEU, midpoint, per TEU"),
            row("sea-teu-china-black-sea", "sea", 2250 / 2, "usd_per_teu", "RPTRU+M-FEU", "derived",
                links="lianyungang-constanta", commodity="container",
                note="Shanghai-Poti 2,000-2,500 USD per 40', midpoint, per TEU (late 2025)"),
            row("sea-bulk", "sea", TFI3_KZ * DTZ["coal"][0] / DTZ_AVERAGE, "usd_per_t_km",
                "CPMM22-KZ+RAGT+ASSUME-BULK-SEA", "assumption",
                note="dry-bulk and tanker freight not found: the lowest Kazakh rail rate (coal) per t-km"),
        ]

    # --- Caspian ------------------------------------------------------------------------------------------
    def caspian(self) -> None:
        """Ferry and feeder charges per TEU from the Interrail quotes; bulk per tonne from the ro-ro fare."""
        aktau = IRAIL_AKTAU_TEU - self.price_teu(IRAIL_TO_AKTAU) - self.price_teu(IRAIL_ALAT_ON)
        tmb_km = self.tashkent_turkmenbashi_km()
        tmb = IRAIL_TMB_TEU - CFTS_TEU_KM * tmb_km - self.price_teu(IRAIL_ALAT_ON)
        self.aktau_teu, self.tmb_teu = aktau, tmb
        self.log += [f"caspian_aktau_alat_usd_per_teu = {aktau:.4f}", f"caspian_turkmenbashi_alat_usd_per_teu = {tmb:.4f}",
                     f"tashkent_turkmenbashi_rail_km = {tmb_km:.4f}"]
        assert aktau > 0 and tmb > 0, (aktau, tmb)
        bulk_t = SEA20_TRUCK / TFI_CONSIGNMENT_T
        note = "incl. Aktau and Alat port handling and forwarding (not published apart)"
        for mode in ("rail-ferry", "feeder"):
            self.rows += [
                row(f"{mode}-aktau-teu", mode, aktau, "usd_per_teu", "IRAIL20+M-FEU+M-IRAIL-FERRY", "derived",
                    links="aktau-alat-*", commodity="container", note=note),
                row(f"{mode}-kuryk-teu", mode, aktau, "usd_per_teu", "IRAIL20+M-FEU+M-IRAIL-FERRY+ASSUME-RATE", "assumption",
                    links="kuryk-alat-*", commodity="container", note="taken as Aktau-Alat's"),
                row(f"{mode}-turkmenbashi-teu", mode, tmb, "usd_per_teu", "IRAIL20+M-FEU+M-IRAIL-FERRY", "derived",
                    links="turkmenbashi-alat-*", commodity="container",
                    note="incl. Türkmenbaşy and Alat port handling and forwarding"),
            ]
        self.rows.append(row("rail-ferry-bulk", "rail-ferry", bulk_t, "usd_per_t", "SEA20+M-RORO-T", "derived",
                             note="Caspian ro-ro fare per truck / 20 t; no rail-ferry fare per wagon was found"))

    def price_teu(self, link_ids: Sequence[str]) -> float:
        """What the container rows charge a TEU over these links (the rows built so far)."""
        total = 0.0
        for lid in link_ids:
            spec = self.b.spec[lid]
            lk = Link(lid, spec[1], spec[2], spec[3], country=spec[5], distance_km=self.b.dist[lid][0])
            best = None
            for r in self.rows:
                if r.selects(lk, "container", "") and (best is None or r.specificity > best.specificity):
                    best = r
            assert best is not None, lid
            total += best.usd_per_unit(lk.distance_km, "TEU", self.b.t_per_teu, self.b.t_per_teu)
        return total

    def tashkent_turkmenbashi_km(self) -> float:
        pts = []
        for name, cc in TASHKENT_TMB:
            hits = [c for c in self.cities.values() if c["name"] == name and c["countrycode"] == cc]
            assert len(hits) == 1, name
            pts.append((hits[0]["latitude"], hits[0]["longitude"]))
        return sum(self.haversine(a, c) for a, c in itertools.pairwise(pts)) * self.b.circuity

    def build(self) -> list[Tariff]:
        self.kz_rail()
        self.foreign_rail()
        self.container_rail()
        self.road_pipe_sea()
        self.caspian()
        assert len({r.id for r in self.rows}) == len(self.rows)
        return self.rows


def border_charges(transfers: list[Transfer], country_of: dict[str, str]) -> list[Transfer]:
    """Rail border crossings without a charge get the CAREC TFI2 per tonne; per TEU none (inside the through rates)."""
    out = []
    for t in transfers:
        if t.kind == "border-clearance" and t.cost_usd_per_t is not None and t.cost_usd_per_teu is None:
            prov = {**t.provenance, "cost_usd_per_teu": P("M-INCLUDED", "derived")}
            t = dataclasses.replace(t, cost_usd_per_teu=0.0, provenance=prov)
        if t.kind == "border-clearance" and t.cost_usd_per_t is None and "road" not in t.from_modes:
            carec = country_of.get(t.node) in CAREC
            src, status = (("CPMM22-RAIL+M-TFI2", "derived") if carec else
                           ("CPMM22-RAIL+M-TFI2+ASSUME-RATE", "assumption"))
            prov = {**t.provenance, "cost_usd_per_t": P(src, status), "cost_usd_per_teu": P("M-INCLUDED", "derived")}
            t = dataclasses.replace(t, cost_usd_per_t=round(TFI2_CAREC_T, 3), cost_usd_per_teu=0.0, provenance=prov)
        out.append(t)
    return out


def strip_link_costs(links: list[Link]) -> list[Link]:
    """Links without their own cost columns: the tariff table prices them."""
    out = []
    for lk in links:
        prov = {k: v for k, v in lk.provenance.items() if k not in ("cost_usd_per_t", "cost_usd_per_teu")}
        out.append(dataclasses.replace(lk, cost_usd_per_t=None, cost_usd_per_teu=None, provenance=prov))
    return out



def tariff_table_lines(net: Any) -> list[str]:
    """The tariff rows and the charges on transfers as Markdown tables for DATA.md."""
    lines = ["### Tariffs (tariffs.csv)", "",
             "Rows select links by mode, country, link pattern, commodity and class; the most specific row wins.", "",
             "| id | mode | country | links | commodity | class | rate | basis | empty return | source | status | note |",
             "|---|---|---|---|---|---|---:|---|---:|---|---|---|"]
    for r in net.tariffs.rows:
        p = r.provenance["rate"]
        e = r.provenance.get("empty_return")
        share = f"{r.empty_return:g} ({e.source}, {e.status.value})" if e else ""
        lines.append(f"| {r.id} | {r.mode} | {r.country} | {r.links} | {r.commodity} | {r.tariff_class} | "
                     f"{r.rate:,.4f} | {r.basis} | {share} | {p.source} | {p.status.value} | {r.note} |")
    lines += ["", "### Charges on transfers (transfers.csv)", "",
              "| transfer | kind | USD/t | USD/TEU | source (t) | status (t) |", "|---|---|---:|---:|---|---|"]
    for t in net.transfers:
        if t.cost_usd_per_t is None and t.cost_usd_per_teu is None:
            continue
        p = t.provenance.get("cost_usd_per_t")
        lines.append(f"| {t.id} | {t.kind} | {'' if t.cost_usd_per_t is None else f'{t.cost_usd_per_t:,.2f}'} | "
                     f"{'' if t.cost_usd_per_teu is None else f'{t.cost_usd_per_teu:,.2f}'} | "
                     f"{p.source if p else ''} | {p.status.value if p else ''} |")
    return lines
