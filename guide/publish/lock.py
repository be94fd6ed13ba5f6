"""One writer at a time on a site: a lock on a file beside its manifest, held while a publish or a removal runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guide.errors import UsageError
from guide.filelock import held
from guide.translation import _


@contextmanager
def site_lock(path: Path) -> Iterator[None]:
    """Hold the lock on `path` for the block, or UsageError at once where another run holds it. The operating
    system lets it go when the process ends, however it ends, so a stopped run never leaves the site locked."""
    handle = held(path)
    if handle is None:
        raise UsageError(
            _(
                "another publish or removal is running on this site (it holds {path}); let it finish, then run "
                "this again"
            ).format(path=path)
        )
    try:
        yield
    finally:
        os.close(handle)  # closing the file lets the lock go
