"""Preparing a script for playing or export: its voiced lines, its sounds, its timeline, and its levels."""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from guide.rendering.mixer import Bed, Levels, Mix, Sound, as_int16
from guide.rendering.planning import Predicted, choosing_lengths, plan_session
from guide.rendering.steps import all_steps, spoken_line, spoken_lines
from guide.rendering.targets import LOUDNESS_LUFS
from guide.rendering.timeline import BELL_STRIKE_MS, CueKind, Timeline
from guide.script.fingerprint import digest
from guide.script.model import Bell, BreathPhase, Recording, Say, Script, Step
from guide.sound.dynamics import Limited, limit_whole
from guide.sound.loudness import clip_loudness, integrated_loudness
from guide.sound.pcm import FULL_SCALE, db_to_gain, samples_to_ms, to_float
from guide.sound.sounds import ambience_loop, breath_tone, load_sound
from guide.voice.cache import CLIP_FORMAT, ClipCache
from guide.voice.engines import Engines
from guide.voice.voicing import Progress, line_key, speak_lines

LINE_CEILING_DBTP = -1.5
"""The ceiling of each spoken line alone: its sharpest true peaks are limited to this as it is levelled, before
anything is mixed with it, leaving room for a bell or the bed beneath it."""
_LINE_CEILING = db_to_gain(LINE_CEILING_DBTP)
MIX_CEILING_DBTP = -1.5
"""The ceiling of the whole mix, lines, bells and bed together: no true peak of the session goes above it, half
a decibel under the -1 dBTP of the target, for the MP3 encoder's overshoot. It is the same number as the
line's ceiling by choice, not by rule: a line may never be the loudest thing in the mix by more than the mix
allows."""
FADE_OUT_MS = 2000
OPEN_END_MS = 100 * 3_600_000
"""Where the mix of a session's first part ends: beyond any session, so that nothing in it fades."""
TRIM_ROUNDS = 3
INITIAL_TRIM_DB = 0.35
"""A session measures about this much under its lines, each brought to the target alone: the gaps between
lines fall inside its gating blocks, and limiting takes a little. From here, each built-in session measures
within 0.2 LU of the target, at -16 LUFS and at -23, so its first render is its only one."""
TRIM_TOLERANCE_LU = 0.3
"""How near its target a session's measured loudness must be: well inside the ±1 LU that podcast platforms
allow."""


@dataclass
class Gains:
    """The gain in dB found to bring each sound to a loudness, kept so that it is searched for once."""

    cache: ClipCache
    found: dict[tuple[Step, float], float] = field(default_factory=dict)

    def gain_db(self, samples: np.ndarray, loudness: float, key: Step) -> float:
        """The gain that brings 16-bit `samples` (the sound of `key`) to `loudness` as heard, limited.

        Limiting takes loudness away, the more the peakier the sound: the gain is raised by what the
        limited sound lacks, so that every line, and the bed set against them, sit where asked. The gain
        found is kept in the cache, by the sound and the loudness."""
        if (key, loudness) not in self.found:
            stored = _gain_key(samples, loudness)
            gain_db = self.cache.get_measure(stored)
            if gain_db is None:
                scaled = to_float(samples)
                measured = clip_loudness(scaled)
                gain_db = loudness - measured if math.isfinite(measured) else 0.0
                heard = clip_loudness(limit_whole(scaled * db_to_gain(gain_db), _LINE_CEILING))
                gain_db += loudness - heard if math.isfinite(heard) else 0.0
                gain_db = self.cache.keep_measure(stored, gain_db)
            self.found[key, loudness] = gain_db
        return self.found[key, loudness]

    def keep(self, samples: np.ndarray, loudness: float, gain_db: float) -> None:
        """Keep `gain_db` as the gain of `samples` at `loudness`, unless one is kept already: a line levelled by
        its first sentence while the rest was spoken is heard at that level wherever it plays again."""
        self.cache.keep_measure(_gain_key(samples, loudness), gain_db)


def _gain_key(samples: np.ndarray, loudness: float) -> str:
    return digest({"samples": hashlib.sha256(samples.tobytes()).hexdigest(), "loudness": loudness})


@dataclass(frozen=True)
class Provisional:
    """A session levelled at a trim not yet measured: what it takes to level it again, and where the trim
    that proves right is kept."""

    clips: dict[Say, np.ndarray]
    gains: Gains
    loudness: float
    trim_db: float
    cache: ClipCache
    key: str
    predicted: Predicted


