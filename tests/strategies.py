"""Hypothesis strategies: random valid networks and demand."""

from __future__ import annotations

from hypothesis import strategies as st

from corridor.model import (
    CORRIDORS,
    MODES,
    Commodity,
    Dataset,
    Demand,
    DemandRow,
    Link,
    Network,
    Node,
    Provenance,
    Source,
    Status,
)

_slug = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20).map(str.strip)
_prov = st.builds(Provenance, st.sampled_from(["S1", "S2", "S1+S2"]), st.sampled_from(list(Status)))


def _maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


@st.composite
def networks(draw: st.DrawFn, min_nodes: int = 2, max_nodes: int = 12) -> Network:
    """A connected network with random figures (a random spanning tree plus extra links)."""
    ids = draw(st.lists(_slug, min_size=min_nodes, max_size=max_nodes, unique=True))
    nodes = tuple(
        Node(i, draw(_text) or i, draw(st.sampled_from(["KZ", "AZ", "GE", "CN"])),
             draw(st.sampled_from(["city", "seaport", "border"])),
             draw(st.floats(-180, 180)), draw(st.floats(-90, 90)),
             aliases=tuple(sorted(draw(st.sets(_slug, max_size=2)))),
             provenance={"coords": draw(_prov)})
        for i in ids
    )
    pairs = [(ids[k], ids[draw(st.integers(0, k - 1))]) for k in range(1, len(ids))]
    extra = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=len(ids)))
    pairs += [(a, b) for a, b in extra if a != b]
    links = []
    for k, (a, b) in enumerate(pairs):
        speed = draw(_maybe(st.floats(1, 120)))
        links.append(Link(
            f"l{k}", a, b, draw(st.sampled_from(MODES)), draw(st.sampled_from(CORRIDORS)),
            draw(st.sampled_from(["", "KZ", "AZ"])), draw(_text),
            distance_km=draw(st.floats(0.1, 20_000)), speed_kmh=speed,
            time_h=draw(st.floats(0, 500)) if speed is None else draw(_maybe(st.floats(0, 500))),
            cost_usd_per_t=draw(_maybe(st.floats(0, 1000))), capacity_mtpa=draw(_maybe(st.floats(0, 1000))),
            capacity_teu=draw(_maybe(st.floats(0, 1e6))),
            commodities=frozenset(draw(st.sets(st.sampled_from(["container", "coal"]), max_size=2))),
            oneway=draw(st.booleans()), note=draw(_text),
            provenance={"distance_km": draw(_prov)},
        ))
    commodities = (Commodity("container", "Containers", "TEU", 20.0, provenance={"t_per_teu": draw(_prov)}),
                   Commodity("coal", "Coal", "t", modes=frozenset({"rail-1520", "sea"})))
    sources = {"S1": Source("S1", "One", "Pub", "2021", "https://example.org/1"), "S2": Source("S2", "Two")}
    return Network("random", nodes, tuple(links), (), commodities, sources)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """A network with a few demand rows between its nodes."""
    net = draw(networks())
    ids = [n.id for n in net.nodes]
    rows = []
    for k in range(draw(st.integers(0, 5))):
        o, d = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if o != d:
            rows.append(DemandRow(f"r{k}", o, d, draw(st.sampled_from(["coal", "container"])), 2021,
                                  draw(st.floats(0, 1e8)), draw(_maybe(st.floats(0, 1e6))), "g",
                                  provenance={"tonnes": draw(_prov)}))
    return Dataset(net, Demand(tuple(rows)))
