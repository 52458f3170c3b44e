"""One executor for corridor's parallel jobs: in this process, on a local process pool, or on a Dask cluster.

Hub replications, hub design sweeps and delay curves, and scenario sweeps all run their tasks
through :class:`Executor` (or its shortcut :func:`run_tasks`), so they share one set of rules:

- a task is a call ``func(task)`` of a module-level function on a picklable argument;
- ``workers=1`` runs the tasks in this process, ``workers=n`` on a local pool of ``n`` processes
  (at most :data:`MAX_WORKERS`), ``scheduler="tcp://host:port"`` on a running Dask distributed
  cluster; the results never depend on which;
- tasks are drawn from an iterable as room frees up, with a bounded number in flight, so a
  million tasks cost no memory before the first one runs; results come back as they complete
  (:meth:`Executor.imap_unordered`, to stream them into a store) or in task order
  (:meth:`Executor.imap`, :meth:`Executor.map`);
- an ``initializer`` runs once in each worker before its first task: in each local worker
  process, on each Dask worker (including workers that join the cluster later, through a Dask
  worker plugin), and once in this process when ``workers=1``;
- progress is reported as ``progress(done, total)`` after each finished task;
- errors are the same on every backend: an :class:`~corridor.exceptions.InputError` raised in a task
  comes back as that ``InputError``; any other :class:`~corridor.exceptions.CorridorError` comes
  back as it is; any other exception in a task, a worker process that dies (killed, out of memory)
  or a Dask worker lost mid-task becomes a :class:`~corridor.exceptions.CorridorError` (exit status
  1 at the command line). A scheduler that does not answer within :func:`scheduler_timeout`
  seconds (``CORRIDOR_SCHEDULER_TIMEOUT``, default 10), or that has no workers, is an ``InputError``
  naming ``--scheduler`` and the address;
- on an error, on ``KeyboardInterrupt`` and when the caller stops reading the results, the tasks
  not yet finished are cancelled and local worker processes are terminated and joined: no
  orphan processes are left behind.

What scripts need
-----------------
Local worker processes are started with the ``forkserver`` method (``spawn`` where the platform
has no fork server; see :func:`start_method`). The fork server is a fresh interpreter, started
with the first pool of a process, that imports the task's module (and NumPy, SciPy … with it) once
and forks each worker from that state. Both methods import the script that started the pool again
(as ``__mp_main__``), so a script that runs parallel work must keep its top level free of side
effects and start the work under the usual guard::

    from corridor import hub

    if __name__ == "__main__":
        result = hub.simulate(hub.load_config("aktau-hub"), replications=8, workers=2)

Notebooks and ``python -c`` need nothing. ``fork`` (``CORRIDOR_START_METHOD=fork``) needs no
guard and starts fastest, but is unsafe once threads run in the parent (a Dask client, a progress
bar, numerical libraries' thread pools), which is why it is not the default.

>>> from corridor.parallel import run_tasks
>>> run_tasks(abs, [-1, 2, -3])
[1, 2, 3]
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import numpy as np

from corridor.exceptions import CorridorError, InputError, Problem

__all__ = [
    "DEFAULT_SCHEDULER_TIMEOUT_S",
    "MAX_SCHEDULER_TIMEOUT_S",
    "MAX_WORKERS",
    "SCHEDULER_TIMEOUT_ENV",
    "START_METHOD_ENV",
    "Executor",
    "check_workers",
    "child_seed",
    "isolated",
    "run_tasks",
    "scheduler_timeout",
    "start_method",
]

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 256
"""The most local worker processes one executor starts."""
SCHEDULER_TIMEOUT_ENV = "CORRIDOR_SCHEDULER_TIMEOUT"
"""Environment variable: seconds to wait for a Dask scheduler (and for its first worker)."""
DEFAULT_SCHEDULER_TIMEOUT_S = 10.0
MAX_SCHEDULER_TIMEOUT_S = 3600.0
START_METHOD_ENV = "CORRIDOR_START_METHOD"
"""Environment variable: the start method of local worker processes (``forkserver``, ``spawn``, ``fork``)."""

_IN_FLIGHT_PER_SLOT = 2  # tasks submitted per worker slot: one running, one queued behind it


def check_workers(workers: int | None, *, where: str = "--workers") -> int:
    """The number of local worker processes to use: ``workers``, or one per core for ``None``.

    Parameters
    ----------
    workers
        A whole number from 1 to :data:`MAX_WORKERS`, or ``None``.
    where
        Named in the error (the flag or argument the user gave).

    Raises
    ------
    InputError
        Outside 1 … :data:`MAX_WORKERS`, or not a whole number.

    Examples
    --------
    >>> check_workers(2)
    2
    >>> check_workers(None) >= 1
    True
    """
    if workers is None:
        return max(1, min(os.cpu_count() or 1, MAX_WORKERS))
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise InputError(Problem(where, "workers", f"must be a whole number from 1 to {MAX_WORKERS}, not {workers!r}"))
    return workers


def scheduler_timeout() -> float:
    """Seconds to wait for a Dask scheduler to answer: ``$CORRIDOR_SCHEDULER_TIMEOUT`` or 10.

    Raises
    ------
    InputError
        If the variable is set to something other than a number of seconds in
        (0, :data:`MAX_SCHEDULER_TIMEOUT_S`].

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CORRIDOR_SCHEDULER_TIMEOUT": "30"}):
    ...     scheduler_timeout()
    30.0
    >>> with mock.patch.dict(os.environ, {"CORRIDOR_SCHEDULER_TIMEOUT": "soon"}):
    ...     try:
    ...         scheduler_timeout()
    ...     except InputError as e:
    ...         print(e.problems[0].message)
    must be a number of seconds above 0 and at most 3600, not 'soon'
    """
    raw = os.environ.get(SCHEDULER_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_SCHEDULER_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= MAX_SCHEDULER_TIMEOUT_S:  # also refuses nan
        raise InputError(Problem(SCHEDULER_TIMEOUT_ENV, "", f"must be a number of seconds above 0 and at most "
                                 f"{MAX_SCHEDULER_TIMEOUT_S:g}, not {raw!r}"))
    return value


def start_method() -> str:
    """The start method of local worker processes, chosen here for every pool corridor starts.

    ``$CORRIDOR_START_METHOD`` when set; otherwise ``forkserver`` where the platform has it (Linux,
    macOS) and ``spawn`` elsewhere. ``fork`` is never the default: a parent that already runs
    threads can deadlock its forked children.

    Raises
    ------
    InputError
        If the variable names a method this platform does not have.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"CORRIDOR_START_METHOD": "spawn"}):
    ...     start_method()
    'spawn'
    >>> with mock.patch.dict(os.environ):
    ...     _ = os.environ.pop("CORRIDOR_START_METHOD", None)
    ...     start_method() in ("forkserver", "spawn")  # the default depends on the platform
    True
    """
    methods = multiprocessing.get_all_start_methods()
    raw = os.environ.get(START_METHOD_ENV, "").strip()
    if raw:
        if raw not in methods:
            raise InputError(Problem(START_METHOD_ENV, "", f"must be one of {', '.join(methods)}, not {raw!r}"))
        return raw
    return "forkserver" if "forkserver" in methods else "spawn"


def child_seed(seed: int, i: int) -> np.random.SeedSequence:
    """Child ``i`` of ``numpy.random.SeedSequence(seed)``, made without spawning children ``0 … i-1``.

    Task ``i`` of a seeded job draws from it, so its numbers depend on the root seed and ``i``
    only, not on the backend, the number of workers or the order in which tasks finish, and a
    job of many tasks does not hold every child in memory.

    Examples
    --------
    >>> a = child_seed(7, 5)
    >>> b = np.random.SeedSequence(7).spawn(6)[5]
    >>> bool((a.generate_state(4) == b.generate_state(4)).all())
    True
    """
    return np.random.SeedSequence(seed, spawn_key=(i,))


def _size(tasks: Iterable[Any], total: int | None) -> int | None:
    if total is not None:
        return total
    return len(tasks) if isinstance(tasks, Sized) else None


def _task_failed(e: BaseException, where: str) -> BaseException:
    """What the caller sees for an exception that a task raised ``where``."""
    if isinstance(e, CorridorError):  # bad input (InputError) or a known failure: as raised in the task
        return e
    return CorridorError(f"a task failed {where}: {type(e).__name__}: {e}")


class _Outcome:
    """A task run in this process: its value or its exception (a future that is already done)."""

    __slots__ = ("error", "value")

    def __init__(self, value: Any = None, error: Exception | None = None) -> None:
        self.value, self.error = value, error


class _Serial:
    """Runs each task when it is submitted, in this process."""

    slots = 1
    window = 1  # hand each result back before running the next task
    where = "in this process"

    def __init__(self, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
        if initializer is not None:
            initializer(*initargs)

    def submit(self, func: Callable[[Any], Any], task: Any) -> _Outcome:
        try:
            return _Outcome(func(task))
        except Exception as e:
            return _Outcome(error=e)

    def wait(self, pending: Iterable[Any]) -> list[Any]:
        return list(pending)[:1]

    def result(self, fut: _Outcome) -> Any:
        if fut.error is not None:
            raise _task_failed(fut.error, self.where) from fut.error
        return fut.value

    def close(self, *, abort: bool) -> None:
        pass


_INIT_ERROR: list[Exception] = []  # in a worker: what its initializer raised, raised again by each task


def _initialise(initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
    """Run a worker's initializer; keep what it raises for the tasks, so that it reaches the caller.

    (An initializer that raised would otherwise break a local pool, which reads as a worker that
    died, or be logged on a Dask worker and lost.)
    """
    _INIT_ERROR.clear()
    try:
        initializer(*initargs)
    except Exception as e:  # raised again by _run_task, in the terms of the caller's backend
        _INIT_ERROR.append(e)


def _run_task(func: Callable[[Any], Any], task: Any) -> Any:
    """A task in a worker: ``func(task)``, unless the worker's initializer failed."""
    if _INIT_ERROR:
        raise _INIT_ERROR[0]
    return func(task)


