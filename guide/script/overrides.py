"""A loaded script with what the command line asks of it: a target length, voice settings, no bells, no bed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from guide.script import format
from guide.script.model import Bell, BreathPhase, Duration, Pause, Say, Script, Step


def each_step(script: Script, change: Callable[[Step], Step]) -> Script:
    """The script with `change` made to every step of its sections and closing."""
    return replace(
        script,
        sections=tuple(replace(s, steps=tuple(map(change, s.steps))) for s in script.sections),
        closing=tuple(map(change, script.closing)),
    )


def with_overrides(
    script: Script,
    *,
    duration: Duration | None = None,
    voice: Mapping[str, Any] | None = None,
    no_bells: bool = False,
    no_ambience: bool = False,
    language: str | None = None,
) -> Script:
    """The script with a target duration, voice settings for every line (--rate, a client's voice), a language
    tag (`es-419` for a script in `es`), --no-bells and --no-ambience applied. Voice settings with no duration
    make the script's own length flexible: they may put it out of reach."""

    if no_bells:
        # The bell's moment stays, so the session keeps its pacing.
        script = each_step(script, lambda s: Pause(format.BELL_STRIKE_MS, s.where) if isinstance(s, Bell) else s)
    if no_ambience:
        script = replace(script, ambience=None)
    if language is not None:
        script = replace(script, language=language)
    if voice:
        script = each_step(
            script, lambda s: replace(s, voice=replace(s.voice, **voice)) if isinstance(s, Say | BreathPhase) else s
        )
        script = replace(script, voice=replace(script.voice, **voice))
    if duration is not None:
        script = replace(script, duration=duration)
    elif voice and script.duration is not None:
        script = replace(script, duration=replace(script.duration, flexible=True))
    return script
