"""Door-to-door times and costs on the built-in data against published figures (corridor-facts)."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.model import Network
from corridor.routing import plan_routes


@pytest.fixture(scope="module")
def net() -> Network:
    return data.load("eurasia").network


# Known deviation since every border has its process (issue 11): these routes used to skip the Kazakh
# inbound border and the gauge change through the free Khorgos road transfer. With the CAREC averages
# for all rail consignments (KZ inbound 61.8 h at Dostyk/Altynkol, KZ-RU 57.2 h) and the assumed GE-TR
# border (40.6 h), they take 24.3, 25.5, 18.3 and 14.6 days: 0.3 to 2.5 days above the published range.
# Priority clearance of container block trains is not in the data. Strict: a fix makes these fail.
_TOO_SLOW = pytest.mark.xfail(strict=True, reason="CAREC average border times exceed those of container trains")


@pytest.mark.parametrize(("origin", "dest", "kw", "low", "high", "source"), [
    ("Altynkol", "Baku", {}, 8.0, 10.0, "KTAG24: Altynkol-Baku 9 days"),
    ("Altynkol", "Poti", {}, 11.0, 13.0, "KTAG24: Altynkol-Poti/Batumi 12 days"),
    ("Altynkol", "Constanta", {"via": ["poti"], "avoid_countries": ["RU"]}, 20.0, 22.0,
     "KTAG24: Altynkol-Constanța via Poti/Batumi 20-22 days"),
    ("Xian", "Istanbul", {"avoid_countries": ["RU"]}, 17.0, 23.0, "QOG: China-Türkiye 17 days; EY24 18-23"),
    # EY24's TITR 18-23 days run from the Chinese border region (KTAG24 counts Altynkol-Constanța 20-22
    # days); from Xi'an, 3,000 km further east, the model gives 23.2 days.
    pytest.param("Urumqi", "Constanta", {"avoid_countries": ["RU"]}, 18.0, 23.0, "EY24: TITR China-Europe 18-23 days",
                 marks=_TOO_SLOW),
    pytest.param("Khorgos", "Duisburg", {"avoid_countries": ["RU"]}, 18.0, 23.0, "EY24: TITR China-Europe 18-23 days",
                 marks=_TOO_SLOW),
    pytest.param("Xian", "Duisburg", {}, 12.0, 18.0, "PEM2 12-18 days; CD13 16 days", marks=_TOO_SLOW),
    pytest.param("Xian", "Malaszewicze", {}, 9.0, 14.0, "BLIP 9-10 days; NAVIS25 12-14 days", marks=_TOO_SLOW),
    ("Lianyungang", "Rotterdam", {"modes": ["sea", "rail-1435"]}, 28.0, 40.0, "EY24: maritime 28-40 days"),
])
def test_door_to_door_days(net: Network, origin: str, dest: str, kw: dict, low: float, high: float,
                           source: str) -> None:
    route = plan_routes(net, origin, dest, by="time", **kw).routes[0]
    days = route.time_h / 24
    assert low <= days <= high, f"{origin}-{dest}: {days:.1f} days, published {source}"


@pytest.mark.parametrize(("origin", "dest", "kw", "low", "high", "source"), [
    # the Caspian charge comes from the Interrail quotes (IRAIL20, DATA.md "Charges"), which put the
    # Middle Corridor at up to twice the World Bank's price: the two sources disagree
    ("Xian", "Duisburg", {"via": ["altynkol", "baku-alat", "poti", "constanta"]}, 2500, 2 * 3250,
     "WB via EY24: Middle Corridor 2,500-3,250 USD/FEU; IRAIL20 up to twice that"),
    ("Xian", "Duisburg", {"via": ["dostyk", "moscow", "brest"]}, 2599, 3121,
     "WB via EY24: Northern 2,599-3,121 USD/FEU"),
    ("Lianyungang", "Rotterdam", {"modes": ["sea"]}, 1500, 2000, "EY24: maritime 1,500-2,000 USD/FEU"),
])
def test_feu_costs(net: Network, origin: str, dest: str, kw: dict, low: float, high: float, source: str) -> None:
    route = plan_routes(net, origin, dest, by="cost", cargo="container", **kw).routes[0]
    feu = 2 * route.cost_usd
    assert low <= feu <= high, f"{origin}-{dest}: {feu:,.0f} USD/FEU, published {source}"


def test_middle_corridor_is_slower_than_northern(net: Network) -> None:
    """WB23: the Middle Corridor takes longer than the Northern route."""
    north = plan_routes(net, "Xian", "Duisburg", by="time").routes[0]
    middle = plan_routes(net, "Xian", "Duisburg", by="time", avoid_countries=["RU", "BY"]).routes[0]
    assert middle.time_h > north.time_h
    assert "RU" in north.countries and "RU" not in middle.countries
