"""Monte Carlo sweeps: many runs of one scenario with its uncertain parameters drawn at random.

Sample ``i`` draws its parameters from ``numpy.random.default_rng(SeedSequence(seed).spawn(n)[i])``
(in the sorted order of the parameter names), so a sample's values depend only on the seed and its
index — not on the number of workers, the order in which samples finish, or an interruption.
Child ``i`` is made on its own (:func:`corridor.parallel.child_seed`), never by spawning all ``n``: a sweep draws
and submits its samples chunk by chunk, a few chunks in flight, so its memory does not grow with
the sample count (at most :data:`MAX_SAMPLES`) before the first sample runs.
Samples are solved in chunks by the executor of :mod:`corridor.parallel` (in this process, on a
local process pool or on a Dask distributed cluster); each finished chunk is written to the run
store at once, so a sweep that is killed resumes where it stopped (:func:`run_sweep` with
``resume``), without losing or repeating a sample.

Each worker loads the base dataset and builds the scenario's model once, in the executor's
initializer (:func:`prepare_worker`; a Dask worker plugin on a cluster), not once per task: tasks
carry the scenario and the samples' parameters only. Within a chunk, a sample whose changes only
alter capacities and tariffs (the usual uncertain parameters) re-prices and re-bounds the chunk's
LP and re-solves it from the previous basis (a warm start) instead of building it anew (see
:mod:`corridor.scenarios._sweep_worker`).

The summary's ``timing`` says where the time went: in each worker (initializer, model builds,
applying changes, solving) and in this process (starting the workers, drawing samples, store
writes, waiting, summarising), with this process's CPU time (see
:mod:`corridor.scenarios._sweep_timing`).
"""

from __future__ import annotations

import contextlib
import importlib
import math
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor.exceptions import InputError, Problem
from corridor.parallel import Executor, child_seed
from corridor.scenarios._sweep_timing import SweepClock
from corridor.scenarios._sweep_worker import Item, _solve_task, prepare_worker, solve_chunk
from corridor.scenarios.spec import ScenarioSpec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_SAMPLES", "SweepProgress", "SweepResult", "draw_params", "histograms", "prepare_worker", "run_sweep",
           "share_stats", "solve_chunk", "summarise_samples"]

MAX_SAMPLES = 10_000_000
"""The most samples one sweep may ask for."""
_CHUNK = 20
_TONNES_BY = {"by_gateway_t": "gateway_shares", "by_corridor_t": "corridor_shares"}
"""Tonnes by name in a sample (``by_gateway_t.<gateway>`` columns) → the key of their shares in the summary."""
_METRICS = ("unserved_t", "served_t", "total_cost_usd", "tonne_km", "co2e_kg", "hours_t", "russia_t", "titr_t",
            "titr_teu", "caspian_oil_t", "kz_transit_teu")


