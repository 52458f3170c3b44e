"""What passing a node requires: a transfer for every change of mode, a border process for every border.

Two rules hold for every route, in every engine:

- **mode changes**: a route that arrives at a node by one mode and leaves it by another (rail
  1435 mm to 1520 mm counts) may do so only where a transfer of kind :data:`MODE_CHANGE_KINDS`
  (gauge change, transshipment, port handling) applies to that pair of modes. There is no free
  change of mode anywhere. :func:`corridor.model.costs.transfer_vector` refuses such a passage, and
  it is the one place where the routing search space and the LP/equilibrium graph price a node.
- **borders**: a route that passes from one country to another at a node (the countries of the
  links on either side differ, or a route starts or ends at a node of another country than the
  link it uses) must pass a ``border-clearance`` transfer there. :func:`border_gaps` lists the
  ways through a node that lack one; :func:`corridor.model.validate.validate_network` reports them
  as errors. Links at sea (country ``""``) cross no land border: customs at ports belong to port
  handling.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corridor.model.network import Link, Network, Node, Transfer

__all__ = ["MODE_CHANGE_KINDS", "Way", "border_gaps", "changes_mode", "crosses_border", "mode_change_gaps",
           "mode_change_ok", "ways_through"]

MODE_CHANGE_KINDS: frozenset[str] = frozenset({"gauge-change", "transshipment", "port-handling"})
"""Kinds of transfer that let cargo change mode (or gauge) at a node."""


def changes_mode(mode_in: str | None, mode_out: str | None) -> bool:
    """Whether arriving by ``mode_in`` and leaving by ``mode_out`` is a change of mode (``None``: start/end).

    Examples
    --------
    >>> changes_mode("rail-1435", "rail-1520"), changes_mode("road", "road"), changes_mode(None, "road")
    (True, False, False)
    """
    return mode_in is not None and mode_out is not None and mode_in != mode_out


def mode_change_ok(transfers: Iterable[Transfer], mode_in: str | None, mode_out: str | None) -> bool:
    """Whether a route may arrive by ``mode_in`` and leave by ``mode_out`` at a node with ``transfers``.

    True when the modes are the same (or the route starts or ends there), else only if a transfer
    of a kind in :data:`MODE_CHANGE_KINDS` applies to the pair.

    Examples
    --------
    >>> from corridor import data
    >>> here = data.load().network.transfers_at["dostyk"]
    >>> mode_change_ok(here, "rail-1435", "rail-1520"), mode_change_ok(here, "rail-1520", "road")
    (True, False)
    """
    if not changes_mode(mode_in, mode_out):
        return True
    return any(t.kind in MODE_CHANGE_KINDS and t.applies(mode_in, mode_out) for t in transfers)


def crosses_border(country_in: str, country_out: str) -> bool:
    """Whether passing from ``country_in`` to ``country_out`` crosses a national border (``""``: at sea).

    Examples
    --------
    >>> crosses_border("KZ", "CN"), crosses_border("KZ", "KZ"), crosses_border("KZ", "")
    (True, False, False)
    """
    return bool(country_in) and bool(country_out) and country_in != country_out


@dataclass(frozen=True)
class Way:
    """One way through a node: in by a link (or starting there), out by a link (or ending there).

    Attributes
    ----------
    node
        Node id.
    link_in, link_out
        Link ids, ``None`` where the route starts (``link_in``) or ends (``link_out``) at the node.
    mode_in, mode_out
        Their modes (``None`` at a start or end).
    country_in, country_out
        The country on each side: the link's, or the node's at a start or end.

    Examples
    --------
    >>> from corridor import data
    >>> way = next(ways_through(data.load().network, "dostyk"))
    >>> way.node, way.country_in in ("KZ", "CN"), way.country_out in ("KZ", "CN")
    ('dostyk', True, True)
    """

    node: str
    link_in: str | None
    link_out: str | None
    mode_in: str | None
    mode_out: str | None
    country_in: str
    country_out: str

    def describe(self) -> str:
        """Readable text, e.g. ``from link a-b (rail-1435, CN) to link b-c (rail-1520, KZ)``."""
        def side(link: str | None, mode: str | None, country: str, end: str) -> str:
            if link is None:
                return f"{end} here ({country or 'no country'})"
            return f"link {link} ({mode}, {country or 'at sea'})"
        return f"from {side(self.link_in, self.mode_in, self.country_in, 'a start')} " \
               f"to {side(self.link_out, self.mode_out, self.country_out, 'an end')}"


def _incidence(net: Network) -> tuple[dict[str, list[Link]], dict[str, list[Link]]]:
    """Links that can arrive at and leave each node, in the directions they run."""
    ins: dict[str, list[Link]] = {}
    outs: dict[str, list[Link]] = {}
    for lk in net.links:
        outs.setdefault(lk.a, []).append(lk)
        ins.setdefault(lk.b, []).append(lk)
        if not lk.oneway:
            outs.setdefault(lk.b, []).append(lk)
            ins.setdefault(lk.a, []).append(lk)
    return ins, outs


def _ways(node: Node, ins: list[Link], outs: list[Link]) -> Iterator[Way]:
    for e in ins:
        yield Way(node.id, e.id, None, e.mode, None, e.country, node.country)
        for f in outs:
            if f.id != e.id:
                yield Way(node.id, e.id, f.id, e.mode, f.mode, e.country, f.country)
    for f in outs:
        yield Way(node.id, None, f.id, None, f.mode, node.country, f.country)


def ways_through(net: Network, node_id: str) -> Iterator[Way]:
    """Every way through ``node_id``.

    Each pair of distinct links at it (in the directions they run), plus starting or ending there on
    each link.

    Examples
    --------
    >>> from corridor import data
    >>> ways = list(ways_through(data.load().network, "dostyk"))
    >>> sorted({(w.mode_in, w.mode_out) for w in ways if w.mode_in and w.mode_out})
    [('rail-1435', 'rail-1520'), ('rail-1520', 'rail-1435')]
    """
    ins, outs = _incidence(net)
    node = net.nodes[net.node_index[node_id]]
    return _ways(node, ins.get(node_id, []), outs.get(node_id, []))


def border_gaps(net: Network, ends: Iterable[str] = ()) -> Iterator[Way]:
    """The ways through the nodes of ``net`` that cross a border without a ``border-clearance`` transfer.

    Ways that change mode where no transfer lets them are left out: no route can take them. Only
    nodes where more than one country meets (among the node and its links) are looked at.

    Parameters
    ----------
    net
        The network.
    ends
        Node ids where routes start or end (the origins and destinations of a demand): starting or
        ending there on a link of another country crosses a border too. Elsewhere only the ways
        from one link to another are looked at.

    Examples
    --------
    The built-in network has a border process wherever a route crosses a border; a tiny one
    without it has a gap:

    >>> from corridor import data
    >>> from corridor.model import Link, Network, Node
    >>> list(border_gaps(data.load().network))
    []
    >>> net = Network("tiny", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0),
    ...                              Node("b", "B", "UZ", "city", 70.5, 44.0),
    ...                              Node("c", "C", "UZ", "city", 71.0, 43.0)),
    ...               links=(Link("ab", "a", "b", "road", country="KZ", distance_km=80.0, speed_kmh=60.0),
    ...                      Link("bc", "b", "c", "road", country="UZ", distance_km=90.0, speed_kmh=60.0)))
    >>> sorted((w.node, w.link_in, w.link_out) for w in border_gaps(net))
    [('b', 'ab', 'bc'), ('b', 'bc', 'ab')]
    """
    ins, outs = _incidence(net)
    end_nodes = set(ends)
    for node in net.nodes:
        i, o = ins.get(node.id, []), outs.get(node.id, [])
        if len({node.country, *(lk.country for lk in i + o)} - {""}) < 2:
            continue
        here = net.transfers_at.get(node.id, ())
        clear = [t for t in here if t.kind == "border-clearance"]
        for w in _ways(node, i, o):
            if (w.link_in is None or w.link_out is None) and node.id not in end_nodes:
                continue
            if not crosses_border(w.country_in, w.country_out) or not mode_change_ok(here, w.mode_in, w.mode_out):
                continue
            if not any(t.applies(w.mode_in, w.mode_out) for t in clear):
                yield w


def mode_change_gaps(net: Network) -> Iterator[tuple[Node, str, str]]:
    """``(node, mode_in, mode_out)`` for every pair of modes meeting at a node with no transfer between them.

    Examples
    --------
    A road and a railway that meet at ``b`` without a transfer between them:

    >>> from corridor.model import Link, Network, Node
    >>> net = Network("tiny", nodes=(Node("a", "A", "KZ", "city", 70.0, 45.0),
    ...                              Node("b", "B", "KZ", "city", 70.5, 44.0),
    ...                              Node("c", "C", "KZ", "city", 71.0, 43.0)),
    ...               links=(Link("ab", "a", "b", "road", country="KZ", distance_km=80.0, speed_kmh=60.0),
    ...                      Link("bc", "b", "c", "rail-1520", country="KZ", distance_km=90.0, speed_kmh=60.0)))
    >>> sorted((node.id, m_in, m_out) for node, m_in, m_out in mode_change_gaps(net))
    [('b', 'rail-1520', 'road'), ('b', 'road', 'rail-1520')]
    """
    ins, outs = _incidence(net)
    for node in net.nodes:
        modes_in = sorted({lk.mode for lk in ins.get(node.id, [])})
        modes_out = sorted({lk.mode for lk in outs.get(node.id, [])})
        if len(set(modes_in) | set(modes_out)) < 2:
            continue
        here = net.transfers_at.get(node.id, ())
        for a in modes_in:
            for b in modes_out:
                if a != b and not mode_change_ok(here, a, b):
                    yield node, a, b
