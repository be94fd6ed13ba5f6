"""Asking the person at the terminal: a line, a number from 0 to 10, a few lines, a passphrase unseen."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping

from guide.environment import Environment
from guide.errors import UsageError
from guide.journal.entries import DISTRESS_RANGE
from guide.journal.sealing import Seal, WrongPassphrase, opened
from guide.journal.store import Journal
from guide.translation import N_, _


def ask(env: Environment, question: str) -> str:
    """One line answered (Enter alone answers ""); an ended input answers "" too."""
    env.stdout.write(question + " ")
    env.stdout.flush()
    return env.stdin.readline().strip()


def ask_distress(env: Environment, words: Mapping[str, str]) -> int | None:
    """A distress rating from 0 to 10, or None when Enter skips it; asked again, gently, for anything else. The
    question and its reminder are `words["distress"]` and `words["distress_again"]`, in the session's language."""
    low, high = DISTRESS_RANGE
    while True:
        answer = ask(env, words["distress"].format(low=low, high=high))
        if not answer:
            return None
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        env.out(words["distress_again"].format(low=low, high=high))


def ask_lines(env: Environment, question: str, words: Mapping[str, str]) -> str:
    """A line or more, ended by an empty line; Enter alone at once skips it. `words["lines"]` says how."""
    env.out(words["lines"].format(question=question))
    lines: list[str] = []
    while line := env.stdin.readline().rstrip("\n"):
        lines.append(line)
    return "\n".join(lines).strip()


def discard_typed_ahead(env: Environment) -> None:
    """Drop what was typed at the terminal before a question is asked: a key pressed for the player as a session
    ended would otherwise be read as the first answer after it."""
    if not env.stdin_isatty:
        return
    if sys.platform == "win32":
        import msvcrt

        while msvcrt.kbhit():  # type: ignore[attr-defined]
            msvcrt.getwch()  # type: ignore[attr-defined]
        return
    import termios

    termios.tcflush(env.stdin.fileno(), termios.TCIFLUSH)


def ask_unseen(env: Environment, question: str) -> str:
    """A line typed without being shown, as a passphrase is."""
    with _no_echo(env):
        # Asked once echo is off, so that nothing typed the moment the question shows is seen.
        env.stdout.write(question + " ")
        env.stdout.flush()
        try:
            answer = env.stdin.readline().rstrip("\n")
        except UnicodeDecodeError:
            raise UsageError(_(NOT_TEXT)) from None
    env.out()
    return answer


NOT_TEXT = N_("the passphrase is not valid text (UTF-8); give it again, in letters, digits or words")


def as_text(passphrase: str) -> str:
    """A passphrase that is text (UTF-8), or UsageError: bytes that are not text cannot be sealed with."""
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(_(NOT_TEXT)) from None
    return passphrase


PASSPHRASE_TRIES = 3
"""How often a passphrase is asked for on the terminal (to open the journal, or to choose one to lock it with):
a typo is asked again, three times in all."""


def journal_seal(env: Environment, journal: Journal) -> Seal | None:
    """The seal that opens a locked journal, from GUIDE_JOURNAL_PASSPHRASE or asked on the terminal (a wrong one
    asked again, PASSPHRASE_TRIES times in all, then WrongPassphrase); None for a journal that is not locked."""
    lock = journal.lock()
    if lock is None:
        return None
    for attempt in range(1, PASSPHRASE_TRIES):
        try:
            return opened(lock, passphrase(env, _("The journal's passphrase{again}:").format(again=again(attempt))))
        except WrongPassphrase:
            if env.journal_passphrase is not None:
                raise
            env.out(_("That passphrase does not open the journal."))
    last = again(PASSPHRASE_TRIES)
    return opened(lock, passphrase(env, _("The journal's passphrase{again}:").format(again=last)))


def again(attempt: int) -> str:
    """What a passphrase question says when it is asked again: " (try 2 of 3)"; nothing the first time."""
    return "" if attempt == 1 else _(" (try {attempt} of {tries})").format(attempt=attempt, tries=PASSPHRASE_TRIES)


def passphrase(env: Environment, question: str) -> str:
    """GUIDE_JOURNAL_PASSPHRASE, or the passphrase asked on the terminal; off a terminal without it, a refusal."""
    if env.journal_passphrase is not None:
        return as_text(env.journal_passphrase)
    if not (env.stdin_isatty and env.stdout_isatty):
        raise UsageError(
            _(
                "the journal is locked: run this on a terminal to be asked its passphrase, or set "
                "GUIDE_JOURNAL_PASSPHRASE"
            )
        )
    return ask_unseen(env, question)


@contextlib.contextmanager
def _no_echo(env: Environment) -> Iterator[None]:
    if not env.stdin_isatty or sys.platform == "win32":
        yield
        return
    import termios

    fd = env.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = termios.tcgetattr(fd)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, saved)
