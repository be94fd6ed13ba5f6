"""One writer at a time on a site: a lock on a file beside its manifest, held while a publish or a removal runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guide.errors import UsageError


@contextmanager
def site_lock(path: Path) -> Iterator[None]:
    """Hold the lock on `path` for the block, or UsageError at once where another run holds it. The operating
    system lets it go when the process ends, however it ends, so a stopped run never leaves the site locked."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _locked(handle):
            raise UsageError(
                f"another publish or removal is running on this site (it holds {path}); "
                "let it finish, then run this again"
            )
        yield
    finally:
        os.close(handle)  # closing the file lets the lock go


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
