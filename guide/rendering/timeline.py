"""Laying a script out as a timeline of cues at exact millisecond times, and fitting it to a length by scaling
its silences."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum

from guide.errors import ScriptError
from guide.script.format import BELL_STRIKE_MS
from guide.script.language_rules import rules_or_english
from guide.script.model import Bell, BreathPhase, Pause, Recording, Say, Script, Silence, Step
from guide.script.values import format_span
from guide.translation import _

MIN_SCALE, MAX_SCALE = 0.25, 4.0
FIT_TOLERANCE_MS = 500


class CueKind(Enum):
    SAY = "say"
    GAP = "gap"
    PAUSE = "pause"
    SILENCE = "silence"
    BELL = "bell"
    SOUND = "sound"
    BREATHE = "breathe"


@dataclass(frozen=True)
class Cue:
    """One thing at one time: a sound (say, bell) or a stretch of quiet (gap, pause, silence)."""

    start_ms: int
    length_ms: int
    kind: CueKind
    chapter: int
    step: Step | None = None
    """The step it comes from; None for the gap after a line."""

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.length_ms


@dataclass(frozen=True)
class Chapter:
    """A section (or the closing) with its place in the session."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Timeline:
    """The whole session, timed."""

    cues: tuple[Cue, ...]
    chapters: tuple[Chapter, ...]
    length_ms: int
    scale: float
    """The factor every `silence` was multiplied by to meet the target duration (1 without one)."""
    reach_ms: tuple[int, int]
    """The shortest and longest the session can be made, by scaling its silences and leaving out or bringing in
    its optional content."""
    left_out: tuple[Step, ...] = ()
    """The script's steps that are not in this session: optional content a length left out, and `longer`
    content it did not bring in."""
    unmet_ms: int | None = None
    """A flexible length the script asked for that could not be reached, when the session was planned at the
    nearest it can be instead."""

    def cue_at(self, ms: int) -> Cue | None:
        """The cue that holds the timeline at a moment (a bell's ring-out does not hold it)."""
        for cue in self.cues:
            if cue.start_ms <= ms < cue.end_ms:
                return cue
        return None

    def chapter_at(self, ms: int) -> Chapter | None:
        for chapter in self.chapters:
            if chapter.start_ms <= ms < chapter.end_ms:
                return chapter
        return self.chapters[-1] if self.chapters and ms >= self.length_ms else None


class FitError(ValueError):
    """A target duration this script cannot meet by scaling its silences."""


SoundLength = Callable[[Step], int]


@dataclass(frozen=True)
class Layout:
    """A script laid out at its natural pace, with each step's sound lasting `sound_ms`, and the lengths its
    silences can take it to."""

    script: Script
    sound_ms: SoundLength
    steps: list[tuple[int, Step]]
    natural: Timeline
    silent_ms: int

    @property
    def fixed_ms(self) -> int:
        """How long it lasts less its silences: the part no scale changes."""
        return self.natural.length_ms - self.silent_ms

    @property
    def reach(self) -> tuple[int, int]:
        fixed = self.fixed_ms
        return fixed + math.ceil(self.silent_ms * MIN_SCALE), fixed + math.floor(self.silent_ms * MAX_SCALE)

    def holds(self, target: int) -> bool:
        return self.reach[0] - FIT_TOLERANCE_MS <= target <= self.reach[1] + FIT_TOLERANCE_MS


def layout(script: Script, sound_ms: SoundLength) -> Layout:
    """The script laid out at its natural pace: every step in order, silences as written."""
    steps = list(_steps_in_order(script))
    silent = sum(step.ms for _, step in steps if isinstance(step, Silence))
    return Layout(script, sound_ms, steps, _layout(script, steps, sound_ms, scale=1.0), silent)


def _steps_in_order(script: Script) -> Iterator[tuple[int, Step]]:
    for chapter, section in enumerate(script.sections):
        for step in section.steps:
            yield chapter, step
    for step in script.closing:
        yield len(script.sections), step


def _chapter_titles(script: Script) -> list[str]:
    closing = [rules_or_english(script.language).closing_title] if script.closing else []
    return [s.title for s in script.sections] + closing


