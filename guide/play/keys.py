"""Single key presses from the terminal while a session plays, with the terminal always put back as it was.

termios on Linux and macOS, msvcrt on Windows. An arrow key or any other key that sends an escape sequence is
read whole and passed over; Esc alone (nothing after it within ESCAPE_WAIT_S) is a key of its own."""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TextIO

POLL_S = 0.02
ESCAPE_WAIT_S = 0.05
"""How long after Esc the rest of a sequence may come: a terminal sends an arrow key's bytes together."""
ESCAPE = "esc"
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
WINDOWS_PREFIXES = ("\x00", "\xe0")
"""msvcrt's getwch gives an arrow or function key as one of these, then its code."""


def key_names(text: str, more: Callable[[], str]) -> Iterator[str]:
    """The keys in `text` as the player takes them (lower case; `esc`), escape sequences left out; `more()`
    gives what came after, within ESCAPE_WAIT_S, when the text ends inside a sequence ("" if nothing did)."""
    chars = deque(text)

    def following() -> str | None:
        if not chars:
            chars.extend(more())
        return chars.popleft() if chars else None

    while chars:
        char = chars.popleft()
        if char != "\x1b":
            yield char.lower()
            continue
        introducer = following()
        if introducer is None:
            yield ESCAPE
        elif introducer == "[":
            # CSI: parameters and intermediates, up to a final byte from @ to ~.
            while (part := following()) is not None and not "\x40" <= part <= "\x7e":
                pass
        elif introducer == "O":
            following()
        # Anything else after Esc is Alt and that key, which is no key of the player's.


class Keys:
    """Keys pressed, read by a background thread (no echo, no line editing; Ctrl+C still interrupts)."""

    def __init__(self, read: Callable[[float], str]):
        self._read_some = read
        """Whatever the terminal has within a wait in seconds ("" for none)."""
        self.pressed: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="keys", daemon=True)

    def _read(self) -> None:
        while not self._stop.is_set():
            text = self._read_some(POLL_S)
            for key in key_names(text, lambda: self._read_some(ESCAPE_WAIT_S)):
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
    if not stdin.isatty():
        yield None
        return
    with _terminal_keys(stdin) as keys:
        if stdout.isatty():
            stdout.write(HIDE_CURSOR)
            stdout.flush()
        try:
            keys.start()
            yield keys
        finally:
            keys.stop()
            if stdout.isatty():
                stdout.write(SHOW_CURSOR)
                stdout.flush()


@contextlib.contextmanager
def _terminal_keys(stdin: TextIO) -> Iterator[Keys]:
    if sys.platform == "win32":
        yield Keys(_console_reader())
        return
    import termios
    import tty

    fd = stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        # TCSANOW, not the default TCSAFLUSH: a key pressed while the program started is still taken.
        tty.setcbreak(fd, termios.TCSANOW)
        yield Keys(_terminal_reader(fd))
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _terminal_reader(fd: int) -> Callable[[float], str]:
    import select

    def read(wait_s: float) -> str:
        ready, _, _ = select.select([fd], [], [], wait_s)
        return os.read(fd, 64).decode(errors="ignore") if ready else ""

    return read


def _console_reader() -> Callable[[float], str]:
    """Keys from the Windows console, whose arrow and function keys come as a prefix and a code, never Esc."""
    import msvcrt

    def read(wait_s: float) -> str:
        deadline = time.monotonic() + wait_s
        while not msvcrt.kbhit():  # type: ignore[attr-defined]
            if time.monotonic() >= deadline:
                return ""
            time.sleep(0.01)
        text = ""
        while msvcrt.kbhit():  # type: ignore[attr-defined]
            char = msvcrt.getwch()  # type: ignore[attr-defined]
            if char in WINDOWS_PREFIXES:
                msvcrt.getwch()  # type: ignore[attr-defined]
                continue
            text += char
        return text

    return read
