"""Preparing a script for playing or export: its voiced lines, its sounds, and its timeline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from guide.cache import ClipCache
from guide.engines import get_engine
from guide.errors import ScriptError, UsageError
from guide.mixer import Bed, mix
from guide.model import Bell, BreathPhase, Recording, Say, Script, Step
from guide.pcm import db_to_gain, samples_to_ms
from guide.sounds import breath_tone, load_sound, noise_bed
from guide.timeline import FitError, Timeline, plan
from guide.voicing import Progress, speak_lines

BREATH_CUE_WORDS = {"in": "Breathe in.", "hold": "Hold.", "out": "And out.", "rest": "Rest."}


@dataclass(frozen=True)
class Session:
    """A script with everything it sounds like, ready to mix."""

    script: Script
    timeline: Timeline
    sounds: dict[Step, np.ndarray]
    bed: Bed | None

    def chunks(self) -> Iterator[np.ndarray]:
        """The session's audio, 16-bit mono, in time order."""
        return mix(self.timeline, self.sounds, self.bed)

    @property
    def words(self) -> int:
        return sum(len(step.text.split()) for step in all_steps(self.script) if isinstance(step, Say))

    def voice_description(self) -> str:
        return get_engine(self.script.voice.engine).describe(self.script.voice, self.script.language)


def all_steps(script: Script) -> Iterator[Step]:
    for section in script.sections:
        yield from section.steps
    yield from script.closing


def spoken_lines(script: Script) -> list[Say]:
    """Every line the voice speaks: the script's own, and the spoken breathing cues."""
    return [line for step in all_steps(script) if (line := _spoken(step)) is not None]


def _spoken(step: Step) -> Say | None:
    if isinstance(step, Say):
        return step
    if isinstance(step, BreathPhase) and step.cue == "voice":
        return Say(BREATH_CUE_WORDS[step.phase], step.voice, step.where)
    return None


def prepare(script: Script, cache: ClipCache, progress: Progress | None = None) -> Session:
    """Voice every line, load every sound, and plan the timeline."""
    clips = speak_lines(spoken_lines(script), script.language, cache, progress)
    sounds: dict[Step, np.ndarray] = {}
    for step in all_steps(script):
        if step not in sounds and (sound := _sound(step, clips)) is not None:
            sounds[step] = sound
    try:
        timeline = plan(script, lambda step: samples_to_ms(len(sounds[step])) if step in sounds else 0)
    except FitError as error:
        if script.duration is not None and script.duration.where is not None:
            raise ScriptError(script.duration.where, f"duration: {error}") from None
        raise UsageError(f"--duration: {error}") from None
    return Session(script, timeline, sounds, _bed(script, clips))


def _sound(step: Step, clips: dict[Say, np.ndarray]) -> np.ndarray | None:
    """A step's sound as float samples with its gain applied, or None for a step that makes none."""
    line = _spoken(step)
    if line is not None:
        return clips[line].astype(np.float32) * (line.voice.volume / 32768)
    if isinstance(step, Bell | Recording):
        return load_sound(step.sound).astype(np.float32) * (db_to_gain(step.gain_db) / 32768)
    if isinstance(step, BreathPhase) and step.cue == "tone":
        return breath_tone(step.phase, step.ms)
    return None


def _bed(script: Script, clips: dict[Say, np.ndarray]) -> Bed | None:
    if script.ambience is None:
        return None
    speech = np.concatenate([clip.astype(np.float32) / 32768 for clip in clips.values()]) if clips else None
    # The bed's level is relative to the voice, as the listener hears them side by side.
    voice_rms = float(np.sqrt(np.mean(speech**2))) if speech is not None and speech.size else 0.1
    return Bed(
        noise_bed(script.ambience.sound), voice_rms * db_to_gain(script.ambience.gain_db), script.ambience.fade_ms
    )
