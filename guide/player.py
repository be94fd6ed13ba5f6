"""Playing audio through the default output device; the one place that imports simpleaudio."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from guide.errors import MissingDependency
from guide.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH

TICK_S = 0.1
STOP_FADE_S = 1.0
NO_DEVICE_HINT = "to listen later, export instead: guide export SCRIPT -o session.mp3"


def play(pcm: bytes, on_tick: Callable[[int], None]) -> None:
    """Play 16-bit mono samples, telling `on_tick` the elapsed milliseconds until they end.
    Ctrl+C fades the sound out over a second, rather than cutting it, and is raised on."""
    try:
        import simpleaudio
        from simpleaudio._simpleaudio import SimpleaudioError
    except ImportError:
        raise MissingDependency(f"the audio player (simpleaudio) is not installed; {NO_DEVICE_HINT}") from None
    try:
        with _native_stderr_silenced():
            playing = simpleaudio.play_buffer(pcm, CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE)
    except SimpleaudioError as error:
        reason = str(error).split("--")[0].strip().rstrip(".")
        raise MissingDependency(f"no audio output device could be opened ({reason}); {NO_DEVICE_HINT}") from None
    started = time.monotonic()
    try:
        while playing.is_playing():
            on_tick(round((time.monotonic() - started) * 1000))
            time.sleep(TICK_S)
    except KeyboardInterrupt:
        playing.stop()
        _fade_out_from(pcm, time.monotonic() - started, simpleaudio)
        raise
    finally:
        playing.stop()


def _fade_out_from(pcm: bytes, elapsed_s: float, simpleaudio: Any) -> None:
    """Play the next second of the session from where it was stopped, fading to silence."""
    start = round(elapsed_s * SAMPLE_RATE) * SAMPLE_WIDTH
    tail = np.frombuffer(pcm[start : start + round(STOP_FADE_S * SAMPLE_RATE) * SAMPLE_WIDTH], dtype="<i2")
    if len(tail) == 0:
        return
    faded = (tail * np.linspace(1.0, 0.0, len(tail))).astype("<i2")
    with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl+C during the fade stops it there
        simpleaudio.play_buffer(faded.tobytes(), CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE).wait_done()


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Keep the sound library's own diagnostics (ALSA prints several lines when there is no card) off
    the terminal: the error raised says what matters, in one line."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
