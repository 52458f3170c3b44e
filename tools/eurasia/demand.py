"""2021 baseline demand of the eurasia dataset.

Each row: (id, origin, destination, commodity, tonnes, teu, group, (key, status), note). ``tonnes``
may be an expression string evaluated by tools/build_eurasia.py with T_PER_TEU in scope.

How the Kazakh rail exports were built (all 2021; see DATA.md):
- 83.5 Mt of international rail exports (KT22: 123.7 - 19.2 - 21.0; 90 Mt were loaded for export,
  RN22, and the press claims 81 Mt): coal 32 Mt and grain 6.8 Mt are published (RN22); the remaining
  44.7 Mt are split in proportion to the all-direction loadings of RN22 (ores and metals
  27 + 21.8 + 4.8 = 53.6 Mt, oil cargo 17.5 Mt, fertilisers 3.9 Mt): metals and ores 31.9, oil 10.4,
  other 2.4 Mt (assumption).
- Destinations: the 2023 shares of VCD24 (exports to Russia 34.6 Mt incl. coal 20.3; to Uzbekistan
  10 Mt incl. grain 3.5 and coal 3.1) and KT22 (rail exports to Europe 6.5 Mt) guide the split; the
  rest is an assumption stated per row.
- Markets, not ports (issue 12): a row that is a sale to world, European, Turkish, Chinese or Iranian
  buyers ends at a market node (tools/eurasia/markets.py) and the engines choose the gateway; rows
  that are trade with a neighbour (Russia, Uzbekistan, Caspian buyers) keep their fixed end. Tonnages
  are unchanged; OLD_DESTINATION records each converted row's former end (DATA.md, Markets and gateways).
"""

EXPORT = ("KT22+RN22+ASSUME-DEMAND", "assumption")
REST = 83.5 - 32 - 6.8  # 44.7 Mt of rail exports not named by commodity
POOL = 53.6 + 17.5 + 3.9
METALS = round(REST * 53.6 / POOL, 1)  # 31.9
OIL_RAIL = round(REST * 17.5 / POOL, 1)  # 10.4
OTHER = round(REST - METALS - OIL_RAIL, 1)  # 2.4

