"""The built-in eurasia dataset: coverage, provenance of every figure, and the 2021 aggregates."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor import data
from corridor.io import read_csv_dataset, read_geojson, write_csv_dataset, write_geojson
from corridor.model import CORRIDORS, Dataset, figure_statuses, validate_network


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return data.load("eurasia")


def test_size(eurasia: Dataset) -> None:
    assert len(eurasia.network.nodes) >= 40
    assert len(eurasia.network.links) >= 80
    assert len(eurasia.network.transfers) >= 20


def test_valid_without_any_problem(eurasia: Dataset) -> None:
    assert validate_network(eurasia.network, eurasia.demand, strict=True, require_sources=True) == []


def test_every_figure_has_source_and_status(eurasia: Dataset) -> None:
    statuses = figure_statuses(eurasia)
    assert "none" not in statuses
    net = eurasia.network
    for record in (*net.nodes, *net.links, *net.transfers, *eurasia.demand.rows):
        for prov in record.provenance.values():
            assert prov.keys, record
            for key in prov.keys:
                assert key in net.sources, f"{record.id}: unknown source {key}"


def test_every_link_has_known_source_and_status(eurasia: Dataset) -> None:
    for lk in eurasia.network.links:
        for fig in ("distance_km", "speed_kmh", "time_h", "cost_usd_per_t", "cost_usd_per_teu",
                    "capacity_mtpa", "capacity_teu"):
            if getattr(lk, fig) is not None:
                assert fig in lk.provenance, f"{lk.id}.{fig} has no source"


def test_sources_table_is_complete(eurasia: Dataset) -> None:
    used = {k for r in (*eurasia.network.nodes, *eurasia.network.links, *eurasia.network.transfers,
                        *eurasia.network.commodities, *eurasia.demand.rows)
            for p in r.provenance.values() for k in p.keys}
    for key in used:
        src = eurasia.network.sources[key]
        assert src.title, key
        if src.kind not in ("method", "assumption"):
            assert src.url.startswith("http") or src.publisher, key


def test_derived_and_assumed_figures_name_their_method(eurasia: Dataset) -> None:
    net = eurasia.network
    for r in (*net.nodes, *net.links, *net.transfers, *eurasia.demand.rows):
        for fig, p in r.provenance.items():
            if p.status.value in ("derived", "assumption"):
                kinds = {net.sources[k].kind for k in p.keys}
                assert kinds & {"method", "assumption"}, f"{r.id}.{fig}: {p.status} without a method or assumption"


def test_corridor_tags(eurasia: Dataset) -> None:
    tags = {lk.corridor for lk in eurasia.network.links}
    assert tags <= set(CORRIDORS)
    assert {"northern", "trans-caspian", "southern", "china-access"} <= tags


@pytest.mark.parametrize("name", [
    "Dostyk", "Altynkol", "Khorgos", "Alashankou", "Aktau", "Kuryk", "Alat", "Baku", "Poti", "Batumi",
    "Constanța", "Constanta", "Kars", "Akhalkalaki", "Istanbul", "Mersin", "Duisburg", "Małaszewicze",
    "Brest", "Novorossiysk", "Ust-Luga", "Bandar Abbas", "Tashkent", "Xi'an", "Xian", "Urumqi", "Lianyungang",
    "Turkmenbashi", "Bolashak", "Serhetyaka", "Moscow", "Tbilisi",
])
def test_required_places(eurasia: Dataset, name: str) -> None:
    assert eurasia.network.node(name)


@pytest.mark.parametrize("place", ["Dostyk", "Altynkol", "Akhalkalaki", "Brest"])
def test_gauge_changes(eurasia: Dataset, place: str) -> None:
    net = eurasia.network
    here = net.node(place).id
    near = {here} | {lk.b if lk.a == here else lk.a for lk in net.links if here in (lk.a, lk.b)}
    kinds = [t for n in near for t in net.transfers_at.get(n, ())]
    assert any(t.kind == "gauge-change" and t.applies("rail-1435", "rail-1520") for t in kinds), place
    assert any(t.kind == "gauge-change" and t.applies("rail-1520", "rail-1435") for t in kinds), place


def test_transfer_kinds(eurasia: Dataset) -> None:
    kinds = {t.kind for t in eurasia.network.transfers}
    assert {"gauge-change", "border-clearance", "port-handling"} <= kinds


def test_links_lie_in_one_country(eurasia: Dataset) -> None:
    net = eurasia.network
    for lk in net.links:
        a, b = net.node(lk.a), net.node(lk.b)
        if lk.country:
            assert lk.country in (a.country, b.country), lk.id


def test_round_trips(eurasia: Dataset, tmp_path: Path) -> None:
    again = read_csv_dataset(write_csv_dataset(eurasia, tmp_path / "csv"))
    assert again.network.links == eurasia.network.links
    assert again.demand.rows == eurasia.demand.rows
    gj = read_geojson(write_geojson(eurasia, tmp_path / "e.geojson"))
    assert gj.network.nodes == eurasia.network.nodes
    assert gj.network.transfers == eurasia.network.transfers
    assert again.network.tariffs.rows == gj.network.tariffs.rows == eurasia.network.tariffs.rows


def _group(ds: Dataset, group: str) -> tuple[float, float]:
    rows = ds.demand.filter(group=group)
    return rows.total_tonnes(), rows.total_teu()


@pytest.mark.parametrize(("what", "published"), [
    ("kz rail exports vs 90 Mt loaded for export (RN22)", 90e6),
    ("kz rail exports vs 83.5 Mt derived from KT22", 83.5e6),
    ("kz rail exports vs 81 Mt by rail (press, unverified)", 81e6),
])
def test_rail_exports_match_published_aggregates(eurasia: Dataset, what: str, published: float) -> None:
    tonnes, _ = _group(eurasia, "kz-export-rail")
    assert tonnes == pytest.approx(published, rel=0.10), what


def test_commodity_aggregates(eurasia: Dataset) -> None:
    rail = eurasia.demand.filter(group="kz-export-rail").by_commodity()
    assert rail["coal"] == pytest.approx(32e6, rel=0.10)  # RN22
    assert rail["grain"] == pytest.approx(6.8e6, rel=0.10)  # RN22
    europe = sum(r.tonnes for r in eurasia.demand.filter(group="kz-export-rail")
                 if r.destination == "eu-north")
    assert europe == pytest.approx(6.5e6, rel=0.10)  # KT22: rail exports to Europe (the EU north market)


def test_oil_pipeline_and_transit_aggregates(eurasia: Dataset) -> None:
    # the CPC's 53.1 Mt (NT22) is a calibration target (targets.csv), no longer a demand row
    assert not any(r.id == "crude-cpc" for r in eurasia.demand)
    crude, _ = _group(eurasia, "kz-export-pipeline")
    assert crude == pytest.approx(67.6e6, rel=0.10)  # KUR21
    _, teu = _group(eurasia, "transit-china-europe")
    assert teu == pytest.approx(660_000, rel=0.10)  # LOK22
    titr_t, titr_teu = _group(eurasia, "titr")
    assert titr_t == pytest.approx(0.586e6, rel=0.10)  # RPT26
    assert titr_teu == pytest.approx(25_200, rel=0.10)  # TITR22


def test_every_demand_row_explains_itself(eurasia: Dataset) -> None:
    for r in eurasia.demand:
        assert r.note, r.id
        assert "tonnes" in r.provenance, r.id
