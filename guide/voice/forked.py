"""Running work in a forked copy of this process, its result or its error sent back through a pipe."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

from guide.errors import RenderError

T = TypeVar("T")


class Forked(Generic[T]):
    """Work begun at once in a child process, a copy of this one; `result` waits for it. POSIX only."""

    def __init__(self, work: Callable[[], T]):
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(read)
            _run_child(work, write)
        os.close(write)
        self._pipe = os.fdopen(read, "rb")

    def result(self) -> T:
        """The work's result, or the error it raised, raised here."""
        try:
            succeeded, value = pickle.load(self._pipe)
        except EOFError:
            raise RenderError("a helper process ended before its work was done") from None
        finally:
            self.close()
        if not succeeded:
            raise value
        return value

    def close(self) -> None:
        """End the child if it is still working, and reap it; once only, as its number is then free for reuse."""
        if self._pipe.closed:
            return
        self._pipe.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)


def _run_child(work: Callable[[], object], write: int) -> None:
    """The child's whole life: it never returns into the parent's code, its `finally` blocks or its exit
    handlers, which belong to the parent."""
    status = 1
    try:
        try:
            outcome = pickle.dumps((True, work()))
        except BaseException as error:  # noqa: BLE001 - every error, Ctrl+C included, goes back to the parent
            outcome = _pickled_error(error)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(outcome)
        status = 0
    finally:
        os._exit(status)


def _pickled_error(error: BaseException) -> bytes:
    try:
        return pickle.dumps((False, error))
    except Exception:  # noqa: BLE001 - an error that cannot cross is sent as its message
        return pickle.dumps((False, RenderError(f"a helper process failed: {error}")))
