"""Single-criterion shortest paths: one source to every node (Dijkstra).

The fast path of the route planner: one weight per arc, no constraints. It runs on a
:class:`~corridor.model.CompiledNetwork` (arcs listed one by one, so parallel links of different
modes are kept apart and the tree records which *arc* reaches each node) or on a plain
``scipy.sparse`` CSR matrix (the tree records predecessor *nodes*, as SciPy does).

The loop itself is the numba kernel :func:`corridor._kernels.dijkstra_kernel`; this module checks
the input and wraps the result.

>>> from corridor import data
>>> from corridor.routing.shortest import shortest_path
>>> c = data.load("eurasia").network.compile()
>>> hours, nodes = shortest_path(c, c.time_h, "aktau", "baku-alat")
>>> c.node_ids[nodes[0]], c.node_ids[nodes[-1]], hours > 0
('aktau', 'baku-alat', True)
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.exceptions import NodeNotFound
from corridor.model.compiled import CompiledNetwork

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "WEIGHTS", "ShortestPathTree", "shortest_path", "shortest_path_tree"]

_log = logging.getLogger(__name__)

METHODS: tuple[str, ...] = ("auto", "numba", "reference")
"""Values of ``method``: ``auto`` (numba if it imports, else the reference), ``numba`` (the
compiled kernel) and ``reference`` (plain Python with :mod:`heapq`; slow, for checking)."""

WEIGHTS: tuple[str, ...] = ("distance_km", "time_h", "cost_usd_per_t", "cost_usd_per_teu")
"""Per-arc arrays of a :class:`~corridor.model.CompiledNetwork` that ``weight`` may name."""


@dataclass(frozen=True, eq=False)
class ShortestPathTree:
    """Shortest distances from one source and the tree of shortest paths.

    Parameters
    ----------
    dist
        Distance of every node from ``source`` (``inf`` where unreachable).
    pred
        Predecessor of every node in the tree (``-1`` at the source and where unreachable):
        the arc index when ``pred_is_arc``, else the node index.
    source
        Source node index.
    pred_is_arc
        Whether ``pred`` holds arc indices (trees over a :class:`~corridor.model.CompiledNetwork`).
    arc_tail
        Tail node of every arc; needed to walk arc predecessors, ``None`` for node predecessors.
    node_ids
        Node ids in index order, if known; :meth:`to_frame` adds them as a column.

    Examples
    --------
    >>> from scipy import sparse
    >>> g = sparse.csr_array(([1.0, 4.0, 2.0], ([0, 0, 1], [1, 2, 2])), shape=(4, 4))
    >>> tree = shortest_path_tree(g, None, 0)
    >>> tree.dist.tolist(), tree.path_to(2), tree.path_to(3)
    ([0.0, 1.0, 3.0, inf], [0, 1, 2], [])
    """

    dist: np.ndarray
    pred: np.ndarray
    source: int
    pred_is_arc: bool = False
    arc_tail: np.ndarray | None = field(default=None, repr=False)
    node_ids: tuple[str, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.pred_is_arc and self.arc_tail is None:
            msg = "a tree of predecessor arcs needs arc_tail"
            raise ValueError(msg)
        if self.dist.shape != self.pred.shape:
            msg = f"dist and pred differ in shape: {self.dist.shape} != {self.pred.shape}"
            raise ValueError(msg)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.dist)

    @property
    def pred_node(self) -> np.ndarray:
        """Predecessor node of every node (``-1`` at the source and where unreachable)."""
        if not self.pred_is_arc:
            return self.pred
        assert self.arc_tail is not None  # set whenever pred_is_arc (__post_init__)
        return np.where(self.pred >= 0, self.arc_tail[np.maximum(self.pred, 0)], -1)

    def _check(self, target: int) -> int:
        t = int(target)
        if not 0 <= t < self.n_nodes:
            msg = f"target {target!r} is out of range for {self.n_nodes} nodes"
            raise ValueError(msg)
        return t

    def arcs_to(self, target: int) -> list[int]:
        """Arc indices of the shortest path from the source to ``target``, in travel order.

        Returns ``[]`` if ``target`` is the source or unreachable.

        Raises
        ------
        ValueError
            If the tree records predecessor nodes (a plain CSR graph has no arc identity) or
            ``target`` is out of range.
        """
        if not self.pred_is_arc:
            msg = "this tree records predecessor nodes; arcs_to needs a tree over a CompiledNetwork"
            raise ValueError(msg)
        assert self.arc_tail is not None  # set whenever pred_is_arc (__post_init__)
        v = self._check(target)
        if not math.isfinite(self.dist[v]):
            return []
        arcs: list[int] = []
        while v != self.source:
            a = int(self.pred[v])
            arcs.append(a)
            v = int(self.arc_tail[a])
        arcs.reverse()
        return arcs

    def path_to(self, target: int) -> list[int]:
        """Node indices of the shortest path from the source to ``target``, both included.

        Returns ``[]`` if ``target`` is unreachable and ``[source]`` if it is the source.

        Raises
        ------
        ValueError
            If ``target`` is out of range.
        """
        v = self._check(target)
        if not math.isfinite(self.dist[v]):
            return []
        nodes = [v]
        while v != self.source:
            p = int(self.pred[v])
            v = int(self.arc_tail[p]) if self.arc_tail is not None and self.pred_is_arc else p
            nodes.append(v)
        nodes.reverse()
        return nodes

    def distance_to(self, target: int) -> float:
        """Distance from the source to ``target`` as a Python float (``inf`` if unreachable)."""
        return float(self.dist[self._check(target)])

    def to_frame(self) -> pd.DataFrame:
        """The tree as a table with one row per node.

        Columns ``node`` (index), ``dist``, ``pred`` (predecessor node, ``-1`` for none), and
        ``pred_arc`` for trees over arcs and ``id`` when node ids are known.
        """
        import pandas as pd

        frame = pd.DataFrame({"node": np.arange(self.n_nodes), "dist": self.dist, "pred": self.pred_node})
        if self.pred_is_arc:
            frame["pred_arc"] = self.pred
        if self.node_ids is not None:
            frame.insert(1, "id", list(self.node_ids))
        return frame


def _resolve_node(compiled: CompiledNetwork | None, node: int | str, what: str) -> int:
    if isinstance(node, str):
        if compiled is None:
            msg = f"{what} {node!r} is a node id, but a CSR matrix has only node indices"
            raise TypeError(msg)
        try:
            return compiled.node_index[node]
        except KeyError:
            raise NodeNotFound(node) from None
    return int(node)


def _kernel(method: str) -> Callable[..., tuple[np.ndarray, np.ndarray]]:
    # Lazy: numba takes a fraction of a second to import and most commands never need it.
    from corridor import _kernels

    if method == "auto":
        return _kernels.dijkstra_kernel
    if method == "numba":
        if not _kernels.HAVE_NUMBA:
            msg = "method='numba' but numba could not be imported"
            raise ImportError(msg)
        return _kernels.dijkstra_kernel
    if method == "reference":
        return _kernels.dijkstra_reference
    msg = f"unknown method {method!r}; expected one of {METHODS}"
    raise ValueError(msg)


def _arrays(graph: Any, weight: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, CompiledNetwork | None]:
    if isinstance(graph, CompiledNetwork):
        if weight is None:
            msg = f"weight is required for a CompiledNetwork (an array per arc or one of {WEIGHTS})"
            raise ValueError(msg)
        if isinstance(weight, str):
            if weight not in WEIGHTS:
                msg = f"unknown weight {weight!r}; expected an array per arc or one of {WEIGHTS}"
                raise ValueError(msg)
            weight = getattr(graph, weight)
        w = np.asarray(weight, dtype=np.float64)
        if w.shape != (graph.n_arcs,):
            msg = f"weight has shape {w.shape}, expected one value per arc ({graph.n_arcs},)"
            raise ValueError(msg)
        return graph.indptr, graph.head, w, graph
    if not (hasattr(graph, "indptr") and hasattr(graph, "indices") and getattr(graph, "format", None) == "csr"):
        msg = f"expected a CompiledNetwork or a scipy.sparse CSR array/matrix, got {type(graph).__name__}"
        raise TypeError(msg)
    if graph.shape[0] != graph.shape[1]:
        msg = f"the adjacency matrix must be square, got shape {graph.shape}"
        raise ValueError(msg)
    w = graph.data if weight is None else np.asarray(weight, dtype=np.float64)
    if w.shape != graph.indices.shape:
        msg = f"weight has shape {w.shape}, expected one value per stored entry {graph.indices.shape}"
        raise ValueError(msg)
    return graph.indptr, graph.indices, w, None


def shortest_path_tree(
    graph: CompiledNetwork | Any,
    weight: np.ndarray | str | None,
    source: int | str,
    *,
    method: str = "auto",
) -> ShortestPathTree:
    """Shortest distances from ``source`` to every node, and the tree of shortest paths.

    Parameters
    ----------
    graph
        A :class:`~corridor.model.CompiledNetwork`, or a square ``scipy.sparse`` CSR array or
        matrix whose stored entries are the arcs (row → column). Duplicate entries are parallel
        arcs, and explicitly stored zeros are arcs of weight 0.
    weight
        One non-negative value per arc (``compiled.time_h``) or per stored entry. For a compiled
        network also the name of one of its arc arrays (:data:`WEIGHTS`); for a CSR matrix
        ``None`` means its ``data``. ``inf`` closes an arc.
    source
        Source node index, or node id for a compiled network.
    method
        One of :data:`METHODS`.

    Returns
    -------
    ShortestPathTree
        Predecessor *arcs* for a compiled network, predecessor *nodes* for a CSR matrix.

    Raises
    ------
    ValueError
        If a weight is negative or NaN, has the wrong shape, or ``source`` is out of range.
    corridor.exceptions.NodeNotFound
        If ``source`` is a node id the network does not hold.

    See Also
    --------
    shortest_path : One source and one target.
    scipy.sparse.csgraph.dijkstra : The same search in SciPy (within a few percent in speed; see
        ``benchmarks/RESULTS.md``).

    Examples
    --------
    >>> from corridor import data
    >>> c = data.load("eurasia").network.compile()
    >>> tree = shortest_path_tree(c, "time_h", "aktau")
    >>> tree.distance_to(c.node_index["aktau"])
    0.0
    >>> arcs = tree.arcs_to(c.node_index["baku-alat"])
    >>> c.node_ids[c.tail[arcs[0]]], c.node_ids[c.head[arcs[-1]]]
    ('aktau', 'baku-alat')
    """
    from corridor._kernels import dijkstra

    indptr, indices, w, compiled = _arrays(graph, weight)
    src = _resolve_node(compiled, source, "source")
    dist, pred = dijkstra(indptr, indices, w, src, record_arc=compiled is not None, kernel=_kernel(method))
    _log.debug("shortest_path_tree from %d: %d of %d nodes reached", src, int(np.isfinite(dist).sum()), len(dist))
    if compiled is None:
        return ShortestPathTree(dist, pred, src)
    return ShortestPathTree(dist, pred, src, pred_is_arc=True, arc_tail=compiled.tail, node_ids=compiled.node_ids)


def shortest_path(
    graph: CompiledNetwork | Any,
    weight: np.ndarray | str | None,
    source: int | str,
    target: int | str,
    *,
    method: str = "auto",
) -> tuple[float, list[int]]:
    """The shortest path from ``source`` to ``target`` and its length.

    The search stops as soon as ``target`` is settled.

    Parameters
    ----------
    graph, weight, method
        As for :func:`shortest_path_tree`.
    source, target
        Node indices, or node ids for a compiled network.

    Returns
    -------
    length, nodes
        The length as a Python float and the node indices from ``source`` to ``target``;
        ``(inf, [])`` if ``target`` cannot be reached.

    Raises
    ------
    ValueError
        As for :func:`shortest_path_tree`, or if ``target`` is out of range.
    corridor.exceptions.NodeNotFound
        If ``source`` or ``target`` is a node id the network does not hold.

    See Also
    --------
    shortest_path_tree : Every node at once.

    Examples
    --------
    >>> from scipy import sparse
    >>> g = sparse.csr_array(([1.0, 4.0, 2.0], ([0, 0, 1], [1, 2, 2])), shape=(3, 3))
    >>> shortest_path(g, None, 0, 2)
    (3.0, [0, 1, 2])
    """
    from corridor._kernels import dijkstra

    indptr, indices, w, compiled = _arrays(graph, weight)
    src = _resolve_node(compiled, source, "source")
    dst = _resolve_node(compiled, target, "target")
    dist, pred = dijkstra(indptr, indices, w, src, target=dst, record_arc=compiled is not None,
                          kernel=_kernel(method))
    tree = ShortestPathTree(dist, pred, src, pred_is_arc=compiled is not None,
                            arc_tail=None if compiled is None else compiled.tail)
    return tree.distance_to(dst), tree.path_to(dst)
