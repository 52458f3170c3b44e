from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.io import write_csv_dataset
from corridor.model import Dataset


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_info_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "network", "info", "--json")
    assert code == 0
    d = json.loads(out)
    for key in ("nodes", "links", "transfers", "countries", "modes", "commodities"):
        assert key in d
    assert d["nodes"] >= 40 and d["links"] >= 80
    assert set(d["commodities"]) == {"container", "grain", "coal", "metals", "oil", "general"}
    assert d["figures_by_status"].get("none", 0) == 0


def test_info_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "network", "info")
    assert code == 0
    assert "eurasia" in out and "links by mode" in out and "Mt/yr" in out


def test_info_on_own_network(capsys: pytest.CaptureFixture[str], tiny_dataset: Dataset, tmp_path: Path) -> None:
    write_csv_dataset(tiny_dataset, tmp_path / "mine")
    code, out, _ = run(capsys, "network", "info", "--network", str(tmp_path / "mine"), "--json")
    assert code == 0
    assert json.loads(out)["links"] == 4


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_export_then_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str) -> None:
    out = tmp_path / ("net.geojson" if fmt == "geojson" else "net")
    code, _, err = run(capsys, "network", "export", "--format", fmt, str(out))
    assert code == 0, err
    code, stdout, err = run(capsys, "network", "validate", str(out))
    assert code == 0, err
    assert "valid" in stdout


def test_validate_reports_problems_one_per_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "nodes.csv").write_text("id,name,country,kind,lon,lat\na,A,KZ,city,70,45\nb,B,KZ,city,71,45\n")
    (folder / "links.csv").write_text("id,a,b,mode,distance_km,speed_kmh,capacity_mtpa\n"
                                      "ab,a,b,rail-1520,100,40,-3\nbc,b,c,rail-1520,100,40,\n")
    code, _, err = run(capsys, "network", "validate", str(folder))
    assert code == 2
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert f"{folder / 'links.csv'}:2: capacity_mtpa: must not be negative, got -3" in lines
    assert f"{folder / 'links.csv'}:3: b: unknown node 'c'" in lines
    assert "Traceback" not in err


def test_validate_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "x.geojson"
    bad.write_text('{"type": "Feature"}')
    code, out, _ = run(capsys, "network", "validate", str(bad), "--json")
    assert code == 2
    d = json.loads(out)
    assert d["valid"] is False and d["problems"][0]["field"] == "type"


@pytest.mark.parametrize("content", ["", "{not json", '{"type": "Feature"}', "\x00\x01binary"])
def test_bad_network_option_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str) -> None:
    bad = tmp_path / "x.geojson"
    bad.write_text(content)
    code, out, err = run(capsys, "network", "info", "--network", str(bad))
    assert code == 2
    assert str(bad) in err and "Traceback" not in err and out == ""


def test_unwritable_output_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "network", "export", "--format", "csv", str(blocker / "sub" / "out"))
    assert code == 2
    assert "Traceback" not in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "network", "export", "--format", "shapefile", "x")
    assert code == 2


def test_help_is_lazy() -> None:
    """`corridor --help` must not import the numeric stack (it starts in well under a second)."""
    code = ("import sys, corridor.cli; heavy = [m for m in ('numpy', 'pandas', 'scipy') if m in sys.modules];"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_console_script(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "corridor"
    if not exe.exists():
        pytest.skip("console script not installed")
    p = subprocess.run([str(exe), "network", "validate", str(tmp_path / "missing.geojson")],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "missing.geojson" in p.stderr and "Traceback" not in p.stderr


def test_export_format_follows_the_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "network", "export", str(tmp_path / "net.geojson"))[0] == 0
    assert (tmp_path / "net.geojson").is_file()
    assert run(capsys, "network", "export", str(tmp_path / "net") + "/")[0] == 0  # a folder: CSV tables
    assert (tmp_path / "net" / "nodes.csv").is_file() and (tmp_path / "net" / "fleets.csv").is_file()
