from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from tests.strategies import datasets

from corridor import data
from corridor.exceptions import InputError
from corridor.io import read_csv_dataset, read_dataset, write_csv_dataset
from corridor.model import Dataset, validate_network


def _same(a: Dataset, b: Dataset) -> None:
    assert a.network.nodes == b.network.nodes
    assert a.network.links == b.network.links
    assert a.network.transfers == b.network.transfers
    assert a.network.commodities == b.network.commodities
    assert a.network.sources == b.network.sources
    assert a.demand.rows == b.demand.rows
    for x, y in zip(a.network.links, b.network.links, strict=True):
        assert x.provenance == y.provenance
    for x, y in zip(a.network.nodes, b.network.nodes, strict=True):
        assert x.provenance == y.provenance


def test_round_trip(tiny_dataset: Dataset, tmp_path: Path) -> None:
    write_csv_dataset(tiny_dataset, tmp_path / "net")
    again = read_csv_dataset(tmp_path / "net")
    _same(tiny_dataset, again)
    assert validate_network(again.network, again.demand) == []
    assert read_dataset(tmp_path / "net").network.links == tiny_dataset.network.links


@given(datasets())
def test_round_trip_random(tmp_path_factory: pytest.TempPathFactory, ds: Dataset) -> None:
    folder = tmp_path_factory.mktemp("rt") / "net"
    write_csv_dataset(ds, folder)
    _same(ds, read_csv_dataset(folder))


def _write(folder: Path, nodes: str, links: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "nodes.csv").write_bytes(nodes.encode() if isinstance(nodes, str) else nodes)
    (folder / "links.csv").write_bytes(links.encode() if isinstance(links, str) else links)
    return folder


NODES = "id,name,country,kind,lon,lat\na,A,KZ,city,70,45\nb,B,KZ,city,71,45\n"
LINKS = "id,a,b,mode,distance_km,speed_kmh\nab,a,b,rail-1520,100,40\n"


def _error(tmp_path: Path, nodes: str | bytes = NODES, links: str | bytes = LINKS) -> str:
    with pytest.raises(InputError) as err:
        read_csv_dataset(_write(tmp_path / "net", nodes, links))
    return str(err.value)


def test_minimal_network_reads(tmp_path: Path) -> None:
    folder = _write(tmp_path / "net", NODES, LINKS)
    ds = read_csv_dataset(folder)
    assert len(ds.network.links) == 1
    assert ds.network.commodities == ()  # io knows no commodities of its own
    assert ds.network.nodes[0].thru is True
    # the data layer passes the standard commodities in
    assert {c.id for c in data.load(folder).network.commodities} >= {"container", "coal", "grain"}


@pytest.mark.parametrize(("links", "expected"), [
    ("", "links.csv: file is empty"),
    ("id,a,b,mode,distance_km,speed_kmh\nab,a,b,rail-1520,abc,40\n",
     "links.csv:2: distance_km: expected a number, got 'abc'"),
    ("id,a,b,mode,distance_km,speed_kmh\nab,a,b,rail-1520,NaN,40\n", "links.csv:2: distance_km: is NaN"),
    ("id,a,b,mode,distance_km,speed_kmh\nab,a,b,rail-1520,100\n", "links.csv:2: has 5 fields, the header has 6"),
    ("id,a,b,mode,distance_mi,speed_kmh\nab,a,b,rail-1520,100,40\n",
     "links.csv:1: distance_mi: unknown column (expected distance_km"),
    ("id,a,mode,distance_km\nab,a,rail-1520,100\n", "links.csv:1: b: required column(s) missing"),
    ("id,a,b,mode,distance_km,speed_kmh,oneway\nab,a,b,rail-1520,100,40,maybe\n", "links.csv:3: oneway" ),
    ("id,a,b,mode,distance_km,speed_kmh,distance_km_source,distance_km_status\n"
     "ab,a,b,rail-1520,100,40,X,guessed\n", "links.csv:2: distance_km_status: unknown status 'guessed'"),
    ("id,a,b,mode,distance_km,speed_kmh\n,a,b,rail-1520,100,40\n", "links.csv:2: id: is required but empty"),
])
def test_malformed_links(tmp_path: Path, links: str, expected: str) -> None:
    if "maybe" in links:
        expected = "links.csv:2: oneway: expected true or false, got 'maybe'"
    assert expected in _error(tmp_path, links=links)


def test_binary_garbage(tmp_path: Path) -> None:
    assert "links.csv: is a binary file" in _error(tmp_path, links=bytes(range(256)) * 8)


def test_not_utf8(tmp_path: Path) -> None:
    assert "links.csv:2: is not valid UTF-8" in _error(tmp_path, links=b"id,a,b\n\xff\xfe,a,b\n")


def test_huge_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corridor.io.files.MAX_INPUT_BYTES", 1000)
    big = LINKS + "".join(f"l{i},a,b,rail-1520,100,40\n" for i in range(100))
    assert "links.csv: file is" in _error(tmp_path, links=big)
    assert "MB limit" in _error(tmp_path, links=big)


def test_missing_links_file(tmp_path: Path) -> None:
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES)
    with pytest.raises(InputError, match=r"links.csv: file not found"):
        read_csv_dataset(folder)


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    text = _error(tmp_path, nodes="id,name,country,kind,lon,lat\na,A,KZ,city,x,45\nb,B,KZ,city,71,\n",
                  links="id,a,b,mode,distance_km,speed_kmh\nab,a,b,rail-1520,-,40\n")
    assert "nodes.csv:2: lon:" in text
    assert "nodes.csv:3: lat:" in text
    assert "links.csv:2: distance_km:" in text


def test_write_is_atomic(tiny_dataset: Dataset, tmp_path: Path) -> None:
    """A folder in the way of one table: nothing in the existing folder is replaced."""
    out = tmp_path / "net"
    write_csv_dataset(tiny_dataset, out)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    (out / "demand.csv").unlink()
    (out / "demand.csv").mkdir()
    smaller = Dataset(tiny_dataset.network.without(["east"]))
    with pytest.raises(InputError) as err:
        write_csv_dataset(smaller, out)
    assert str(err.value) == f"{out / 'demand.csv'}: is a folder; cannot replace it with a file"
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()} == {
        k: v for k, v in before.items() if k != "demand.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net"]


def test_read_demand_csv(tiny_dataset: Dataset, tmp_path: Path) -> None:
    from corridor.io import read_demand_csv

    write_csv_dataset(tiny_dataset, tmp_path / "net")
    assert read_demand_csv(tmp_path / "net" / "demand.csv").rows == tiny_dataset.demand.rows
    bad = tmp_path / "bad.csv"
    bad.write_text("id,origin,destination,commodity,year,tonnes\nr1,a,b,coal,2021,-\n")
    with pytest.raises(InputError, match=r"bad.csv:2: tonnes: expected a number"):
        read_demand_csv(bad)
