"""The options that shape a session on the command line, shared by check, play and export."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import click

from guide.errors import Where
from guide.script import library
from guide.script.clients import Client
from guide.script.format import ENGINES, MAX_SESSION_MS, RATE_RANGE
from guide.script.loader import load_script, with_overrides
from guide.script.model import Duration, Script
from guide.script.readers import load_variables
from guide.script.values import parse_duration
from guide.session import LOUDNESS_LUFS, Session, plan_without_speaking, prepare, spoken_lines
from guide.timeline import Timeline
from guide.voice.cache import ClipCache, default_folder


class DurationType(click.ParamType):
    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            ms = parse_duration(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        if ms > MAX_SESSION_MS:
            self.fail(f"{value} is longer than the longest session, 12h", param, ctx)
        return ms


class VariableType(click.ParamType):
    name = "NAME=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        name, equals, text = str(value).partition("=")
        if not equals or not name.strip():
            self.fail(f"expected NAME=VALUE, such as name=Sam, got {value!r}", param, ctx)
        return name.strip(), text


@dataclass(frozen=True)
class Shaping:
    """How the command line shapes a session: its variables, target length, pace, and the cache."""

    variables: tuple[tuple[str, str], ...] = ()
    vars_file: Path | None = None
    duration: Duration | None = None
    voice: tuple[tuple[str, Any], ...] = ()
    """`Voice` fields set on every line: --rate, or a client's voice."""
    no_cache: bool = False
    loudness: float = LOUDNESS_LUFS
    no_bells: bool = False
    no_ambience: bool = False
    variables_at: tuple[tuple[str, Where], ...] = ()
    """Where some of `variables` were given (a clients file); the others came from --var."""

    def for_client(self, client: Client) -> Shaping:
        """This shaping with a client's variables, voice and duration over the command line's."""
        return replace(
            self,
            variables=(*self.variables, *client.variables.items()),
            variables_at=(*self.variables_at, *client.variables_at.items()),
            voice=(*self.voice, *client.voice.items()),
            duration=client.duration or self.duration,
        )

    def load(self, script_ref: str) -> tuple[Script, Script | None]:
        """The script a SCRIPT argument names with the variables and overrides applied, and, when variables
        were given, the same script with its own: the level of every personalized file is set from it."""
        path = library.find_script(script_ref)
        values, given_at = load_variables(self.vars_file) if self.vars_file else ({}, {})
        values |= dict(self.variables)
        for name, _ in self.variables:
            given_at.pop(name, None)
        given_at |= dict(self.variables_at)
        script = self._overridden(load_script(path, values, given_at))
        return script, self._overridden(load_script(path)) if values else None

    def _overridden(self, script: Script) -> Script:
        return with_overrides(
            script,
            duration=self.duration,
            voice=dict(self.voice),
            no_bells=self.no_bells,
            no_ambience=self.no_ambience,
        )

    def cache(self) -> ClipCache:
        return ClipCache(None if self.no_cache else default_folder())

    def prepare(self, script_ref: str, show_progress: bool = True) -> Session:
        """The session a SCRIPT argument names, voiced and levelled, with a progress bar on a terminal."""
        script, level_from = self.load(script_ref)
        with click.progressbar(
            length=len(spoken_lines(script)),
            label="Voicing lines",
            file=sys.stderr,
            hidden=not (show_progress and sys.stderr.isatty()),
        ) as bar:
            return prepare(script, self.cache(), bar.update, self.loudness, level_from)

    def plan(self, script_ref: str, predicted_only: bool = False) -> tuple[Script, Timeline, int]:
        """The script a SCRIPT argument names, its timeline with nothing spoken (lines not in the cache, or with
        `predicted_only` every line, predicted), and how many lines were predicted."""
        script, _ = self.load(script_ref)
        return script, *plan_without_speaking(script, None if predicted_only else self.cache())


def session_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that shape a session, shared by check, play and export; the command gets them as `shaping`."""

    @functools.wraps(command)
    def with_shaping(
        variables: tuple[tuple[str, str], ...],
        vars_file: Path | None,
        duration: int | None,
        engine: str | None,
        rate: int | None,
        no_cache: bool,
        loudness: float,
        no_bells: bool,
        no_ambience: bool,
        **arguments: Any,
    ) -> Any:
        shaping = Shaping(
            variables,
            vars_file,
            Duration(duration, None) if duration else None,
            tuple((field, value) for field, value in (("engine", engine), ("rate", rate)) if value),
            no_cache,
            loudness,
            no_bells,
            no_ambience,
        )
        return command(shaping=shaping, **arguments)

    options = [
        click.option(
            "--var",
            "variables",
            type=VariableType(),
            multiple=True,
            help="Set a script variable, e.g. --var name=Sam. Repeat for more; wins over --vars.",
        ),
        click.option(
            "--vars",
            "vars_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A YAML file of variables (name: value lines), e.g. one per client.",
        ),
        click.option(
            "--duration",
            type=DurationType(),
            help="Target length, e.g. 20m: the script's silences stretch or shrink to meet it.",
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            help="The speech engine for every line: piper (the natural voice, if installed), pyttsx3, or auto.",
        ),
        click.option(
            "--rate", type=click.IntRange(*RATE_RANGE), help="Speech rate in words per minute (60-250), for every line."
        ),
        click.option("--no-cache", is_flag=True, help="Synthesize every line afresh, and keep nothing."),
        click.option(
            "--loudness",
            type=click.FloatRange(-30, -10),
            default=LOUDNESS_LUFS,
            show_default=True,
            help="Integrated loudness to bring the session to, in LUFS (true peaks stay under -1 dBTP).",
        ),
        click.option("--no-bells", is_flag=True, help="Leave out the bells (their moments stay, in silence)."),
        click.option("--no-ambience", is_flag=True, help="Leave out the background ambience."),
    ]
    for option in reversed(options):
        with_shaping = option(with_shaping)
    return with_shaping
