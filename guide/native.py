"""Keeping C libraries' own diagnostics off the terminal, where the program says what matters in one line."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Send what C code writes to standard error nowhere while the block runs (ALSA prints several lines
    when there is no sound card; espeak-ng's audio setup complains when the disk is full)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