def _local_worker_init(initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    """First thing in each local worker: leave Ctrl-C to the parent, which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        _initialise(initializer, initargs)


@contextlib.contextmanager
def _no_phantom_main_file() -> Iterator[None]:
    """Hide a ``__main__.__file__`` that is no file while workers start.

    Python reading its program from standard input (``python - <<EOF``) names it ``<stdin>``, which
    a new worker would try to run as a script and die; the workers need nothing from it.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not isinstance(path, str) or os.path.isfile(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


class _Local:
    """A local process pool."""

    where = "in a local worker process"

    def __init__(self, workers: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
        self.slots = workers
        self.window = _IN_FLIGHT_PER_SLOT * workers
        self.context = multiprocessing.get_context(start_method())
        self.preload = [m for m in ("__main__", getattr(initializer, "__module__", None)) if m]
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=self.context,
                                        initializer=_local_worker_init, initargs=(initializer, initargs))

    def submit(self, func: Callable[[Any], Any], task: Any) -> Any:
        if self.preload:  # before the first worker starts
            self._preload([*self.preload, func.__module__])
            self.preload = []
        try:
            with _no_phantom_main_file():  # workers may start here
                return self.pool.submit(_run_task, func, task)
        except BrokenProcessPool as e:
            raise self._died() from e

    def _preload(self, modules: list[str]) -> None:
        """Have the fork server import the task's modules once, so that each worker starts with them.

        A worker forked from the server then need not import NumPy, SciPy and corridor again. This
        applies when the fork server starts (with the first pool of the process) and is kept after.
        """
        if self.context.get_start_method() == "forkserver":
            self.context.set_forkserver_preload(list(dict.fromkeys(modules)))

    def wait(self, pending: Iterable[Any]) -> list[Any]:
        return list(wait_futures(pending, return_when=FIRST_COMPLETED).done)

    def result(self, fut: Any) -> Any:
        try:
            return fut.result()
        except BrokenProcessPool as e:
            raise self._died() from e
        except Exception as e:
            raise _task_failed(e, self.where) from e

    @staticmethod
    def _died() -> CorridorError:
        return CorridorError("a local worker process died (killed, out of memory, or its start-up failed: a "
                             "script that starts parallel work needs an `if __name__ == \"__main__\":` guard, see "
                             "corridor.parallel); the remaining tasks were cancelled")

    def close(self, *, abort: bool) -> None:
        if not abort:
            self.pool.shutdown(wait=True)
            return
        # Stop now: terminate the workers (running tasks cannot be cancelled otherwise), cancel the
        # queued tasks, and join the workers and the pool's manager thread: nothing is left running.
        processes = list((getattr(self.pool, "_processes", None) or {}).values())
        manager = getattr(self.pool, "_executor_manager_thread", None)
        for p in processes:
            p.terminate()
        self.pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            p.join(30)
            if p.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
                p.kill()
                p.join()
        if manager is not None:
            manager.join(30)


def _dask_plugin_class() -> type:
    """The Dask worker plugin that runs an initializer on each worker (``distributed`` imported lazily)."""
    cls = globals().get("_DaskInitPlugin")
    if cls is None:
        from distributed import WorkerPlugin

        class _DaskInitPlugin(WorkerPlugin):
            """Runs ``func(*args)`` on every worker, now and on those that join later."""

            def __init__(self, func: Callable[..., object], args: tuple[Any, ...], name: str) -> None:
                self.func, self.args, self.name = func, args, name

            def setup(self, worker: Any) -> None:
                _initialise(self.func, self.args)

        _DaskInitPlugin.__module__ = __name__
        _DaskInitPlugin.__qualname__ = "_DaskInitPlugin"
        globals()["_DaskInitPlugin"] = cls = _DaskInitPlugin
    return cls


def __getattr__(name: str) -> Any:
    """Let workers unpickle the plugin class by its name (it is created on first use)."""
    if name == "_DaskInitPlugin":
        return _dask_plugin_class()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def _no_answer(address: str, timeout: float, e: BaseException) -> InputError:
    return InputError(Problem("--scheduler", "", f"no Dask scheduler answers at {address!r} within {timeout:g} s "
                              f"({SCHEDULER_TIMEOUT_ENV}): {e}"))


def _reach(address: str, timeout: float) -> None:
    """Check that ``address`` is a scheduler address and that something listens there, retrying until ``timeout``."""
    from distributed.comm import get_address_host_port

    try:
        host, port = get_address_host_port(address)
    except ValueError as e:
        raise InputError(Problem("--scheduler", "", f"not a Dask scheduler address (tcp://HOST:PORT): "
                                 f"{address!r}: {e}")) from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=max(deadline - time.monotonic(), 0.1)):
                return
        except OSError as e:
            if time.monotonic() >= deadline:
                raise _no_answer(address, timeout, e) from None
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0.0)))