@dataclass(frozen=True)
class SweepProgress:
    """What the ``progress`` callback receives after each chunk.

    Examples
    --------
    >>> from corridor.scenarios import load_scenario
    >>> seen = []
    >>> _ = run_sweep(load_scenario("caspian-storm-season"), 2, seed=1, workers=1, progress=seen.append)
    >>> [(p.done, p.total) for p in seen]
    [(2, 2)]
    """

    done: int
    total: int
    elapsed: float


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Distributions over the samples of a sweep.

    Attributes
    ----------
    sweep_id
        The run id in the store (``""`` without a store).
    scenario
        The scenario's name.
    samples, seed
        How many samples, and the root seed.
    summary
        ``metrics`` (mean, sd, min, p5, p25, p50, p75, p95, max per metric), ``gateway_shares`` and
        ``corridor_shares`` (each export gateway's share of Kazakh exports and each route corridor's
        share of the tonnes served, and their tonnes, with the same statistics: :func:`share_stats`),
        ``p_unserved_above``
        (probability that unserved demand exceeds each threshold, in t), ``bottleneck_frequency``
        (share of samples in which each capacity binds), ``tornado`` (parameters ranked by their rank
        correlation with each metric, with the metric's mean in the lowest and highest fifth of the
        parameter's values).
    frame
        One row per sample: ``idx, seed``, ``param.<name>`` and the metrics.
    elapsed_s
        Wall time of this call.

    Examples
    --------
    >>> from corridor.scenarios import load_scenario
    >>> spec = load_scenario("caspian-storm-season")  # one uncertain parameter, solved with the LP
    >>> sweep = run_sweep(spec, 2, seed=1, workers=1)
    >>> d = sweep.to_dict()
    >>> d["scenario"], d["samples"], d["sweep_id"]  # no store given: no id
    ('caspian-storm-season', 2, '')
    >>> sorted(c for c in sweep.frame.columns if c.startswith("param."))
    ['param.open_share']
    """

    sweep_id: str
    scenario: str
    samples: int
    seed: int
    summary: dict[str, Any]
    frame: pd.DataFrame = field(repr=False)
    elapsed_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain values."""
        rate = self.summary.get("solved_now", 0) / self.elapsed_s if self.elapsed_s > 0 else None
        return {
            "sweep_id": self.sweep_id,
            "scenario": self.scenario,
            "samples": self.samples,
            "seed": self.seed,
            **self.summary,
            "elapsed_s": self.elapsed_s,
            "samples_per_s": rate,
        }


def _draw(spec: ScenarioSpec, names: list[str], seed: int, i: int) -> Item:
    child = child_seed(seed, i)
    rng = np.random.default_rng(child)
    params = {k: spec.uncertain[k].sample(rng) for k in names}
    return i, int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)), params


def draw_params(spec: ScenarioSpec, seed: int, n: int, indices: Iterable[int] | None = None) -> list[Item]:
    """``(index, child seed, parameter values)`` of samples ``indices`` (default all ``n``).

    Examples
    --------
    Each sample gets its own seed and parameter values, the same for the same root seed:

    >>> from corridor.scenarios import load_scenario
    >>> spec = load_scenario("caspian-storm-season")
    >>> draws = list(draw_params(spec, seed=0, n=3))
    >>> [(i, round(p["open_share"], 3)) for i, _, p in draws]
    [(0, 0.599), (1, 0.529), (2, 0.565)]
    >>> draws == list(draw_params(spec, seed=0, n=3))
    True
    >>> [i for i, _, _ in draw_params(spec, seed=0, n=3, indices=[2])]
    [2]
    """
    names = sorted(spec.uncertain)
    return [_draw(spec, names, seed, i) for i in (range(n) if indices is None else indices)]


# --- the driver side ------------------------------------------------------------------------------
def _chunks(spec: ScenarioSpec, seed: int, samples: int, done: set[int]) -> Iterator[list[Item]]:
    """The samples not ``done``, drawn lazily and grouped by ``index // _CHUNK``.

    The groups are the same however many workers run them. A chunk is solved in one worker, warm
    from sample to sample, starting cold; so a sample's result depends only on its chunk, never on
    scheduling. The store writes a chunk in one transaction, so a resumed sweep finds whole
    chunks missing and solves them exactly as the first run would have.
    """
    names = sorted(spec.uncertain)
    for start in range(0, samples, _CHUNK):
        chunk = [_draw(spec, names, seed, i) for i in range(start, min(start + _CHUNK, samples)) if i not in done]
        if chunk:
            yield chunk


def _resumed(store: Any, resume: str | None, spec_hash: str, samples: int, seed: int) -> tuple[str, set[int]]:
    """The sweep to resume and its samples already stored (``("", set())`` for a new sweep)."""
    if resume is None:
        return "", set()
    if store is None:
        raise InputError(Problem("--resume", "", "needs a run store"))
    run = store.get(resume)
    if run.get("spec_hash") != spec_hash:
        raise InputError(Problem("--resume", "", f"run {run['run_id']} is not a sweep of this scenario with "
                                 f"{samples} samples and seed {seed}"))
    return run["run_id"], set(store.sample_indices(run["run_id"]))


