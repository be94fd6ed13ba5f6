"""Preparing a script for playing or export: its voiced lines, its sounds, its timeline, and its levels."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guide.cache import ClipCache
from guide.dynamics import limit_whole
from guide.engines import get_engine
from guide.errors import ScriptError, UsageError
from guide.loudness import clip_loudness, integrated_loudness
from guide.mixer import Bed, Levels, Mix, as_int16
from guide.model import Bell, BreathPhase, Recording, Say, Script, Step
from guide.pcm import db_to_gain, samples_to_ms
from guide.sounds import ambience_loop, breath_tone, load_sound
from guide.timeline import BELL_STRIKE_MS, CueKind, FitError, Timeline, plan
from guide.voicing import Progress, speak_lines

BREATH_CUE_WORDS = {"in": "Breathe in.", "hold": "Hold.", "out": "And out.", "rest": "Rest."}
LOUDNESS_LUFS = -16.0
"""The integrated loudness every session is brought to: the level podcasts and spoken word are made at."""
VOICE_CEILING_DBTP = -1.5
"""Each spoken line's true peaks are limited to this, leaving room for a bell or the bed beneath it."""
CEILING_DBTP = -1.5
"""No true peak of the mix goes above this: half a decibel under -1 dBTP, for the MP3 encoder's overshoot."""
FADE_OUT_MS = 2000
TRIM_ROUNDS = 3
INITIAL_TRIM_DB = 1.2
"""A session measures about this much under its lines, each brought to the target alone: the gaps between
lines fall inside its gating blocks, and limiting takes a little. Starting here usually saves a round."""
TRIM_TOLERANCE_LU = 0.3


@dataclass(frozen=True)
class Session:
    """A script with everything it sounds like, mixed and levelled, ready to play or export."""

    script: Script
    timeline: Timeline
    sounds: dict[Step, np.ndarray]
    """Every step's sound, levelled: float samples as they go into the mix."""
    mix: Mix
    levels: Levels

    def chunks(self) -> Iterator[np.ndarray]:
        """The session's audio, 16-bit mono, in time order."""
        return as_int16(self.mix.chunks(self.levels))


def word_count(script: Script) -> int:
    return sum(len(step.text.split()) for step in all_steps(script) if isinstance(step, Say))


def voice_description(script: Script) -> str:
    return get_engine(script.voice.engine).describe(script.voice, script.language)


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
        return Say(BREATH_CUE_WORDS[step.phase], step.voice, step.where)
    return None


def prepare(
    script: Script,
    cache: ClipCache,
    progress: Progress | None = None,
    loudness: float = LOUDNESS_LUFS,
    level_from: Script | None = None,
) -> Session:
    """Voice every line, load every sound, plan the timeline, and set the levels for `loudness` LUFS.

    Each line is brought to the same loudness, and every other sound is set relative to the voice; then
    one trim for the whole brings the mix to the target. The trim is measured on `level_from` when given
    (the script with its own variables), so that a client's name changes the line that speaks it and
    nothing else."""
    trim = INITIAL_TRIM_DB
    loudness_of: dict[Step, float] = {}
    # Limiting the voice's peaks takes a little loudness away, and more the louder it is pushed: a round or
    # two of measuring and trimming brings the whole within a few tenths of the target.
    for round_ in range(TRIM_ROUNDS):
        reporting = progress if level_from is None and round_ == 0 else None
        reference = _assemble(level_from or script, cache, reporting, loudness, trim, loudness_of)
        measured = integrated_loudness(reference.mix.chunks())
        if not math.isfinite(measured) or abs(loudness - measured) <= TRIM_TOLERANCE_LU:
            break
        trim += loudness - measured
    else:
        reference = None
    if level_from is None and reference is not None:
        return reference
    bed_gain = reference.mix.bed.gain if reference is not None and reference.mix.bed is not None else None
    return _assemble(script, cache, progress if level_from else None, loudness, trim, loudness_of, bed_gain)


def plan_only(script: Script, cache: ClipCache) -> Timeline:
    """The script's timeline alone, from its voiced lines and sounds as they come, with no levelling or
    mixing: levelling changes no sound's length, so this is the timeline `prepare` makes."""
    clips = speak_lines(spoken_lines(script), script.language, cache)
    return _plan(script, lambda step: _raw_length(step, clips))


def _plan(script: Script, length: Callable[[Step], int]) -> Timeline:
    """Plan with each step's sound `length` in samples, a duration out of reach reported where it was asked."""
    try:
        return plan(script, lambda step: samples_to_ms(length(step)))
    except FitError as error:
        if script.duration is not None and script.duration.where is not None:
            raise ScriptError(script.duration.where, f"duration: {error}") from None
        raise UsageError(f"--duration: {error}") from None


