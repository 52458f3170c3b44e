"""The one executor: the same results and the same errors in this process, on a local pool and on a real Dask cluster.

The Dask tests start a real ``dask scheduler`` and ``dask worker`` processes (:func:`dask_cluster`,
also used by the hub and scenario sweep tests). Task functions live here at module level, so
that local workers (which inherit ``sys.path``) and Dask workers (started with ``PYTHONPATH`` set to
this checkout's ``src`` and root) import them as ``tests.test_parallel``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.exceptions import CorridorError, InputError, NetworkValidationError, Problem
from corridor.parallel import (
    MAX_WORKERS,
    SCHEDULER_TIMEOUT_ENV,
    START_METHOD_ENV,
    Executor,
    check_workers,
    child_seed,
    isolated,
    run_tasks,
    scheduler_timeout,
    start_method,
)

ROOT = Path(__file__).resolve().parents[1]
_MARK: list[str] = []  # set by _mark_worker in each worker


# --- tasks (module level: workers import them) -----------------------------------------------------
def _square(x: int) -> int:
    return x * x


def _bad_input(x: int) -> int:
    if x == 3:
        raise NetworkValidationError([Problem("links.csv:4", "capacity", f"must be > 0, not {-x!r}")])
    return x


def _bug(x: int) -> int:
    if x == 2:
        return {}["missing"]  # a KeyError: a bug, not bad input
    return x


def _pid(_: object) -> int:
    return os.getpid()


def _mark_worker(tag: str) -> None:
    _MARK.append(tag)


def _bad_init(name: str) -> None:
    raise InputError(Problem(name, "dataset", "no such dataset"))


def _marks(_: object) -> tuple[int, list[str]]:
    return os.getpid(), list(_MARK)


def _seeded_draw(i: int) -> float:
    return float(np.random.default_rng(child_seed(42, i)).normal())


def _park(args: tuple[str, float]) -> int:
    """Write this worker's pid into a folder, then sleep (stands for a long task)."""
    folder, seconds = args
    Path(folder, f"{os.getpid()}.pid").write_text("", encoding="utf-8")
    time.sleep(seconds)
    return os.getpid()


def _die_after_others_park(folder: str) -> int:
    """Kill this worker process (SIGKILL), once another worker is busy in :func:`_park`."""
    _wait_for(lambda: any(p.stem != str(os.getpid()) for p in Path(folder).glob("*.pid")), 60, "a parked worker")
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def _die(_: object) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


# --- helpers ---------------------------------------------------------------------------------------
def _wait_for(cond: Callable[[], bool], limit_s: float, what: str) -> None:
    """Poll ``cond`` until it holds; fail (do not hang) if it never does."""
    deadline = time.monotonic() + limit_s
    while not cond():
        if time.monotonic() > deadline:
            msg = f"gave up waiting for {what}"
            raise AssertionError(msg)
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie awaiting its parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _group_members(pgid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(stat.parent.name))
    return out


