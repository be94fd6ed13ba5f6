"""Where the program runs: its standard streams, its folders and its settings, read from the process once."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import click

APP_NAME = "inner-guide"


@dataclass(frozen=True)
class Environment:
    """What the program takes from the process it runs in, made once (by the command line, or the Python API)
    and handed down: no other module reads `os.environ` for the program's settings, so a test builds its own
    and runs a command in-process."""

    stdin: TextIO
    stdout: TextIO
    stderr: TextIO
    stdin_isatty: bool
    stdout_isatty: bool
    stderr_isatty: bool
    cache_dir: Path
    """Spoken clips, measured levels and voices' length models (`GUIDE_CACHE_DIR`)."""
    data_dir: Path
    """What the program keeps for the person: where each play stopped (`GUIDE_DATA_DIR`)."""
    voices_dir: Path | None
    """Piper voices beyond the bundled one (`GUIDE_VOICES_DIR`, else `voices` in the data folder), where
    `guide voices download` puts them."""
    engine: str | None
    """The engine `auto` means (`GUIDE_ENGINE`), or None to choose the best installed."""
    journal_passphrase: str | None = field(default=None, repr=False)
    """The journal's passphrase (`GUIDE_JOURNAL_PASSPHRASE`), for reading and writing a locked journal without
    being asked; never shown."""
    editor: str | None = None
    """The editor `guide journal write` opens (`VISUAL`, or `EDITOR`); with None, the entry is typed at the terminal."""
    voices_source: str | None = None
    """Where `guide voices` finds voices to download (`GUIDE_VOICES_SOURCE`: a web address or a folder); None for
    the Piper voices repository."""
    locale_language: str | None = None
    """The language of the person's locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES` or `LANG`) as a tag such as
    `de-DE`; None for the C or POSIX locale, or none set. It picks the language of the program's words, and a built-in
    session's when none is asked for."""

    @classmethod
    def from_process(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> Environment:
        """The environment of this process, or of `environ` and the streams given."""
        environ = os.environ if environ is None else environ
        stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
        return cls(
            stdin,
            stdout,
            stderr,
            _is_terminal(stdin),
            _is_terminal(stdout),
            _is_terminal(stderr),
            cache_dir=_folder(environ, "GUIDE_CACHE_DIR") or _platform_folder("user_cache_path") / "clips",
            data_dir=(data_dir := _folder(environ, "GUIDE_DATA_DIR") or _platform_folder("user_data_path")),
            voices_dir=_folder(environ, "GUIDE_VOICES_DIR") or data_dir / "voices",
            engine=environ.get("GUIDE_ENGINE") or None,
            journal_passphrase=environ.get("GUIDE_JOURNAL_PASSPHRASE") or None,
            editor=environ.get("VISUAL") or environ.get("EDITOR") or None,
            voices_source=environ.get("GUIDE_VOICES_SOURCE") or None,
            locale_language=_locale_language(environ),
        )

    def out(self, text: str = "") -> None:
        """A line of what the command was asked for, on standard output."""
        click.echo(text, file=self.stdout)

    def err(self, text: str) -> None:
        """A line about the work (progress, notices, errors), on standard error."""
        click.echo(text, file=self.stderr)


def _locale_language(environ: Mapping[str, str]) -> str | None:
    """The language of the locale setting that wins (gettext's order, LANGUAGE's first), `de_DE.UTF-8@euro` read
    as `de-DE`."""
    setting = next((environ[name] for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    setting = setting.split(":")[0]
    tag = setting.split(".")[0].split("@")[0].replace("_", "-")
    if tag in ("", "C", "POSIX") or not tag.replace("-", "").isalnum():
        return None
    return tag


def _folder(environ: Mapping[str, str], name: str) -> Path | None:
    return Path(environ[name]) if environ.get(name) else None


def _platform_folder(kind: str) -> Path:
    # Imported only where no folder was given: platformdirs costs a few milliseconds at start.
    import platformdirs

    folder: Path = getattr(platformdirs, kind)(APP_NAME)
    return folder


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a stream with no isatty, or one already closed
        return False
