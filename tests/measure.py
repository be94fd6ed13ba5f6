"""Measuring rendered audio: decoding it (with ffmpeg), finding silences, reading what ffprobe says."""

from __future__ import annotations

import json
import subprocess
import wave
from pathlib import Path

import numpy as np

from guide.sound.ffmpeg import decode  # noqa: F401  (re-exported: the tests decode as the program does)
from guide.sound.pcm import SAMPLE_RATE, SILENCE_THRESHOLD, ms_to_samples


def wav_samples(path: Path) -> np.ndarray:
    """An exported WAV's samples, read by Python's own WAV reader: a third of the time ffmpeg takes to decode
    it, which matters for the hours of sessions the tests export."""
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def silences(samples: np.ndarray, min_ms: int, threshold: int = SILENCE_THRESHOLD) -> list[tuple[float, float]]:
    """(start, end) in ms of every run of samples at or below the threshold lasting at least `min_ms`."""
    to_ms = 1000 / SAMPLE_RATE
    return [(a * to_ms, b * to_ms) for a, b in quiet_runs(samples, threshold) if (b - a) * to_ms >= min_ms]


def quiet_runs(samples: np.ndarray, threshold: int = SILENCE_THRESHOLD) -> list[tuple[int, int]]:
    """(start, end) in samples of every run of samples at or below the threshold."""
    quiet = np.abs(samples.astype(np.int32)) <= threshold
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
    return [(int(a), int(b)) for a, b in edges.reshape(-1, 2)]


def first_sound_after(samples: np.ndarray, ms: float, threshold: int = SILENCE_THRESHOLD) -> float:
    """The time in ms of the first sample above the threshold at or after `ms`."""
    start = round(ms * SAMPLE_RATE / 1000)
    loud = np.flatnonzero(np.abs(samples[start:].astype(np.int32)) > threshold)
    return (start + loud[0]) * 1000 / SAMPLE_RATE


def probe(path: Path) -> dict:
    """ffprobe's view of a file: format, streams, chapters."""
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def services():
    """What a session is rendered with in the environment the tests' autouse fixtures give this process (its clip
    cache, espeak-ng for `auto`): for helpers that no fixture reaches."""
    from guide.environment import Environment
    from guide.rendering.services import Services

    return Services.of(Environment.from_process())


def prepared(script):
    """A loaded script's session, voiced and levelled in this process through the real voice and cache."""
    from guide.rendering.loading import Loaded, voiced
    from guide.rendering.request import SessionRequest

    return voiced(Loaded(script, None), SessionRequest(str(script.path)), services())


def render(script_path: Path, variables: dict[str, str] | None = None):
    """A script's timeline and its mixed samples, rendered in this process through the real voice and cache."""
    from guide.script.loader import load_script

    reference = load_script(script_path) if variables else None
    from guide.rendering.loading import Loaded, voiced
    from guide.rendering.request import SessionRequest

    loaded = Loaded(load_script(script_path, variables), reference)
    session = voiced(loaded, SessionRequest(str(script_path)), services())
    return session.timeline, np.concatenate(list(session.chunks()))


def during(samples: np.ndarray, cue) -> np.ndarray:
    """The samples of a cue's span, from the sample where the mix places it: a span found by rounding its start
    and end each on its own is a sample longer or shorter now and then, as the cue starts."""
    start = ms_to_samples(cue.start_ms)
    return samples[start : start + ms_to_samples(cue.length_ms)]


def fundamental_hz(samples: np.ndarray) -> float:
    """The median pitch of the voiced parts of a clip, by autocorrelation over 60-400 Hz."""
    x = samples.astype(np.float64)
    frame = 1024
    pitches = []
    for start in range(0, len(x) - frame, frame // 2):
        part = x[start : start + frame] - x[start : start + frame].mean()
        if np.sqrt(np.mean(part**2)) < 1500:
            continue
        correlation = np.correlate(part, part, "full")[frame - 1 :]
        low, high = SAMPLE_RATE // 400, SAMPLE_RATE // 60
        pitches.append(SAMPLE_RATE / (low + int(np.argmax(correlation[low:high]))))
    return float(np.median(pitches))


PLAYED_OUT_MS = 500
"""The most silence a device is fed after the last sample, while it plays out what it holds: a few periods."""


def played(capture: Path | np.ndarray, length: int) -> np.ndarray:
    """The first `length` samples a device got (an ALSA file sink's capture, or its samples), once it is clear
    that all it got after them is the silence it was fed while it played out what it held: never more sound,
    nor a long run."""
    samples = capture if isinstance(capture, np.ndarray) else np.fromfile(capture, dtype="<i2")
    after = samples[length:]
    assert not np.any(after), f"the device got sound after sample {length}: {np.flatnonzero(after)[:5] + length}"
    assert len(after) <= PLAYED_OUT_MS * SAMPLE_RATE // 1000, f"{len(after)} samples of silence after the end"
    return samples[:length]


def ends_with(samples: np.ndarray, tail: np.ndarray, steps: int = 0) -> bool:
    """Whether a device's samples end with `tail`, but for the silence it was fed while it played out what it
    held (see `played`): their last sounds line up, and so does all before them, each sample within `steps`."""
    sound, tail_sound = np.flatnonzero(samples), np.flatnonzero(tail)
    if not sound.size or not tail_sound.size:
        return not sound.size and not tail_sound.size
    start = int(sound[-1]) - int(tail_sound[-1])
    if start < 0:
        return False
    heard = played(samples[start:], len(tail)).astype(np.int32)
    return bool(np.all(np.abs(heard - tail) <= steps))
