"""Small text charts for the terminal."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

__all__ = ["tcd_chart"]


def tcd_chart(profile: Sequence[dict[str, Any]], *, width: int = 64, height: int = 12,
              value: str = "time_h", scale: float = 24.0, unit: str = "days") -> str:
    """Render a time (or cost)–distance profile as text.

    Legs rise gently to the right; stops at borders and ports are vertical steps (``│``) at one
    distance, which is what the UNESCAP time/cost–distance method is meant to show.
    """
    xs = [p["distance_km"] for p in profile]
    ys = [p[value] / scale for p in profile]
    xmax, ymax = max(xs) or 1.0, max(ys) or 1.0
    grid = [[" "] * width for _ in range(height)]

    def cell(x: float, y: float) -> tuple[int, int]:
        return (min(width - 1, round(x / xmax * (width - 1))), min(height - 1, round(y / ymax * (height - 1))))

    pts = list(zip(xs, ys, strict=True))
    for ((x0, y0), (x1, y1)), point in zip(itertools.pairwise(pts), profile[1:], strict=True):
        c0, r0 = cell(x0, y0)
        c1, r1 = cell(x1, y1)
        if c0 == c1 and x0 == x1:
            for r in range(min(r0, r1), max(r0, r1) + 1):
                grid[r][c0] = "│" if point["event"] != "start" else grid[r][c0]
            continue
        steps = max(abs(c1 - c0), 1)
        for i in range(steps + 1):
            c = c0 + (c1 - c0) * i // steps
            r = r0 + (r1 - r0) * i // steps
            if grid[r][c] == " ":
                grid[r][c] = "·"
    lines = []
    for r in range(height - 1, -1, -1):
        label = f"{ymax * r / (height - 1):6.1f} " if r in (0, height // 2, height - 1) else " " * 7
        lines.append(label + "┤" + "".join(grid[r]))
    lines.append(" " * 7 + "└" + "─" * width)
    lines.append(" " * 8 + f"0 km{'':>{width - 14}}{xmax:,.0f} km")
    return f"{unit} (│ = waiting at a border or port)\n" + "\n".join(lines)
