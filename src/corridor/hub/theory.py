"""Queueing-theory oracles for the pure-queue mode: Erlang C (M/M/c) and Pollaczek–Khinchine (M/G/1).

>>> round(erlang_c(1, 0.5), 6)  # M/M/1: probability of waiting = ρ
0.5
>>> round(mmc_wait(2, arrival_rate=1.0, service_mean=1.6) / 1.6, 3)  # Wq/S at ρ = 0.8, c = 2 (A8 table: 1.778)
1.778
>>> mg1_wait(arrival_rate=0.5, service_mean=1.0, service_second_moment=1.0)  # M/D/1 at ρ = 0.5
0.5
"""

from __future__ import annotations

from corridor.hub.config import QueueSpec

__all__ = ["erlang_c", "mg1_wait", "mmc_wait", "theoretical_wait"]


def erlang_c(servers: int, offered: float) -> float:
    """Probability that an arrival waits in M/M/c, with ``offered`` = λ/μ Erlangs (< c).

    Computed with the stable Erlang-B recursion B(k) = a B(k−1) / (k + a B(k−1)).

    Examples
    --------
    >>> round(erlang_c(2, 1.6), 4)  # two servers at 80 % utilisation
    0.7111
    """
    if servers < 1:
        raise ValueError("servers must be ≥ 1")
    rho = offered / servers
    if not 0 <= rho < 1:
        raise ValueError(f"utilisation {rho:.3f} ≥ 1: no steady state")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered * b / (k + offered * b)
    return b / (1.0 - rho * (1.0 - b))


def mmc_wait(servers: int, *, arrival_rate: float, service_mean: float) -> float:
    """Mean wait in queue Wq of M/M/c: C(c, a) / (c μ − λ).

    Examples
    --------
    The M/M/2 case of ``mm2-example`` (a vessel every 15 h, 24 h at berth):

    >>> round(mmc_wait(2, arrival_rate=1 / 15, service_mean=24.0), 2)
    42.67
    """
    a = arrival_rate * service_mean
    return erlang_c(servers, a) * service_mean / (servers - a)


def mg1_wait(*, arrival_rate: float, service_mean: float, service_second_moment: float) -> float:
    """Mean wait in queue Wq of M/G/1 (Pollaczek–Khinchine): λ E[S²] / (2 (1 − ρ)).

    Examples
    --------
    M/D/1 (deterministic service, second moment = mean²) at 50 % utilisation:

    >>> mg1_wait(arrival_rate=0.05, service_mean=10.0, service_second_moment=100.0)
    5.0
    """
    rho = arrival_rate * service_mean
    if not 0 <= rho < 1:
        raise ValueError(f"utilisation {rho:.3f} ≥ 1: no steady state")
    return arrival_rate * service_second_moment / (2.0 * (1.0 - rho))


def theoretical_wait(spec: QueueSpec) -> tuple[float, str] | None:
    """The exact mean wait for ``spec`` and the formula's name, or None when no exact formula applies.

    Exact cases: Poisson arrivals with exponential service on c servers (Erlang C), and Poisson
    arrivals with any service distribution on one server (Pollaczek–Khinchine).

    Examples
    --------
    >>> from corridor.hub import load_config
    >>> wq, formula = theoretical_wait(load_config("mm2-example").queue)
    >>> round(wq, 2), formula
    (42.67, 'Erlang C (M/M/c)')
    """
    if spec.arrivals.family != "exponential" or spec.arrivals.shift or spec.utilisation >= 1:
        return None
    lam = 1.0 / spec.arrivals.mean
    if spec.service.family == "exponential" and not spec.service.shift:
        return mmc_wait(spec.servers, arrival_rate=lam, service_mean=spec.service.mean), "Erlang C (M/M/c)"
    if spec.servers == 1:
        wq = mg1_wait(arrival_rate=lam, service_mean=spec.service.mean,
                      service_second_moment=spec.service.second_moment)
        kind = "D" if spec.service.family == "deterministic" else "G"
        return wq, f"Pollaczek–Khinchine (M/{kind}/1)"
    return None