@dataclass(frozen=True)
class Session:
    """A script with everything it sounds like, mixed and levelled, ready to play or export."""

    script: Script
    timeline: Timeline
    sounds: dict[Step, Sound]
    """Every step's sound, levelled, as it goes into the mix."""
    mix: Mix
    levels: Levels
    provisional: Provisional | None = None
    """Set while the session's trim is a prediction, not yet measured: see `settled`."""

    def chunks(self) -> Iterator[np.ndarray]:
        """The session's audio, 16-bit mono, in time order."""
        return as_int16(self.mix.chunks(self.levels))


def voice_description(script: Script, engines: Engines) -> str:
    return engines.for_voice(script.voice, script.language).describe(script.voice, script.language)


def prepare(
    script: Script,
    cache: ClipCache,
    engines: Engines,
    progress: Progress | None = None,
    loudness: float = LOUDNESS_LUFS,
    level_from: Script | None = None,
) -> Session:
    """Voice every line, load every sound, plan the timeline, and set the levels for `loudness` LUFS.

    Each line is brought to the same loudness, and every other sound is set relative to the voice; then
    one trim for the whole brings the mix to the target. The trim is measured on `level_from` when given
    (the script with its own variables), so that a client's name changes the line that speaks it and
    nothing else; once measured, it is kept in the cache. A script's own trim, never measured before, is
    predicted: the session is `provisional`, and whoever writes it whole measures it as it goes."""
    clips = speak_lines(spoken_lines(script), script.language, engines, cache, progress)
    gains = Gains(cache)
    predicted = choosing_lengths(script, engines)
    key = level_key(level_from or script, loudness, engines)
    trim = cache.get_measure(key)
    if trim is None and level_from is None:
        return _provisional(script, Provisional(clips, gains, loudness, INITIAL_TRIM_DB, cache, key, predicted))
    if trim is None:
        assert level_from is not None
        reference_clips = speak_lines(spoken_lines(level_from), level_from.language, engines, cache)
        trim = _measured_trim(level_from, reference_clips, loudness, gains, choosing_lengths(level_from, engines))
        cache.put_measure(key, trim)
    return assemble(script, clips, loudness, trim, gains, predicted=predicted)


def settled(session: Session, measured: float, final: bool) -> Session | None:
    """After a provisional session was written whole and measured at `measured` LUFS: None when that is on
    target, or when this was the `final` try, and the trim is then kept for every later render; else the
    session at the trim that corrects it, to be written again."""
    provisional = session.provisional
    assert provisional is not None, "only a provisional session is settled"
    trim = _corrected_trim(provisional.trim_db, measured, provisional.loudness)
    if trim is None or final:
        provisional.cache.put_measure(provisional.key, provisional.trim_db)
        return None
    return _provisional(session.script, replace(provisional, trim_db=trim))


def _provisional(script: Script, provisional: Provisional) -> Session:
    p = provisional
    return replace(assemble(script, p.clips, p.loudness, p.trim_db, p.gains, predicted=p.predicted), provisional=p)


def level_key(script: Script, loudness: float, engines: Engines) -> str:
    """What a session's trim depends on: the script, the files it names, how each line sounds (the cache
    keys of the lines), and the target."""
    lines = [line_key(line, script.language, engines) for line in spoken_lines(script)]
    return digest({"script": script, "lines": lines, "loudness": loudness, "clips": CLIP_FORMAT})


def known_trim(script: Script, cache: ClipCache, engines: Engines, loudness: float) -> float:
    """The trim measured for the script before, or else the usual one: for playing, which starts before
    the whole session could be measured."""
    trim = cache.get_measure(level_key(script, loudness, engines))
    return INITIAL_TRIM_DB if trim is None else trim


def _measured_trim(
    script: Script, clips: dict[Say, np.ndarray], loudness: float, gains: Gains, predicted: Predicted
) -> float:
    trim = INITIAL_TRIM_DB
    for _ in range(TRIM_ROUNDS):
        measured = integrated_loudness(assemble(script, clips, loudness, trim, gains, predicted=predicted).mix.chunks())
        corrected = _corrected_trim(trim, measured, loudness)
        if corrected is None:
            break
        trim = corrected
    return trim


