"""No shipped route sends cargo round the world (issue 11: "Sea links that send cargo round the world").

For every built-in demand row, the best route by cost and the links that the LP baseline loads with
the row's commodity stay within twice the great-circle distance of the origin-destination pair where
the network offers a direct corridor (a path within twice the great circle); where it does not, within
twice the network's shortest path. The exceptions below are stated with their reason and the bound
that holds today; each names what would remove it.

The LP's flows are per commodity, not per row, so the LP check is a necessary condition: a link
``a -> b`` loaded with commodity c must lie within the bound of at least one row of c, that is
``gc(o, a) + km(a, b) + gc(b, d) <= bound x gc(o, d)`` (any path through the link is at least that long).
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

import corridor
from corridor import data
from corridor.model import Dataset, DemandRow, Network

FACTOR = 2.0
# row id -> (bound as a multiple of the great circle, reason)
SEA_IS_CHEAPEST = ("by money alone the deep-sea route Lianyungang-Suez is the cheapest China-Europe path, as "
                   "published (EY24: 1,500-2,000 USD/FEU by sea against the World Bank's 3,121 by rail); the "
                   "rail routes win on time, which the LP check prices")
EXCEPTIONS: dict[str, tuple[float, str]] = {
    "cre-west-xian": (2.8, SEA_IS_CHEAPEST),
    "cre-west-lyg": (2.8, SEA_IS_CHEAPEST),
    "cre-east-xian": (2.8, SEA_IS_CHEAPEST),
    "cre-east-lyg": (2.8, SEA_IS_CHEAPEST),
    "titr-containers": (2.8, SEA_IS_CHEAPEST + "; by sea to Mersin"),
}


@pytest.fixture(scope="module")
def eurasia() -> Dataset:
    return data.load("eurasia")


def gc_km(net: Network, a: str, b: str) -> float:
    """Great-circle distance between two nodes (haversine, as tools/build_eurasia.py)."""
    na, nb = net.node(a), net.node(b)
    p1, p2, dl = math.radians(na.lat), math.radians(nb.lat), math.radians(nb.lon - na.lon)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def shortest_km(net: Network, row: DemandRow) -> float:
    """The network's shortest path for the row's commodity, in km (modes and link commodities respected)."""
    com = net.commodity_index[row.commodity]
    g = nx.DiGraph()
    for lk in net.links:
        if lk.mode not in com.modes or (lk.commodities and row.commodity not in lk.commodities):
            continue
        g.add_edge(lk.a, lk.b, km=lk.distance_km)
        if not lk.oneway:
            g.add_edge(lk.b, lk.a, km=lk.distance_km)
    return float(nx.shortest_path_length(g, row.origin, row.destination, weight="km"))


def bound(net: Network, row: DemandRow) -> float:
    """Allowed route length in km for ``row``."""
    gc = gc_km(net, row.origin, row.destination)
    if row.id in EXCEPTIONS:
        return EXCEPTIONS[row.id][0] * gc
    shortest = shortest_km(net, row)
    return FACTOR * gc if shortest <= FACTOR * gc else FACTOR * shortest


def test_exceptions_are_real_rows_with_reasons(eurasia: Dataset) -> None:
    ids = {r.id for r in eurasia.demand}
    for rid, (factor, reason) in EXCEPTIONS.items():
        assert rid in ids, rid
        assert factor > FACTOR and len(reason) > 10, rid


def test_best_route_by_cost_stays_within_the_bound(eurasia: Dataset) -> None:
    net = eurasia.network
    long = []
    for row in eurasia.demand:
        best = corridor.route(eurasia, row.origin, row.destination, by="cost", cargo=row.commodity).best
        if best.distance_km > bound(net, row):
            long.append(f"{row.id}: {best.distance_km:,.0f} km > {bound(net, row):,.0f} km via {' '.join(best.nodes)}")
    assert long == []


def test_karaganda_ust_luga_coal_no_longer_goes_through_lianyungang(eurasia: Dataset) -> None:
    best = corridor.route(eurasia, "karaganda", "ust-luga", by="cost", cargo="coal").best
    assert "lianyungang" not in best.nodes
    assert best.distance_km < 15_000  # was 42,426 km (issue 11)


def test_lp_baseline_loads_only_links_within_the_bound(eurasia: Dataset) -> None:
    net = eurasia.network
    result = corridor.assign(eurasia, method="lp").result
    km = {lk.id: lk.distance_km for lk in net.links}
    rows: dict[str, list[tuple[DemandRow, float]]] = {}
    for row in eurasia.demand:
        rows.setdefault(row.commodity, []).append((row, bound(net, row)))
    stray = []
    for f in result.link_flows:
        if f["tonnes"] < 1.0:
            continue
        fits = any(gc_km(net, r.origin, f["from"]) + km[f["link"]] + gc_km(net, f["to"], r.destination) <= b + 1e-6
                   for r, b in rows[f["commodity"]])
        if not fits:
            stray.append(f"{f['commodity']} {f['tonnes']:,.0f} t on {f['link']} {f['from']}->{f['to']}")
    assert stray == []


def test_the_lp_check_catches_a_detour(eurasia: Dataset) -> None:
    net = eurasia.network
    coal = next(r for r in eurasia.demand if r.id == "coal-eu")
    lk = net.link("constanta-lianyungang") if any(x.id == "constanta-lianyungang" for x in net.links) \
        else net.link("lianyungang-constanta")
    detour = gc_km(net, coal.origin, "constanta") + lk.distance_km + gc_km(net, "lianyungang", coal.destination)
    assert detour > bound(net, coal)
