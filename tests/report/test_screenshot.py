"""A report as a person sees it: headless Chromium renders it offline and the picture is not blank."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from corridor.report import write_comparisons, write_sweep

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


def _screenshot(html: Path, png: Path, size: str = "1300,1800") -> np.ndarray:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={png.parent / 'profile'}", f"--screenshot={png}", f"--window-size={size}",
           html.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return decode_png(png.read_bytes())


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


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium)")
def test_reports_render_in_headless_chromium(comparisons, network, sweep, samples, tmp_path):
    html = write_comparisons(tmp_path / "comparison.html", comparisons[:1], network)
    px = _screenshot(html, tmp_path / "comparison.png")
    rgb = px[..., :3].reshape(-1, 3)
    colours = np.unique(rgb[::7], axis=0)
    assert len(colours) > 200, len(colours)  # text, cards, tables and the map: not a blank page
    non_white = np.any(rgb < 235, axis=1).mean()
    assert non_white > 0.05, non_white
    # the map's colours are on screen: the sea, the land of the network's countries, both change colours
    for want in ((0xDC, 0xE9, 0xF2), (0xEB, 0xE5, 0xD5)):
        assert np.any(np.all(np.abs(rgb.astype(int) - want) <= 3, axis=1)), want

    html = write_sweep(tmp_path / "sweep.html", sweep, samples)
    px = _screenshot(html, tmp_path / "sweep.png")
    rgb = px[..., :3].reshape(-1, 3)
    assert len(np.unique(rgb[::7], axis=0)) > 100
    r, b = rgb[:, 0].astype(int), rgb[:, 2].astype(int)
    assert (b - r > 100).sum() > 2000  # blue histogram bars
    assert (r - b > 100).sum() > 2000  # vermillion and orange bars