def _corrected_trim(trim_db: float, measured: float, loudness: float) -> float | None:
    """The trim that brings a session measured at `measured` LUFS to `loudness`; None when it is on target
    already, or silent, which no trim changes.

    Limiting the voice's peaks takes a little loudness away, and more the louder it is pushed, so a
    correction can fall a little short: another round of measuring settles it."""
    if not math.isfinite(measured) or abs(loudness - measured) <= TRIM_TOLERANCE_LU:
        return None
    return trim_db + loudness - measured


def assemble(
    script: Script,
    clips: dict[Say, np.ndarray],
    loudness: float,
    trim_db: float,
    gains: Gains,
    open_ended: bool = False,
    predicted: Predicted = None,
) -> Session:
    """The session with every sound at its level for `loudness` plus `trim_db`, from its voiced lines;
    `gains` keeps the gain found for each sound from one call to the next. An `open_ended` session is the
    first part of a longer one: its mix neither fades out nor ends. `predicted` chooses the optional content
    (see `plan_session`)."""
    sounds: dict[Step, Sound] = {}
    for step in all_steps(script):
        if step not in sounds and (sound := _sound(step, clips, loudness, trim_db, gains)) is not None:
            sounds[step] = sound
    timeline = plan_session(script, lambda step: len(sounds[step]) if step in sounds else 0, predicted)
    speech = [
        (cue.start_ms, cue.start_ms + samples_to_ms(len(sounds[said])))
        for cue in timeline.cues
        if (said := cue.step) is not None and spoken_line(said) is not None
    ]
    fade_out = 0 if open_ended else _fade_out_ms(timeline, speech)
    levels = Levels(_fade_in_ms(timeline), fade_out, db_to_gain(MIX_CEILING_DBTP))
    mixed = replace(timeline, length_ms=OPEN_END_MS) if open_ended else timeline
    return Session(script, timeline, sounds, Mix(mixed, sounds, _bed(script, loudness + trim_db), speech), levels)


def _fade_in_ms(timeline: Timeline) -> int:
    """A session that opens with a bell fades in over its strike; any other starts as written."""
    first = timeline.cues[0] if timeline.cues else None
    return BELL_STRIKE_MS if first is not None and first.kind is CueKind.BELL else 0


def _fade_out_ms(timeline: Timeline, speech: list[tuple[int, int]]) -> int:
    """The session fades out over its last moments, after the last word. A millisecond is kept clear of it: the
    fade is placed in samples from the session's end, the word from its start, and each rounds on its own, so that
    otherwise the fade could touch the word's last sample."""
    last_word = max((end for _, end in speech), default=0)
    return max(0, min(FADE_OUT_MS, timeline.length_ms - last_word - 1))


def _sound(step: Step, clips: dict[Say, np.ndarray], loudness: float, trim_db: float, gains: Gains) -> Sound | None:
    """A step's sound at its level in the mix (float samples, or a clip limited as it is mixed), or None for a
    step that makes none."""
    line = spoken_line(step)
    if line is not None:
        return _levelled(clips[line], loudness + trim_db, gains, line, line.voice.volume)
    if isinstance(step, Recording):
        return _levelled(load_sound(step.sound), loudness + trim_db, gains, step, db_to_gain(step.gain_db))
    trim = db_to_gain(loudness + trim_db - LOUDNESS_LUFS)
    if isinstance(step, Bell):
        return to_float(load_sound(step.sound)) * (db_to_gain(step.gain_db) * trim)
    if isinstance(step, BreathPhase) and step.cue == "tone" and (tone := breath_tone(step.phase, step.ms)) is not None:
        return tone * trim
    return None


def _levelled(samples: np.ndarray, loudness: float, gains: Gains, key: Step, after: float) -> Limited:
    """A voice heard at a loudness, its sharpest peaks limited under the voice's ceiling; its gain found
    when the mix first reaches it."""
    return Limited(
        samples, lambda: db_to_gain(gains.gain_db(samples, loudness, key)) / FULL_SCALE, _LINE_CEILING, after
    )


def _bed(script: Script, voice_level: float) -> Bed | None:
    """The ambience `volume` below the voice, as every line is heard."""
    if script.ambience is None:
        return None
    loop, loop_loudness = _bed_loop(script.ambience.sound)
    return Bed(loop, db_to_gain(voice_level + script.ambience.gain_db - loop_loudness), script.ambience.fade_ms)


@functools.cache
def _bed_loop(sound: str | Path) -> tuple[np.ndarray, float]:
    """A bed's loop and its loudness, made once however many rounds of levelling ask for it."""
    loop = ambience_loop(sound)
    return loop, clip_loudness(loop)
