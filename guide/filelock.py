"""Locks on files that a process holds while it works, and that the system lets go when it ends, however it ends."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def held(path: Path) -> int | None:
    """The open file `path` (made if need be), locked by this process; None where another process holds it.
    Closing the file lets the lock go."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if _locked(handle):
        return handle
    os.close(handle)
    return None


def _locked(handle: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
