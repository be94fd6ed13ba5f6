"""The sound device on every system: 16-bit mono blocks streamed through miniaudio from a short queue.

miniaudio (bundled in its wheels with every backend: PulseAudio, PipeWire's, ALSA, CoreAudio, WASAPI) asks for
audio on a thread of its own. That thread only copies from the queue the player fills: it never mixes, never
waits on the voice, and pads with silence where the queue ran dry. docs/audio-output.md says why miniaudio."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from guide.errors import FieldError, NoAudioDevice, SoundDeviceLost
from guide.native import stderr_silenced
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, ms_to_samples
from guide.translation import _

PERIOD_MS = 40
"""miniaudio asks for audio this much at a time."""
PERIODS = 3
"""How many periods the device holds ahead of what is heard: enough never to run dry on a busy machine, few
enough that a pause or a jump is heard within about a tenth of a second."""
QUEUED_MS = 200
"""How far ahead of the device the player may write: it writes a block and waits for room."""
DRY_WAIT_S = 1.0
"""How long the device's thread waits for the player's next block before it plays silence instead. A device with
a clock has run dry long before (it holds a tenth of a second); one without (ALSA's file plugin) is paced by this
wait, and gets exactly the session's samples unless the player is held up for longer."""
STALLED_S = 4.0
"""A device that takes nothing for this long while it has audio to take has gone (headphones unplugged): no
system tells that portably, so the queue is watched for it."""
LATE_S = 0.3
"""A device that asks for frames this long after it last did has run dry in between: it holds less."""
GAP_MS = 1000
"""Silences closer together than this are one gap in the sound, counted once."""
FRAME_BYTES = SAMPLE_WIDTH * CHANNELS
NULL_BACKEND = "Null"


@dataclass(frozen=True)
class DeviceEntry:
    """A device that can play, as `--device` names it."""

    name: str
    """The backend's own name for it (an ALSA PCM, a PulseAudio sink), where it has one; else its description."""
    description: str
    id: Any
    """miniaudio's id of it."""


class SoundDevice:
    """An open device taking 16-bit mono blocks into a short queue. The player asks for `room` before it writes,
    which paces it to real time; the device starts once the queue holds enough, and stops when the player
    pauses or drains it."""

    def __init__(self, entry: DeviceEntry | None = None):
        import miniaudio

        self._miniaudio = miniaudio
        self._lock = threading.Condition()
        self._blocks: deque[memoryview] = deque()
        self._queued = 0
        """Frames in the queue, not yet taken by the device."""
        self.written = 0
        """Frames written since the device was opened."""
        self.taken = 0
        """Frames the device has taken from the queue."""
        self.asked = 0
        """Frames the device has asked for, silence included."""
        self.underruns = 0
        """How often the device ran dry while the player meant it to play on (a gap in the sound)."""
        self._feeding = False
        """Whether the player means the sound to go on without a break (not paused, not waiting on the voice)."""
        self._asked_at_start = 0
        self._last_asked_at = 0.0
        self._gap_over_at = 0
        """Frames asked for by which the last gap is over: a later one is another."""
        self._drained_at = 0
        """While the player waits for the device to play out what it holds, the frames asked for by which it has:
        until then the device's thread gives silence without waiting for a block that is not coming."""
        self._emptied_at: float | None = None
        """When the device took the last frame queued; None while there are frames to take."""
        self._running = False
        try:
            with stderr_silenced():
                self._device = miniaudio.PlaybackDevice(
                    output_format=miniaudio.SampleFormat.SIGNED16,
                    nchannels=CHANNELS,
                    sample_rate=SAMPLE_RATE,
                    buffersize_msec=PERIOD_MS,
                    callback_periods=PERIODS,
                    device_id=entry.id if entry is not None else None,
                    app_name="Inner Guide",
                )
        except miniaudio.MiniaudioError as error:
            raise NoAudioDevice(
                _("no audio output device could be opened ({reason})").format(reason=_reason(error))
            ) from None
        if self._device.backend == NULL_BACKEND:
            self._device.close()
            raise NoAudioDevice(_("no audio output device could be opened (no sound system was found)"))
        self.backend: str = self._device.backend

    def write(self, samples: bytes) -> None:
        """Queue a block, starting the device once the queue holds enough for it to start on. Never waits: the
        writer asks `room` first."""
        self._queue(samples, feeding=True)
        # Outside the lock: a backend asks for all it holds before `start` returns, so it starts once the queue has
        # that much, rather than waiting for blocks that this thread, inside `start`, cannot write.
        if self._queued >= ms_to_samples(PERIOD_MS * (PERIODS + 1)):
            self._start()

    def room(self, timeout_s: float) -> bool:
        """Whether the queue has room for another block, waiting up to `timeout_s` for it; SoundDeviceLost when
        the device has stopped taking sound."""
        limit = ms_to_samples(QUEUED_MS)
        with self._lock:
            self._lock.wait_for(lambda: self._queued <= limit, timeout_s)
            if self._queued > limit and self._running and time.monotonic() - self._last_asked_at > STALLED_S:
                raise SoundDeviceLost(_("the sound device stopped taking sound"))
            return self._queued <= limit

    def queued_frames(self) -> int:
        """Frames written but not yet heard: those in the queue and those the device holds."""
        with self._lock:
            held = min(self.taken, ms_to_samples(PERIOD_MS * PERIODS)) if self._running else 0
            return self._queued + held

    def wait(self) -> None:
        """Say that no block comes for now (the voice is still being made): silence meanwhile is no gap."""
        if self._queued:
            self._start()
        with self._lock:
            self._feeding = False

    def discard(self) -> int:
        """Take back the frames written but not yet taken by the device, so that what comes next (a fade) is heard
        as soon as the device has played what it holds; how many there were."""
        with self._lock:
            dropped = self._queued
            self._blocks.clear()
            self._queued = 0
            self.written -= dropped
            return dropped

    def pause(self) -> None:
        """The sound stops here for a while: a period of silence follows the last block, so that stopping the
        device, which may drop the last frames it took, drops nothing but silence."""
        self._queue(bytes(ms_to_samples(PERIOD_MS) * FRAME_BYTES), feeding=False)

    def rest(self) -> None:
        """Say that no block comes for a while (paused): once what the device holds has been heard, it stops."""
        if self._queued:
            self._start()
        with self._lock:
            self._feeding = False
            emptied = self._emptied_at
            heard = emptied is not None and time.monotonic() - emptied >= PERIOD_MS * PERIODS / 1000
        if self._queued == 0 and heard:
            self._stop()

    def drain(self) -> None:
        """Wait until everything written has been heard, then stop the device until the next block."""
        if self._queued:
            self._start()
        with self._lock:
            self._feeding = False
            self._wait_for(lambda: self._queued == 0)
            # What the device holds is heard once it has asked for as much again: stopping sooner drops it. The
            # device's thread gives that much silence at once, then waits again (a device with no clock would
            # otherwise take silence as fast as it is given until it stops).
            self._drained_at = self.asked + ms_to_samples(PERIOD_MS * PERIODS)
            self._lock.notify_all()
            self._wait_for(lambda: self.asked >= self._drained_at or not self._running)
        self._stop()

    def close(self) -> None:
        with self._lock:
            self._blocks.clear()
            self._queued = 0
            self._lock.notify_all()
        self._stop()
        self._device.close()

    def _queue(self, samples: bytes, feeding: bool) -> None:
        with self._lock:
            self._blocks.append(memoryview(samples))
            frames = len(samples) // FRAME_BYTES
            self._queued += frames
            self.written += frames
            self._feeding = feeding
            self._drained_at = 0
            self._emptied_at = None
            self._lock.notify_all()

    def _start(self) -> None:
        if not self._running:
            feed = self._feed()
            next(feed)
            self._asked_at_start = self.asked
            self._last_asked_at = time.monotonic()
            # Running before it starts: the device's thread may ask for frames before `start` returns, and must
            # then wait for the next block as it always does, not take silence as a stopped device would.
            self._running = True
            try:
                with stderr_silenced():
                    self._device.start(feed)
            except self._miniaudio.MiniaudioError as error:
                self._running = False
                raise NoAudioDevice(
                    _("the audio device could not start ({reason})").format(reason=_reason(error))
                ) from None

    def _stop(self) -> None:
        if self._running:
            with self._lock:
                self._running = False
                self._lock.notify_all()
            with contextlib.suppress(self._miniaudio.MiniaudioError):
                self._device.stop()

    def _wait_for(self, condition: Any) -> None:
        """Wait (holding the lock) until `condition` holds, or raise SoundDeviceLost when nothing is taken for
        STALLED_S while there is something to take."""
        asked, since = self.asked, time.monotonic()
        while not condition():
            self._lock.wait(0.05)
            if self.asked != asked or not self._running:
                asked, since = self.asked, time.monotonic()
            elif time.monotonic() - since > STALLED_S:
                raise SoundDeviceLost(_("the sound device stopped taking sound"))

    def _feed(self) -> Generator[bytes, int, None]:
        """What runs on the device's thread: copy the frames asked for from the queue, padding with silence."""
        frames = yield b""
        while True:
            frames = yield self._take(frames)

    def _take(self, frames: int) -> bytes:
        with self._lock:
            now = time.monotonic()
            # Waiting for the next block also paces a device with no clock of its own (ALSA's file plugin), which
            # would otherwise take silence as fast as it is given.
            # Called late: the device played out all it held in between (the whole process was held up). A
            # device takes its first second as its sound system starts, in bursts and pauses, and only then keeps
            # time.
            settled = self.asked - self._asked_at_start >= SAMPLE_RATE
            late = settled and now - self._last_asked_at > LATE_S
            if self._queued < frames:
                self._lock.wait_for(
                    lambda: self._queued >= frames or self.asked < self._drained_at or not self._running, DRY_WAIT_S
                )
            if not self._running:
                # Stopping: the device may call on until `stop` reaches it, which a busy machine can hold up; one
                # with no clock would meanwhile take silence as fast as it is given, thousands of periods of it.
                self._lock.wait(max(0.0, self._last_asked_at + frames / SAMPLE_RATE - now))
            wanted = frames * FRAME_BYTES
            pieces = []
            while self._blocks and wanted:
                block = self._blocks[0]
                piece = block[:wanted]
                pieces.append(piece)
                wanted -= len(piece)
                if len(piece) == len(block):
                    self._blocks.popleft()
                else:
                    self._blocks[0] = block[len(piece) :]
            self.asked += frames
            got = frames - wanted // FRAME_BYTES
            if got and self._queued == got:
                self._emptied_at = now
            self._queued -= got
            self.taken += got
            if self._feeding and (late or wanted > 0):
                # One gap, however many calls it takes the device to catch up after it.
                if self.asked >= self._gap_over_at:
                    self.underruns += 1
                self._gap_over_at = self.asked + ms_to_samples(GAP_MS)
            self._last_asked_at = time.monotonic()
            self._lock.notify_all()
        return b"".join(pieces) + bytes(wanted)


def device_entries() -> list[DeviceEntry]:
    """Every device that can play, as the sound system lists them."""
    import miniaudio

    try:
        with stderr_silenced():
            devices = miniaudio.Devices()
            listed = devices.get_playbacks()
    except miniaudio.MiniaudioError:
        return []
    if devices.backend == NULL_BACKEND:
        return []
    return [DeviceEntry(_backend_name(miniaudio, d["id"]) or d["name"], d["name"], d["id"]) for d in listed]


def open_device(name: str | None) -> SoundDevice:
    """The device to play through: the system's default one, or the one named (by its name or its description)."""
    if name is None:
        return SoundDevice()
    return SoundDevice(find_device(name, device_entries()))


def find_device(name: str, entries: list[DeviceEntry]) -> DeviceEntry:
    """The device `name` names: its name or description exactly, else the one whose description has it in it."""
    wanted = name.casefold()
    exact = [e for e in entries if wanted in (e.name.casefold(), e.description.casefold())]
    partial = [e for e in entries if wanted in e.description.casefold()]
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
    listed = "; ".join(e.name for e in entries) or _("none were found")
    raise FieldError("device", _("no such audio device; the devices are: {devices}").format(devices=listed), name)


def _backend_name(miniaudio: Any, device_id: Any) -> str | None:
    """The device's name in its backend, where that is text (ALSA's PCM names, PulseAudio's sink names)."""
    raw = bytes(miniaudio.ffi.buffer(device_id))
    text = raw.split(b"\0", 1)[0]
    with contextlib.suppress(UnicodeDecodeError):
        decoded = text.decode("utf-8")
        if decoded.isprintable() and len(text) > 1:
            return decoded
    return None


def _reason(error: Exception) -> str:
    """miniaudio's error, in words."""
    args = getattr(error, "args", ())
    return str(args[0]) if args else str(error)
