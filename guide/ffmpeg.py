"""Running ffmpeg: decoding sound files and encoding the session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from guide.errors import MissingDependency, RenderError
from guide.pcm import CHANNELS, SAMPLE_RATE

INSTALL_HINT = "install it (on Debian/Ubuntu: sudo apt-get install ffmpeg)"


def executable(purpose: str) -> str:
    """The ffmpeg program's path, or an error that says what it was needed for."""
    found = shutil.which("ffmpeg")
    if found is None:
        raise MissingDependency(f"ffmpeg is needed {purpose} but was not found; {INSTALL_HINT}")
    return found


def decode(path: Path) -> np.ndarray:
    """Any sound file ffmpeg reads, as 16-bit mono samples at the session rate."""
    command = [
        executable(f"to read {path.name}"),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-f",
        "s16le",
        "-ac",
        str(CHANNELS),
        "-ar",
        str(SAMPLE_RATE),
        "pipe:1",
    ]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        reason = result.stderr.decode(errors="replace").strip().splitlines()
        raise RenderError(f"cannot read the sound file {path}: {reason[-1] if reason else 'ffmpeg failed'}")
    return np.frombuffer(result.stdout, dtype="<i2")


INPUT_QUEUE_PACKETS = 1024
"""Packets ffmpeg may hold read from the pipe. With more than one input (the metadata, the cover) it reads
each in a thread that queues 8 packets by default, under a second of audio: whenever mixing pauses longer than
the encoder takes to use that, the encoder idles in 10 ms sleeps, and a render took twice its time."""


def raw_input_arguments() -> list[str]:
    """The arguments that make ffmpeg read the session's raw samples from its standard input."""
    return [
        *("-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", str(CHANNELS)),
        *("-thread_queue_size", str(INPUT_QUEUE_PACKETS), "-i", "pipe:0"),
    ]