def _raw_length(step: Step, clips: dict[Say, np.ndarray]) -> int:
    line = spoken_line(step)
    if line is not None:
        return len(clips[line])
    if isinstance(step, Bell | Recording):
        return len(load_sound(step.sound))
    if isinstance(step, BreathPhase) and step.cue == "tone" and (tone := breath_tone(step.phase, step.ms)) is not None:
        return len(tone)
    return 0


def _assemble(
    script: Script,
    cache: ClipCache,
    progress: Progress | None,
    loudness: float,
    trim_db: float,
    loudness_of: dict[Step, float],
    bed_gain: float | None = None,
) -> Session:
    """The session with every sound at its level for `loudness` plus `trim_db`; `loudness_of` keeps each
    sound's measured loudness from one call to the next. The bed is set against the voice as levelled, or
    given `bed_gain`."""
    clips = speak_lines(spoken_lines(script), script.language, cache, progress)
    sounds: dict[Step, np.ndarray] = {}
    for step in all_steps(script):
        if step not in sounds and (sound := _sound(step, clips, loudness + trim_db, loudness_of)) is not None:
            sounds[step] = sound
    timeline = _plan(script, lambda step: len(sounds[step]) if step in sounds else 0)
    speech = [
        (cue.start_ms, cue.start_ms + samples_to_ms(len(sounds[cue.step])))
        for cue in timeline.cues
        if spoken_line(cue.step) is not None
    ]
    levels = Levels(_fade_in_ms(timeline), _fade_out_ms(timeline, speech), db_to_gain(CEILING_DBTP))
    voice = [sound for step, sound in sounds.items() if spoken_line(step) is not None]
    bed = _bed(script, voice, bed_gain)
    return Session(script, timeline, sounds, Mix(timeline, sounds, bed, speech), levels)


def _fade_in_ms(timeline: Timeline) -> int:
    """A session that opens with a bell fades in over its strike; any other starts as written."""
    first = timeline.cues[0] if timeline.cues else None
    return BELL_STRIKE_MS if first is not None and first.kind is CueKind.BELL else 0


def _fade_out_ms(timeline: Timeline, speech: list[tuple[int, int]]) -> int:
    """The session fades out over its last moments, after the last word."""
    last_word = max((end for _, end in speech), default=0)
    return max(0, min(FADE_OUT_MS, timeline.length_ms - last_word))


def _sound(
    step: Step, clips: dict[Say, np.ndarray], loudness: float, loudness_of: dict[Step, float]
) -> np.ndarray | None:
    """A step's sound as float samples at its level in the mix, or None for a step that makes none."""
    line = spoken_line(step)
    if line is not None:
        return _levelled(clips[line].astype(np.float32) / 32768, loudness, loudness_of, line) * line.voice.volume
    if isinstance(step, Recording):
        recording = load_sound(step.sound).astype(np.float32) / 32768
        return _levelled(recording, loudness, loudness_of, step) * db_to_gain(step.gain_db)
    trim = db_to_gain(loudness - LOUDNESS_LUFS)
    if isinstance(step, Bell):
        return load_sound(step.sound).astype(np.float32) * (db_to_gain(step.gain_db) * trim / 32768)
    if isinstance(step, BreathPhase) and step.cue == "tone" and (tone := breath_tone(step.phase, step.ms)) is not None:
        return tone * trim
    return None


def _levelled(samples: np.ndarray, loudness: float, loudness_of: dict[Step, float], key: Step) -> np.ndarray:
    """A voice at a loudness, its sharpest peaks limited under the voice's ceiling."""
    if key not in loudness_of:
        loudness_of[key] = clip_loudness(samples)
    measured = loudness_of[key]
    gain = db_to_gain(loudness - measured) if math.isfinite(measured) else 1.0
    return limit_whole(samples * gain, db_to_gain(VOICE_CEILING_DBTP))


def _bed(script: Script, voice: list[np.ndarray], gain: float | None) -> Bed | None:
    if script.ambience is None:
        return None
    loop, loop_loudness = _bed_loop(script.ambience.sound)
    if gain is None:
        # The bed sits `volume` below the voice as the listener hears it: the lines as levelled and limited.
        voice_loudness = clip_loudness(np.concatenate(voice)) if voice else LOUDNESS_LUFS
        gain = db_to_gain(voice_loudness + script.ambience.gain_db - loop_loudness)
    return Bed(loop, gain, script.ambience.fade_ms)


@functools.cache
def _bed_loop(sound: str | Path) -> tuple[np.ndarray, float]:
    """A bed's loop and its loudness, made once however many rounds of levelling ask for it."""
    loop = ambience_loop(sound)
    return loop, clip_loudness(loop)
