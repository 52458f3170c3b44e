"""``corridor network import-osm``: writes a valid CSV network that routes, merges, and rejects bad input with 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.io.osm_pbf import scene, write_pbf

from corridor.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scene(tmp_path_factory.mktemp("osm") / "scene.osm.pbf")


def test_import_writes_valid_network_that_routes(capsys: pytest.CaptureFixture[str], extract: Path,
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "net"
    code, out, err = run(capsys, "network", "import-osm", str(extract), "--out", str(folder), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["nodes"] == 7 and report["border_crossings"] == 1 and report["path"] == str(folder)
    assert report["skipped_ways"]["railway=abandoned"] == 1 and report["unplaced"][0]["name"] == "Far Away"
    code, out, err = run(capsys, "network", "validate", str(folder))
    assert code == 0, err
    code, out, err = run(capsys, "route", "Alpha", "Gamma", "--network", str(folder), "--by", "time", "--json")
    assert code == 0, err
    route = json.loads(out)["routes"][0]
    assert route["nodes"] == ["alpha", "osm-n3", "epsilon", "beta", "border-kz-cn-w12", "gamma"]
    assert route["border_crossings"] == 1


def test_human_summary_and_default_folder(capsys: pytest.CaptureFixture[str], extract: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "network", "import-osm", str(extract), "--country", "kz")
    assert code == 0, err
    assert "6 nodes, 5 links" in out and "skipped ways" in out and "wrote scene-network" in err
    assert (tmp_path / "scene-network" / "nodes.csv").exists()


def test_merge_reports_unmatched(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    nodes = {1: (82.5, 45.2, {"railway": "station", "name": "Достык", "name:en": "Dostyk"}), 2: (82.0, 45.5, {}),
             3: (81.5, 45.9, {"railway": "station", "name": "Nowhere"})}
    path = write_pbf(tmp_path / "dostyk.osm.pbf", nodes, {10: ([1, 2, 3], {"railway": "rail", "gauge": "1520"})})
    code, out, err = run(capsys, "network", "import-osm", str(path), "--country", "KZ", "--merge", "eurasia",
                         "--out", str(tmp_path / "merged"))
    assert code == 0, err
    assert "1 terminal(s) matched, 1 not" in out and "unmatched terminals" in out and "Nowhere" in out
    code, out, err = run(capsys, "network", "import-osm", str(path), "--country", "KZ", "--merge", "eurasia",
                         "--out", str(tmp_path / "merged2"), "--json")
    merge = json.loads(out)["merge"]
    assert merge["matched_terminals"][0]["base"] == "dostyk" and merge["unmatched_terminals"][0]["osm"] == "nowhere"
    code, out, err = run(capsys, "route", "Nowhere", "Aktogay", "--network", str(tmp_path / "merged"), "--by",
                         "time", "--json")
    assert code == 0, err


def test_merge_that_leaves_parts_apart_fails(capsys: pytest.CaptureFixture[str], extract: Path,
                                             tmp_path: Path) -> None:
    code, _, err = run(capsys, "network", "import-osm", str(extract), "--country", "KZ", "--merge", "eurasia",
                       "--out", str(tmp_path / "m"))
    assert code == 2 and "not connected to the rest of the network" in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.osm.pbf"], "missing.osm.pbf: no such file"),
    (["notes.txt"], "notes.txt: not an OSM file"),
    (["bad.osm.pbf"], "bad.osm.pbf: osmium cannot read it as OSM data"),
    (["road.osm.pbf"], "road.osm.pbf: railway: no railway=rail way to import"),
    (["scene.osm.pbf", "--country", "KAZ"], "--country: 'KAZ' is not an ISO 3166-1 alpha-2"),
    (["scene.osm.pbf", "--country", "UZ"], "country: no track of the extract lies in UZ"),
    (["scene.osm.pbf", "--default-gauge", "1067"], "--default-gauge: gauge: '1067' is not a gauge"),
])
def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, extract: Path, args: list[str],
                           message: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "bad.osm.pbf").write_bytes(b"\x00\x01 not protobuf")
    write_pbf(tmp_path / "road.osm.pbf", {1: (70.0, 45.0, {}), 2: (71.0, 45.0, {})},
              {10: ([1, 2], {"highway": "primary"})})
    (tmp_path / "scene.osm.pbf").write_bytes(extract.read_bytes())
    file, *rest = args
    code, out, err = run(capsys, "network", "import-osm", str(tmp_path / file), *rest, "--out", str(tmp_path / "o"))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
