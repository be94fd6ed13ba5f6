"""`guide list`: the built-in sessions, their lengths, what each is for, and where to find real help."""

from __future__ import annotations

import textwrap

import click

from guide.cli.helptext import Command
from guide.cli.language import language_option
from guide.environment import Environment
from guide.errors import ExitCode
from guide.rendering.loading import plan
from guide.rendering.request import SessionRequest, VoiceRequest
from guide.rendering.services import Services
from guide.script import library
from guide.script.language_rules import rules_or_english
from guide.script.values import format_clock
from guide.translation import _


@click.command(cls=Command, name="list")
@language_option
@click.pass_obj
def list_command(env: Environment, language: str | None) -> ExitCode:
    """List the built-in sessions, with their length and what each is for.

    The sessions are the same in every language they are written in (de, en, es,
    fr), with the same names: --language es lists the Spanish ones, with their
    titles; without it, the locale's language (LANG) where there are sessions in
    it, else English. Each also answers to a name made from its title in its
    language, shown after its own: sientate-con-tu-yo-mas-joven plays the Spanish
    sit-with-your-younger-self.

    Lengths are as the voice's model predicts them, without speaking a word, so
    they are the same before and after a session has been played; a render can
    differ from them by a few seconds.
    """
    listed = library.chosen_language(language, env.locale_language)
    services = Services.of(env)
    for path in library.builtin_sessions(listed):
        request = SessionRequest(str(path), voice=VoiceRequest(language=language))
        script, timeline, _sounds = plan(request, services, predicted_only=True)
        shortest, longest = timeline.reach_ms
        titled = library.title_name(path)
        also = f" · {titled}" if titled != path.stem else ""
        reach = _("(from {shortest} to {longest} with --duration)").format(
            shortest=format_clock(shortest), longest=format_clock(longest)
        )
        env.out(f"{path.stem}{also}  {format_clock(timeline.length_ms)}  {reach}")
        env.out(f"  {script.title}: {script.description or ''}".rstrip(": "))
    env.out("\n" + textwrap.fill(rules_or_english(listed).therapy_note, width=78))
    return ExitCode.OK
