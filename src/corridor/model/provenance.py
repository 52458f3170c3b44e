"""Where each figure comes from: the sources table and the status of a figure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Provenance", "Source", "Status"]


class Status(StrEnum):
    """How trustworthy a figure is, from a published measurement down to a labelled assumption.

    Examples
    --------
    >>> Status("measured"), Status.ESTIMATE.value
    (<Status.MEASURED: 'measured'>, 'estimate')
    >>> [s.value for s in Status][:3]
    ['measured', 'official', 'official capacity']
    """

    MEASURED = "measured"
    """A reported actual: throughput, volume, a line length as built, a survey measurement."""
    OFFICIAL = "official"
    """Stated by a government, railway, port or operator (route lengths, tariffs in force)."""
    OFFICIAL_CAPACITY = "official capacity"
    """A design or rated capacity stated by an operator or government."""
    PLAN = "plan"
    """A target, forecast or planned figure."""
    ESTIMATE = "estimate"
    """An analyst's or third party's estimate, or a reference value used as a stand-in."""
    INDICATIVE = "indicative"
    """A quote, a single shipment, a press or traveller report."""
    DERIVED = "derived"
    """Computed from sourced inputs; the source key names the method."""
    CALIBRATED = "calibrated"
    """Fitted so that the model reproduces observed figures; the method is named with it."""
    ASSUMPTION = "assumption"
    """No published figure was found; the value is a stated assumption."""


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the sources table.

    Parameters
    ----------
    key
        Short key that figures refer to, e.g. ``"CPMM22-KZ"``.
    title, publisher, year, url
        Bibliographic data. ``url`` may be empty for methods and assumptions.
    kind
        ``"publication"`` for a published source, ``"encyclopaedia"`` for an encyclopaedia (never
        the source of an official figure), ``"average"`` for a published country or corridor
        average (applied to one crossing it gives an estimate, not a measurement), ``"method"`` for
        a derivation that corridor performs (its ``title`` states the method), ``"assumption"`` for
        a stated assumption.
    note
        Free text: caveats, how a value was read.

    Examples
    --------
    >>> from corridor import data
    >>> sources = data.load().network.sources
    >>> s = sources["GEONAMES"]
    >>> s.key, s.kind
    ('GEONAMES', 'publication')
    """

    key: str
    title: str
    publisher: str = ""
    year: str = ""
    url: str = ""
    kind: str = "publication"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Provenance:
    """The source keys and status of one figure.

    ``source`` may name several keys joined by ``+`` (inputs of a derivation, then the method).

    Examples
    --------
    >>> from corridor import data
    >>> p = data.load().network.link("lianyungang-xian").provenance["distance_km"]
    >>> p.source, p.status.value
    ('M-CIRCUITY', 'derived')
    """

    source: str
    status: Status

    @property
    def keys(self) -> tuple[str, ...]:
        """The individual source keys."""
        return tuple(k.strip() for k in self.source.split("+") if k.strip())