class DaskCluster:
    """A real Dask cluster: ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # the workers import corridor from this checkout and the test tasks from tests/, as this process does
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.address = ""

    def _start(self, *args: str) -> None:
        self.procs.append(subprocess.Popen([str(Path(sys.executable).parent / "dask"), *args], env=self.env,
                                           cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           start_new_session=True))

    def start_scheduler(self) -> None:
        sched_file = self.folder / "scheduler.json"
        self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                    "--scheduler-file", str(sched_file))

        def address() -> bool:
            with contextlib.suppress(OSError, ValueError, KeyError):
                self.address = json.loads(sched_file.read_text(encoding="utf-8"))["address"]
            return bool(self.address)

        _wait_for(address, 120, "the Dask scheduler's address")

    def add_workers(self, n: int, threads: int = 1) -> None:
        from distributed import Client

        for _ in range(n):
            self._start("worker", self.address, "--nthreads", str(threads), "--no-dashboard")
        with Client(self.address, timeout="60s", set_as_default=False) as c:
            c.wait_for_workers(len(self.procs) - 1, timeout=180)

    def stop(self) -> None:
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a nanny busy restarting its worker: stop it hard
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2, threads: int = 1) -> Iterator[DaskCluster]:
    """A running Dask cluster with ``workers`` workers of ``threads`` threads each, stopped on exit."""
    cluster = DaskCluster(folder)
    try:
        cluster.start_scheduler()
        cluster.add_workers(workers, threads)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    with dask_cluster(tmp_path_factory.mktemp("dask")) as c:
        yield c


@pytest.fixture
def quick_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULER_TIMEOUT_ENV, "1")


# --- bounds and settings ---------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [0, -1, MAX_WORKERS + 1, True, 2.5, "2"])
def test_workers_are_bounded(bad: object) -> None:
    with pytest.raises(InputError, match=rf"--workers: workers: must be a whole number from 1 to {MAX_WORKERS}"):
        check_workers(bad)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="-w: workers"):
        Executor(workers=bad, where="-w")  # type: ignore[arg-type]


def test_default_workers_is_one_per_core() -> None:
    assert check_workers(None) == min(os.cpu_count() or 1, MAX_WORKERS)
    assert check_workers(MAX_WORKERS) == MAX_WORKERS


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "nan", "inf", "1e9", "10s"])
def test_bad_scheduler_timeout_names_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv(SCHEDULER_TIMEOUT_ENV, raw)
    with pytest.raises(InputError, match=rf"^{SCHEDULER_TIMEOUT_ENV}: must be a number of seconds .*{raw!r}"):
        scheduler_timeout()
    with pytest.raises(InputError, match=SCHEDULER_TIMEOUT_ENV):  # refused before any connection
        Executor(scheduler="tcp://127.0.0.1:9")


def test_scheduler_timeout_default_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCHEDULER_TIMEOUT_ENV, raising=False)
    assert scheduler_timeout() == 10.0
    monkeypatch.setenv(SCHEDULER_TIMEOUT_ENV, " 2.5 ")
    assert scheduler_timeout() == 2.5


def test_start_method_is_chosen_in_one_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(START_METHOD_ENV, raising=False)
    assert start_method() == "forkserver"  # Linux has a fork server; fork is never the default
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    assert start_method() == "spawn"
    monkeypatch.setenv(START_METHOD_ENV, "threads")
    with pytest.raises(InputError, match=rf"{START_METHOD_ENV}: must be one of .*'threads'"):
        start_method()
    with pytest.raises(InputError, match=START_METHOD_ENV):
        Executor(workers=2)


@given(st.integers(0, 2**128), st.integers(0, 2_000))
def test_child_seed_is_child_i_of_the_root(seed: int, i: int) -> None:
    spawned = np.random.SeedSequence(seed).spawn(i + 1)[i]
    mine = child_seed(seed, i)
    assert (mine.entropy, mine.spawn_key, mine.pool_size) == (spawned.entropy, spawned.spawn_key, spawned.pool_size)
    assert (mine.generate_state(8) == spawned.generate_state(8)).all()


def test_executor_outside_a_with_block() -> None:
    with pytest.raises(RuntimeError, match="with block"):
        list(Executor(workers=1).imap(_square, [1]))


# --- results ---------------------------------------------------------------------------------------
@given(st.lists(st.integers(-1000, 1000), max_size=30), st.integers(1, 5), st.booleans())
def test_results_in_task_order_and_every_task_once(xs: list[int], in_flight: int, ordered: bool) -> None:
    with Executor(workers=1, in_flight=in_flight) as ex:
        if ordered:
            assert list(ex.imap(_square, iter(xs), total=len(xs))) == [x * x for x in xs]
        else:
            got = list(ex.imap_unordered(_square, xs))
            assert sorted(i for i, _ in got) == list(range(len(xs)))
            assert all(v == xs[i] ** 2 for i, v in got)


@given(st.integers(0, 200), st.integers(1, 6))
def test_tasks_are_drawn_lazily(n: int, in_flight: int) -> None:
    """No more than ``in_flight`` tasks are drawn before a result is handed back."""
    drawn = 0

    def tasks() -> Iterator[int]:
        nonlocal drawn
        for i in range(n):
            drawn += 1
            yield i

    handed = 0
    with Executor(workers=1, in_flight=in_flight) as ex:
        for _ in ex.imap(_square, tasks(), total=n):
            assert drawn - handed <= in_flight
            handed += 1
    assert handed == drawn == n


def test_local_pool_equals_this_process_and_reports_progress() -> None:
    ticks: list[tuple[int, int]] = []
    tasks = list(range(25))
    serial = run_tasks(_seeded_draw, tasks)
    with Executor(workers=2) as ex:
        pooled = ex.map(_seeded_draw, tasks, progress=lambda d, t: ticks.append((d, t)))
        pids = set(ex.map(_pid, range(8)))
    assert pooled == serial
    assert ticks == [(d, 25) for d in range(1, 26)]
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_progress_needs_a_total_for_a_generator() -> None:
    with Executor() as ex, pytest.raises(TypeError, match="total="):
        list(ex.imap(_square, iter([1]), progress=lambda d, t: None))


def test_initializer_runs_once_in_each_local_worker() -> None:
    with Executor(workers=2, initializer=_mark_worker, initargs=("ready",)) as ex:
        seen = dict(ex.map(_marks, range(12)))
    assert seen and all(marks == ["ready"] for marks in seen.values())
    _MARK.clear()
    assert run_tasks(_marks, [0], initializer=_mark_worker, initargs=("here",)) == [(os.getpid(), ["here"])]
    _MARK.clear()


# --- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("workers", [1, 2])
def test_an_initializer_error_reaches_the_caller(workers: int) -> None:
    with pytest.raises(InputError) as err:
        run_tasks(_square, range(4), workers=workers, initializer=_bad_init, initargs=("nowhere.yaml",))
    assert str(err.value) == "nowhere.yaml: dataset: no such dataset"


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_input_in_a_task_comes_back_as_that_input_error(workers: int) -> None:
    with pytest.raises(NetworkValidationError) as err:
        run_tasks(_bad_input, range(6), workers=workers)
    assert str(err.value) == "links.csv:4: capacity: must be > 0, not -3"
    assert err.value.problems == [Problem("links.csv:4", "capacity", "must be > 0, not -3")]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bug_in_a_task_is_a_corridor_error(workers: int) -> None:
    with pytest.raises(CorridorError, match=r"a task failed in .*: KeyError: 'missing'") as err:
        run_tasks(_bug, range(6), workers=workers)
    assert not isinstance(err.value, InputError)


def test_a_killed_worker_is_a_clean_error_and_leaves_no_process(tmp_path: Path) -> None:
    tasks = [(str(tmp_path), 600.0)] * 3
    with pytest.raises(CorridorError, match="a local worker process died") as err, Executor(workers=2) as ex:
        for _ in ex.imap_unordered(_park_or_die, [str(tmp_path), *tasks]):
            pass
    assert not isinstance(err.value, InputError)
    parked = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert parked, "the other worker ran a task"
    assert not [pid for pid in parked if _alive(pid)]  # terminated and joined before the error came out


def test_stopping_early_terminates_the_running_tasks(tmp_path: Path) -> None:
    """Ctrl-C in this process (here raised by the progress callback) or a caller that stops reading."""
    quick, slow = (str(tmp_path), 0.0), (str(tmp_path), 600.0)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), Executor(workers=2) as ex:
        list(ex.imap_unordered(_park, [quick, slow, slow, slow], progress=interrupt))
    with Executor(workers=2) as ex:
        for _ in ex.imap_unordered(_park, [quick, slow, slow, slow]):
            break  # the generator is closed: the executor stops its workers
        with pytest.raises(RuntimeError, match="not open"):
            ex.map(_square, [1])
    _wait_for(lambda: len(list(tmp_path.glob("*.pid"))) >= 2, 5, "pid files")
    assert not [int(p.stem) for p in tmp_path.glob("*.pid") if _alive(int(p.stem))]


def _park_or_die(arg: str | tuple[str, float]) -> int:
    return _die_after_others_park(arg) if isinstance(arg, str) else _park(arg)


@pytest.mark.slow
def test_ctrl_c_stops_the_pool_and_leaves_no_process(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(f"""\
import sys
sys.path.insert(0, {str(ROOT)!r})
from corridor.parallel import run_tasks
from tests.test_parallel import _park

