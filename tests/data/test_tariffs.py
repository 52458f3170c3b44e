"""The eurasia tariff table: provenance of every rate, the Interrail quotes reproduced, China–Europe by cost."""

from __future__ import annotations

import pytest

from corridor import data
from corridor.model import Dataset
from corridor.model.tariffs import tariff_problems
from corridor.routing.planner import plan_routes

IRAIL20_AKTAU_FEU = 4284.32  # USD per 40', Tashkent-Aktau-Alat-Beyuk Kesik-Akhalkalaki-Derince (1 Apr 2020)
IRAIL20_TMB_FEU = 2972.33  # USD per 40', Tashkent-Turkmenbashi-Alat-...-Derince
TASHKENT_TMB_KM = 2061.6459  # DATA.md, tashkent_turkmenbashi_rail_km (M-IRAIL-FERRY)
CFTS_TEU_KM = 0.12


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return data.load("eurasia")


def test_rows_are_valid_and_sourced(eurasia: Dataset) -> None:
    net = eurasia.network
    rows = net.tariffs.rows
    assert len(rows) >= 50
    assert tariff_problems(rows, net.commodity_index) == []
    for r in rows:
        for fig, p in r.provenance.items():
            assert all(k in net.sources for k in p.keys), r.id
            if p.status.value in ("derived", "assumption"):
                kinds = {net.sources[k].kind for k in p.keys}
                assert kinds & {"method", "assumption"}, f"{r.id}.{fig}"
            assert p.status.value not in ("measured", "official"), f"{r.id}.{fig}: a rate derived here"
        if r.empty_return:
            assert "empty_return" in r.provenance, r.id


def test_links_are_priced_by_the_table(eurasia: Dataset) -> None:
    net = eurasia.network
    for lk in net.links:
        assert lk.cost_usd_per_t is None and lk.cost_usd_per_teu is None, lk.id
        for com in net.commodities:
            if lk.mode in com.modes and (not lk.commodities or com.id in lk.commodities):
                unit = "TEU" if com.unit == "TEU" else "t"
                assert net.tariffs.charge(lk, com.id, ("KZ", "DE"), unit, 1.0, 19.61) is not None, (lk.id, com.id)


def test_kazakh_rail_has_classes_and_commodities(eurasia: Dataset) -> None:
    net = eurasia.network
    ab = net.link("beyneu-aktau")
    grain_export = net.tariffs.charge(ab, "grain", ("KZ", "AZ"), "t", 1.0, 19.61)
    grain_domestic = net.tariffs.charge(ab, "grain", ("KZ", "KZ"), "t", 1.0, 19.61)
    coal = net.tariffs.charge(ab, "coal", ("KZ", "AZ"), "t", 1.0, 19.61)
    # TFI3 0.0924 USD/t-km x DTZ grain 4.13 (export) or 3.49 (interregional) / 5.37, hoppers return empty (x 2)
    assert grain_export == pytest.approx(0.0924 * 4.13 / 5.37 * 2 * ab.distance_km, rel=1e-4)
    assert grain_domestic == pytest.approx(0.0924 * 3.49 / 5.37 * 2 * ab.distance_km, rel=1e-4)
    assert coal == pytest.approx(0.0924 * 2.15 / 5.37 * ab.distance_km, rel=1e-4)


def _cost(net, o: str, d: str, cargo: str = "container", **kw) -> tuple[float, list[str]]:
    r = plan_routes(net, o, d, cargo=cargo, by="cost", **kw).routes[0]
    return r.cost_usd, list(r.nodes)


def test_interrail_quote_via_aktau_is_reproduced(eurasia: Dataset) -> None:
    """`corridor route Tashkent Derince --cargo container` on the quoted path: Derince is the Istanbul node."""
    cost, nodes = _cost(eurasia.network, "tashkent", "istanbul", via=["kyzylorda", "aktau", "akhalkalaki"],
                        avoid_nodes=["turkmenbashi", "kuryk"])
    assert {"aktau", "baku-alat", "beyuk-kesik", "akhalkalaki", "kars"} <= set(nodes)
    assert cost == pytest.approx(IRAIL20_AKTAU_FEU / 2, rel=0.01)  # tolerance 1 %


def test_interrail_quote_via_turkmenbashi_is_reproduced(eurasia: Dataset) -> None:
    """The network has no Uzbek–Turkmen rail link: the quote's Tashkent–Türkmenbaşy leg is priced apart."""
    cost, nodes = _cost(eurasia.network, "turkmenbashi", "istanbul", via=["akhalkalaki"])
    assert nodes[1] == "baku-alat"
    assert cost + CFTS_TEU_KM * TASHKENT_TMB_KM == pytest.approx(IRAIL20_TMB_FEU / 2, rel=0.01)


def test_china_europe_cheapest_by_cost_is_not_sea_to_constanta_and_rail(eurasia: Dataset) -> None:
    for origin in ("xian", "lianyungang"):
        _, nodes = _cost(eurasia.network, origin, "duisburg")
        assert "constanta" not in nodes, nodes
    # the Northern reference path still costs the World Bank westbound 3,121 USD/FEU (the calibration)
    north, nodes = _cost(eurasia.network, "xian", "duisburg", via=["dostyk", "petropavl", "moscow"],
                         avoid_nodes=["lianyungang"])
    assert north == pytest.approx(3121 / 2, rel=0.01)


def test_middle_corridor_against_the_world_bank_range(eurasia: Dataset) -> None:
    """Not a calibration: the Caspian charge comes from the Interrail quote, above the World Bank's range."""
    mc, nodes = _cost(eurasia.network, "xian", "duisburg", via=["aktau", "baku-alat", "poti", "constanta"],
                      avoid_nodes=["turkmenbashi", "lianyungang"])
    assert "baku-alat" in nodes
    assert 2500 / 2 < mc < 2 * 3250 / 2
