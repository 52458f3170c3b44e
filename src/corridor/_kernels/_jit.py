"""Compiling the kernels: numba's on-disk cache, made safe, and a word before each compile.

Every kernel is compiled with :func:`jit`: ``numba.njit(cache=True, ...)``, so that only the first
run on a machine compiles (about 15 s for the assignment kernels) and later runs load the machine
code from disk (a fraction of a second). numba writes the cache next to the source
(``__pycache__``) or, where that is read-only (an installed package), under the user's cache
directory (``$NUMBA_CACHE_DIR``, else ``~/.cache/numba``). Two things could still break a run, and
:func:`jit` sees to it that neither does:

- no writable cache directory at all (read-only install and no writable home): numba refuses
  ``cache=True`` when the function is decorated; the kernel is then compiled without a cache (each
  process compiles once) and the reason is logged;
- a cache that cannot be read or written later (disk full, a corrupt or foreign file): the error is
  logged and the kernel compiled (or used) without the cache.

:func:`compile_notice` lets an engine say so before a kernel compiles: the engines report the
stage :data:`COMPILING` (or :data:`COMPILING_UNCACHED`) to their ``progress`` callback. It listens
to numba's ``numba:compile`` event, which fires only on a real compile, never on a cache load.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["COMPILING", "COMPILING_UNCACHED", "HAVE_NUMBA", "cache_enabled", "compile_notice", "jit"]

_log = logging.getLogger(__name__)

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
"""Whether numba is installed (otherwise the kernels are their plain-Python references).

numba itself is imported when the first kernel module is (``from corridor._kernels._jit import
numba`` does it), not with this module: about a second of start-up that small problems, which run
the plain-Python references, and the engines that need no kernel never pay.
"""


def __getattr__(name: str) -> Any:
    if name == "numba":
        return _numba()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def _numba() -> Any:
    """The numba module (imported now if it was not), or None where it is not installed."""
    if not HAVE_NUMBA:  # pragma: no cover - numba is a hard dependency
        return None
    if "numba" not in sys.modules:
        module = importlib.import_module("numba")
        _load_arraymath()
        return module
    return importlib.import_module("numba")


def _load_arraymath() -> None:
    """Import ``numba.np.arraymath`` without its probe for SciPy's BLAS, if SciPy's linalg is not loaded.

    The first kernel loaded from the cache makes numba import ``numba.np.arraymath``, whose
    module-level ``_check_blas()`` imports ``scipy.linalg.cython_blas`` — and with it all of
    ``scipy.linalg`` and, through SciPy's array-API layer, most NumPy submodules: 0.3–0.45 s of a
    command that solves Anaheim in 0.03 s. The probe only decides whether ``np.correlate`` and
    ``np.convolve`` in compiled code use BLAS; no kernel here uses them (matrix products check for
    BLAS on their own, when they are compiled). So the module is imported here with
    ``scipy.linalg`` marked absent, and the mark removed at once.

    Library gap: numba has no switch for the probe.
    """
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # "import scipy.linalg" raises ImportError
    try:
        importlib.import_module("numba.np.arraymath")
    except ImportError:  # pragma: no cover - a numba whose arraymath needs SciPy's linalg: import it normally
        del sys.modules["scipy.linalg"]
        importlib.import_module("numba.np.arraymath")
    finally:
        if sys.modules.get("scipy.linalg", 0) is None:
            del sys.modules["scipy.linalg"]

COMPILING = "compiling kernels (first run only)"
"""The stage an engine reports before a kernel compiles."""
COMPILING_UNCACHED = "compiling kernels (no writable cache: every run)"
"""The same where numba has no writable cache directory."""

_state = {"cache": True}


def cache_enabled() -> bool:
    """Whether every kernel so far got a working on-disk cache."""
    return _state["cache"]


class _SafeCache:
    """A numba function cache whose read and write failures are logged instead of raised."""

    def __init__(self, inner: Any, name: str) -> None:
        self._inner = inner
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._inner, attr)

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        try:
            return self._inner.load_overload(sig, target_context)
        except Exception as exc:  # any unreadable cache means: compile instead
            _log.warning("numba cache of %s unreadable (%s); compiling it", self._name, exc)
            return None

    def save_overload(self, sig: Any, data: Any) -> None:
        try:
            self._inner.save_overload(sig, data)
        except Exception as exc:  # a cache is an optimisation: never fail a run over it
            _state["cache"] = False
            _log.warning("numba could not write the cache of %s (%s); it will compile again next run", self._name, exc)


def jit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)`` that never fails for want of a writable cache.

    Without numba the function is returned as it is.
    """

    def wrap(fn: Callable[..., Any]) -> Any:
        numba = _numba()
        if numba is None:  # pragma: no cover
            return fn
        try:
            dispatcher = numba.njit(cache=True, **options)(fn)
        except RuntimeError as exc:  # "cannot cache function ...: no locator available"
            _state["cache"] = False
            _log.info("numba has no writable cache directory for %s (%s); compiling it in every process",
                      fn.__qualname__, exc)
            dispatcher = numba.njit(cache=False, **options)(fn)
        # Library gap: numba offers no hook for cache errors, so its Dispatcher._cache is wrapped.
        cache = getattr(dispatcher, "_cache", None)
        if cache is not None:
            dispatcher._cache = _SafeCache(cache, fn.__qualname__)  # private: see the comment above
        return dispatcher

    return wrap


class _Notice:
    """Calls ``callback(stage)`` when a compile starts on the thread that made it (numba's listener calls it)."""

    def __init__(self, callback: Callable[[str], None]) -> None:
        self.callback = callback
        self.thread = threading.get_ident()
        self.depth = 0  # compiles nest: a kernel compiles the kernels it calls

    def start(self) -> None:
        if threading.get_ident() != self.thread:
            return
        self.depth += 1
        if self.depth == 1:
            self.callback(COMPILING if cache_enabled() else COMPILING_UNCACHED)

    def end(self) -> None:
        if threading.get_ident() == self.thread:
            self.depth -= 1


def _listener(notice: _Notice) -> Any:
    """A ``numba.core.event.Listener`` that forwards to ``notice``."""
    from numba.core import event

    class Listener(event.Listener):
        def on_start(self, event: Any) -> None:
            notice.start()

        def on_end(self, event: Any) -> None:
            notice.end()

    return Listener()


@contextmanager
def compile_notice(callback: Callable[[str], None] | None) -> Iterator[None]:
    """Within the block, call ``callback(stage)`` whenever a kernel starts compiling (not on cache loads).

    Parameters
    ----------
    callback
        Called with :data:`COMPILING` or :data:`COMPILING_UNCACHED`; ``None`` does nothing.

    Import the kernel modules the block will call before entering it: until numba is imported
    there is nothing to listen to.
    """
    if callback is None or "numba" not in sys.modules:  # no kernel module imported: nothing will compile
        yield
        return
    from numba.core import event

    with event.install_listener("numba:compile", _listener(_Notice(callback))):
        yield
