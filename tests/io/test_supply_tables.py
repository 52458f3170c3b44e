"""facilities.csv and fleets.csv: reading, writing, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.cli import main
from corridor.exceptions import InputError
from corridor.io import read_dataset
from corridor.io.geojson import read_geojson, write_geojson
from corridor.io.tables import write_csv_dataset
from corridor.model import Commodity, Facility, FleetGroup, Link, Network, Node, Transfer, validate_network

FERRY, RAIL = "rail-ferry", "rail-1520"


def _net() -> Network:
    nodes = (Node("p", "P", "KZ", "seaport", 50.0, 44.0), Node("q", "Q", "AZ", "seaport", 49.0, 40.0),
             Node("r", "R", "KZ", "city", 52.0, 44.0))
    links = (Link("line", "p", "q", FERRY, distance_km=400.0, time_h=20.0, departures_per_year=365.0),
             Link("rail", "r", "p", RAIL, distance_km=200.0, speed_kmh=40.0))
    transfers = (Transfer("p-load", "p", "port-handling", frozenset({RAIL}), frozenset({FERRY}), time_h=12.0,
                          facility=frozenset({"p-port"})),)
    return Network("supply", nodes, links, transfers,
                   (Commodity("coal", "Coal", "t", t_per_wagon=50.0, modes=frozenset({FERRY, RAIL})),),
                   facilities=(Facility("p-port", "p", "Port P", capacity_mtpa=3.0, capacity_teu=1000.0),),
                   fleets=(FleetGroup("g1", "f", frozenset({"line"}), "Ferries", "Op", 2.0, railcars=56.0,
                                      trucks=50.0, round_trip_h=48.0, share=0.9),
                           FleetGroup("g2", "f", frozenset({"line"}), vessels=1.0, teu=120.0, voyages_per_year=52.0)))


def test_round_trip(tmp_path: Path) -> None:
    net = _net()
    write_csv_dataset(net, tmp_path / "net")
    assert (tmp_path / "net" / "facilities.csv").exists() and (tmp_path / "net" / "fleets.csv").exists()
    back = read_dataset(tmp_path / "net").network
    assert back.facilities == net.facilities and back.fleets == net.fleets
    assert back.link("line").departures_per_year == 365.0
    assert back.transfers[0].facility == frozenset({"p-port"})
    assert back.fleets[0].origin == f"{tmp_path / 'net' / 'fleets.csv'}:2"
    assert validate_network(back, require_sources=False) == []
    write_geojson(net, tmp_path / "net.geojson")
    geo = read_geojson(tmp_path / "net.geojson").network
    assert geo.facilities == net.facilities and geo.fleets == net.fleets
    assert geo.transfers[0].facility == frozenset({"p-port"})


def test_without_the_tables_a_network_has_no_facilities_or_fleets(tmp_path: Path) -> None:
    net = _net()
    write_csv_dataset(Network("plain", net.nodes, net.links), tmp_path / "plain")
    assert not (tmp_path / "plain" / "fleets.csv").exists()
    back = read_dataset(tmp_path / "plain").network
    assert back.facilities == () and back.fleets == ()


def _write(folder: Path, name: str, text: str) -> None:
    write_csv_dataset(_net(), folder)
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("name", "text", "field", "words"), [
    ("fleets", "id,fleet,lines,vessels,round_trip_h\ng1,f,line,two,48\n", "vessels", "expected a number"),
    ("fleets", "id,fleet,lines,vessels\ng1,f,,2\n", "lines", "required"),
    ("facilities", "id,node,capacity_mtpa,capacity_tpa\nx,p,3,\n", "capacity_tpa", "unknown column"),
])
def test_reading_errors_name_file_line_and_column(tmp_path: Path, name: str, text: str, field: str,
                                                  words: str) -> None:
    _write(tmp_path / "net", name, text)
    with pytest.raises(InputError) as e:
        read_dataset(tmp_path / "net")
    problem = next(p for p in e.value.problems if p.field == field)
    assert problem.where.endswith(f"{name}.csv:{2 if words != 'unknown column' else 1}") and words in problem.message


@pytest.mark.parametrize(("name", "text", "field", "words"), [
    ("facilities", "id,node,capacity_mtpa\np-port,p,-3\n", "capacity_mtpa", "must not be negative"),
    ("facilities", "id,node,capacity_mtpa\np-port,nowhere,3\n", "node", "unknown node 'nowhere'"),
    ("facilities", "id,node,capacity_mtpa\np-port,q,3\n", "facility", "stands at 'q', not at 'p'"),
    ("facilities", "id,node,capacity_mtpa\nother,p,3\n", "facility", "unknown facility 'p-port'"),
    ("fleets", "id,fleet,lines,vessels,railcars,round_trip_h\ng1,f,lane,2,56,48\n", "lines", "unknown link 'lane'"),
    ("fleets", "id,fleet,lines,vessels,railcars\ng1,f,line,2,56\n", "round_trip_h", "needs round_trip_h"),
    ("fleets", "id,fleet,lines,vessels,railcars,round_trip_h,share\ng1,f,line,2,56,48,90\n", "share",
     "out of range"),
])
def test_checks_name_the_record_and_field(tmp_path: Path, name: str, text: str, field: str, words: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "net"
    _write(folder, name, text)
    problems = validate_network(read_dataset(folder).network, strict=False, require_sources=False)
    hit = [p for p in problems if p.field == field and words in p.message]
    assert hit, problems
    assert hit[0].where.endswith((f"{name}.csv:2", "transfers.csv:2"))
    # the command line reports it in one line each and exits 2, writing nothing
    code = main(["assign", "--network", str(folder), "--out", str(tmp_path / "flows.csv")])
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err
    assert not (tmp_path / "flows.csv").exists()