class _Dask:
    """A Dask distributed cluster, reached through its scheduler."""

    def __init__(self, address: str, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
        from distributed import Client, as_completed

        self.address = address
        self.where = f"on the Dask cluster at {address}"
        timeout = scheduler_timeout()
        _reach(address, timeout)  # a Client that fails to connect can upset the next one in this process
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise _no_answer(address, timeout, e) from None
        self.plugin: str | None = None
        try:
            self.client.wait_for_workers(1, timeout=timeout)
            if initializer is not None:
                name = f"corridor-init-{getattr(initializer, '__module__', '')}.{initializer.__qualname__}"
                self.client.register_plugin(_dask_plugin_class()(initializer, initargs, name), name=name)
                self.plugin = name
            info = self.client.scheduler_info(n_workers=-1)
            self.slots = max(1, sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()))
            self.window = _IN_FLIGHT_PER_SLOT * self.slots
            self.finished = as_completed(loop=self.client.loop)  # this client's, not the default one
        except (OSError, TimeoutError) as e:
            self.client.close()
            raise InputError(Problem("--scheduler", "", f"the Dask scheduler at {address!r} has no workers "
                                     f"within {timeout:g} s ({SCHEDULER_TIMEOUT_ENV}): {e}")) from None
        except BaseException:
            self.client.close()
            raise

    def submit(self, func: Callable[[Any], Any], task: Any) -> Any:
        fut = self.client.submit(_run_task, func, task, pure=False)
        self.finished.add(fut)
        return fut

    def wait(self, pending: Iterable[Any]) -> list[Any]:
        waiting = set(pending)
        return [f for f in self.finished.next_batch(block=True) if f in waiting]

    def result(self, fut: Any) -> Any:
        from distributed import KilledWorker

        try:
            return fut.result()
        except KilledWorker as e:
            raise CorridorError(f"a Dask worker died while running a task on the cluster at {self.address} "
                                f"(killed, or out of memory); the remaining tasks were cancelled: {e}") from e
        except Exception as e:
            raise _task_failed(e, self.where) from e

    def close(self, *, abort: bool) -> None:
        try:
            if self.plugin is not None:  # workers that join later need it no more
                self.client.unregister_worker_plugin(self.plugin)
        except Exception:  # best effort; never hide the error that aborts the run
            if not abort:
                raise
        finally:
            self.client.close()

    def cancel(self, pending: Iterable[Any]) -> None:
        self.client.cancel(list(pending), force=True)


