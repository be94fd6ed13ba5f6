"""Stopping on Ctrl+C and SIGTERM by an exception of the program's own, so that every cleanup on the way out runs
and the exit code is the program's."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

from guide.errors import ExitCode

STOP_AGAIN_S = 2.0
"""How long after SIGTERM a worker is stopped again, should the first stop have been swallowed."""


class Terminated(BaseException):
    """SIGTERM arrived: like KeyboardInterrupt, not an error that any `except Exception` should swallow."""


class Interrupted(KeyboardInterrupt):
    """Ctrl+C arrived. Python's own KeyboardInterrupt, raised while a string of code runs through exec() (as
    dataclasses and namedtuple do while a module is imported), marks the interpreter to end by SIGINT when it
    exits, even after the program has caught it and chosen its exit code: an instance of a subclass does not."""


def stop_by_exception() -> None:
    """From now on, Ctrl+C raises Interrupted and SIGTERM raises Terminated in the main thread (a Ctrl+C that
    is ignored, as in a job started in the background, stays ignored)."""
    signal.signal(signal.SIGTERM, _terminated)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted)


def worker_signals() -> None:
    """For a worker process: SIGTERM unwinds it quietly (its parent reports the stop), and Ctrl+C is left to
    the parent, which stops the workers itself."""
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def children_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside are born ignoring Ctrl+C, which the parent handles for them: a spawned worker
    imports the program before `worker_signals` runs, and a Ctrl+C then would print its traceback. An ignored
    signal stays ignored across exec, and Python leaves it so."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    # Python swallows an exception raised where it cannot raise one: in a weakref callback or a __del__, such
    # as the one that drops an import's module lock. A worker stopped there would go on with its job, and
    # its parent would wait for it: the stop is raised again a little later, until the worker has unwound.
    signal.signal(signal.SIGALRM, _exit_quietly)
    signal.setitimer(signal.ITIMER_REAL, STOP_AGAIN_S)
    raise SystemExit(ExitCode.TERMINATED)
