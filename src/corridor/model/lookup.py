"""Finding nodes by what a user types: id, name or alias, case- and accent-insensitive."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from corridor.exceptions import NodeNotFound
from corridor.validation import close_matches

if TYPE_CHECKING:
    from corridor.model.network import Network, Node

__all__ = ["find_node", "normalise_name"]


def normalise_name(text: str) -> str:
    """Lower-case, strip accents and punctuation: ``"Constanța"`` → ``"constanta"``.

    Examples
    --------
    >>> normalise_name("Constanța"), normalise_name("  Baku-Alat "), normalise_name("Xi'an")
    ('constanta', 'bakualat', 'xian')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in plain if c.isalnum())


def find_node(net: Network, query: str) -> Node:
    """Return the node whose id, name or alias matches ``query``.

    Raises
    ------
    NodeNotFound
        When nothing matches; it carries up to three close matches.

    Examples
    --------
    Ids, names and aliases match, whatever the case and accents:

    >>> from corridor import data
    >>> net = data.load().network
    >>> find_node(net, "KHORGOS").id, find_node(net, "Xian").id
    ('khorgos', 'xian')
    >>> try:
    ...     find_node(net, "Aktao")
    ... except NodeNotFound as e:
    ...     print(e)
    unknown node 'Aktao'; did you mean 'aktau', 'aktobe'?
    """
    if query in net.node_index:
        return net.nodes[net.node_index[query]]
    key = normalise_name(query)
    table = net.name_table
    if key and key in table:
        return table[key]
    close = close_matches(key, table, n=5, cutoff=0.7)
    seen: list[str] = []
    for c in close:
        if table[c].id not in seen:
            seen.append(table[c].id)
    raise NodeNotFound(query, seen[:3])