if __name__ == "__main__":
    try:
        run_tasks(_park, [({str(tmp_path)!r}, 600.0)] * 6, workers=2)
    except KeyboardInterrupt:
        sys.exit(130)
""", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_for(lambda: len(list(tmp_path.glob("*.pid"))) == 2, 120, "two busy workers")
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    assert b"Traceback" not in stderr, stderr.decode()
    _wait_for(lambda: not _group_members(proc.pid), 60, "the fork server to exit after its parent")
    assert not [int(p.stem) for p in tmp_path.glob("*.pid") if _alive(int(p.stem))]


def test_a_scheduler_that_does_not_answer_is_bad_input(quick_timeout: None) -> None:
    with pytest.raises(InputError) as err:
        run_tasks(_square, [1, 2], scheduler="tcp://127.0.0.1:9")
    assert str(err.value).startswith("--scheduler: no Dask scheduler answers at 'tcp://127.0.0.1:9' within 1 s "
                                     f"({SCHEDULER_TIMEOUT_ENV})")


@pytest.mark.parametrize(("address", "why"), [("nonsense", "missing port number"),
                                            ("http://127.0.0.1:9", "unknown address scheme 'http'"),
                                            ("tcp://127.0.0.1", "missing port number")])
def test_a_malformed_scheduler_address_is_bad_input(address: str, why: str) -> None:
    with pytest.raises(InputError) as err:
        run_tasks(_square, [1], scheduler=address)
    assert str(err.value).startswith(f"--scheduler: not a Dask scheduler address (tcp://HOST:PORT): {address!r}: ")
    assert why in str(err.value)


# --- a real Dask cluster ---------------------------------------------------------------------------
@pytest.mark.slow
def test_dask_equals_local(cluster: DaskCluster) -> None:
    tasks = list(range(25))
    ticks: list[int] = []
    with Executor(scheduler=cluster.address) as ex:
        assert ex.slots == 2
        on_dask = ex.map(_seeded_draw, tasks, progress=lambda d, t: ticks.append(d))
    assert on_dask == run_tasks(_seeded_draw, tasks, workers=2) == run_tasks(_seeded_draw, tasks)
    assert ticks == list(range(1, 26))


@pytest.mark.slow
def test_dask_errors_are_the_local_errors(cluster: DaskCluster) -> None:
    with pytest.raises(NetworkValidationError) as err:
        run_tasks(_bad_input, range(6), scheduler=cluster.address)
    assert str(err.value) == "links.csv:4: capacity: must be > 0, not -3"
    with pytest.raises(CorridorError, match=r"a task failed on the Dask cluster at .*: KeyError: 'missing'") as err2:
        run_tasks(_bug, range(6), scheduler=cluster.address)
    assert not isinstance(err2.value, InputError)


@pytest.mark.slow
def test_dask_initializer_error_reaches_the_caller(cluster: DaskCluster) -> None:
    with pytest.raises(InputError) as err:
        run_tasks(_square, range(4), scheduler=cluster.address, initializer=_bad_init, initargs=("nowhere.yaml",))
    assert str(err.value) == "nowhere.yaml: dataset: no such dataset"


@pytest.mark.slow
def test_dask_initializer_runs_on_every_worker_also_later_ones(tmp_path: Path) -> None:
    from distributed import Client

    with dask_cluster(tmp_path, workers=1) as cl, Executor(scheduler=cl.address, initializer=_mark_worker,
                                                           initargs=("ready",)) as ex:
        assert ex.map(_marks, [0])[0][1] == ["ready"]
        cl.add_workers(1)  # joins after the initializer was registered
        with Client(cl.address, timeout="30s", set_as_default=False) as c:
            marks = c.run(_marks, None)
    assert len(marks) == 2
    assert all(m[1] == ["ready"] for m in marks.values())


@pytest.mark.slow
def test_a_killed_dask_worker_is_a_clean_error(tmp_path: Path) -> None:
    with dask_cluster(tmp_path, workers=1) as cl, pytest.raises(CorridorError, match="a Dask worker died") as err:
        run_tasks(_die, [0, 1], scheduler=cl.address)
    assert not isinstance(err.value, InputError)


def test_a_scheduler_without_workers_is_bad_input(tmp_path: Path, quick_timeout: None) -> None:
    cl = DaskCluster(tmp_path)
    try:
        cl.start_scheduler()
        with pytest.raises(InputError, match=f"--scheduler: the Dask scheduler at {cl.address!r} has no workers"):
            run_tasks(_square, [1], scheduler=cl.address)
    finally:
        cl.stop()


def test_a_program_read_from_standard_input_runs_local_workers(tmp_path: Path) -> None:
    """``python - <<EOF`` names its program ``<stdin>``, which a new worker must not try to run."""
    program = ("from corridor.parallel import run_tasks\n"
               "print(sorted(run_tasks(abs, [-1, -2, -3, -4], workers=2)))\n")
    p = subprocess.run([sys.executable, "-"], input=program, capture_output=True, text=True, timeout=120,
                       cwd=tmp_path, check=False)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[1, 2, 3, 4]"


def test_isolated_runs_one_worker_in_a_process_of_its_own() -> None:
    """A server's jobs run their tasks in a worker process even with workers=1; outside, in this process."""
    with Executor(workers=1) as ex:
        assert ex.map(_pid, [0, 1]) == [os.getpid()] * 2
    with isolated(), Executor(workers=1) as ex:
        pids = ex.map(_pid, [0, 1, 2])
    assert os.getpid() not in pids and len(set(pids)) == 1
    with Executor(workers=1) as ex:  # the block is over: back in this process
        assert ex.map(_pid, [0]) == [os.getpid()]
