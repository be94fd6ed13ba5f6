"""Planning a script's session, in one way down: the versions its optional content makes, the one its length
keeps (chosen by the voice's predicted lengths), and that version's timeline fitted to the length; from its
sounds' lengths known before a line is spoken, or as spoken."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace

from guide.errors import FieldError, PlacedUsageError, ScriptError, Where
from guide.rendering.steps import spoken_line, spoken_lines
from guide.rendering.timeline import FitError, Layout, SoundLength, Timeline, fit, layout
from guide.rendering.versions import Version, versions
from guide.script.format import MAX_SESSION_MS
from guide.script.model import Bell, BreathPhase, Duration, Keep, Recording, Say, Script, Step
from guide.script.values import format_span
from guide.sound.pcm import samples_to_ms
from guide.sound.sounds import breath_tone, load_sound
from guide.translation import _
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
            _(
                "the session would last {length}, longer than the {longest} a session may; shorten its pauses and "
                "silences, or split it"
            ).format(length=format_span(timeline.length_ms), longest=format_span(MAX_SESSION_MS)),
        )
    return timeline


def plan(script: Script, sound_ms: SoundLength, chosen_by: SoundLength | None = None) -> Timeline:
    """The script's timeline, given how long each step's sound lasts in ms (a line, a bell, a clip, a breathing
    cue): each version of the script (see `versions`) laid out; then, for a target duration, the first version
    whose silences can stretch or shrink to it, judged by `chosen_by` where given (the voice's predicted
    lengths, which are the same before a line is spoken as after, so that a play chooses as an export does),
    else by the sounds; and that version fitted to the target."""
    laid = [(version, layout(version.script, sound_ms)) for version in versions(script)]
    reach = (min(v.reach[0] for _version, v in laid), max(v.reach[1] for _version, v in laid))
    if script.duration is None:
        version, timeline = laid[0][0], laid[0][1].natural
    else:
        version, timeline = _fitted(script.duration, _in_order_of_choice(laid, script.duration.ms, chosen_by), reach)
    return replace(timeline, reach_ms=reach, left_out=version.left_out)


Laid = list[tuple[Version, Layout]]


def _in_order_of_choice(laid: Laid, target: int, chosen_by: SoundLength | None) -> Laid:
    """The versions with the one `chosen_by` keeps for `target` first, the others in their own order."""
    if chosen_by is None or len(laid) == 1:
        return laid
    judged = [layout(version.script, chosen_by).holds(target) for version, _layout in laid]
    first = judged.index(True) if True in judged else 0
    return [laid[first], *laid[:first], *laid[first + 1 :]]


def _fitted(duration: Duration, laid: Laid, reach: tuple[int, int]) -> tuple[Version, Timeline]:
    """The first version that fits the duration, fitted; for a flexible one that none can meet, the nearest at
    its nearest length; else a FitError saying why."""
    target = duration.ms
    for version, laid_out in laid:
        if laid_out.holds(target):
            with suppress(FitError):
                return version, fit(laid_out, target, reach)
    version, nearest = min(laid, key=lambda v: min(abs(target - v[1].reach[0]), abs(target - v[1].reach[1])))
    if duration.flexible:
        reachable = min(nearest.reach, key=lambda ms: abs(target - ms))
        return version, replace(fit(nearest, reachable, reach), unmet_ms=target)
    if reach[0] < target < reach[1]:
        between = _("{shortest} to {longest}")
        lengths = _(" or ").join(
            between.format(shortest=format_span(low), longest=format_span(high)) for low, high in _spans(laid)
        )
        raise FitError(
            _(
                "{length} falls between the lengths this script can take with more or less of its optional content: "
                "{lengths}"
            ).format(length=format_span(target), lengths=lengths)
        )
    fit(nearest, target, reach)
    raise AssertionError("a target out of every version's reach cannot be fitted")


def _spans(laid: Laid) -> list[tuple[int, int]]:
    """The lengths the versions can reach, as runs with no gap in them."""
    spans: list[tuple[int, int]] = []
    for low, high in sorted(v.reach for _version, v in laid):
        if spans and low <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], high))
        else:
            spans.append((low, high))
    return spans


def raw_length(step: Step, lengths: dict[Say, int]) -> int:
    line = spoken_line(step)
    if line is not None:
        return lengths[line]
    if isinstance(step, Bell | Recording):
        return len(load_sound(step.sound))
    if isinstance(step, BreathPhase) and step.cue == "tone" and (tone := breath_tone(step.phase, step.ms)) is not None:
        return len(tone)
    return 0
