"""`guide list`: the built-in sessions, their lengths, what each is for, and where to find real help."""

from __future__ import annotations

import textwrap

import click

from guide.environment import Environment
from guide.errors import ExitCode
from guide.rendering.shaping import Shaping
from guide.script import library
from guide.script.values import format_clock

THERAPY_NOTE = (
    "These sessions support, and do not replace, the care of a trauma-informed therapist. "
    "If a session brings up more than feels manageable, stop, and reach out to someone you trust."
)


@click.command(name="list")
@click.pass_obj
def list_command(env: Environment) -> ExitCode:
    """List the built-in sessions, with their length and what each is for.

    Lengths are as the voice's model predicts them, without speaking a word, so
    they are the same before and after a session has been played; a render can
    differ from them by a few seconds.
    """
    shaping = Shaping.in_environment(env)
    for path in library.builtin_sessions():
        script, timeline, _ = shaping.plan(str(path), predicted_only=True)
        shortest, longest = timeline.reach_ms
        env.out(
            f"{path.stem}  {format_clock(timeline.length_ms)}"
            f"  (from {format_clock(shortest)} to {format_clock(longest)} with --duration)"
        )
        env.out(f"  {script.title}: {script.description or ''}".rstrip(": "))
    env.out("\n" + textwrap.fill(THERAPY_NOTE, width=78))
    return ExitCode.OK
