"""Single key presses from the terminal while a session plays, with the terminal always put back as it was."""

from __future__ import annotations

import contextlib
import os
import queue
import select
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

POLL_S = 0.05
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


class Keys:
    """Keys pressed, read by a background thread from a terminal in cbreak mode (no echo, no line
    editing; Ctrl+C still interrupts)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.pressed: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="keys", daemon=True)

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.fd], [], [], POLL_S)
            if ready:
                data = os.read(self.fd, 32)
                if not data:
                    return
                for key in data.decode(errors="ignore"):
                    self.pressed.put(key)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop reading, and wait until the reader has: a key typed after this is the terminal's again, for
        whatever reads it next (a check-in's answer), never taken as a key."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def take(self) -> str | None:
        """The next key pressed, if any."""
        try:
            return self.pressed.get_nowait()
        except queue.Empty:
            return None


@contextlib.contextmanager
def listening(stdin: TextIO, stdout: TextIO) -> Iterator[Keys | None]:
    """Keys from `stdin` while the block runs, when it is a terminal (else None); on the way out, however
    that comes, the terminal's settings and its cursor are put back."""
    if not stdin.isatty() or sys.platform == "win32":
        yield None
        return
    import termios
    import tty

    fd = stdin.fileno()
    saved = termios.tcgetattr(fd)
    keys = Keys(fd)
    try:
        tty.setcbreak(fd)
        if stdout.isatty():
            stdout.write(HIDE_CURSOR)
            stdout.flush()
        keys.start()
        yield keys
    finally:
        keys.stop()
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if stdout.isatty():
            stdout.write(SHOW_CURSOR)
            stdout.flush()