def _check_sweep(spec: ScenarioSpec, samples: int) -> None:
    if not spec.uncertain:
        raise InputError(
            Problem(spec.path or spec.name, "uncertain", "the scenario has no uncertain parameters to sweep over")
        )
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(Problem("--samples", "samples", f"must be a whole number from 1 to {MAX_SAMPLES:,}, "
                                 f"not {samples!r}"))


@dataclass
class _Tally:
    """What the chunks solved in this call came to, and where the time went."""

    solved: int = 0
    warm: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # kept only without a store
    clock: SweepClock = field(default_factory=SweepClock)


def _solve(executor: Executor, spec: ScenarioSpec, seed: int, samples: int, done: set[int], *,
           store: Any, sweep_id: str, start: float, progress: Callable[[SweepProgress], None] | None,
           tally: _Tally) -> None:
    """Solve the missing samples chunk by chunk; write each finished chunk to the store at once."""
    clock = tally.clock
    if store is not None and "pyarrow" not in sys.modules:  # the store takes samples through Arrow (a second to
        # import): import it beside this thread, which meanwhile starts the workers and waits for the first chunk
        threading.Thread(target=importlib.import_module, args=("pyarrow",), name="corridor-prefetch",
                         daemon=True).start()
    tasks = ((spec, chunk) for chunk in clock.timed("draw_s", _chunks(spec, seed, samples, done)))
    try:
        for _, (rows, timing) in clock.waiting(executor.imap_unordered(_solve_task, tasks)):
            clock.add_chunk(timing)
            with clock.stage("store_s"):
                if store is not None:
                    store.add_samples(sweep_id, rows)
                else:
                    tally.rows += rows
            tally.solved += len(rows)
            tally.warm += sum(bool(r["summary"].get("warm")) for r in rows)
            if progress is not None:
                with clock.stage("progress_s"):
                    progress(SweepProgress(len(done) + tally.solved, samples, time.perf_counter() - start))
    except BaseException as e:  # the stored samples stay, and the sweep can be resumed
        if store is not None:
            store.fail(sweep_id, f"{type(e).__name__}: {e}", interrupted=isinstance(e, KeyboardInterrupt),
                       elapsed_s=time.perf_counter() - start)
        raise


