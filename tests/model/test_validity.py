"""Validity periods: records that exist in some years only, dated variants, overlaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor import data
from corridor.exceptions import InputError
from corridor.io import read_csv_dataset
from corridor.model import Link, Network, Node, Transfer, validate_network
from corridor.model.validity import dataset_as_of, period_problems, valid_in


def _net() -> Network:
    nodes = (Node("a", "A", "KZ", "city", 70.0, 45.0), Node("b", "B", "KZ", "city", 71.0, 45.0),
             Node("c", "C", "KZ", "city", 72.0, 45.0, valid_from=2022))
    links = (Link("ab", "a", "b", "road", distance_km=80.0, capacity_mtpa=1.0, valid_to=2022),
             Link("ab", "a", "b", "road", distance_km=80.0, capacity_mtpa=3.0, valid_from=2023),
             Link("new", "a", "b", "rail-1520", distance_km=70.0, valid_from=2023),
             Link("bc", "b", "c", "road", distance_km=90.0))
    transfers = (Transfer("c-border", "c", "border-clearance", time_h=2.0),)
    return Network("t", nodes, links, transfers)


def test_link_valid_from_2023_is_absent_in_2021() -> None:
    net = _net()
    old, new = net.as_of(2021), net.as_of(2023)
    assert "new" not in old.link_index
    assert "new" in new.link_index
    assert old.link("ab").capacity_mtpa == 1.0
    assert new.link("ab").capacity_mtpa == 3.0
    assert [lk.id for lk in old.links].count("ab") == 1


def test_a_node_that_does_not_exist_takes_its_links_and_transfers() -> None:
    old = _net().as_of(2021)
    assert "c" not in old.node_index
    assert "bc" not in old.link_index
    assert not old.transfers
    assert _net().as_of(2022).transfers


def test_none_keeps_the_current_records() -> None:
    now = _net().as_of(None)
    assert now.link("ab").capacity_mtpa == 3.0
    assert len(now.links) == 3


def test_valid_in_bounds_are_inclusive() -> None:
    lk = Link("x", "a", "b", "road", valid_from=2020, valid_to=2022)
    assert [valid_in(lk, y) for y in (2019, 2020, 2022, 2023)] == [False, True, True, False]


def test_dated_variants_are_not_duplicates_but_overlaps_are() -> None:
    net = _net()
    assert not [p for p in validate_network(net, strict=False, require_sources=False) if p.field == "id"]
    clash = Link("ab", "a", "b", "road", distance_km=80.0, valid_from=2022, origin="links.csv:9")
    problems = period_problems([*net.links, clash], "link")
    assert len(problems) == 1
    assert problems[0].where == "links.csv:9"
    assert problems[0].field == "valid_from"
    assert "2022" in problems[0].message


def test_valid_to_before_valid_from_is_an_error() -> None:
    bad = Link("x", "a", "b", "road", valid_from=2025, valid_to=2020, origin="links.csv:3")
    (p,) = period_problems([bad], "link")
    assert (p.where, p.field) == ("links.csv:3", "valid_to")


def _write(folder: Path, links: str) -> Path:
    folder.mkdir()
    (folder / "nodes.csv").write_text("id,name,country,kind,lon,lat\na,A,KZ,city,70,45\nb,B,KZ,city,71,45\n")
    (folder / "links.csv").write_text(links)
    return folder


def test_csv_overlap_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _write(tmp_path / "net", "id,a,b,mode,distance_km,speed_kmh,valid_from,valid_to\n"
                                      "ab,a,b,road,80,60,,2022\nab,a,b,road,80,60,2022,\n")
    with pytest.raises(InputError) as e:
        read_csv_dataset(folder)
    (p,) = e.value.problems
    assert p.where.endswith("links.csv:3")
    assert p.field == "valid_from"


def test_csv_year_must_be_whole(tmp_path: Path) -> None:
    folder = _write(tmp_path / "net", "id,a,b,mode,distance_km,speed_kmh,valid_from\nab,a,b,road,80,60,2022.5\n")
    with pytest.raises(InputError) as e:
        read_csv_dataset(folder)
    (p,) = e.value.problems
    assert p.where.endswith("links.csv:2")
    assert p.field == "valid_from"


def test_csv_variants_load_by_year(tmp_path: Path) -> None:
    folder = _write(tmp_path / "net", "id,a,b,mode,distance_km,speed_kmh,capacity_mtpa,valid_from,valid_to\n"
                                      "ab,a,b,road,80,60,1,,2022\nab,a,b,road,80,60,5,2023,\n")
    assert data.load(folder, year=2021).network.link("ab").capacity_mtpa == 1.0
    assert data.load(folder, year=2030).network.link("ab").capacity_mtpa == 5.0
    assert data.load(folder).network.link("ab").capacity_mtpa == 5.0  # no demand: the current records


def test_builtin_baseline_uses_what_existed_in_2021() -> None:
    def teu(year: int | None) -> float | None:
        net = data.load("eurasia", year=year).network
        return next(f.capacity_teu for f in net.facilities if f.id == "aktau-port")

    assert teu(None) == teu(2021) == 40_000  # the default is the year of the demand
    assert teu(2025) == 70_000
    assert teu(2027) == 240_000
    assert "kartsakhi-kars" not in data.load("eurasia", year=2016).network.link_index
    assert "kartsakhi-kars" in data.load("eurasia", year=2021).network.link_index


def test_every_builtin_year_is_a_valid_network() -> None:
    full = data.load("eurasia")
    for year in (2015, 2021, 2025, 2027, 2030):
        ds = dataset_as_of(data._builtin("eurasia"), year)
        ids = [lk.id for lk in ds.network.links]
        assert len(ids) == len(set(ids)), year
        problems = validate_network(ds.network, strict=False, require_sources=False)
        assert not [p for p in problems if p.severity == "error"], year
    assert full.network.meta["as_of"] == "2021"
