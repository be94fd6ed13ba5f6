"""A real pseudo-terminal for the tests of anything interactive: the program on it, what it shows, the keys."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Terminal:
    """`guide ARGS...` on a pseudo-terminal, as a listener at a terminal runs it: what it shows, the keys
    pressed, and the terminal's settings."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path):
        self.controller, self.terminal = pty.openpty()
        self.settings = termios.tcgetattr(self.terminal)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "guide", *args],
            stdin=self.terminal,
            stdout=self.terminal,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            cwd=cwd,
            text=True,
        )
        self.shown = b""

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.shown:
            assert time.monotonic() < deadline, f"never showed {text!r}: {self.shown[-500:]!r}"
            assert self.pump(), f"ended before showing {text!r}: {self.shown[-500:]!r}"

    def press(self, key: str) -> None:
        os.write(self.controller, key.encode())

    def finish(self, timeout: float = 120) -> tuple[int, str]:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            assert time.monotonic() < deadline, "the player never ended"
            self.pump()
        while self.pump():
            pass
        stderr = self.process.stderr.read() if self.process.stderr else ""
        return self.process.returncode, stderr

    def restored(self) -> bool:
        return termios.tcgetattr(self.terminal) == self.settings

    def close(self) -> None:
        os.close(self.controller)
        os.close(self.terminal)

    def pump(self) -> bool:
        """Take in what the program showed in the next 50 ms; False once it has ended."""
        ready, _, _ = select.select([self.controller], [], [], 0.05)
        if not ready:
            return self.process.poll() is None
        try:
            data = os.read(self.controller, 65536)
        except OSError:
            return False
        self.shown += data
        return bool(data)


@dataclass(frozen=True)
class Answered:
    """How a run on a pseudo-terminal ended: its exit code, its standard error, all it showed, and whether the
    terminal's settings were as they had been."""

    code: int
    stderr: str
    shown: bytes
    restored: bool


def answered(args: list[str], env: dict[str, str], cwd: Path, answers: Iterable[tuple[str, str]] = ()) -> Answered:
    """Run `guide ARGS...` on a pseudo-terminal to its end, typing each answer once its question shows."""
    terminal = Terminal(args, env, cwd)
    try:
        for question, answer in answers:
            terminal.wait_for(question)
            terminal.press(answer)
        code, stderr = terminal.finish()
        return Answered(code, stderr, terminal.shown, terminal.restored())
    finally:
        terminal.close()


def checkin_answers(before: str, feelings: str, after: str, feelings_after: str) -> list[tuple[str, str]]:
    """The English check-in around a play, each question with its answer: distress and a few words before,
    then after."""
    return [
        ("How much distress do you feel right now", f"{before}\n"),
        ("A few words for how you feel, if you like:", f"{feelings}\n"),
        ("A moment to check in again", ""),
        ("from 0 to 10? (Enter skips)", f"{after}\n"),
        ("how you feel now, if you like:", f"{feelings_after}\n"),
    ]
