"""The session's sample format, and small operations on sample arrays."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np

from guide.translation import _

SAMPLE_RATE = 22050
"""Hz: the rate espeak-ng and most Piper voices speak at, so speech is never resampled."""
SAMPLE_WIDTH = 2
CHANNELS = 1
FULL_SCALE = 32768
"""The size of a 16-bit sample's range either side of zero: a float sample of 1.0 is this."""
SILENCE_THRESHOLD = 328
"""About -40 dBFS: quieter than this, at either end of a spoken clip, is the engine's padding."""


def ms_to_samples(ms: int) -> int:
    return round(ms * SAMPLE_RATE / 1000)


def samples_to_ms(count: int) -> int:
    """The whole milliseconds a number of samples needs to fit in."""
    return -(-count * 1000 // SAMPLE_RATE)


def db_to_gain(db: float) -> float:
    return float(10 ** (db / 20))


def trim_silence(samples: np.ndarray) -> np.ndarray:
    """The samples between the first and the last that rise above the silence threshold."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]


def to_float(samples: np.ndarray) -> np.ndarray:
    """16-bit samples as float32, full scale 1.0: what loudness, limiting and mixing work in."""
    return samples.astype(np.float32) * np.float32(1 / FULL_SCALE)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples (full scale 1.0) as 16-bit, clipped rather than wrapped."""
    if not samples.any():  # silence, most of a meditation, at a sixth of the cost
        return np.zeros(len(samples), dtype=np.int16)
    return np.clip(np.round(samples * (FULL_SCALE - 1)), -FULL_SCALE, FULL_SCALE - 1).astype(np.int16)


def read_wav(path: Path | BinaryIO) -> tuple[np.ndarray, int]:
    """A 16-bit WAV file's samples (from a path or a file object), mixed down to mono, and its sample rate;
    ValueError for any other file."""
    try:
        with wave.open(str(path) if isinstance(path, Path) else path, "rb") as wav:
            if wav.getsampwidth() != SAMPLE_WIDTH:
                raise ValueError(
                    _("{path}: {value}-bit WAV; 16-bit expected").format(path=path, value=8 * wav.getsampwidth())
                )
            declared = wav.getnframes()
            channels, rate = wav.getnchannels(), wav.getframerate()
            frames = np.frombuffer(wav.readframes(declared), dtype="<i2")
            if len(frames) < declared * channels:
                raise ValueError(
                    _("{path}: the file is cut short: {len} of {value} samples").format(
                        path=path, len=len(frames), value=declared * channels
                    )
                )
    except (wave.Error, EOFError) as error:
        raise ValueError(_("{path}: not a readable WAV file ({error})").format(path=path, error=error)) from None
    if channels > 1:
        frames = frames[: len(frames) // channels * channels].reshape(-1, channels).mean(axis=1).astype(np.int16)
    return frames, rate


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write 16-bit mono samples at the session rate."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(samples.astype("<i2").tobytes())