DEMAND = [
    # --- coal, 32 Mt (RN22) ----------------------------------------------------------------------------
    ("coal-ru", "ekibastuz", "chelyabinsk", "coal", 24.9e6, None, "kz-export-rail", ("RN22+VCD24+M-DEMAND", "derived"),
     "32 Mt coal exports (RN22) less Uzbekistan 3.1 and Europe 4.0; Russia took 20.3 Mt of coal in 2023 (VCD24)"),
    ("coal-uz", "ekibastuz", "tashkent", "coal", 3.1e6, None, "kz-export-rail", ("VCD24", "estimate"),
     "coal to Uzbekistan: the 2023 figure (VCD24) stands for 2021"),
    ("coal-eu", "karaganda", "eu-north", "coal", 4.0e6, None, "kz-export-rail", EXPORT,
     "coal for Europe: market EU north (was Ust-Luga: a Baltic port is a gateway, the buyers are in Europe); "
     "part of the 6.5 Mt of rail exports to Europe (KT22)"),
    # --- grain, 6.8 Mt (RN22) --------------------------------------------------------------------------
    ("grain-uz", "kostanay", "tashkent", "grain", 3.5e6, None, "kz-export-rail", ("VCD24", "estimate"),
     "grain to Uzbekistan (and on to Afghanistan, Tajikistan): the 2023 figure (VCD24) stands for 2021"),
    ("grain-ir", "kostanay", "iran-gulf", "grain", 1.0e6, None, "kz-export-rail", EXPORT,
     "grain to Iran: market Iran and the Gulf (was Bandar Abbas), reached through Turkmenistan by Etrek or "
     "Sarakhs (assumption: part of the 3.3 Mt not going to Uzbekistan)"),
    ("grain-caspian", "kostanay", "aktau", "grain", 0.8e6, None, "kz-export-rail", ("AT24+ASSUME-DEMAND", "assumption"),
     "grain through Aktau's grain terminal (0.8 Mt/yr capacity, AT24) to Caspian buyers"),
    ("grain-bs", "kostanay", "world-sea", "grain", 1.5e6, None, "kz-export-rail", EXPORT,
     "grain sold overseas: world sea market (was Novorossiysk: a Black Sea port is a gateway, the buyers are "
     "overseas); assumption: the remainder"),
    # --- metals and ores, 31.9 Mt (assumption split of the 44.7 Mt remainder) ---------------------------
    ("metals-ru", "kostanay", "chelyabinsk", "metals", 15.5e6, None, "kz-export-rail", EXPORT,
     "iron ore and metals to Russian mills (assumption; Russia took 34.6 Mt of Kazakh rail exports in 2023, VCD24)"),
    ("metals-cn", "karaganda", "china", "metals", 8.6e6, None, "kz-export-rail", EXPORT,
     "ores, concentrates and metals to China: market China (was Ürümqi), reached through Dostyk or Altynkol "
     "(assumption)"),
    ("metals-eu", "pavlodar", "eu-north", "metals", 2.5e6, None, "kz-export-rail", ("KT22+ASSUME-DEMAND", "assumption"),
     "ferroalloys and metals to Europe: market EU north (was Duisburg); the 6.5 Mt to Europe (KT22) less 4.0 Mt "
     "of coal"),
    ("metals-bs", "karaganda", "eu-south", "metals", 3.5e6, None, "kz-export-rail", EXPORT,
     "metals shipped through Black Sea ports: market EU south (was Novorossiysk; assumption: the buyers are "
     "in Mediterranean Europe, no destination split found)"),
    ("metals-uz", "karaganda", "tashkent", "metals", 1.8e6, None, "kz-export-rail", EXPORT,
     "metals and ores to Uzbekistan (assumption)"),
    # --- oil and products by rail, 10.4 Mt ---------------------------------------------------------------
    ("oil-rail-bs", "atyrau", "world-sea", "oil", 5.2e6, None, "kz-export-rail", EXPORT,
     "crude and products by rail, sold at sea: world sea market (was Novorossiysk; assumption)"),
    ("oil-rail-uz", "shymkent", "tashkent", "oil", 2.6e6, None, "kz-export-rail", EXPORT,
     "oil products from Shymkent to Uzbekistan (assumption)"),
    ("oil-rail-caspian", "atyrau", "world-sea", "oil", 2.6e6, None, "kz-export-rail", EXPORT,
     "oil by rail across the Caspian, sold at sea: world sea market (was Baku/Alat, where it goes on by the BTC "
     "pipeline or Batumi; assumption)"),
    # --- other, 2.4 Mt -------------------------------------------------------------------------------------
    ("general-uz", "karaganda", "tashkent", "general", 1.4e6, None, "kz-export-rail", EXPORT,
     "fertilisers and other goods to Uzbekistan (assumption)"),
    ("general-bs", "aktobe", "world-sea", "general", 1.0e6, None, "kz-export-rail", EXPORT,
     "fertilisers and other goods sold overseas: world sea market (was Novorossiysk; assumption)"),
    # --- crude oil by pipeline ----------------------------------------------------------------------------
    ("crude", "atyrau", "world-sea", "oil", 67.6e6, None, "kz-export-pipeline", ("KUR21", "estimate"),
     "crude exports 67.6 Mt (KUR21, the Ministry of Energy's year-end figure): world sea market, through CPC "
     "(Novorossiysk), Atyrau-Samara (on to Novorossiysk) or Aktau tankers and the BTC pipeline (Ceyhan); was two "
     "fixed rows, CPC 53.1 Mt (NT22) and 14.5 Mt to Samara, now calibration targets"),
    # --- China-Europe container transit via Kazakhstan: >660,000 TEU (LOK22) --------------------------------
    ("cre-west-xian", "xian", "eu-north", "container", "0.6 * 0.3 * 660000 * T_PER_TEU", 0.6 * 0.3 * 660000,
     "transit-china-europe", ("LOK22+KTAG24+ASSUME-DEMAND", "assumption"),
     "660k TEU (LOK22) x 60% westbound (assumption) x 30% formed in Xi'an (KTAG24, 2024); market EU north "
     "(was Duisburg)"),
    ("cre-west-lyg", "lianyungang", "eu-north", "container", "0.6 * 0.7 * 660000 * T_PER_TEU", 0.6 * 0.7 * 660000,
     "transit-china-europe", ("LOK22+ASSUME-DEMAND", "assumption"),
     "660k TEU x 60% westbound x 70% from eastern China, represented by Lianyungang (assumption); market EU "
     "north (was Duisburg)"),
    ("cre-east-xian", "duisburg", "xian", "container", "0.4 * 0.3 * 660000 * T_PER_TEU", 0.4 * 0.3 * 660000,
     "transit-china-europe", ("LOK22+KTAG24+ASSUME-DEMAND", "assumption"), "660k TEU x 40% eastbound x 30% Xi'an"),
    ("cre-east-lyg", "duisburg", "lianyungang", "container", "0.4 * 0.7 * 660000 * T_PER_TEU", 0.4 * 0.7 * 660000,
     "transit-china-europe", ("LOK22+ASSUME-DEMAND", "assumption"), "660k TEU x 40% eastbound x 70% eastern China"),
    # --- Trans-Caspian route: 0.586 Mt, 25,200 TEU (RPT26, TITR22) ---------------------------------------------
    ("titr-containers", "xian", "turkiye", "container", "25200 * T_PER_TEU", 25200, "titr", ("TITR22", "measured"),
     "TITR containers 2021 (TITR22): market Türkiye (was Istanbul); Türkiye as destination is an assumption "
     "(cf. the 1 millionth transit container China-Türkiye, QOG)"),
    ("titr-other", "aktau", "baku-alat", "general", "0.586e6 - 25200 * T_PER_TEU", None, "titr",
     ("RPT26+TITR22+M-DEMAND", "derived"), "TITR cargo 0.586 Mt (RPT26) less the containers' tonnage"),
]

OLD_DESTINATION = {
    "coal-eu": "ust-luga", "grain-ir": "bandar-abbas", "grain-bs": "novorossiysk", "metals-cn": "urumqi",
    "metals-eu": "duisburg", "metals-bs": "novorossiysk", "oil-rail-bs": "novorossiysk", "oil-rail-caspian": "baku-alat",
    "general-bs": "novorossiysk", "crude": "novorossiysk (crude-cpc, 53.1 Mt) and samara (crude-other, 14.5 Mt)",
    "cre-west-xian": "duisburg", "cre-west-lyg": "duisburg", "titr-containers": "istanbul",
}
"""The rows converted to markets and the fixed end each had before (DATA.md, Markets and gateways)."""
