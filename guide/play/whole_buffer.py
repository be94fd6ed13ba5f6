"""Sound output where there is no ALSA (macOS, Windows): simpleaudio plays the session whole, once it is
mixed, so there is no streaming start and the keys are not answered while it plays; Ctrl+C still fades out."""

from __future__ import annotations

import signal
import time

import numpy as np

from guide.errors import NoAudioDevice
from guide.play.outputs import STOP_FADE_MS
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, ms_to_samples


class WholeBufferOutput:
    """Gathers every block written, and plays them all through simpleaudio when drained."""

    def __init__(self) -> None:
        try:
            import simpleaudio
        except ImportError:
            raise NoAudioDevice("the audio player (simpleaudio) is not installed") from None
        self._simpleaudio = simpleaudio
        self._blocks: list[bytes] = []
        self.written = 0
        self.underruns = 0
        """Always none: the session plays from one buffer."""

    def write(self, samples: bytes) -> None:
        self._blocks.append(samples)
        self.written += len(samples) // SAMPLE_WIDTH

    def queued_frames(self) -> int:
        return self.written

    def drain(self) -> None:
        from simpleaudio._simpleaudio import SimpleaudioError

        pcm = b"".join(self._blocks)
        self._blocks = []
        try:
            playing = self._simpleaudio.play_buffer(pcm, CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE)
        except SimpleaudioError as error:
            reason = str(error).split("--")[0].strip().rstrip(".")
            raise NoAudioDevice(f"no audio output device could be opened ({reason})") from None
        started = time.monotonic()
        # The player answers Ctrl+C between blocks; here the whole session is one block, so it must
        # interrupt the wait.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            playing.wait_done()
        except KeyboardInterrupt:
            playing.stop()
            self._fade_out_from(pcm, time.monotonic() - started)
            raise
        finally:
            signal.signal(signal.SIGINT, previous)

    def _fade_out_from(self, pcm: bytes, elapsed_s: float) -> None:
        start = round(elapsed_s * SAMPLE_RATE) * SAMPLE_WIDTH
        tail = np.frombuffer(pcm[start : start + ms_to_samples(STOP_FADE_MS) * SAMPLE_WIDTH], dtype="<i2")
        if len(tail):
            faded = (tail * np.linspace(1.0, 0.0, len(tail))).astype("<i2")
            self._simpleaudio.play_buffer(faded.tobytes(), CHANNELS, SAMPLE_WIDTH, SAMPLE_RATE).wait_done()

    def close(self) -> None:
        self._blocks = []