_ISOLATED: contextvars.ContextVar[bool] = contextvars.ContextVar("corridor_isolated", default=False)


@contextlib.contextmanager
def isolated() -> Iterator[None]:
    """Inside this block, an executor of one worker runs its tasks in one worker process, not here.

    A server that runs jobs beside the requests it answers wraps them in this, so that the work
    does not share its interpreter (and its GIL) with the requests. Results do not change.

    Examples
    --------
    >>> with isolated(), Executor(workers=1) as ex:
    ...     ex.map(abs, [-1, 2])
    [1, 2]
    """
    token = _ISOLATED.set(True)
    try:
        yield
    finally:
        _ISOLATED.reset(token)


class Executor:
    """Runs ``func(task)`` for many tasks: in this process, on a local pool or on a Dask cluster.

    Use it as a context manager; leaving the block shuts the workers down (at once, cancelling the
    unfinished tasks, when it is left by an exception).

    Parameters
    ----------
    workers
        Local worker processes: 1 (the default) runs the tasks in this process (in one worker
        process inside :func:`isolated`); ``None`` means one per core; at most :data:`MAX_WORKERS`.
        Ignored with ``scheduler``.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:port``) to run the tasks on instead.
    initializer, initargs
        ``initializer(*initargs)`` runs once in each worker before its first task (a module-level
        function; on Dask it also runs on workers that join later).
    in_flight
        How many tasks may be submitted and not yet handed back (default twice the number of
        worker slots; 1 in this process); this bounds the memory a long stream of tasks takes.
    where
        The flag or argument named when ``workers`` is out of bounds.

    Raises
    ------
    InputError
        Bad ``workers``; on entering the block, a scheduler that does not answer or has no workers, or
        a bad ``CORRIDOR_SCHEDULER_TIMEOUT`` or ``CORRIDOR_START_METHOD``.

    Examples
    --------
    >>> with Executor(workers=1) as ex:
    ...     sorted(ex.imap_unordered(abs, [-2, 1]))
    [(0, 2), (1, 1)]
    """

    def __init__(self, *, workers: int | None = 1, scheduler: str | None = None,
                 initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = (),
                 in_flight: int | None = None, where: str = "--workers") -> None:
        self.workers = check_workers(workers, where=where) if scheduler is None else 1
        self.scheduler = scheduler
        self._init = (initializer, tuple(initargs))
        self._in_flight = in_flight
        self._backend: _Serial | _Local | _Dask | None = None
        if scheduler is None:
            start_method()  # a bad CORRIDOR_START_METHOD is refused before any work
        else:
            scheduler_timeout()

    def __enter__(self) -> Executor:
        initializer, initargs = self._init
        if self.scheduler is not None:
            self._backend = _Dask(self.scheduler, initializer, initargs)
        elif self.workers == 1 and not _ISOLATED.get():
            self._backend = _Serial(initializer, initargs)
        else:
            self._backend = _Local(self.workers, initializer, initargs)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        self.close(abort=exc_type is not None)

    def close(self, *, abort: bool = False) -> None:
        """Shut the workers down (``abort``: at once, cancelling unfinished tasks)."""
        backend, self._backend = self._backend, None
        if backend is not None:
            backend.close(abort=abort)

    @property
    def slots(self) -> int:
        """How many tasks run at once (worker processes, or threads across the Dask cluster)."""
        return self._open().slots

    def _open(self) -> _Serial | _Local | _Dask:
        if self._backend is None:
            msg = "use the Executor in a with block (it is not open, or was closed after an error)"
            raise RuntimeError(msg)
        return self._backend

    def imap_unordered(self, func: Callable[[T], R], tasks: Iterable[T], *, total: int | None = None,
                       progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[int, R]]:
        """``(i, func(task_i))`` for every task, as they complete.

        Parameters
        ----------
        func
            A module-level function (it is pickled by reference).
        tasks
            Picklable arguments, drawn lazily: a generator is fine.
        total
            The number of tasks, for ``progress`` (default ``len(tasks)``).
        progress
            Called as ``progress(done, total)`` after each finished task.

        Raises
        ------
        InputError, CorridorError
            As described in the module docstring; the unfinished tasks are then cancelled.
        """
        return self._stream(func, tasks, total, progress, ordered=False)

    def imap(self, func: Callable[[T], R], tasks: Iterable[T], *, total: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> Iterator[R]:
        """``func(task)`` for every task, in task order, as soon as all earlier ones are done.

        Results that finish early wait for the earlier ones; at most ``in_flight`` tasks are
        submitted or waiting. Parameters and errors as in :meth:`imap_unordered`.
        """
        for _, value in self._stream(func, tasks, total, progress, ordered=True):
            yield value

    def map(self, func: Callable[[T], R], tasks: Iterable[T], *,
            progress: Callable[[int, int], None] | None = None) -> list[R]:
        """``[func(t) for t in tasks]``, in task order (see :meth:`imap_unordered`)."""
        tasks = list(tasks)
        return list(self.imap(func, tasks, total=len(tasks), progress=progress))

    def _stream(self, func: Callable[[T], R], tasks: Iterable[T], total: int | None,
                progress: Callable[[int, int], None] | None, *, ordered: bool) -> Iterator[tuple[int, R]]:
        backend = self._open()
        n_total = _size(tasks, total)
        if progress is not None and n_total is None:
            msg = "give total= with progress= when the tasks have no length"
            raise TypeError(msg)
        window = self._in_flight or backend.window
        feed = enumerate(tasks)
        pending: dict[Any, int] = {}
        handback = _Handback(ordered)
        done = 0
        try:
            while True:
                while len(pending) + len(handback) < window and (item := next(feed, None)) is not None:
                    pending[backend.submit(func, item[1])] = item[0]
                if not pending:
                    return
                for fut in backend.wait(pending):
                    i = pending.pop(fut)
                    value = backend.result(fut)
                    done += 1
                    if progress is not None:
                        progress(done, n_total or 0)
                    yield from handback.add(i, value)
        except BaseException:  # an error, Ctrl-C, or the caller stopped reading: stop the rest now
            if isinstance(backend, _Dask):
                backend.cancel(pending)
            self.close(abort=True)
            raise


class _Handback:
    """Hands results back as they come, or in task order (holding those that finish early)."""

    def __init__(self, ordered: bool) -> None:
        self.ordered = ordered
        self.next = 0
        self.held: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.held)

    def add(self, i: int, value: Any) -> list[tuple[int, Any]]:
        if not self.ordered:
            return [(i, value)]
        self.held[i] = value
        out = []
        while self.next in self.held:
            out.append((self.next, self.held.pop(self.next)))
            self.next += 1
        return out


def run_tasks(func: Callable[[T], R], tasks: Iterable[T], *, workers: int | None = 1, scheduler: str | None = None,
              initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = (),
              progress: Callable[[int, int], None] | None = None) -> list[R]:
    """``[func(t) for t in tasks]``, in task order, on the backend chosen by ``workers`` and ``scheduler``.

    A shortcut for :meth:`Executor.map`; see :class:`Executor` for the parameters and errors.

    Examples
    --------
    >>> run_tasks(str.upper, ["a", "b"], workers=1)
    ['A', 'B']
    """
    with Executor(workers=workers, scheduler=scheduler, initializer=initializer, initargs=initargs) as ex:
        return ex.map(func, tasks, progress=progress)
