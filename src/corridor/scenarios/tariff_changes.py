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
