"""Captions for a session: one cue per spoken sentence, timed from the voiced clips, as WebVTT or SRT."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from guide.rendering.session import Session
from guide.rendering.steps import spoken_line
from guide.script.sentences import sentences
from guide.script.values import format_timestamp
from guide.sound.pcm import FULL_SCALE, SAMPLE_RATE, SILENCE_THRESHOLD, samples_to_ms

MIN_PAUSE_MS = 120
"""The shortest quiet stretch inside a line that can be the voice's pause between two sentences."""
SNAP_REACH = 0.35
"""How far from its estimate a sentence boundary looks for that pause, as a share of the shorter sentence."""
_QUIET = SILENCE_THRESHOLD / FULL_SCALE


@dataclass(frozen=True)
class Caption:
    """One sentence and when it is heard."""

    start_ms: int
    end_ms: int
    text: str
    chapter: int


def captions(session: Session) -> list[Caption]:
    """Every spoken sentence of the session, in order.

    A line's clip gives its exact start and end. A line of several sentences is split at the voice's
    pauses: each boundary is first estimated in proportion to the sentences' lengths in characters, then
    moved to the longest pause near that estimate; where no pause is near, the estimate stands."""
    result = []
    for cue in session.timeline.cues:
        line = spoken_line(cue.step)
        if line is None or cue.step not in session.sounds:
            continue
        clip = session.sounds[cue.step][:]
        for start, end, text in _sentence_spans(line.text, clip, session.script.language):
            result.append(Caption(cue.start_ms + start, cue.start_ms + end, text, cue.chapter))
    return result


def _sentence_spans(text: str, clip: np.ndarray, language: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) in ms from the clip's start, for each sentence of its line."""
    parts = sentences(" ".join(text.split()), language)
    length_ms = samples_to_ms(len(clip))
    weights = np.array([len(part) for part in parts], dtype=float)
    edges = np.concatenate(([0.0], np.cumsum(weights) / weights.sum())) * length_ms
    pauses = _pauses(clip)
    starts, ends = [0], []
    for index in range(1, len(parts)):
        estimate = edges[index]
        reach = SNAP_REACH * min(edges[index] - edges[index - 1], edges[index + 1] - edges[index])
        near = [(a, b) for a, b in pauses if a > starts[-1] and a - reach <= estimate <= b + reach and b < length_ms]
        if near:
            pause_start, pause_end = max(near, key=lambda pause: pause[1] - pause[0])
            ends.append(pause_start)
            starts.append(pause_end)
        else:
            ends.append(round(estimate))
            starts.append(round(estimate))
    ends.append(length_ms)
    yield from zip(starts, ends, parts, strict=True)


def _pauses(clip: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) in ms of the quiet stretches inside a clip long enough to fall between sentences."""
    quiet = (np.abs(clip) <= _QUIET).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet, [0])))).reshape(-1, 2)
    shortest = MIN_PAUSE_MS * SAMPLE_RATE // 1000
    return [(samples_to_ms(a), samples_to_ms(b)) for a, b in edges if b - a >= shortest]


def to_webvtt(cues: list[Caption]) -> str:
    """The captions as a WebVTT file."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, 1):
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{number}\n{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def to_srt(cues: list[Caption]) -> str:
    """The captions as a SubRip (SRT) file."""
    blocks = [
        f"{number}\n{format_timestamp(cue.start_ms, ',')} --> {format_timestamp(cue.end_ms, ',')}\n{cue.text}"
        for number, cue in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def render_captions(session: Session, fmt: str) -> str:
    """The session's captions in a format of CAPTION_FORMATS."""
    return (to_webvtt if fmt == "vtt" else to_srt)(captions(session))
