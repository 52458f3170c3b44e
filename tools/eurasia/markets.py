"""Markets and oil gateways of the eurasia dataset ("markets, not ports", issue 12 item 1).

Demand rows that are sales to world, European, Turkish, Chinese or Iranian buyers end at a node of
kind ``market`` instead of a fixed port; the engines choose the export gateway (port, border
crossing, pipeline) on the way. In the formats of nodes.py, links.py and transfers.py:

- ``NODES``: the market nodes (``thru`` false: cargo ends there, it never passes through) and the
  Ceyhan oil terminal at the end of the Baku-Tbilisi-Ceyhan pipeline;
- ``LINKS``: the market access links (one-way into the market) and the oil pipelines added with the
  markets (BTC, the Transneft onward line from Samara);
- ``TRANSFERS``: the border processes these need (the tanker-to-pipeline handling at Alat is Alat's
  port handling, ``alat-port-in``; Ceyhan's port handling is in transfers.py).

Market access links (method M-MARKET, see DATA.md "Markets and gateways"):

- a market that sits at an existing hub (EU north at Duisburg, Türkiye at Istanbul, China at
  Ürümqi, Iran and the Gulf at Bandar Abbas) is reached from that hub by a link of zero length in
  the hub's mode: cargo is delivered there and pays what the network's links to the hub already
  charge; the gateway choice happens upstream (which border crossing, which port, which sea route);
- a market reached by sea (EU south, the world sea market, and EU north through Rotterdam) gets one
  sea link from every port that can serve it; its length is the searoute lane length and it is
  priced and timed by the tariff rows and speeds of every other sea link (sea-bulk, sea-teu,
  M-SEA): no new rate.
"""

from __future__ import annotations

MARKETS = ("eu-north", "eu-south", "world-sea", "turkiye", "china", "iran-gulf")
"""Ids of the market nodes."""

NODES = [
    ("eu-north", "EU north market (Rhine-Ruhr)", "DE", "market", ("geo", "Duisburg"), ("EU north", "Northern Europe"),
     "", "market: buyers in north-western Europe, represented by the Rhine-Ruhr at Duisburg; reached by rail at "
         "Duisburg or by sea through Rotterdam"),
    ("eu-south", "EU south market (Mediterranean)", "IT", "market", ("geo", "Trieste"),
     ("EU south", "Mediterranean Europe"), "",
     "market: buyers in southern Europe, represented by the northern Adriatic at Trieste; reached by sea"),
    ("world-sea", "World sea market (central Mediterranean)", "MT", "market", ("geo", "Valletta"),
     ("world market", "world oil market", "sea market"), "",
     "market: crude and bulk sold at sea, represented by the central Mediterranean (Valletta), where the lanes "
     "to Suez and Gibraltar part; reached by sea from the export ports"),
    ("turkiye", "Türkiye market (Marmara)", "TR", "market", ("src", 41.0082, 28.9784, "SEAPORTS", "indicative"),
     ("Turkey market", "Türkiye"), "", "market: Turkish buyers, represented by the Marmara region at Istanbul"),
    ("china", "China market (Xinjiang)", "CN", "market", ("geo", "Ürümqi"), ("China market",), "",
     "market: Chinese buyers, represented by the Xinjiang rail hub of Ürümqi"),
    ("iran-gulf", "Iran and the Gulf market (Bandar Abbas)", "IR", "market",
     ("src", 27.18, 56.27, "SEAPORTS", "indicative"), ("Iran market", "Gulf market"), "",
     "market: buyers in Iran and the Gulf, represented by Bandar Abbas"),
    ("ceyhan", "Ceyhan", "TR", "seaport", ("geo", "Ceyhan"), ("Ceyhan Marine Terminal", "BTC terminal"), "",
     "Ceyhan Marine Terminal on the Mediterranean, end of the Baku-Tbilisi-Ceyhan pipeline (BP-BTC); town "
     "coordinates"),
]

# ports that load cargo for the sea markets
TO_EU_SOUTH = ("novorossiysk", "poti", "batumi", "constanta", "istanbul", "mersin", "ceyhan")
TO_WORLD_SEA = ("novorossiysk", "ust-luga", "poti", "batumi", "constanta", "istanbul", "mersin", "ceyhan",
                "bandar-abbas")

