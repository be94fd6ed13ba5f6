"""Stopping on SIGTERM the way Ctrl+C stops: by an exception, so that every cleanup on the way out runs."""

from __future__ import annotations

import signal
from types import FrameType

from guide.errors import ExitCode


class Terminated(BaseException):
    """SIGTERM arrived: like KeyboardInterrupt, not an error that any `except Exception` should swallow."""


def raise_on_sigterm() -> None:
    """From now on, SIGTERM raises Terminated in the main thread."""
    signal.signal(signal.SIGTERM, _terminated)


def worker_signals() -> None:
    """For a worker process: SIGTERM unwinds it quietly (its parent reports the stop), and Ctrl+C is left to
    the parent, which stops the workers itself."""
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(ExitCode.TERMINATED)
