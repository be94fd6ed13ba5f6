"""Sounds made by code: the built-in bells and ambience beds; and loading sound files."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guide.sound.pcm import SAMPLE_RATE, db_to_gain, read_wav, to_int16, write_wav

BELL_PEAK_DB = -9.0
BED_SECONDS = 30
"""A bed is one period of noise made in the frequency domain, so it loops without a seam."""


@dataclass(frozen=True)
class Partial:
    """One ringing component of a bell: a frequency ratio, its strength, how fast it dies, and its beating."""

    ratio: float
    amplitude: float
    decay_s: float
    beat_hz: float = 0.0


@dataclass(frozen=True)
class BellDesign:
    fundamental_hz: float
    partials: tuple[Partial, ...]
    seconds: float
    attack_ms: float


BELLS = {
    # A singing bowl: inharmonic partials, slow beating, a long decay.
    "bowl": BellDesign(
        196.0,
        (
            Partial(1.0, 1.0, 5.5, 0.7),
            Partial(2.71, 0.55, 3.8, 1.3),
            Partial(5.15, 0.3, 2.2, 2.1),
            Partial(8.43, 0.12, 1.2),
            Partial(12.4, 0.05, 0.6),
        ),
        seconds=9.0,
        attack_ms=4.0,
    ),
    # A bright bar chime: short and clear.
    "chime": BellDesign(
        1046.5,
        (Partial(1.0, 1.0, 1.4, 0.4), Partial(2.76, 0.4, 0.7), Partial(5.40, 0.15, 0.35)),
        seconds=3.5,
        attack_ms=2.0,
    ),
    # A gentle low tone, struck softly.
    "soft": BellDesign(
        147.0,
        (Partial(1.0, 1.0, 2.6, 0.5), Partial(2.0, 0.35, 1.4), Partial(3.0, 0.12, 0.7)),
        seconds=5.0,
        attack_ms=60.0,
    ),
}
BREATH_TONE_HZ = (196.0, 262.0)
"""A breathing tone glides between these: up while breathing in, down while breathing out."""
BREATH_TONE_PEAK_DB = -20.0
BREATH_TONE_ONSET_S = 0.04
"""Fast enough that the phase is heard to start on time; the swell that follows keeps it soft."""
BED_SHAPES = {"brown-noise": 1.0, "pink-noise": 0.5, "ocean-waves": 0.75}
"""The exponent of 1/f that shapes each bed's amplitude spectrum."""
WAVE_SECONDS = 7.5
"""Each wave's swell and fall; four of them fill one loop, so the loop stays seamless."""
LOOP_CROSSFADE_S = 1.0


def load_sound(path: Path) -> np.ndarray:
    """A sound file as 16-bit mono samples at the session rate."""
    try:
        samples, rate = read_wav(path)
        if rate == SAMPLE_RATE:
            return samples
    except ValueError:
        pass
    from guide.sound.ffmpeg import decode

    return decode(path)


def bell(design: BellDesign) -> np.ndarray:
    """A struck bell, the same samples every time."""
    t = np.arange(round(design.seconds * SAMPLE_RATE)) / SAMPLE_RATE
    ring = np.zeros_like(t)
    for p in design.partials:
        frequency = design.fundamental_hz * p.ratio
        tone = np.sin(2 * np.pi * frequency * t)
        if p.beat_hz:
            tone = (tone + np.sin(2 * np.pi * (frequency + p.beat_hz) * t)) / 2
        ring += p.amplitude * np.exp(-t / p.decay_s) * tone
    ring *= 1 - np.exp(-t / (design.attack_ms / 1000))
    tail = round(0.3 * SAMPLE_RATE)
    ring[-tail:] *= np.cos(np.linspace(0, np.pi / 2, tail)) ** 2
    return to_int16(ring / np.abs(ring).max() * db_to_gain(BELL_PEAK_DB))


def breath_tone(phase: str, ms: int) -> np.ndarray | None:
    """A soft tone that fills a breathing phase: rising for `in`, falling for `out`, nothing for hold or rest."""
    if phase not in ("in", "out"):
        return None
    count = round(ms * SAMPLE_RATE / 1000)
    t = np.arange(count) / SAMPLE_RATE
    low, high = BREATH_TONE_HZ
    start, end = (low, high) if phase == "in" else (high, low)
    frequency = start + (end - start) * t / max(t[-1], 1e-9)
    tone = np.sin(2 * np.pi * np.cumsum(frequency) / SAMPLE_RATE)
    progress = t / max(t[-1], 1e-9)
    onset = np.minimum(1.0, t / BREATH_TONE_ONSET_S)
    swell = 0.6 + 0.4 * np.sin(np.pi * np.minimum(progress / 0.7, 1.0) / 2)
    release = np.clip((1.0 - progress) / 0.3, 0.0, 1.0) ** 2
    return (tone * onset * swell * release * db_to_gain(BREATH_TONE_PEAK_DB)).astype(np.float32)


def ambience_loop(sound: str | Path) -> np.ndarray:
    """One seamless loop of an ambience bed, as floats with an RMS of 1: a built-in bed by name, or a file."""
    loop = seamless_loop(load_sound(sound).astype(np.float64)) if isinstance(sound, Path) else _noise_bed(sound)
    rms = np.sqrt(np.mean(loop**2))
    return (loop / rms if rms > 0 else loop).astype(np.float32)


def _noise_bed(name: str) -> np.ndarray:
    count = BED_SECONDS * SAMPLE_RATE
    rng = np.random.default_rng(sorted(BED_SHAPES).index(name) + 1)
    spectrum = rng.normal(size=count // 2 + 1) + 1j * rng.normal(size=count // 2 + 1)
    frequencies = np.fft.rfftfreq(count, 1 / SAMPLE_RATE)
    # Below 30 Hz is rumble that headphones turn into pressure, not sound.
    shape = np.where(frequencies < 30, 0.0, 1 / np.maximum(frequencies, 1) ** BED_SHAPES[name])
    loop = np.fft.irfft(spectrum * shape, count)
    if name == "ocean-waves":
        t = np.arange(count) / SAMPLE_RATE
        swell = 0.5 - 0.5 * np.cos(2 * np.pi * t / WAVE_SECONDS)
        loop *= 0.25 + 0.75 * swell**1.5
    return loop


def seamless_loop(samples: np.ndarray) -> np.ndarray:
    """A recording made to loop without a click: its end crossfades into its beginning (equal power)."""
    fade = min(round(LOOP_CROSSFADE_S * SAMPLE_RATE), len(samples) // 4)
    if fade < 2:
        return samples
    body = samples[: len(samples) - fade].copy()
    ramp = np.linspace(0.0, np.pi / 2, fade)
    body[:fade] = samples[:fade] * np.sin(ramp) + samples[len(samples) - fade :] * np.cos(ramp)
    return body


def write_bells(folder: Path) -> list[Path]:
    """Write the built-in bells as WAV files: how `audio/` is made."""
    written = []
    for name, design in BELLS.items():
        path = folder / f"{name}.wav"
        write_wav(path, bell(design))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_bells(Path(sys.argv[1] if len(sys.argv) > 1 else "audio")):
        print(written_path)