def run_sweep(
    spec: ScenarioSpec,
    samples: int,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    store: Any = None,
    resume: str | None = None,
    thresholds_t: Iterable[float] = (0.0, 1e6, 5e6, 1e7),
    progress: Callable[[SweepProgress], None] | None = None,
) -> SweepResult:
    """Run ``samples`` samples of ``spec`` and summarise them.

    Parameters
    ----------
    spec
        The scenario (with ``uncertain`` parameters); it is sent to the workers as it is.
    samples, seed
        How many samples (at most :data:`MAX_SAMPLES`); the root seed.
    workers
        Local worker processes (default: one per core; 1 solves in this process). Ignored with
        ``scheduler``. See :mod:`corridor.parallel` for what a script that uses several needs.
    scheduler
        ``tcp://host:port`` of a Dask distributed scheduler to run on instead.
    store
        A :class:`~corridor.scenarios.store.RunStore`; samples stream into it.
    resume
        The id of an unfinished sweep in ``store``: run only its missing samples.
    thresholds_t
        Unserved tonnages for ``p_unserved_above``.
    progress
        Called after each chunk.

    Raises
    ------
    InputError
        No uncertain parameters, a bad sample count, a resume id that is not this sweep, bad
        ``workers``, or a scheduler that does not answer (nothing is then written to the store).
    CorridorError
        A sample failed or a worker died. The sweep is then marked ``failed`` in the store
        (``interrupted`` after Ctrl-C); the samples already stored stay, for ``resume``.

    Examples
    --------
    Two samples in this process (real sweeps take hundreds, on several workers):

    >>> from corridor.scenarios import load_scenario
    >>> spec = load_scenario("caspian-storm-season")  # one uncertain parameter, solved with the LP
    >>> sweep = run_sweep(spec, 2, seed=1, workers=1)
    >>> sweep.samples, sweep.seed, sweep.frame.shape[0]
    (2, 1, 2)
    >>> round(sweep.summary["metrics"]["unserved_t"]["mean"])
    0
    """
    _check_sweep(spec, samples)
    start = time.perf_counter()
    spec_hash = spec.content_hash({}, extra=f"sweep:{samples}:{seed}")
    if store is not None and resume is None:
        found = store.find_done(spec_hash, "sweep")
        if found is not None:  # the same scenario, samples and seed: the same results
            summary = {**store.get(found)["summary"], "solved_now": 0, "reused": True}
            return SweepResult(found, spec.name, samples, seed, summary, store.samples(found),
                               time.perf_counter() - start)
    sweep_id, done = _resumed(store, resume, spec_hash, samples, seed)
    tally = _Tally()
    tally.clock.begin(start)
    executor = Executor(workers=workers, scheduler=scheduler, initializer=prepare_worker,
                        initargs=(spec.dataset, spec.path, spec.year, spec))
    with store.writing() if store is not None else contextlib.nullcontext():  # one connection for the run
        if len(done) < samples:
            # connect first, so that a scheduler that does not answer leaves nothing in the store
            t0 = time.perf_counter()
            with executor:
                tally.clock.add("start_s", time.perf_counter() - t0)
                tally.clock.slots = executor.slots
                if store is not None and not sweep_id:
                    sweep_id = store.start("sweep", spec.name, {"scenario": spec.to_dict(), "samples": samples,
                                                                "seed": seed}, spec_hash, seed=seed)
                _solve(executor, spec, seed, samples, done, store=store, sweep_id=sweep_id, start=start,
                       progress=progress, tally=tally)
        return _result(spec, samples, seed, store, sweep_id, tally, thresholds_t, start)


def _result(spec: ScenarioSpec, samples: int, seed: int, store: Any, sweep_id: str, tally: _Tally,
            thresholds_t: Iterable[float], start: float) -> SweepResult:
    """Summarise every sample (those stored before too) and finish the sweep in the store when it is complete."""
    with tally.clock.stage("summary_s"):
        frame = store.samples(sweep_id) if store is not None else _frame(tally.rows)
        summary = summarise_samples(frame, list(spec.uncertain), thresholds_t)
    summary["solved_now"] = tally.solved
    summary["warm_share"] = tally.warm / tally.solved if tally.solved else None
    elapsed = time.perf_counter() - start
    complete = store is not None and len(frame) == samples
    summary["timing"] = tally.clock.summary(elapsed)  # (the final store write is not in it)
    if complete:
        store.finish(sweep_id, summary=summary, tables={"samples": frame}, elapsed_s=elapsed)
    return SweepResult(sweep_id, spec.name, samples, seed, summary, frame, elapsed)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    recs = []
    for r in sorted(rows, key=lambda r: r["idx"]):
        rec: dict[str, Any] = {"idx": r["idx"], "seed": r["seed"]}
        rec.update({f"param.{k}": v for k, v in r["params"].items()})
        rec.update({k: v for k, v in r["summary"].items() if not isinstance(v, dict | list)})
        for key in _TONNES_BY:  # as the store gives them back: by_corridor_t.<corridor>, by_gateway_t.<gateway>
            rec.update({f"{key}.{k}": v for k, v in (r["summary"].get(key) or {}).items()})
        recs.append(rec)
    return pd.DataFrame(recs)


