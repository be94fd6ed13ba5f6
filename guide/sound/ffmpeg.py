"""Running ffmpeg: decoding sound files and encoding the session."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from guide.errors import MissingDependency, RenderError
from guide.sound.pcm import CHANNELS, SAMPLE_RATE

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
