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
    ("coal-eu", "karaganda", "ust-luga", "coal", 4.0e6, None, "kz-export-rail", EXPORT,
     "coal for Europe through the Baltic; part of the 6.5 Mt of rail exports to Europe (KT22)"),
    # --- grain, 6.8 Mt (RN22) --------------------------------------------------------------------------
    ("grain-uz", "kostanay", "tashkent", "grain", 3.5e6, None, "kz-export-rail", ("VCD24", "estimate"),
     "grain to Uzbekistan (and on to Afghanistan, Tajikistan): the 2023 figure (VCD24) stands for 2021"),
    ("grain-ir", "kostanay", "bandar-abbas", "grain", 1.0e6, None, "kz-export-rail", EXPORT,
     "grain to Iran through Turkmenistan (assumption: part of the 3.3 Mt not going to Uzbekistan)"),
    ("grain-caspian", "kostanay", "aktau", "grain", 0.8e6, None, "kz-export-rail", ("AT24+ASSUME-DEMAND", "assumption"),
     "grain through Aktau's grain terminal (0.8 Mt/yr capacity, AT24) to Caspian buyers"),
    ("grain-bs", "kostanay", "novorossiysk", "grain", 1.5e6, None, "kz-export-rail", EXPORT,
     "grain exported through Black Sea ports (assumption: the remainder)"),
    # --- metals and ores, 31.9 Mt (assumption split of the 44.7 Mt remainder) ---------------------------
    ("metals-ru", "kostanay", "chelyabinsk", "metals", 15.5e6, None, "kz-export-rail", EXPORT,
     "iron ore and metals to Russian mills (assumption; Russia took 34.6 Mt of Kazakh rail exports in 2023, VCD24)"),
    ("metals-cn", "karaganda", "urumqi", "metals", 8.6e6, None, "kz-export-rail", EXPORT,
     "ores, concentrates and metals to China through Dostyk (assumption)"),
    ("metals-eu", "pavlodar", "duisburg", "metals", 2.5e6, None, "kz-export-rail", ("KT22+ASSUME-DEMAND", "assumption"),
     "ferroalloys and metals to Europe by rail: the 6.5 Mt to Europe (KT22) less 4.0 Mt of coal"),
    ("metals-bs", "karaganda", "novorossiysk", "metals", 3.5e6, None, "kz-export-rail", EXPORT,
     "metals exported through Black Sea ports (assumption)"),
    ("metals-uz", "karaganda", "tashkent", "metals", 1.8e6, None, "kz-export-rail", EXPORT,
     "metals and ores to Uzbekistan (assumption)"),
    # --- oil and products by rail, 10.4 Mt ---------------------------------------------------------------
    ("oil-rail-bs", "atyrau", "novorossiysk", "oil", 5.2e6, None, "kz-export-rail", EXPORT,
     "crude and products by rail to Black Sea ports (assumption)"),
    ("oil-rail-uz", "shymkent", "tashkent", "oil", 2.6e6, None, "kz-export-rail", EXPORT,
     "oil products from Shymkent to Uzbekistan (assumption)"),
    ("oil-rail-caspian", "atyrau", "baku-alat", "oil", 2.6e6, None, "kz-export-rail", EXPORT,
     "oil by rail to Aktau and by tanker to Baku (assumption)"),
    # --- other, 2.4 Mt -------------------------------------------------------------------------------------
    ("general-uz", "karaganda", "tashkent", "general", 1.4e6, None, "kz-export-rail", EXPORT,
     "fertilisers and other goods to Uzbekistan (assumption)"),
    ("general-bs", "aktobe", "novorossiysk", "general", 1.0e6, None, "kz-export-rail", EXPORT,
     "fertilisers and other goods through Black Sea ports (assumption)"),
    # --- crude oil by pipeline ----------------------------------------------------------------------------
    ("crude-cpc", "atyrau", "novorossiysk", "oil", 53.1e6, None, "kz-export-pipeline", ("NT22", "measured"),
     "Kazakh oil shipped through the CPC in 2021"),
    ("crude-other", "atyrau", "samara", "oil", 14.5e6, None, "kz-export-pipeline", ("KUR21+NT22+M-DEMAND", "derived"),
     "crude exports 67.6 Mt (KUR21) less CPC 53.1 Mt; routed through the Atyrau-Samara pipeline (the "
     "Kazakhstan-China pipeline and Caspian tankers are not split out)"),
    # --- China-Europe container transit via Kazakhstan: >660,000 TEU (LOK22) --------------------------------
    ("cre-west-xian", "xian", "duisburg", "container", "0.6 * 0.3 * 660000 * T_PER_TEU", 0.6 * 0.3 * 660000,
     "transit-china-europe", ("LOK22+KTAG24+ASSUME-DEMAND", "assumption"),
     "660k TEU (LOK22) x 60% westbound (assumption) x 30% formed in Xi'an (KTAG24, 2024)"),
    ("cre-west-lyg", "lianyungang", "duisburg", "container", "0.6 * 0.7 * 660000 * T_PER_TEU", 0.6 * 0.7 * 660000,
     "transit-china-europe", ("LOK22+ASSUME-DEMAND", "assumption"),
     "660k TEU x 60% westbound x 70% from eastern China, represented by Lianyungang (assumption)"),
    ("cre-east-xian", "duisburg", "xian", "container", "0.4 * 0.3 * 660000 * T_PER_TEU", 0.4 * 0.3 * 660000,
     "transit-china-europe", ("LOK22+KTAG24+ASSUME-DEMAND", "assumption"), "660k TEU x 40% eastbound x 30% Xi'an"),
    ("cre-east-lyg", "duisburg", "lianyungang", "container", "0.4 * 0.7 * 660000 * T_PER_TEU", 0.4 * 0.7 * 660000,
     "transit-china-europe", ("LOK22+ASSUME-DEMAND", "assumption"), "660k TEU x 40% eastbound x 70% eastern China"),
    # --- Trans-Caspian route: 0.586 Mt, 25,200 TEU (RPT26, TITR22) ---------------------------------------------
    ("titr-containers", "xian", "istanbul", "container", "25200 * T_PER_TEU", 25200, "titr", ("TITR22", "measured"),
     "TITR containers 2021 (TITR22); Türkiye as destination is an assumption (cf. the 1 millionth transit "
     "container China-Türkiye, QOG)"),
    ("titr-other", "aktau", "baku-alat", "general", "0.586e6 - 25200 * T_PER_TEU", None, "titr",
     ("RPT26+TITR22+M-DEMAND", "derived"), "TITR cargo 0.586 Mt (RPT26) less the containers' tonnage"),
]
