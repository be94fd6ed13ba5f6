"""Mixing a timeline's sounds into audio, any stretch on demand, in time linear in the session's length."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from guide.rendering.timeline import Timeline
from guide.script.model import Step
from guide.sound.dynamics import MARGIN, Limited, limit
from guide.sound.pcm import db_to_gain, ms_to_samples, to_int16

Sound = np.ndarray | Limited
"""A sound at its level in the mix: float samples, or a clip limited as it is mixed; sliced, either gives float
samples."""
CHUNK_MS = 500
DUCK_DB = -6.0
"""How far the bed dips under speech."""
DUCK_ATTACK_MS, DUCK_RELEASE_MS = 300, 600
"""The bed starts to dip this long before a line, and rises again over this long after it: slow enough that
it never pumps."""


@dataclass(frozen=True)
class Bed:
    """An ambience loop under the whole session: faded in and out, dipping under speech."""

    loop: np.ndarray
    gain: float
    fade_ms: int


@dataclass(frozen=True)
class Levels:
    """The master stage: fades at either end, and a ceiling no peak passes."""

    fade_in_ms: int = 0
    fade_out_ms: int = 0
    ceiling: float | None = None


class Mix:
    """A session's sounds placed in time; mixes any stretch of it, each the same however it is cut."""

    def __init__(
        self,
        timeline: Timeline,
        sounds: Mapping[Step, Sound],
        bed: Bed | None = None,
        speech: list[tuple[int, int]] | None = None,
    ):
        """`sounds` are float samples with their gain applied; `speech` the (start, end) ms under which the
        bed dips."""
        placed = sorted(
            (
                (ms_to_samples(cue.start_ms), sounds[step])
                for cue in timeline.cues
                if (step := cue.step) is not None and step in sounds
            ),
            key=lambda start_and_samples: start_and_samples[0],
        )
        self.starts = [start for start, _ in placed]
        self.sounds = [samples for _, samples in placed]
        self.longest = max((len(s) for s in self.sounds), default=0)
        self.length = ms_to_samples(timeline.length_ms)
        self.bed = bed
        self.speech = [(ms_to_samples(a), ms_to_samples(b)) for a, b in speech or []]
        self.speech_ends = [stop for _, stop in self.speech]

    def stretch(self, begin: int, end: int) -> np.ndarray | None:
        """Samples `begin` to `end` (in samples, either may fall outside the session, which is silent); None
        where nothing sounds, as most of a meditation."""
        out = None
        first = bisect.bisect_left(self.starts, begin - self.longest)
        last = bisect.bisect_left(self.starts, end)
        for start, samples in zip(self.starts[first:last], self.sounds[first:last], strict=True):
            lo, hi = max(begin, start, 0), min(end, start + len(samples), self.length)
            if lo < hi:
                if out is None:
                    out = np.zeros(end - begin, dtype=np.float32)
                out[lo - begin : hi - begin] += samples[lo - start : hi - start]
        if self.bed is not None:
            bed = self._bed(self.bed, begin, end)
            if out is None:
                return bed
            out += bed
        return out

    def _bed(self, bed: Bed, begin: int, end: int) -> np.ndarray:
        positions = np.arange(begin, end)
        inside = (positions >= 0) & (positions < self.length)
        fade = max(ms_to_samples(bed.fade_ms), 1)
        envelope = np.clip(np.minimum(positions, self.length - positions) / fade, 0.0, 1.0) * inside
        loop = bed.loop[positions % len(bed.loop)]
        return (loop * envelope * self._duck(positions) * bed.gain).astype(np.float32)

    def _duck(self, positions: np.ndarray) -> np.ndarray:
        attack, release = ms_to_samples(DUCK_ATTACK_MS), ms_to_samples(DUCK_RELEASE_MS)
        presence = np.zeros(len(positions))
        if len(positions):
            first = bisect.bisect_left(self.speech_ends, positions[0] - release)
            for start, stop in self.speech[first:]:
                if start - attack > positions[-1]:
                    break
                rise = np.clip((positions - (start - attack)) / attack, 0.0, 1.0)
                fall = np.clip(((stop + release) - positions) / release, 0.0, 1.0)
                presence = np.maximum(presence, np.minimum(rise, fall))
        smooth = 0.5 - 0.5 * np.cos(np.pi * presence)
        return 1.0 - smooth * (1.0 - db_to_gain(DUCK_DB))

    def chunks(self, levels: Levels = Levels(), chunk_ms: int = CHUNK_MS) -> Iterator[np.ndarray]:
        """The session through the master stage, as float chunks in time order."""
        chunk = ms_to_samples(chunk_ms)
        for begin in range(0, self.length, chunk):
            yield self.mastered(begin, min(begin + chunk, self.length), levels)

    def mastered(self, begin: int, end: int, levels: Levels) -> np.ndarray:
        """Samples `begin` to `end` through the master stage: the same however the session is cut."""
        margin = MARGIN if levels.ceiling is not None else 0
        samples = self.stretch(begin - margin, end + margin)
        if samples is None:  # no fade or limit changes silence
            return np.zeros(end - begin, dtype=np.float32)
        fades = self._fades(begin - margin, end + margin, levels)
        if fades is not None:
            samples *= fades
        return limit(samples, levels.ceiling) if levels.ceiling is not None else samples

    def _fades(self, begin: int, end: int, levels: Levels) -> np.ndarray | None:
        """The master fades' gain over samples `begin` to `end`; None where neither fade reaches."""
        fade_in, fade_out = ms_to_samples(levels.fade_in_ms), ms_to_samples(levels.fade_out_ms)
        if begin >= fade_in and end <= self.length - fade_out:
            return None
        positions = np.arange(begin, end)
        gain = np.ones(len(positions), dtype=np.float32)
        if fade_in:
            gain *= np.clip(positions / fade_in, 0.0, 1.0)
        if fade_out:
            gain *= np.clip((self.length - positions) / fade_out, 0.0, 1.0)
        return gain


def as_int16(chunks: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """Float chunks as 16-bit samples."""
    for chunk in chunks:
        yield to_int16(chunk)
