"""Mixing a timeline's sounds into audio chunks, in time order, in time linear in the session's length."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from guide.model import Step
from guide.pcm import ms_to_samples, to_int16
from guide.timeline import Timeline

CHUNK_MS = 500


@dataclass(frozen=True)
class Bed:
    """An ambience loop under the whole session, faded in at the start and out at the end."""

    loop: np.ndarray
    gain: float
    fade_ms: int


def mix(
    timeline: Timeline, sounds: Mapping[Step, np.ndarray], bed: Bed | None = None, chunk_ms: int = CHUNK_MS
) -> Iterator[np.ndarray]:
    """The session as 16-bit chunks of `chunk_ms`; `sounds` are float samples with their gain applied."""
    placed = sorted(
        ((ms_to_samples(cue.start_ms), sounds[cue.step]) for cue in timeline.cues if cue.step in sounds),
        key=lambda start_and_samples: start_and_samples[0],
    )
    total = ms_to_samples(timeline.length_ms)
    chunk = ms_to_samples(chunk_ms)
    waiting = iter(placed)
    upcoming = next(waiting, None)
    active: list[tuple[int, np.ndarray]] = []
    for begin in range(0, total, chunk):
        end = min(begin + chunk, total)
        while upcoming is not None and upcoming[0] < end:
            active.append(upcoming)
            upcoming = next(waiting, None)
        buffer = np.zeros(end - begin, dtype=np.float32)
        for start, samples in active:
            lo, hi = max(begin, start), min(end, start + len(samples))
            if lo < hi:
                buffer[lo - begin : hi - begin] += samples[lo - start : hi - start]
        active = [(start, samples) for start, samples in active if start + len(samples) > end]
        if bed is not None:
            buffer += _bed_part(bed, begin, end, total)
        yield to_int16(buffer)


def _bed_part(bed: Bed, begin: int, end: int, total: int) -> np.ndarray:
    positions = np.arange(begin, end)
    fade = max(ms_to_samples(bed.fade_ms), 1)
    envelope = np.minimum(1.0, np.minimum(positions, total - positions) / fade)
    return (bed.loop[positions % len(bed.loop)] * envelope * bed.gain).astype(np.float32)