def summarise_samples(
    frame: pd.DataFrame, params: list[str], thresholds_t: Iterable[float]
) -> dict[str, Any]:
    """Quantiles, exceedance probabilities, bottleneck frequencies and the tornado ranking.

    Examples
    --------
    Four made-up samples of one parameter:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"param.open_share": [0.4, 0.5, 0.6, 0.45],
    ...                       "unserved_t": [2e6, 5e5, 0.0, 1e6], "served_t": [98e6, 99.5e6, 100e6, 99e6],
    ...                       "total_cost_usd": [3.2e10, 3.1e10, 3.0e10, 3.15e10]})
    >>> s = summarise_samples(frame, ["open_share"], [0.0, 1e6])
    >>> s["n"], s["p_unserved_above"], s["metrics"]["unserved_t"]["p50"]
    (4, {'0': 0.75, '1e+06': 0.25}, 750000.0)
    >>> [(r["parameter"], r["metric"], r["spearman"]) for r in s["tornado"]]
    [('open_share', 'total_cost_usd', -1.0), ('open_share', 'unserved_t', -1.0)]
    """
    n = len(frame)
    p_above = {}
    if "unserved_t" in frame and n:
        u = frame["unserved_t"].to_numpy(dtype=float)
        p_above = {f"{t:g}": float(np.mean(u > t)) for t in thresholds_t}
    return {
        "n": n,
        "metrics": {m: _metric_stats(frame[m].to_numpy(dtype=float)) for m in _METRICS if m in frame},
        "p_unserved_above": p_above,
        "bottleneck_frequency": _bottleneck_frequency(frame),
        "tornado": _tornado(frame, params),
        **{out: share_stats(frame, key) for key, out in _TONNES_BY.items()},
    }


def share_stats(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    """Each name's share of the total over the samples, from the columns ``<key>.<name>`` of ``frame``.

    In each sample a name's share is its tonnes over the sum of the sample's tonnes of every name (a
    name absent from a sample has 0 there; samples without any such tonnes are left out). Returns
    ``{name: {"share": stats, "tonnes": stats}}`` with the statistics of :func:`summarise_samples`'
    ``metrics`` (mean, sd, min, p5 ... p95, max), the largest mean share first.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"gateway.poti": [60.0, 40.0, 50.0], "gateway.aktau": [40.0, 60.0, 50.0]})
    >>> stats = share_stats(frame, "gateway")
    >>> sorted(stats), stats["poti"]["share"]["mean"], stats["poti"]["tonnes"]["max"]
    (['aktau', 'poti'], 0.5, 60.0)
    """
    cols = [c for c in frame.columns if str(c).startswith(f"{key}.")]
    if not cols or not len(frame):
        return {}
    tonnes = frame[cols].astype(float).fillna(0.0).to_numpy()
    total = tonnes.sum(axis=1)
    keep = total > 0
    if not keep.any():
        return {}
    shares = tonnes[keep] / total[keep, None]
    out = {str(c).split(".", 1)[1]: {"share": _metric_stats(shares[:, j]), "tonnes": _metric_stats(tonnes[keep, j])}
           for j, c in enumerate(cols)}
    return dict(sorted(out.items(), key=lambda kv: (-(kv[1]["share"]["mean"] or 0.0), kv[0])))


def _metric_stats(v: np.ndarray) -> dict[str, float | None]:
    """Mean, sd, min, p5, p25, p50, p75, p95 and max of one metric over the samples."""
    n = v.size
    q = np.percentile(v, [5, 25, 50, 75, 95]) if n else [math.nan] * 5
    return {
        "mean": float(v.mean()) if n else None,
        "sd": float(v.std(ddof=1)) if n > 1 else None,
        "min": float(v.min()) if n else None,
        "p5": float(q[0]),
        "p25": float(q[1]),
        "p50": float(q[2]),
        "p75": float(q[3]),
        "p95": float(q[4]),
        "max": float(v.max()) if n else None,
    }


def histograms(frame: pd.DataFrame, bins: int | None = None) -> dict[str, dict[str, Any]]:
    """Counts of samples per bin for each metric and each parameter (``param.<name>``) of a sweep's samples.

    Parameters
    ----------
    frame
        One row per sample (:attr:`SweepResult.frame`).
    bins
        Bins per histogram; default ``√n`` kept within 5–30.

    Returns
    -------
    dict
        ``{column: {"edges": [b0, ..., bk], "counts": [c1, ..., ck], "n": samples}}`` for the metrics of
        :func:`summarise_samples` and the parameters, in the metric's own unit (t/yr, USD/yr ...). The
        edges are ``bins + 1`` increasing values; every sample lies in one bin (the last bin includes its
        right edge). When all samples are equal the one bin is ``[v - 0.5, v + 0.5]`` (NumPy's convention).
        Non-finite values are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"served_t": [100.0, 100.0, 90.0], "param.open_share": [0.4, 0.5, 0.6]})
    >>> h = histograms(frame, bins=2)
    >>> h["param.open_share"]
    {'edges': [0.4, 0.5, 0.6], 'counts': [1, 2], 'n': 3}
    >>> h["served_t"]["counts"]
    [1, 2]
    """
    n = len(frame)
    k = bins if bins is not None else min(30, max(5, math.ceil(math.sqrt(n))))
    out: dict[str, dict[str, Any]] = {}
    columns = [m for m in _METRICS if m in frame] + [c for c in frame.columns if str(c).startswith("param.")]
    for col in columns:
        v = frame[col].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        if not v.size:
            continue
        counts, edges = np.histogram(v, bins=k)
        out[str(col)] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts], "n": int(v.size)}
    return out


