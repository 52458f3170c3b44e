"""Markets, not ports (issue 12, item 1): demand ends at markets and the engines choose the gateway.

DATA.md, "Markets and gateways", describes the conversion; tools/eurasia/markets.py builds the
market nodes and their access links.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from corridor import data
from corridor.assignment.lp import FreightLP
from corridor.model import Network

DS = data.load("eurasia")
NET = DS.network
MARKETS = {n.id for n in NET.nodes if n.kind == "market"}

# Tonnes per commodity of the demand table before the conversion (commit 96bd295): the conversion
# changes destinations only
BEFORE = {"coal": 32.0e6, "grain": 6.8e6, "metals": 31.9e6, "oil": 78.0e6, "general": 2_491_828.0,
          "container": 13_436_772.0}
BEFORE_GROUPS = {"kz-export-rail": 83.5e6, "kz-export-pipeline": 67.6e6, "transit-china-europe": 12_942_600.0,
                 "titr": 586_000.0}


def test_market_nodes_are_the_six_markets_and_never_pass_cargo_on() -> None:
    assert {"eu-north", "eu-south", "world-sea", "turkiye", "china", "iran-gulf"} == MARKETS
    for n in NET.nodes:
        assert n.thru == (n.kind != "market"), n.id
    for lk in NET.links:
        assert lk.a not in MARKETS or lk.b not in MARKETS, lk.id
        if lk.b in MARKETS:
            assert lk.oneway, lk.id  # into the market only
        assert lk.a not in MARKETS, f"{lk.id} leaves a market"


def test_the_conversion_keeps_the_tonnes_per_commodity_and_group() -> None:
    by_com: dict[str, float] = defaultdict(float)
    by_group: dict[str, float] = defaultdict(float)
    for r in DS.demand:
        by_com[r.commodity] += r.tonnes
        by_group[r.group] += r.tonnes
    assert by_com == pytest.approx(BEFORE, rel=1e-9)
    assert by_group == pytest.approx(BEFORE_GROUPS, rel=1e-9)


def test_each_converted_row_says_which_market() -> None:
    for r in DS.demand:
        if r.destination in MARKETS:
            assert "market" in r.note, r.id


def _reachable(net: Network, start: str, commodity: str, banned: frozenset[str]) -> set[str]:
    """Nodes reachable from ``start`` over links that carry ``commodity``, not passing a banned or market node."""
    modes = next(c.modes for c in net.commodities if c.id == commodity)
    out: dict[str, list[str]] = defaultdict(list)
    for lk in net.links:
        if lk.mode not in modes or (lk.commodities and commodity not in lk.commodities):
            continue
        out[lk.a].append(lk.b)
        if not lk.oneway:
            out[lk.b].append(lk.a)
    seen, todo = {start}, [start]
    while todo:
        v = todo.pop()
        if v in MARKETS and v != start:
            continue  # cargo ends at a market: it never passes through
        for w in out[v]:
            if w not in seen and w not in banned:
                seen.add(w)
                todo.append(w)
    return seen


def _gateways(commodity: str, origin: str, market: str) -> set[str]:
    """Ports and border stations outside the origin's country through which the market can be reached.

    The hubs the market is delivered from (the tails of its access links, e.g. Istanbul for Türkiye)
    are the market's own doorstep, not gateways.
    """
    country = NET.nodes[NET.node_index[origin]].country
    doorstep = {lk.a for lk in NET.links if lk.b == market}
    candidates = {n.id for n in NET.nodes if n.kind in ("seaport", "border") and n.country != country} - doorstep
    found = set()
    for g in candidates:
        if g in _reachable(NET, origin, commodity, frozenset()) and \
                market in _reachable(NET, g, commodity, frozenset()):
            found.add(g)
    return found


@pytest.mark.parametrize("row", [r for r in DS.demand if r.destination in MARKETS], ids=lambda r: r.id)
def test_every_market_row_has_two_gateways(row) -> None:
    gates = _gateways(row.commodity, row.origin, row.destination)
    assert len(gates) >= 2, (row.id, gates)
    # and no single gateway is indispensable: barring any one of them still leaves a way to the market
    for g in gates:
        assert row.destination in _reachable(NET, row.origin, row.commodity, frozenset({g})), (row.id, g)


def test_crude_can_leave_by_cpc_samara_or_btc() -> None:
    crude = next(r for r in DS.demand if r.id == "crude")
    assert (crude.origin, crude.destination, crude.tonnes) == ("atyrau", "world-sea", 67.6e6)
    for pipeline in ("cpc-pipeline", "atyrau-samara-pipeline", "btc-pipeline"):
        lk = NET.links[NET.link_index[pipeline]]
        assert lk.capacity_mtpa and lk.provenance["capacity_mtpa"].keys, pipeline
    for gate in ("novorossiysk", "ceyhan"):
        assert "world-sea" in _reachable(NET, gate, "oil", frozenset())
    # barring the CPC still leaves Atyrau-Samara and the BTC
    banned_cpc = Network(NET.name, NET.nodes, tuple(lk for lk in NET.links if lk.id != "cpc-pipeline"),
                         NET.transfers, NET.commodities, NET.sources)
    assert "world-sea" in _reachable(banned_cpc, "atyrau", "oil", frozenset({"samara"}))  # by tanker and BTC


def test_no_market_node_is_passed_through_in_the_lp_baseline() -> None:
    res = FreightLP.build(NET, DS.demand).solve()
    assert res.status == "optimal" and res.unserved_t == pytest.approx(0.0, abs=1e-3)
    into = defaultdict(float)
    for f in res.link_flows:
        assert f["from"] not in MARKETS, f  # nothing leaves a market: it is never a transit node
        if f["to"] in MARKETS:
            into[f["to"]] += f["tonnes"]
    ending = defaultdict(float)
    for od in res.by_od:
        if od["destination"] in MARKETS:
            ending[od["destination"]] += od["served_t"]
    # what flows into a market is what the rows ending there are served, no more
    assert into == pytest.approx(ending, rel=1e-6)
