"""A script's steps as the render takes them: in order, and the lines they speak (breathing cues among them)."""

from __future__ import annotations

from collections.abc import Iterator

from guide.rendering.timeline import Timeline
from guide.script.model import BreathPhase, Say, Script, Step


def all_steps(script: Script) -> Iterator[Step]:
    for section in script.sections:
        yield from section.steps
    yield from script.closing


def spoken_lines(script: Script) -> list[Say]:
    """Every line the voice speaks: the script's own, and the spoken breathing cues."""
    return [line for step in all_steps(script) if (line := spoken_line(step)) is not None]


def spoken_line(step: Step | None) -> Say | None:
    """What the voice says for a step: a line, or a breathing phase's spoken cue; None for any other step."""
    if isinstance(step, Say):
        return step
    if isinstance(step, BreathPhase) and step.cue == "voice":
        return Say(step.words, step.voice, step.where)
    return None


def word_count(timeline: Timeline) -> int:
    """The words the session speaks at its length (breathing cues aside)."""
    return sum(len(cue.step.text.split()) for cue in timeline.cues if isinstance(cue.step, Say))