def _layout(script: Script, steps: list[tuple[int, Step]], sound_ms: SoundLength, scale: float) -> Timeline:
    cues: list[Cue] = []
    cursor = 0
    sounding_until = 0
    silence_written = silence_total = 0
    for index, (chapter, step) in enumerate(steps):
        if isinstance(step, Say):
            length = sound_ms(step)
            cues.append(Cue(cursor, length, CueKind.SAY, chapter, step))
            cursor += length
            following = steps[index + 1][1] if index + 1 < len(steps) else None
            if not isinstance(following, Pause | Silence):
                cues.append(Cue(cursor, script.gap_ms, CueKind.GAP, chapter))
                cursor += script.gap_ms
        elif isinstance(step, Bell):
            ring = sound_ms(step)
            sounding_until = max(sounding_until, cursor + ring)
            cues.append(Cue(cursor, min(ring, BELL_STRIKE_MS), CueKind.BELL, chapter, step))
            cursor += min(ring, BELL_STRIKE_MS)
        elif isinstance(step, Recording):
            length = sound_ms(step)
            cues.append(Cue(cursor, length, CueKind.SOUND, chapter, step))
            cursor += length
        elif isinstance(step, BreathPhase):
            _check_breath_cue(step, sound_ms(step))
            cues.append(Cue(cursor, step.ms, CueKind.BREATHE, chapter, step))
            cursor += step.ms
        elif isinstance(step, Pause):
            cues.append(Cue(cursor, step.ms, CueKind.PAUSE, chapter, step))
            cursor += step.ms
        else:
            # Cumulative rounding keeps the sum of scaled silences exact, whatever their number.
            silence_total += step.ms
            length = round(silence_total * scale) - silence_written
            silence_written += length
            cues.append(Cue(cursor, length, CueKind.SILENCE, chapter, step))
            cursor += length
    length_ms = max(cursor, sounding_until)
    return Timeline(tuple(cues), _chapters(_chapter_titles(script), cues, length_ms), length_ms, scale, (0, 0))


def _check_breath_cue(phase: BreathPhase, cue_ms: int) -> None:
    if cue_ms > phase.ms:
        raise ScriptError(
            phase.where,
            _(
                "breathe: the spoken cue of the {phase} phase lasts {cue}, longer than the phase itself ({length}); "
                "lengthen the phase, or use cue: tone or cue: none"
            ).format(phase=phase.phase, cue=format_span(cue_ms), length=format_span(phase.ms)),
        )


def _chapters(titles: list[str], cues: list[Cue], length_ms: int) -> tuple[Chapter, ...]:
    starts: dict[int, int] = {}
    for cue in cues:
        starts.setdefault(cue.chapter, cue.start_ms)
    bounds = [starts[i] for i in range(len(titles))] + [length_ms]
    return tuple(Chapter(title, bounds[i], bounds[i + 1]) for i, title in enumerate(titles))


def fit(laid: Layout, target: int, reach: tuple[int, int]) -> Timeline:
    """The layout's silences scaled to meet `target`; FitError, saying the `reach` of the script it is a version
    of, where they cannot."""
    natural, silent, fixed = laid.natural, laid.silent_ms, laid.fixed_ms
    if not silent:
        if abs(natural.length_ms - target) <= FIT_TOLERANCE_MS:
            return natural
        raise FitError(
            _(
                "{length} cannot be met: the script has no `silence` steps to stretch or shrink, and lasts {natural}"
            ).format(length=format_span(target), natural=format_span(natural.length_ms))
        )
    can_last = _("this script can last from {shortest} to {longest}").format(
        shortest=format_span(reach[0]), longest=format_span(reach[1])
    )
    if fixed > target:
        raise FitError(
            _(
                "{length} is too short: the spoken lines, pauses and bells alone last {fixed}, {over} more than "
                "that; {reach}"
            ).format(
                length=format_span(target), fixed=format_span(fixed), over=format_span(fixed - target), reach=can_last
            )
        )
    scale = (target - fixed) / silent
    if not MIN_SCALE <= scale <= MAX_SCALE:
        if scale < MIN_SCALE:
            problem = _(
                "{length} would shrink the silences {scale:.2f} times (the range is {low} to {high:g}); {reach}"
            )
        else:
            problem = _(
                "{length} would stretch the silences {scale:.2f} times (the range is {low} to {high:g}); {reach}"
            )
        raise FitError(
            problem.format(length=format_span(target), scale=scale, low=MIN_SCALE, high=MAX_SCALE, reach=can_last)
        )
    timeline = _layout(laid.script, laid.steps, laid.sound_ms, scale)
    # A bell ringing out past the end can make the length depend on the scale unevenly; correct once.
    miss = timeline.length_ms - target
    if abs(miss) > FIT_TOLERANCE_MS:
        timeline = _layout(laid.script, laid.steps, laid.sound_ms, scale - miss / silent)
    return timeline
