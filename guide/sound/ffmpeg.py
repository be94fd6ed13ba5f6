"""Running ffmpeg: decoding sound files and encoding the session."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import numpy as np

from guide.errors import MissingDependency, RenderError
from guide.sound.pcm import CHANNELS, SAMPLE_RATE
from guide.translation import N_, _

INSTALL_HINT = N_("reinstall the program (pip install inner-guide), which brings one, or install ffmpeg")


def executable(purpose: str) -> str:
    """The ffmpeg program's path: the system's where one is on PATH, else the one the imageio-ffmpeg wheel brings;
    or an error that says what it was needed for."""
    found = shutil.which("ffmpeg") or bundled()
    if found is None:
        raise MissingDependency(
            _("ffmpeg is needed {purpose} but was not found; {hint}").format(purpose=purpose, hint=_(INSTALL_HINT))
        )
    return found


@functools.cache
def bundled() -> str | None:
    """The ffmpeg that the imageio-ffmpeg wheel carries, if it is installed."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        found = Path(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        return None
    return str(found) if found.is_file() else None


def which() -> str:
    """Which ffmpeg the program runs: the system's or the bundled one, for `guide voices` and the docs."""
    system = shutil.which("ffmpeg")
    if system is not None:
        return f"ffmpeg {system} (the system's)"
    found = bundled()
    return f"ffmpeg {found} (bundled with imageio-ffmpeg)" if found else "no ffmpeg"


def decode(path: Path) -> np.ndarray:
    """Any sound file ffmpeg reads, as 16-bit mono samples at the session rate."""
    command = [
        executable(_("to read {file}").format(file=path.name)),
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
        why = reason[-1] if reason else _("ffmpeg failed")
        raise RenderError(_("cannot read the sound file {path}: {reason}").format(path=path, reason=why))
    return np.frombuffer(result.stdout, dtype="<i2")
