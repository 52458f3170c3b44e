"""Calibration targets: a published aggregate of a base year and the model figure it is compared with.

Read from a dataset's ``targets.csv`` (:func:`corridor.scenarios.targets.load_targets`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Target"]


@dataclass(frozen=True)
class Target:
    """One published aggregate and the model figure it is compared with.

    Attributes
    ----------
    id
        Short slug.
    measure
        A scalar of the physical measures, or ``facility:<id>:<unit>``.
    observed
        The published figure, in ``unit``.
    unit
        ``t`` or ``TEU`` (per year).
    year
        The year the figure describes.
    source, status
        Source keys (joined by ``+``) and status, as for every figure of the dataset.
    note
        What the figure counts, and how its scope differs from the model's where it does.
    fit
        Whether a calibration should fit the figure; false where its scope differs from the model's
        (e.g. a port throughput that includes trade the demand table lacks): compared, not fitted.

    Examples
    --------
    >>> from corridor import data
    >>> t = Target("tc-2021", "corridor_tonnes", 1.0e6, "t", 2021, "EXAMPLE", "assumption")
    >>> t.measure, t.observed, t.fit
    ('corridor_tonnes', 1000000.0, True)
    """

    id: str
    measure: str
    observed: float
    unit: str
    year: int
    source: str
    status: str
    note: str = ""
    fit: bool = True
    origin: str | None = field(default=None, compare=False, hash=False, repr=False)
