"""`guide check`: validate scripts, print their plan, and warn where care is missing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from guide.cli.helptext import Command
from guide.cli.notices import left_out_notice, unmet_notice
from guide.cli.options import session_options
from guide.environment import Environment
from guide.errors import ExitCode, ScriptError
from guide.rendering.checker import care_warnings
from guide.rendering.loading import plan
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.rendering.session import voice_description
from guide.rendering.steps import word_count
from guide.rendering.timeline import CueKind, Timeline
from guide.script.model import Script
from guide.script.translations import translations
from guide.script.values import format_clock, format_span
from guide.translation import N_, _, ngettext


@click.command(cls=Command)
@click.argument("scripts", nargs=-1, required=True, metavar=N_("SCRIPT..."))
@click.option("--strict", is_flag=True, help=N_("Treat warnings as errors: exit 3 if there are any."))
@session_options
def check(env: Environment, strict: bool, requests: list[SessionRequest], services: Services) -> ExitCode:
    """Validate scripts, print their plan, and warn where care is missing.

    For each SCRIPT, prints when each section starts and how long it lasts, the
    total length, the word count and the voice. Errors name the file, line and
    column. Warnings point at what a practitioner would want to change: no content
    note, no closing, no way out offered in the first minute, lines that order
    rather than invite (closing the eyes with no choice, a harm to recall or
    relive among them), lines too long to follow, long sessions with no silence,
    and unused variables.

    A script's translations beside it (NAME.LANG.yaml) are checked with it, and
    must declare the same variables.

    Exit code 3 if any script has an error, or, with --strict, a warning.
    """
    failed = False
    for request in requests:
        script = _checked(env, request, services, strict)
        failed = failed or script is None
        if script is None or not Path(request.script).is_file():
            continue
        for translation in translations(script.path):
            translated = _checked(env, replace(request, script=str(translation)), services, strict)
            failed = failed or translated is None or not _same_variables(env, translated, script)
    return ExitCode.INVALID_SCRIPT if failed else ExitCode.OK


def _checked(env: Environment, request: SessionRequest, services: Services, strict: bool) -> Script | None:
    """The script, its plan printed and its warnings said; None where it has an error, or with `strict` a
    warning."""
    try:
        script, timeline, predicted = plan(request, services)
    except ScriptError as error:
        env.err(error.message)
        return None
    _print_plan(env, script, timeline, predicted, voice_description(script, services.engines))
    warnings = care_warnings(script, timeline)
    for warning in warnings:
        env.err(str(warning))
    return None if strict and warnings else script


def _same_variables(env: Environment, translation: Script, original: Script) -> bool:
    """Whether a translation declares the variables its original does, which a clients file fills in either."""
    if set(translation.variables) == set(original.variables):
        return True
    declared = ", ".join(sorted(translation.variables)) or _("none")
    expected = ", ".join(sorted(original.variables)) or _("none")
    env.err(
        _(
            "{path}:1:1: variables: a translation declares the variables of {original} ({expected}); this one "
            "declares {declared}"
        ).format(path=translation.path, original=original.path.name, expected=expected, declared=declared)
    )
    return False


def _print_plan(env: Environment, script: Script, timeline: Timeline, predicted: int, voice: str) -> None:
    env.out(f"{script.path}: {script.title}")
    width = max(len(chapter.title) for chapter in timeline.chapters)
    for chapter in timeline.chapters:
        length = format_clock(chapter.end_ms - chapter.start_ms)
        env.out(f"  {format_clock(chapter.start_ms):>7}  {chapter.title:<{width}}  {length:>7}")
    open_practice = sum(c.length_ms for c in timeline.cues if c.kind is CueKind.SILENCE)
    silence = (
        _("{length} of open silence").format(length=format_span(open_practice))
        if open_practice
        else _("no open silence")
    )
    total = _("total {length}, {words:,} words, {silence}").format(
        length=format_clock(timeline.length_ms), words=word_count(timeline), silence=silence
    )
    scaled = _(" (silences scaled {scale:.2f}x)").format(scale=timeline.scale) if timeline.scale != 1 else ""
    env.out(f"  {total}{scaled}")
    for notice in (left_out_notice(script, timeline), unmet_notice(timeline)):
        if notice is not None:
            env.out(f"  {notice}")
    shortest, longest = timeline.reach_ms
    if shortest != longest:
        reach = _("--duration can make it from {shortest} to {longest}")
        env.out("  " + reach.format(shortest=format_clock(shortest), longest=format_clock(longest)))
    env.out("  " + _("voice: {voice} at {rate} words per minute").format(voice=voice, rate=script.voice.rate))
    if predicted:
        unspoken = ngettext(
            "({count} line not spoken yet: timed by the voice's model; a render times it exactly)",
            "({count} lines not spoken yet: timed by the voice's model; a render times them exactly)",
            predicted,
        )
        env.out("  " + unspoken.format(count=predicted))
