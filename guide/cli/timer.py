"""`guide timer`: an unguided sit with bells, played with the player's keys or exported to a file."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from guide.cli.checkin import remember_sitting
from guide.cli.export import export_one
from guide.cli.helptext import Command
from guide.cli.language import language_flag
from guide.cli.options import DurationType
from guide.cli.play import Listening, play_script
from guide.environment import Environment
from guide.errors import ExitCode
from guide.journal.entries import TIMER_SESSION
from guide.output.formats import ALBUM, BITRATES, DEFAULT_BITRATE, FORMATS, ExportSettings, choose_format
from guide.play.player import Ending
from guide.rendering.loading import Loaded
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.script import library
from guide.script.format import BEDS, BELLS
from guide.script.timer import Timer, timer_script
from guide.script.values import format_clock, format_span
from guide.translation import N_, _


@click.command(cls=Command)
@click.argument("length", type=DurationType(), metavar=N_("LENGTH"))
@click.option("--interval", type=DurationType(), help=N_("A bell at each interval too, e.g. 5m (at least 10s)."))
@click.option("--bell", type=click.Choice(BELLS), default="bowl", show_default=True, help=N_("The bell that rings."))
@click.option("--ambience", type=click.Choice(BEDS), help=N_("A background bed under the sit."))
@click.option("--guided", is_flag=True, help=N_("A short spoken opening before the sit, and a brief close after it."))
@language_flag(N_("The sit's words in this language (de, en, es, fr), and with --guided its voice; else the locale's."))
@click.option(
    "-o", "--output", "out", type=click.Path(path_type=Path), help=N_("Write the sit to a file (e.g. sit.mp3) instead.")
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help=N_("With -o: the format, when the suffix does not say.")
)
@click.option("--bitrate", type=click.Choice(BITRATES), default=DEFAULT_BITRATE, show_default=True, help=N_("With -o."))
@click.option("--device", metavar=N_("NAME"), help=N_("The ALSA output device to play through."))
@click.option("--quiet", is_flag=True, help=N_("Show nothing while playing, only errors."))
@click.pass_obj
def timer(
    env: Environment,
    length: int,
    interval: int | None,
    bell: str,
    ambience: str | None,
    guided: bool,
    language: str | None,
    out: Path | None,
    fmt: str | None,
    bitrate: str,
    device: str | None,
    quiet: bool,
) -> ExitCode:
    """A silent sit with bells, from 1m to 4h: played, or written to a file.

    LENGTH is how long the sit lasts, e.g. 20m: a bell rings at its start, and three
    at its end, each exactly on its time. With --interval, a bell marks each interval
    too; with --ambience, a bed plays under the sit; with --guided, the sit opens with
    the sessions' short arrival and ends with a brief grounding close. It plays with
    the player's keys (n: the next interval, g: the closing bells, q: quit), or with
    -o it is written to a file.

    \b
    Examples:
      guide timer 20m
      guide timer 30m --interval 10m --ambience ocean-waves
      guide timer 10m --guided -o sit.mp3
    """
    sit = Timer(length, interval, bell, ambience, guided, library.chosen_language(language, env.locale_language))
    script = timer_script(sit)
    loaded, request, services = Loaded(script, None), SessionRequest(str(script.path)), Services.of(env)
    if out is not None:
        settings = ExportSettings(choose_format(out, fmt), bitrate, ALBUM, None, False)
        return export_one(env, lambda: loaded, request, services, out, settings)
    outcome = play_script(env, loaded, request, services, Listening(device, quiet, False, _export_command(sit)))
    remember_sitting(env, TIMER_SESSION, outcome.heard_ms, outcome.ending is Ending.FINISHED, None)
    if outcome.ending is not Ending.FINISHED:
        env.err(_("Stopped at {time}.").format(time=format_clock(outcome.heard_ms)))
    return ExitCode.INTERRUPTED if outcome.ending is Ending.INTERRUPTED else ExitCode.OK


def _export_command(sit: Timer) -> str:
    """The command that writes this sit to a file, as a person would type it."""
    words = ["guide", "timer", format_span(sit.length_ms)]
    if sit.interval_ms is not None:
        words += ["--interval", format_span(sit.interval_ms)]
    if sit.bell != "bowl":
        words += ["--bell", sit.bell]
    if sit.ambience is not None:
        words += ["--ambience", sit.ambience]
    if sit.guided:
        words.append("--guided")
    if sit.language != library.LIBRARY_LANGUAGE:
        words += ["--language", sit.language]
    return shlex.join([*words, "-o", f"timer-{format_span(sit.length_ms)}.mp3"])
