"""Small networks and hand formulas for the tests of the stochastic user equilibrium (issue 12, item 2)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from corridor.assignment.sue import SUEOptions, SUEResult, stochastic_equilibrium
from corridor.model import Commodity, Demand, DemandRow, Link, Network, Node, Transfer
from corridor.model.choice import ChoiceParameters
from corridor.model.risk import RiskModel

RAIL = "rail-1520"
COAL = Commodity("coal", "Coal", "t", modes=frozenset({RAIL}))
PENALTY = 10_000.0  # the default unserved penalty, USD per tonne: the logit's unserved alternative

# (tail, head, USD per tonne, hours, km)
LinkSpec = tuple[str, str, float, float, float]


def network(links: Iterable[LinkSpec], countries: Mapping[str, str] | None = None,
            capacities: Mapping[str, float] | None = None) -> Network:
    """One-way rail links ``tail-head`` (each in its tail's country; nodes in ``KZ`` unless told).

    A zero-cost, zero-time ``border-clearance`` transfer stands at every node where links of two
    countries meet or a link of another country starts or ends (what the passage rules demand),
    so every border costs nothing and the route costs are the sums of the link figures.
    ``capacities``: Mt/yr per link id.
    """
    links = list(links)
    countries = dict(countries or {})
    caps = dict(capacities or {})

    def cty(n: str) -> str:
        return countries.get(n, "KZ")

    ids: list[str] = []
    for a, b, *_ in links:
        for n in (a, b):
            if n not in ids:
                ids.append(n)
    lks = tuple(Link(f"{a}-{b}", a, b, RAIL, country=cty(a), distance_km=km, time_h=h, cost_usd_per_t=c,
                     oneway=True, capacity_mtpa=caps.get(f"{a}-{b}")) for a, b, c, h, km in links)
    touching: dict[str, set[str]] = {n: {cty(n)} for n in ids}
    for lk in lks:
        touching[lk.a].add(lk.country)
        touching[lk.b].add(lk.country)
    transfers = tuple(Transfer(f"clear-{n}", n, "border-clearance") for n in ids if len(touching[n]) > 1)
    nodes = tuple(Node(n, n, cty(n), "junction", 50.0 + k, 45.0) for k, n in enumerate(ids))
    return Network("sue-test", nodes, lks, transfers, (COAL,))


def demand(*rows: tuple[str, str, float]) -> Demand:
    """Coal rows ``(origin, destination, tonnes)``, ids ``r0``, ``r1``, …"""
    return Demand(tuple(DemandRow(f"r{k}", o, d, "coal", 2021, t) for k, (o, d, t) in enumerate(rows)))


def one_segment(theta: float, vot: float, **kw: object) -> ChoiceParameters:
    """One segment with value of time ``vot`` (``vot_sigma=0``: the median is the mean)."""
    return ChoiceParameters(theta=theta, vot_median=vot, vot_sigma=0.0, segments=1, **kw)  # type: ignore[arg-type]


def solve(net: Network, dem: Demand, choice: ChoiceParameters, *, risk: RiskModel | None = None,
          gap: float = 1e-9) -> SUEResult:
    res = stochastic_equilibrium(net, dem, SUEOptions(choice=choice, risk=risk or RiskModel(), gap=gap))
    assert res.converged, res.history
    return res


def shares(res: SUEResult, row: str = "r0") -> dict[tuple[str, ...], float]:
    """Share of each route of a row, by its node sequence."""
    return {tuple(r["nodes"]): r["share"] for r in res.routes if r["row"] == row}


def tonnes(res: SUEResult, row: str = "r0") -> dict[tuple[str, ...], float]:
    """Tonnes on each route of a row, by its node sequence."""
    return {tuple(r["nodes"]): r["tonnes"] for r in res.routes if r["row"] == row}


def logit(costs: Sequence[float], theta: float, size: Sequence[float] | None = None, beta: float = 1.0,
          penalty: float = PENALTY) -> list[float]:
    """The textbook path-size logit, written out: shares of the routes, then of the unserved alternative.

    ``U_k = -theta C_k / C_ref + beta ln PS_k`` with ``C_ref = min_k C_k``; the unserved alternative
    has ``U = -theta penalty / C_ref`` (PS 1, no constant).
    """
    ref = min(costs)
    size = size or [1.0] * len(costs)
    u = [-theta * c / ref + beta * math.log(s) for c, s in zip(costs, size, strict=True)] + [-theta * penalty / ref]
    top = max(u)
    e = [math.exp(x - top) for x in u]
    return [x / sum(e) for x in e]
