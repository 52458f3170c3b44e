"""The CPMM and time/cost–distance pages, and the ``corridor analytics cpmm|tcd`` commands.

The logs are written by hand here (the UNESCAP constructed leg of the reference, Part B2.4, and a
second section whose trips differ), so that these tests depend on no generator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.report.html_checks import assert_fragment, assert_page

import corridor
from corridor.cli import main
from corridor.report import render_cpmm, render_tcd

HEADER = "shipment,commodity,mode,event,node,time,km,tonnes,cost_type,cost_usd,direction,bcp,source\n"
# Three trips on the lines of B2.4 (road 200 km, transfer at Lanzhou, rail 1,000 km, border at Dostyk,
# rail 500 km) with different border times and fees, and one trip of another section with a port call.
TRIP = """\
{s},containers,road,departure,Xian,2024-03-01T00:00:00Z,0,20,,,outbound,,{src}
{s},containers,road,transshipment_start,Lanzhou,2024-03-01T04:00:00Z,200,20,road,300,outbound,,{src}
{s},containers,rail,transshipment_end,Lanzhou,2024-03-01T10:00:00Z,,20,transfer,120,outbound,,{src}
{s},containers,rail,border_entry,Dostyk,2024-03-02T11:00:00Z,1200,20,rail,{fee},outbound,Dostyk,{src}
{s},containers,rail,border_exit,Dostyk,2024-03-0{day}T17:00:00Z,1200,20,customs,150,outbound,Dostyk,{src}
{s},containers,rail,arrival,Aktau,2024-03-0{arr}T05:30:00Z,1700,20,rail,400,outbound,,{src}
"""
PORT = """\
P1,containers,sea,departure,Aktau,2024-04-01T00:00:00Z,0,20,,,outbound,,{src}
P1,containers,sea,port_call_start,Baku,2024-04-01T20:00:00Z,460,20,ferry,900,outbound,,{src}
P1,containers,sea,port_call_end,Baku,2024-04-02T20:00:00Z,,20,port dues,200,outbound,,{src}
P1,containers,rail,arrival,Poti,2024-04-03T20:00:00Z,1290,20,rail,600,outbound,,{src}
"""


def _write(tmp_path: Path, src: str) -> Path:
    text = HEADER + "".join(TRIP.format(s=s, src=src, fee=fee, day=day, arr=arr)
                            for s, fee, day, arr in (("T1", 900, 3, 4), ("T2", 700, 4, 5), ("T3", 1000, 3, 4)))
    p = tmp_path / "log.csv"
    p.write_text(text + PORT.format(src=src), encoding="utf-8")
    return p


@pytest.fixture
def observed(tmp_path: Path) -> Path:
    return _write(tmp_path, "forwarder survey 2024")


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return _write(tmp_path, "synthetic demo seed 7")


def test_cpmm_page(observed: Path) -> None:
    perf = corridor.cpmm(observed)
    html = perf.to_html()
    page = assert_page(html)
    assert page.count("svg") >= 3  # a strip chart per BCP row and a TCD chart per section
    for text in ("border Dostyk", "transshipment Lanzhou", "port Baku", "Xian → Aktau", "Aktau → Poti",
                 "TFI1 time to clear the border", "TFI3", "SWOD", "By month", "2024-03"):
        assert text in html, text
    assert "Synthetic log" not in html
    assert_fragment(perf._repr_html_())


def test_synthetic_logs_say_so(synthetic: Path) -> None:
    perf = corridor.cpmm(synthetic)
    assert perf.synthetic
    for html in (perf.to_html(), corridor.tcd(synthetic).to_html(), perf._repr_html_()):
        assert "Synthetic log" in html


def test_tcd_page_and_fragment(observed: Path) -> None:
    t = corridor.tcd(observed)
    html = t.to_html(title="TCD test")
    assert_page(html)
    assert "<svg" in html and "cumulative time (h)" in html and "cumulative cost (USD)" in html
    assert "border Dostyk" in html and "port Baku" in html
    assert "median at the nodes every trip passes" in html  # Xian → Aktau: three trips, same nodes
    assert_fragment(t._repr_html_())


def test_renderers_take_the_json(observed: Path) -> None:
    perf = corridor.cpmm(observed)
    d = json.loads(json.dumps(perf.to_dict()))
    t = json.loads(json.dumps(perf.tcd.to_dict()))
    assert_page(render_cpmm(d, t, synthetic=False))
    assert_page(render_tcd(t))
    empty = render_tcd({"by": ["section"], "synthetic": False, "points": [], "corridors": [], "stops": []})
    assert "No trip with km markers" in empty


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_cpmm_json_and_report(capsys: pytest.CaptureFixture[str], observed: Path, tmp_path: Path) -> None:
    report = tmp_path / "cpmm.html"
    code, out, err = _run(capsys, "analytics", "cpmm", str(observed), "--json", "--report", str(report))
    assert code == 0, err
    d = json.loads(out)
    assert {"crossings", "trips", "border_by_bcp", "travel_by_section", "travel_by_month"} <= set(d)
    assert {r["indicator"] for r in d["border_by_bcp"]} == {"tfi1_h", "tfi2_usd"}
    assert {"swd_kmh", "swod_kmh", "tfi3_usd"} <= {r["indicator"] for r in d["travel_by_section"]}
    assert report.exists() and "border Dostyk" in report.read_text(encoding="utf-8")
    code, out, _ = _run(capsys, "analytics", "cpmm", str(observed))
    assert code == 0 and "Dostyk" in out


def test_cli_tcd(capsys: pytest.CaptureFixture[str], synthetic: Path, tmp_path: Path) -> None:
    code, out, err = _run(capsys, "analytics", "tcd", str(synthetic), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["synthetic"] is True and d["by"] == ["section"]
    assert {r["section"] for r in d["corridors"]} == {"Xian → Aktau", "Aktau → Poti"}
    code, out, _ = _run(capsys, "analytics", "tcd", str(synthetic), "--section", "Xian -> Aktau", "--shipment", "T2",
                        "--report", str(tmp_path / "t.html"))
    assert code == 0
    assert "Xian → Aktau" in out and "border Dostyk" in out and "synthetic" in out
    assert (tmp_path / "t.html").exists()


def test_cli_bad_log_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, observed: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "S,c,road,departure,A,2024-01-01T00:00:00,0,20,,,,,x\n", encoding="utf-8")
    for cmd in ("cpmm", "tcd"):
        code, _, err = _run(capsys, "analytics", cmd, str(bad))
        assert code == 2
        assert "error: " in err and "no time zone" in err and "Traceback" not in err
    code, _, err = _run(capsys, "analytics", "tcd", str(observed), "--section", "A → Q")
    assert code == 2 and "error: --section: no section 'A → Q'" in err
