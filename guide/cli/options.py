"""The options that shape a session on the command line, shared by check, play and export."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from guide.cli.language import language_option
from guide.environment import Environment
from guide.rendering.shaping import Shaping
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.format import ENGINES, MAX_SESSION_MS, RATE_RANGE
from guide.script.model import Duration
from guide.script.values import parse_duration


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


def session_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that shape a session, shared by check, play and export; the command gets its environment
    first, and the options as `shaping`."""

    @click.pass_obj
    @functools.wraps(command)
    def with_shaping(
        env: Environment,
        variables: tuple[tuple[str, str], ...],
        vars_file: Path | None,
        duration: int | None,
        engine: str | None,
        rate: int | None,
        no_cache: bool,
        loudness: float,
        no_bells: bool,
        no_ambience: bool,
        language: str | None,
        **arguments: Any,
    ) -> Any:
        shaping = Shaping.in_environment(
            env,
            variables=variables,
            vars_file=vars_file,
            duration=Duration(duration, None) if duration else None,
            voice=tuple((field, value) for field, value in (("engine", engine), ("rate", rate)) if value),
            no_cache=no_cache,
            loudness=loudness,
            no_bells=no_bells,
            no_ambience=no_ambience,
            language=language,
        )
        return command(env, shaping=shaping, **arguments)

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
        language_option,
    ]
    for option in reversed(options):
        with_shaping = option(with_shaping)
    return with_shaping
