"""``change_tariff`` on the tariff table: the adjustment a change makes to the table's charges.

A network's tariff table (:mod:`corridor.model.tariffs`) prices the links that have no cost columns
of their own. A ``change_tariff`` that selects such links becomes a
:class:`~corridor.model.tariffs.TariffAdjustment` on them, narrowed by the selectors ``commodity``
and ``class``; the table's rows stay as published, so a report can still show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from corridor.model.tariffs import CLASSES, TariffAdjustment

if TYPE_CHECKING:
    from corridor.scenarios.spec import Change

__all__ = ["tariff_adjustment"]


def tariff_adjustment(ctx: Any, ch: Change, narrow: Mapping[str, list[str]], link_ids: Sequence[str],
                      amounts: tuple[float, float, float]) -> TariffAdjustment | None:
    """The adjustment of ``ch`` on the table's charges of ``link_ids``, or None (problems go to ``ctx``).

    Parameters
    ----------
    ctx
        The change context of :func:`corridor.scenarios.apply_changes` (its network and problems).
    ch
        The ``change_tariff``.
    narrow
        The ``commodity`` and ``class`` selectors given (lists of values).
    link_ids
        Selected links priced by the table.
    amounts
        ``(factor, add_usd_per_t, add_usd_per_teu)``.

    Examples
    --------
    A 20 % cut of the transit charges of the table on the Dostyk–Aktogay line (priced by the
    table in the built-in data), in the context :func:`~corridor.scenarios.apply_changes` makes:

    >>> from corridor import data
    >>> from corridor.scenarios.changes import _Ctx
    >>> from corridor.scenarios.spec import Change
    >>> ds = data.load()
    >>> ctx = _Ctx(ds.network, ds.demand, {})
    >>> ch = Change("change_tariff", {"select": {"id": ["dostyk-aktogay"], "class": ["transit"]}, "factor": 0.8})
    >>> adj = tariff_adjustment(ctx, ch, {"class": ["transit"]}, ["dostyk-aktogay"], (0.8, 0.0, 0.0))
    >>> sorted(adj.links), sorted(adj.classes), adj.factor
    (['dostyk-aktogay'], ['transit'], 0.8)

    An unknown commodity is a problem for the context, and there is no adjustment:

    >>> print(tariff_adjustment(ctx, ch, {"commodity": ["gold"]}, ["dostyk-aktogay"], (0.8, 0.0, 0.0)))
    None
    >>> ctx.problems[0].message
    "unknown commodity 'gold'; known: coal, container, general, grain, metals, oil"
    """
    known = ctx.net.commodity_index
    commodities = [c for c in narrow.get("commodity", []) if c in known]
    for c in narrow.get("commodity", []):
        if c not in known:
            ctx.bad(ch, "select.commodity", f"unknown commodity {c!r}; known: {', '.join(sorted(known))}")
    for c in narrow.get("class", []):
        if c not in CLASSES:
            ctx.bad(ch, "select.class", f"unknown tariff class {c!r}; expected one of {', '.join(CLASSES)}")
    if not link_ids and not ctx.problems:
        field = "select.commodity" if "commodity" in narrow else "select.class"
        ctx.bad(ch, field, "selects charges of the tariff table, but no selected link is priced by it "
                "(they carry their own cost columns)")
    if ctx.problems:
        return None
    factor, add_t, add_teu = amounts
    return TariffAdjustment(frozenset(link_ids), frozenset(commodities), frozenset(narrow.get("class", [])),
                            factor, add_t, add_teu)
