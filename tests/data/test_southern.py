"""The Southern route of the eurasia dataset (issue 11: "The Southern route is thin").

Uzbekistan–Turkmenistan rail (Tashkent–Bukhara–Farap–Türkmenabat), the Turkmen Trans-Caspian railway
to Ashgabat and Bereket, Tejen–Sarakhs with the gauge change into Iran, and the
Kazakhstan–Turkmenistan–Iran line; every border crossing with a border clearance and every break of
gauge with a gauge change.
"""

from __future__ import annotations

import pytest

import corridor
from corridor import data
from corridor.model import Dataset

GAUGES = ("rail-1520", "rail-1435")


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return data.load("eurasia")


@pytest.mark.parametrize("name", ["Farap", "Türkmenabat", "Turkmenabat", "Chardzhou", "Ashgabat", "Mary", "Tejen",
                                  "Bukhara", "Sarakhs", "Bereket", "Etrek", "Incheh Borun", "Bolashak"])
def test_southern_places(eurasia: Dataset, name: str) -> None:
    assert eurasia.network.node(name)


def _applies(ds: Dataset, node: str, kind: str, mode_in: str, mode_out: str) -> bool:
    return any(t.kind == kind and t.applies(mode_in, mode_out) for t in ds.network.transfers_at.get(node, ()))


def test_every_break_of_gauge_has_a_gauge_change_both_ways(eurasia: Dataset) -> None:
    net = eurasia.network
    gauges: dict[str, set[str]] = {}
    for lk in net.links:
        if lk.mode in GAUGES:
            for n in (lk.a, lk.b):
                gauges.setdefault(n, set()).add(lk.mode)
    breaks = sorted(n for n, g in gauges.items() if len(g) == 2)
    assert {"sarakhs", "etrek", "dostyk", "altynkol", "akhalkalaki", "malaszewicze"} <= set(breaks)
    missing = [n for n in breaks
               if not (_applies(eurasia, n, "gauge-change", *GAUGES) and _applies(eurasia, n, "gauge-change",
                                                                                  *reversed(GAUGES)))]
    assert missing == []


def test_southern_crossings_have_a_border_clearance(eurasia: Dataset) -> None:
    net = eurasia.network
    southern = {n.id for n in net.nodes if n.country in ("UZ", "TM", "IR")}
    crossings = []
    for node in southern | {"bolashak", "saryagash"}:
        countries = {lk.country for lk in net.links if node in (lk.a, lk.b) and lk.country}
        countries.add(net.node(node).country)
        if len(countries) > 1:
            crossings.append(node)
    assert {"farap", "sarakhs", "etrek", "bolashak"} <= set(crossings)
    missing = [n for n in crossings if not _applies(eurasia, n, "border-clearance", "rail-1520", "rail-1520")
               and not _applies(eurasia, n, "border-clearance", "rail-1520", "rail-1435")]
    assert missing == []


def test_uzbekistan_reaches_iran_through_turkmenistan(eurasia: Dataset) -> None:
    best = corridor.route(eurasia, "Tashkent", "Bandar Abbas", by="cost", cargo="grain").best
    assert {"bukhara", "farap", "turkmenabat", "tejen", "sarakhs"} <= set(best.nodes)
    assert "KZ" not in best.countries


def test_uzbekistan_reaches_the_caspian_through_turkmenistan(eurasia: Dataset) -> None:
    best = corridor.route(eurasia, "Tashkent", "Turkmenbashi", by="cost", avoid_countries=["KZ"]).best
    assert {"farap", "ashgabat", "bereket"} <= set(best.nodes)


def test_farap_border_is_an_assumption_with_its_reason(eurasia: Dataset) -> None:
    farap = [t for t in eurasia.network.transfers_at["farap"] if t.kind == "border-clearance"]
    assert len(farap) == 1
    prov = farap[0].provenance["time_h"]
    assert prov.status.value == "assumption"
    assert "ASSUME-BORDER" in prov.keys
