"""Build the country outlines of the HTML report map: src/corridor/report/assets/countries.json.

Run once, by hand, when the outlines should change (the output is committed):

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    .venv/bin/python tools/build_outlines.py /tmp/package/countries-110m.json

Source: Natural Earth 1:110m Admin 0 countries (public domain), as TopoJSON in the npm package
``world-atlas`` (ISC licence, Copyright 2013-2019 Michael Bostock). The script decodes the
TopoJSON arcs (quantized, delta-encoded), keeps the countries that reach into the clip box
(lon -5..130 E, lat 15..68 N, a margin around the report's region lon 5-125 E, lat 20-60 N),
clips their rings to that box (Sutherland-Hodgman), rounds coordinates to 0.1 degree and stores
each ring as a flat list of integers in tenths of a degree: ``[lon*10, lat*10, lon*10, ...]``.
Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "corridor" / "report" / "assets" / "countries.json"
BOX = (-5.0, 15.0, 130.0, 68.0)  # lon_min, lat_min, lon_max, lat_max

# ISO 3166-1 numeric -> alpha-2 for the countries in and around the box (Natural Earth ids),
# so that the report can shade the countries of the network (its nodes use alpha-2 codes).
ISO_A2 = {
    "004": "AF", "008": "AL", "012": "DZ", "031": "AZ", "040": "AT", "050": "BD", "051": "AM",
    "056": "BE", "064": "BT", "070": "BA", "100": "BG", "104": "MM", "112": "BY", "148": "TD",
    "156": "CN", "158": "TW", "191": "HR", "196": "CY", "203": "CZ", "208": "DK", "232": "ER",
    "233": "EE", "231": "ET", "246": "FI", "250": "FR", "262": "DJ", "268": "GE", "276": "DE",
    "300": "GR", "348": "HU", "356": "IN", "364": "IR", "368": "IQ", "372": "IE", "376": "IL",
    "380": "IT", "392": "JP", "400": "JO", "408": "KP", "410": "KR", "398": "KZ", "414": "KW",
    "417": "KG", "418": "LA", "422": "LB", "428": "LV", "434": "LY", "440": "LT", "442": "LU",
    "466": "ML", "478": "MR", "496": "MN", "498": "MD", "499": "ME", "504": "MA", "512": "OM",
    "524": "NP", "528": "NL", "562": "NE", "578": "NO", "586": "PK", "608": "PH", "616": "PL",
    "620": "PT", "634": "QA", "642": "RO", "643": "RU", "682": "SA", "688": "RS", "703": "SK",
    "704": "VN", "705": "SI", "724": "ES", "729": "SD", "752": "SE", "756": "CH", "760": "SY",
    "762": "TJ", "764": "TH", "784": "AE", "788": "TN", "792": "TR", "795": "TM", "804": "UA",
    "807": "MK", "818": "EG", "826": "GB", "860": "UZ", "887": "YE", "275": "PS", "048": "BH",
    "732": "EH", "116": "KH",
}
NAME_A2 = {"Kosovo": "XK", "N. Cyprus": "CY"}


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in ring:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc if not pts else arc[1:])  # consecutive arcs share their end point
    return pts


def clip(pts: list[tuple[float, float]]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = BOX
    edges = [
        (lambda p: p[0] >= x0, lambda p, q: (x0, p[1] + (q[1] - p[1]) * (x0 - p[0]) / (q[0] - p[0]))),
        (lambda p: p[0] <= x1, lambda p, q: (x1, p[1] + (q[1] - p[1]) * (x1 - p[0]) / (q[0] - p[0]))),
        (lambda p: p[1] >= y0, lambda p, q: (p[0] + (q[0] - p[0]) * (y0 - p[1]) / (q[1] - p[1]), y0)),
        (lambda p: p[1] <= y1, lambda p, q: (p[0] + (q[0] - p[0]) * (y1 - p[1]) / (q[1] - p[1]), y1)),
    ]
    for inside, cross in edges:
        if not pts:
            break
        out = []
        prev = pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        pts = out
    return pts


def compact(pts: list[tuple[float, float]]) -> list[int]:
    flat: list[int] = []
    last = None
    for x, y in pts:
        q = (round(x * 10), round(y * 10))
        if q != last:
            flat += q
            last = q
    if len(flat) >= 4 and flat[:2] == flat[-2:]:
        flat = flat[:-2]
    return flat


def area(flat: list[int]) -> float:
    xs, ys = flat[0::2], flat[1::2]
    n = len(xs)
    return abs(sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))) / 2 / 100


def main(src: Path) -> None:
    topo = json.loads(src.read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        rings = []
        for poly in polys:
            for ring in poly:
                flat = compact(clip(ring_points(ring, arcs)))
                if len(flat) >= 6 and area(flat) >= 0.05:  # drop slivers under 0.05 square degrees
                    rings.append(flat)
        if not rings:
            continue
        name = g["properties"]["name"]
        iso_n3 = g.get("id") or ""
        countries.append({"name": name, "iso_n3": iso_n3, "iso_a2": ISO_A2.get(iso_n3, NAME_A2.get(name, "")),
                          "rings": rings})
    countries.sort(key=lambda c: c["name"])
    doc = {
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), from the npm package "
                  "world-atlas 2 (countries-110m.json, ISC licence, Copyright 2013-2019 Michael Bostock); "
                  "built by tools/build_outlines.py",
        "licence": "Natural Earth data: public domain. world-atlas packaging: ISC licence.",
        "box": list(BOX),
        "encoding": "each ring is a flat list [lon*10, lat*10, lon*10, lat*10, ...] in tenths of a degree; "
                    "rings of one country are outer rings and holes alike (draw with fill-rule evenodd)",
        "countries": countries,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(countries)} countries, {OUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: build_outlines.py PATH/TO/countries-110m.json")
    main(Path(sys.argv[1]))
