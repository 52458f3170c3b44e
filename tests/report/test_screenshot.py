"""A report as a person sees it: headless Chromium renders every view offline, loads nothing, and shows it."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from corridor.report import (
    render_assignment,
    render_comparisons,
    render_hub,
    render_routes,
    render_sweep,
    write_assignment,
    write_comparisons,
    write_hub,
    write_routes,
    write_sweep,
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data: bytes) -> np.ndarray:
    """Pixels of an 8-bit RGB or RGBA PNG as an array (height, width, channels); standard library + NumPy."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8, "8-bit PNGs only"
    assert colour in (2, 6), "RGB or RGBA only"
    assert interlace == 0
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=start + 1)
        if kind == 0:
            cur = line.copy()
        elif kind == 1:  # Sub: a running sum (mod 256) along each channel
            cur = np.cumsum(line.reshape(width, bpp), axis=0, dtype=np.uint8).reshape(stride)
        elif kind == 2:  # Up
            cur = line + prev
        else:  # Average and Paeth depend on the decoded left neighbour: byte by byte
            row, up = bytearray(line.tobytes()), prev.tobytes()
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                ul = up[i - bpp] if i >= bpp else 0
                pred = (left + up[i]) // 2 if kind == 3 else _paeth(left, up[i], ul)
                row[i] = (row[i] + pred) & 0xFF
            cur = np.frombuffer(bytes(row), dtype=np.uint8)
        out[y] = cur
        prev = cur
    return out.reshape(height, width, bpp)


def _chromium(html: Path, png: Path, size: str) -> Path:
    """Screenshot ``html`` offline (every host resolves to nothing); the net log of the run."""
    netlog = png.with_suffix(".netlog.json")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={png.parent / 'profile'}", f"--log-net-log={netlog}", f"--screenshot={png}",
           f"--window-size={size}", html.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return netlog


def page_requests(netlog: Path) -> list[str]:
    """The URLs that the page (not the browser's own background services) asked for beyond ``file:``."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    out = []
    for e in log["events"]:
        params = e.get("params") or {}
        if e["type"] == start and "file://" in str(params.get("network_isolation_key", "")):
            url = str(params.get("url", ""))
            if not url.startswith(("file:", "data:")):
                out.append(url)
    return out


def _screenshot(html: Path, png: Path, size: str = "1300,1800") -> np.ndarray:
    netlog = _chromium(html, png, size)
    assert page_requests(netlog) == []  # nothing loaded from the network
    return decode_png(png.read_bytes())


def _not_blank(px: np.ndarray, *, colours: int = 100, ink: float = 0.05) -> np.ndarray:
    rgb = px[..., :3].reshape(-1, 3)
    assert len(np.unique(rgb[::7], axis=0)) > colours
    non_white = np.any(rgb < 235, axis=1).mean()
    assert non_white > ink, non_white
    return rgb


def _has(rgb: np.ndarray, colour: str, *, at_least: int = 200, tol: int = 12) -> bool:
    want = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int(np.all(np.abs(rgb.astype(int) - want) <= tol, axis=1).sum()) >= at_least


def test_decode_png_round_trip():
    # a 3x2 RGB image with one row per filter type we write by hand: None and Sub
    rows = [bytes([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]), bytes([1, 5, 5, 5, 1, 1, 1, 250, 0, 0])]
    ihdr = struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    png = b"\x89PNG\r\n\x1a\n" + body
    px = decode_png(png)
    assert px.shape == (2, 3, 3)
    assert px[0].tolist() == [[10, 20, 30], [40, 50, 60], [70, 80, 90]]
    assert px[1].tolist() == [[5, 5, 5], [6, 6, 6], [0, 6, 6]]


needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="chromium is not installed (Debian: apt-get install chromium)")


@needs_chromium
def test_the_network_check_sees_a_page_that_loads_from_the_network(tmp_path):
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
                    '<link rel="stylesheet" href="https://cdn.example.invalid/a.css"></body></html>', encoding="utf-8")
    netlog = _chromium(page, tmp_path / "remote.png", "400,300")
    assert sorted(page_requests(netlog)) == ["http://example.invalid/x.png", "https://cdn.example.invalid/a.css"]


@needs_chromium
def test_comparison_renders(comparisons, network, tmp_path):
    rgb = _not_blank(_screenshot(write_comparisons(tmp_path / "c.html", comparisons[:1], network),
                                 tmp_path / "c.png"), colours=200)
    # the map's colours are on screen: the sea, the land of the network's countries
    for want in ("#DCE9F2", "#EBE5D5"):
        assert _has(rgb, want, tol=3), want


@needs_chromium
def test_sweep_renders(sweep, samples, tmp_path):
    rgb = _not_blank(_screenshot(write_sweep(tmp_path / "s.html", sweep, samples), tmp_path / "s.png"))
    r, b = rgb[:, 0].astype(int), rgb[:, 2].astype(int)
    assert (b - r > 100).sum() > 2000  # blue histogram bars
    assert (r - b > 100).sum() > 2000  # vermillion and orange bars


@needs_chromium
def test_routes_render(routes, network, tmp_path):
    rgb = _not_blank(_screenshot(write_routes(tmp_path / "r.html", routes, network), tmp_path / "r.png"))
    assert _has(rgb, "#0072B2")  # route 1
    assert _has(rgb, "#D55E00")  # route 2, and the stops of the profile
    assert _has(rgb, "#DCE9F2", tol=3)  # the sea of the map


@needs_chromium
def test_assignment_renders(lp, network, tmp_path):
    result, flows = lp
    rgb = _not_blank(_screenshot(write_assignment(tmp_path / "a.html", result, flows, network), tmp_path / "a.png"))
    for corridor_colour in ("#D55E00", "#0072B2"):  # northern, trans-caspian
        assert _has(rgb, corridor_colour), corridor_colour


@needs_chromium
def test_hub_renders(hub, tmp_path):
    rgb = _not_blank(_screenshot(write_hub(tmp_path / "h.html", hub), tmp_path / "h.png", "1300,2400"))
    assert _has(rgb, "#0072B2", at_least=100)  # the yard occupancy line
    assert _has(rgb, "#E69F00", at_least=100)  # TEU leaving the hub


@needs_chromium
def test_notebook_fragments_render(comparisons, sweep, samples, routes, lp, hub, network, tmp_path):
    result, flows = lp
    divs = [render_comparisons(comparisons, network, fragment=True), render_sweep(sweep, samples, fragment=True),
            render_routes(routes, network, fragment=True), render_assignment(result, flows, network, fragment=True),
            render_hub(hub, fragment=True)]
    page = tmp_path / "notebook.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
                    + "".join(f"<section>{d}</section>" for d in divs) + "</body></html>", encoding="utf-8")
    rgb = _not_blank(_screenshot(page, tmp_path / "n.png", "900,4200"))
    assert _has(rgb, "#0b4f71")  # the fragments' frame and titles: their scoped style applies
    assert _has(rgb, "#DCE9F2", tol=3)
