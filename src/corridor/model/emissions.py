"""Greenhouse-gas emission factors per tonne-km by mode, each with its source.

GLEC Framework default factors were found only for RoPax ferries; for rail, road, sea and
container feeders the table uses the closest published defaults (UK DESNZ/Defra), and for
pipelines a labelled assumption. Every factor says which (``status``) and why (``note``).
Factors are well-to-wheel CO2e where the source gives it; the ``basis`` column says otherwise.

>>> from corridor.model.emissions import factor
>>> factor("rail-ferry").kg_co2e_per_tkm
0.1248
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.model.commodity import MODES
from corridor.model.provenance import Source, Status

__all__ = ["FACTORS", "SOURCES", "EmissionFactor", "factor", "factors_by_mode"]


@dataclass(frozen=True)
class EmissionFactor:
    """CO2e per tonne-km for one mode.

    Parameters
    ----------
    mode
        One of :data:`corridor.model.MODES`.
    kg_co2e_per_tkm
        Kilograms CO2e per tonne-kilometre.
    basis
        What the figure covers (WTW, TTW, CO2 only, region, year).
    source
        Key into :data:`SOURCES`.
    status
        How trustworthy the figure is.
    note
        Why this figure stands for the mode here.

    Examples
    --------
    >>> f = factor("rail-1520")
    >>> f.mode, f.kg_co2e_per_tkm, str(f.status)
    ('rail-1520', 0.03, 'estimate')
    """

    mode: str
    kg_co2e_per_tkm: float
    basis: str
    source: str
    status: Status
    note: str


SOURCES: dict[str, Source] = {s.key: s for s in (
    Source("CLIM", "Climatiq emission-factor pages reproducing GLEC Framework v3.0 (2023), Table 14 (RoPax)",
           "Climatiq (data Smart Freight Centre / GLEC)", "2023",
           "https://www.climatiq.io/data/emission-factor/bebf6e1a-9152-4902-85a7-d3e803ca766b"),
    Source("CLIM-CS25", "Climatiq: Container ship (over 8000 TEU), UK DESNZ/BEIS conversion factors 2025",
           "Climatiq (data UK DESNZ)", "2025",
           "https://www.climatiq.io/data/emission-factor/269e2737-716c-4d55-9493-f6df89904af8"),
    Source("DEFRA12", "2012 Guidelines to Defra/DECC's GHG Conversion Factors for Company Reporting, Annex 7, "
           "Table 7e", "Defra/DECC", "2012",
           "https://www.yumpu.com/en/document/view/38219432/greenhouse-gas-conversion-factors-for-company-reporting/35"),
    Source("HANS07", "Written answer 'Freight Transport' (Defra guideline factors)", "UK Parliament, Hansard", "2007",
           "https://hansard.parliament.uk/Commons/2007-06-04/debates/07060419000014/FreightTransport"),
    Source("ASSUME-PIPE", "Assumption: crude-oil pipeline emission factor", "corridor", "", "", "assumption",
           "No published factor was found for the CPC, Atyrau-Samara or Kazakhstan-China pipelines; "
           "0.005 kg CO2e/tkm is an order-of-magnitude placeholder (pumping energy), to be replaced."),
    Source("ASSUME-FEEDER", "Assumption: Caspian container feeders (120-700 TEU) emit like small Ro-Ro ships",
           "corridor", "", "", "assumption",
           "No GLEC factor for feeders under 1,000 TEU was found; the Defra 2007 small Ro-Ro factor "
           "(HANS07) stands in for them."),
)}

FACTORS: tuple[EmissionFactor, ...] = (
    EmissionFactor("rail-1520", 0.03, "CO2 only; UK rail freight (mostly diesel), Defra 2007 guideline", "HANS07",
                   Status.ESTIMATE, "GLEC rail factors for Central Asia were not found; the Defra 2007 rail freight "
                   "default stands in for broad-gauge rail (diesel and electric on coal-heavy grids)."),
    EmissionFactor("rail-1435", 0.03, "CO2 only; UK rail freight (mostly diesel), Defra 2007 guideline", "HANS07",
                   Status.ESTIMATE, "As for rail-1520: no GLEC rail factor found."),
    EmissionFactor("road", 0.10273, "CO2e, direct + indirect; HGV articulated >33 t, UK average load 62%",
                   "DEFRA12", Status.ESTIMATE, "UK default for heavy articulated trucks."),
    EmissionFactor("sea", 0.01266, "CO2e, direct combustion; container ship >8,000 TEU (DESNZ 2025)",
                   "CLIM-CS25", Status.ESTIMATE, "Deep-sea container ships; smaller Black Sea and "
                   "Mediterranean ships emit more per tonne-km, so sea legs are understated."),
    EmissionFactor("feeder", 0.06, "CO2 only; small Ro-Ro, Defra 2007 guideline", "HANS07+ASSUME-FEEDER",
                   Status.ASSUMPTION, "See ASSUME-FEEDER."),
    EmissionFactor("rail-ferry", 0.1248, "CO2e WTW; RoPax 10,000-19,999 GT, MDO, GLEC v3.0 Table 14", "CLIM",
                   Status.ESTIMATE, "Caspian rail ferries (e.g. 'Azerbaijan', 154.5 m, 56 railcars) are RoPax "
                   "ships; their gross tonnage band is assumed."),
    EmissionFactor("pipeline", 0.005, "CO2e; placeholder", "ASSUME-PIPE", Status.ASSUMPTION, "See ASSUME-PIPE."),
)

assert {f.mode for f in FACTORS} == set(MODES), "every mode needs a factor"


def factors_by_mode() -> dict[str, EmissionFactor]:
    """The factors keyed by mode.

    Examples
    --------
    >>> sorted(factors_by_mode())
    ['feeder', 'pipeline', 'rail-1435', 'rail-1520', 'rail-ferry', 'road', 'sea']
    """
    return {f.mode: f for f in FACTORS}


def factor(mode: str) -> EmissionFactor:
    """The emission factor of ``mode``.

    Raises
    ------
    KeyError
        For an unknown mode.

    Examples
    --------
    >>> factor("road").kg_co2e_per_tkm > factor("rail-1520").kg_co2e_per_tkm
    True
    """
    return factors_by_mode()[mode]