def _bottleneck_frequency(frame: pd.DataFrame) -> dict[str, float]:
    """The share of samples in which each capacity binds, most frequent first."""
    n = len(frame)
    freq: dict[str, float] = {}
    if "binding" in frame and n:
        for cell in frame["binding"].fillna(""):
            for b in [x for x in str(cell).split(";") if x]:
                freq[b] = freq.get(b, 0.0) + 1.0 / n
    return dict(sorted(freq.items(), key=lambda kv: -kv[1]))


def _tornado(frame: pd.DataFrame, params: list[str]) -> list[dict[str, Any]]:
    """Parameters ranked by the swing of unserved tonnes and of cost between their low and high values."""
    rows: list[dict[str, Any]] = []
    for p in params:
        col = f"param.{p}"
        if col not in frame or len(frame) < 3:
            continue
        x = frame[col].to_numpy(dtype=float)
        if len(np.unique(x)) <= 10:  # discrete or Bernoulli: compare its lowest and highest value
            lo, hi = x.min(), x.max()
        else:  # continuous: the lowest and highest fifth
            lo, hi = np.quantile(x, 0.2), np.quantile(x, 0.8)
        rows += [_tornado_row(p, m, x, frame[m].to_numpy(dtype=float), lo, hi)
                 for m in ("unserved_t", "total_cost_usd")]
    rows.sort(key=lambda r: (r["metric"], -abs(r["swing"] or 0.0), r["parameter"]))
    return rows


def _tornado_row(param: str, metric: str, x: np.ndarray, y: np.ndarray, lo: float, hi: float) -> dict[str, Any]:
    from scipy.stats import spearmanr

    rho = 0.0 if np.ptp(x) == 0 or np.ptp(y) == 0 else float(spearmanr(x, y).statistic)
    low_mean = float(y[x <= lo].mean()) if np.any(x <= lo) else None
    high_mean = float(y[x >= hi].mean()) if np.any(x >= hi) else None
    swing = None if low_mean is None or high_mean is None else high_mean - low_mean
    return {"parameter": param, "metric": metric, "spearman": rho, "mean_low": low_mean, "mean_high": high_mean,
            "swing": swing}
