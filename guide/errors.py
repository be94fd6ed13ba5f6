"""Every error the program reports, each with the exit code it ends in."""

from __future__ import annotations

import enum
import shlex
from dataclasses import dataclass
from pathlib import Path

from guide.translation import _


class ExitCode(enum.IntEnum):
    """Exit codes, in one place so the CLI, the README and the tests agree."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    INVALID_SCRIPT = 3
    MISSING_DEPENDENCY = 4
    INTERRUPTED = 130
    TERMINATED = 143
    """128 + SIGTERM, as shells report a process that SIGTERM ended."""


@dataclass(frozen=True)
class Where:
    """A place in a script file: 1-based line and column."""

    path: Path
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class GuideError(Exception):
    """An error with a message meant for the user, and the exit code it ends in."""

    exit_code = ExitCode.FAILURE

    @property
    def message(self) -> str:
        return str(self)


class ScriptError(GuideError):
    """A script that does not follow the format; says where and what to do."""

    exit_code = ExitCode.INVALID_SCRIPT

    def __init__(self, where: Where, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.reason = message

    def __reduce__(self) -> tuple[type[ScriptError], tuple[Where, str]]:
        # Made again from its parts when it crosses from a helper process.
        return type(self), (self.where, self.reason)


class PlacedUsageError(ScriptError):
    """A setting given in a file beside the script (a client's duration) that cannot be used as given: placed
    as a script error is, and ending as a usage error does."""

    exit_code = ExitCode.USAGE


class UsageError(GuideError):
    """A command-line argument or option that cannot be used as given."""

    exit_code = ExitCode.USAGE


class FieldError(UsageError):
    """A value given to the program that cannot be used, named by its field as the Python API spells it
    (`duration`, `base_url`): each front door says it in its own words, the command line by its flag."""

    def __init__(self, field: str, problem: str, subject: object = None):
        super().__init__(f"{field} {subject}: {problem}" if subject is not None else f"{field}: {problem}")
        self.field = field
        self.subject = subject
        """What in the field is meant, where it names one of several or the value matters: a variable's name."""
        self.problem = problem

    def __reduce__(self) -> tuple[type[FieldError], tuple[str, str, object]]:
        # Made again from its parts when it crosses from a helper process.
        return type(self), (self.field, self.problem, self.subject)


class MissingDependency(GuideError):
    """A speech engine, tool or audio device that is not there."""

    exit_code = ExitCode.MISSING_DEPENDENCY


def export_suggestion(script: str | None) -> str:
    """The command that exports a session to listen to later, as a person would type it."""
    if script is None:
        return "guide export"
    return f"guide export {shlex.quote(script)} -o {shlex.quote(Path(script).stem + '.mp3')}"


class NoAudioDevice(MissingDependency):
    """No sound output could be opened; the message says how to listen later instead, with the command that
    exports what was to play once it is known."""

    def __init__(self, reason: str, export_command: str | None = None):
        command = export_command or export_suggestion(None)
        super().__init__(
            _("{reason}; to listen later, export instead: {command}").format(reason=reason, command=command)
        )
        self.reason = reason

    def about(self, export_command: str) -> NoAudioDevice:
        """The same error, its hint the command that exports what was to play."""
        return NoAudioDevice(self.reason, export_command)


class SoundDeviceLost(GuideError):
    """The sound device stopped taking sound while a session played (headphones unplugged, a sound server gone)."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class RenderError(GuideError):
    """A failure while making or writing audio."""

    exit_code = ExitCode.FAILURE
