"""Planning a script's session from its sounds' lengths: known before a line is spoken, or as spoken, and the
optional content a length keeps chosen by the voice's predicted lengths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from guide.errors import FieldError, PlacedUsageError, ScriptError, Where
from guide.rendering.steps import spoken_line, spoken_lines
from guide.rendering.timeline import FitError, Timeline, plan
from guide.rendering.versions import versions
from guide.script.format import MAX_SESSION_MS
from guide.script.model import Bell, BreathPhase, Keep, Recording, Say, Script, Step
from guide.script.values import format_span
from guide.sound.pcm import samples_to_ms
from guide.sound.sounds import breath_tone, load_sound
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines
from guide.voice.voicing import known_lengths, predicted_lengths

Predicted = dict[Say, int] | None
"""Each line's length in samples as its voice's model predicts it: what chooses a script's optional content."""


def choosing_lengths(script: Script, engines: Engines) -> Predicted:
    """The lines' predicted lengths, which choose the version of a script with optional content that a target
    length keeps (see `plan`); None for a script with no target or no optional content, or a voice that cannot
    predict."""
    if script.duration is None or len(versions(script)) == 1:
        return None
    return predicted_lengths(spoken_lines(script), script.language, engines)


def chosen_content(script: Script, engines: Engines) -> Script:
    """The script as its target length will have it, optional content chosen by the voice's predicted lengths
    and every step then kept: what a play can voice and mix from its start. The script itself where there is
    nothing to choose, or no way to choose it before the lines are spoken."""
    predicted = choosing_lengths(script, engines)
    if predicted is None:
        return script
    left_out = plan_session(script, lambda step: raw_length(step, predicted), predicted).left_out
    chosen = next(version.script for version in versions(script) if version.left_out == left_out)
    return replace(
        chosen,
        sections=tuple(
            replace(section, steps=tuple(replace(step, keep=Keep.ALWAYS) for step in section.steps))
            for section in chosen.sections
        ),
    )


def plan_without_speaking(script: Script, engines: Engines, cache: ClipCache | None) -> tuple[Timeline, int]:
    """The script's timeline from each line's length as spoken before (in `cache`) or else as its voice's model
    predicts it, and how many lines were predicted. Levelling changes no sound's length, so with every line in
    the cache this is the timeline `prepare` makes; a render settles the predicted lines from their clips."""
    lengths, predicted = known_lengths(spoken_lines(script), script.language, engines, cache)
    timeline = plan_session(script, lambda step: raw_length(step, lengths), choosing_lengths(script, engines))
    return timeline, predicted


def plan_session(script: Script, length: Callable[[Step], int], predicted: Predicted = None) -> Timeline:
    """Plan with each step's sound `length` in samples, the lines' `predicted` lengths choosing the optional
    content a target length keeps, a duration out of reach reported where it was asked."""

    def chosen_by(step: Step) -> int:
        line = spoken_line(step)
        assert predicted is not None
        return samples_to_ms(predicted[line] if line is not None and line in predicted else length(step))

    try:
        timeline = plan(script, lambda step: samples_to_ms(length(step)), chosen_by if predicted else None)
    except FitError as error:
        asked = script.duration.where if script.duration is not None else None
        if asked is None:
            raise FieldError("duration", str(error)) from None
        # The script's own length is the author's to fix; a client's was asked for, as a duration given is.
        placed = ScriptError if asked.path == script.path else PlacedUsageError
        raise placed(asked, f"duration: {error}") from None
    if timeline.length_ms > MAX_SESSION_MS:
        where = script.duration.where if script.duration and script.duration.where else Where(script.path, 1, 1)
        raise ScriptError(
            where,
            f"the session would last {format_span(timeline.length_ms)}, longer than the "
            f"{format_span(MAX_SESSION_MS)} a session may; shorten its pauses and silences, or split it",
        )
    return timeline


def raw_length(step: Step, lengths: dict[Say, int]) -> int:
    line = spoken_line(step)
    if line is not None:
        return lengths[line]
    if isinstance(step, Bell | Recording):
        return len(load_sound(step.sound))
    if isinstance(step, BreathPhase) and step.cue == "tone" and (tone := breath_tone(step.phase, step.ms)) is not None:
        return len(tone)
    return 0
