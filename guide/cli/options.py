"""The options that shape a session on the command line, shared by check, play and export."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from guide.cli.flags import flag_of
from guide.cli.language import language_option
from guide.environment import Environment
from guide.errors import FieldError
from guide.rendering.request import SessionRequest, VoiceRequest
from guide.rendering.services import Services
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.format import ENGINES
from guide.script.model import Duration
from guide.script.values import parse_duration
from guide.translation import N_, _


class DurationType(click.ParamType):
    """A length as text, 20m or 1h30m, in milliseconds; what length may be asked is the asker's to say."""

    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            return parse_duration(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class VariableType(click.ParamType):
    name = "NAME=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        name, equals, text = str(value).partition("=")
        if not equals or not name.strip():
            self.fail(_("expected NAME=VALUE, such as name=Sam, got {value!r}").format(value=value), param, ctx)
        return name.strip(), text


def session_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that shape a session, shared by check, play and export, made into a session request for
    the command's SCRIPT (or one for each of its SCRIPTs): the command gets its environment first, then
    `request` (or `requests`). A value the request refuses is reported as the option's."""

    @click.pass_obj
    @functools.wraps(command)
    def with_request(
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
        def request_for(script: str) -> SessionRequest:
            with flagged():
                return SessionRequest(
                    script,
                    variables=variables,
                    vars_file=vars_file,
                    duration=Duration(duration, None) if duration is not None else None,
                    voice=VoiceRequest(engine=engine, rate=rate, language=language),
                    loudness=loudness,
                    bells=not no_bells,
                    ambience=not no_ambience,
                    cache=not no_cache,
                )

        if "scripts" in arguments:
            arguments["requests"] = [request_for(script) for script in arguments.pop("scripts")]
        else:
            arguments["request"] = request_for(arguments.pop("script_ref"))
        return command(env, services=Services.of(env), **arguments)

    options = [
        click.option(
            "--var",
            "variables",
            type=VariableType(),
            multiple=True,
            help=N_("Set a script variable, e.g. --var name=Sam. Repeat for more; wins over --vars."),
        ),
        click.option(
            "--vars",
            "vars_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help=N_("A YAML file of variables (name: value lines), e.g. one per client."),
        ),
        click.option(
            "--duration",
            type=DurationType(),
            help=N_("Target length, e.g. 20m: the script's silences stretch or shrink to meet it."),
        ),
        click.option(
            "--engine",
            type=click.Choice(ENGINES),
            help=N_("The speech engine for every line: piper (the natural voice, if installed), pyttsx3, or auto."),
        ),
        click.option(
            "--rate", type=int, metavar=N_("WPM"), help=N_("Speech rate in words per minute (60-250), for every line.")
        ),
        click.option("--no-cache", is_flag=True, help=N_("Synthesize every line afresh, and keep nothing.")),
        click.option(
            "--loudness",
            type=float,
            metavar=N_("LUFS"),
            default=LOUDNESS_LUFS,
            show_default=True,
            help=N_(
                "Integrated loudness to bring the session to, in LUFS, from -30 to -10 (true peaks stay under -1 dBTP)."
            ),
        ),
        click.option("--no-bells", is_flag=True, help=N_("Leave out the bells (their moments stay, in silence).")),
        click.option("--no-ambience", is_flag=True, help=N_("Leave out the background ambience.")),
        language_option,
    ]
    for option in reversed(options):
        with_request = option(with_request)
    return with_request


@contextlib.contextmanager
def flagged() -> Iterator[None]:
    """A value the command line was given and a request refuses, reported as Click reports a bad option."""
    try:
        yield
    except FieldError as error:
        hint = f"'{flag_of(error.field)}'"
        problem = f"{error.subject}: {error.problem}" if error.subject is not None else error.problem
        raise click.BadParameter(problem, param_hint=hint) from None