ONE_WAY = {"oneway": True}

LINKS = [
    # --- markets at a hub: a zero-length delivery link (M-MARKET) -----------------------------------------
    ("duisburg-eu-north", "duisburg", "eu-north", "rail-1435", "other", "DE", ("zero",),
     {**ONE_WAY, "note": "market access: delivery in the EU north market at Duisburg (M-MARKET)"}),
    ("rotterdam-eu-north", "rotterdam", "eu-north", "rail-1435", "maritime", "NL", ("gc",),
     {**ONE_WAY, "note": "market access from the sea: Rotterdam to the Rhine-Ruhr, as rotterdam-duisburg "
                         "(Betuweroute; most of the length in the Netherlands)"}),
    ("istanbul-turkiye", "istanbul", "turkiye", "rail-1435", "other", "TR", ("zero",),
     {**ONE_WAY, "note": "market access: delivery in the Türkiye market at Istanbul (M-MARKET)"}),
    ("urumqi-china", "urumqi", "china", "rail-1435", "china-access", "CN", ("zero",),
     {**ONE_WAY, "note": "market access: delivery in the China market at Ürümqi (M-MARKET)"}),
    ("bandar-abbas-iran-gulf", "bandar-abbas", "iran-gulf", "rail-1435", "southern", "IR", ("zero",),
     {**ONE_WAY, "note": "market access: delivery in the Iran and Gulf market at Bandar Abbas (M-MARKET)"}),
    # --- sea markets: one sea link from each port (searoute length, sea tariffs and speed) ----------------
    *((f"{port}-eu-south", port, "eu-south", "sea", "other", "", ("sea",),
       {**ONE_WAY, "note": "market access by sea (M-MARKET)"}) for port in TO_EU_SOUTH),
    *((f"{port}-world-sea", port, "world-sea", "sea", "other", "", ("sea",),
       {**ONE_WAY, "note": "market access by sea (M-MARKET)"}) for port in TO_WORLD_SEA),
    # --- oil gateways ---------------------------------------------------------------------------------------
    ("btc-pipeline", "baku-alat", "ceyhan", "pipeline", "trans-caspian", "TR", ("src", 1768, "BP-BTC", "official"),
     {"commodities": {"oil"}, "oneway": True,
      "capacity_mtpa": (60 - 26, "ENS23+M-SPARE", "derived"),
      "note": "Baku-Tbilisi-Ceyhan pipeline, 1,768 km: 443 km in Azerbaijan, 249 in Georgia, 1,076 in Türkiye "
              "(BP-BTC), so taken as Turkish; it starts at the Sangachal terminal between Baku and Alat, for which "
              "the Alat port node stands in (Kazakh crude arrives by tanker from Aktau, BP-BTC). Capacity: design "
              "60 Mt/yr (ENS23; BP-BTC: 1.2 million b/d since 2009) less the 26 Mt/yr of Azerbaijani and other "
              "oil it carries (ENS23, c. 2023, standing in for 2021), which the demand table lacks"}),
    ("samara-novorossiysk-pipeline", "samara", "novorossiysk", "pipeline", "northern", "RU", ("gc",),
     {"commodities": {"oil"}, "oneway": True,
      "note": "Transneft trunk lines carrying Kazakh oil from the Atyrau-Samara link on to Novorossiysk (TARAZ23); "
              "length great circle x rail circuity (no pipeline length found); capacity not sourced (none set)"}),
]

NO_STOP = {"time_h": (0.0, "ASSUME-NO-STOP", "assumption")}

TRANSFERS = [
    ("eu-north-border", "eu-north", "border-clearance", set(), set(),
     {**NO_STOP, "note": "NL-DE: EU internal border (cargo from Rotterdam into the EU north market)"}),
    ("alat-btc-border", "baku-alat", "border-clearance", set(), {"pipeline"},
     {**NO_STOP, "note": "crude enters the BTC pipeline, which crosses Georgia into Türkiye; metered at the "
                         "terminals"}),
]
