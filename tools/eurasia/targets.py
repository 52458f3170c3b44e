"""Calibration targets of the eurasia dataset: 2021 aggregates the baseline should carry.

Each: (id, measure, observed, unit, year, source keys, status, note, fit). ``measure`` names a
physical measure of an assignment (``corridor.assignment.measures``) or one of the keyed figures
(DATA.md, "Calibration: the shippers' choice fitted to 2021"):

- ``facility:<id>:<unit>``: the flow through a facility's capacity row;
- ``pipeline:<link-id>:t``: tonnes on a pipeline link;
- ``gateway:<node-id>:t``: tonnes of Kazakh exports (rows whose origin lies in KZ) whose route passes
  the node;
- ``market:<node-id>:t``: tonnes of Kazakh exports delivered to a market node;
- several keys joined by `` + ``: their sum.

Figures are the fact sheets' (or sourced in publications.csv); a target whose counterpart in the
model differs in scope says so in its note and has ``fit`` false: it is compared, not fitted.
"""

TARGETS = [
    ("titr-tonnes", "titr_t", 586_000, "t", 2021, "RPT26", "measured",
     "cargo on the Trans-Caspian route in 2021 (Kazakh Ministry of Transport)", True),
    ("titr-teu", "titr_teu", 25_200, "TEU", 2021, "TITR22", "measured",
     "containers on the Trans-Caspian route in 2021 (TITR Association)", True),
    ("kz-transit-teu", "kz_transit_teu", 660_000, "TEU", 2021, "LOK22", "measured",
     "China-Europe-China containers through Kazakhstan in 2021 (>660,000 TEU, KTZ via Lok-Report). Compared, not "
     "fitted: the border stations' capacities the dataset holds (Dostyk 277,400 TEU/yr, derived from 760 TEU/day "
     "in 2018; Altynkol 4 Mt/yr, 2019) cap transit at about 500,000 TEU in the LP and the equilibrium alike, so "
     "no choice parameter can reach it", False),
    ("baku-port-t", "facility:alat-port:t/yr", 5_600_000, "t", 2021, "PN23c", "measured",
     "Port of Baku (Alat) throughput 2021; includes Azerbaijan's own trade, which the demand table lacks", False),
    ("cpc-kz-crude", "pipeline:cpc-pipeline:t", 53_100_000, "t", 2021, "NT22", "measured",
     "Kazakh oil shipped through the CPC in 2021 (Government of Kazakhstan); was a fixed demand row", True),
    ("other-crude", "pipeline:atyrau-samara-pipeline:t + pipeline:btc-pipeline:t", 14_500_000, "t", 2021,
     "KUR21+NT22+M-DEMAND", "derived",
     "crude exports other than CPC: 67.6 Mt (KUR21) less 53.1 Mt (NT22); was a fixed row to Samara. The model "
     "figure counts the two other pipelines (the Kazakhstan-China pipeline is not modelled); BTC may also carry "
     "oil of the rail rows", True),
    ("kz-rail-europe", "market:eu-north:t", 6_500_000, "t", 2021, "KT22", "measured",
     "Kazakh rail exports to Europe 2021; holds by construction (the rows to the EU north market, coal-eu and "
     "metals-eu, were sized from it): a check, not fitted", False),
    ("aktau-port-t", "facility:aktau-port:t/yr", int(round(3.8e6 / 1.09, -3)), "t", 2021, "TRD23d+M-PRIOR-YEAR",
     "derived", "Aktau port cargo turnover 2021 = 3.8 Mt in 2022 / 1.09 (TRD23d: +9 % on 2021); the turnover "
     "counts imports and cargo that ends at the port (the 0.8 Mt grain-caspian row ends at Aktau without port "
     "handling in the model), so it is compared, not fitted", False),
]
