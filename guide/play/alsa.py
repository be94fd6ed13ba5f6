"""Sound output on Linux: 16-bit mono samples written to an ALSA device as they are made, through libasound.

The player writes a little ahead of what is heard, so a session starts as soon as its first moments are
mixed, pauses and jumps within a fraction of a second, and never holds more than a few blocks of audio."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import sys

from guide.errors import MissingDependency, NoAudioDevice
from guide.native import stderr_silenced
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH

PLAYBACK = 0
FORMAT_S16_LE = 2
ACCESS_RW_INTERLEAVED = 3
LATENCY_US = 200_000
"""How much audio the device holds ahead of what is heard: long enough never to run dry on a busy
machine, short enough that a pause or a jump is heard at once."""


def library() -> ctypes.CDLL | None:
    """libasound, or None where there is none (not Linux, or no ALSA library installed)."""
    if not sys.platform.startswith("linux"):
        return None
    for name in (ctypes.util.find_library("asound"), "libasound.so.2"):
        if name:
            with contextlib.suppress(OSError):
                return _declared(ctypes.CDLL(name))
    return None


def _declared(lib: ctypes.CDLL) -> ctypes.CDLL:
    pcm = ctypes.c_void_p
    lib.snd_pcm_open.argtypes = [ctypes.POINTER(pcm), ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
    lib.snd_pcm_set_params.argtypes = [pcm, ctypes.c_int, ctypes.c_int, ctypes.c_uint, ctypes.c_uint, ctypes.c_int]
    lib.snd_pcm_set_params.argtypes += [ctypes.c_uint]
    lib.snd_pcm_writei.argtypes = [pcm, ctypes.c_void_p, ctypes.c_ulong]
    lib.snd_pcm_writei.restype = ctypes.c_long
    lib.snd_pcm_recover.argtypes = [pcm, ctypes.c_int, ctypes.c_int]
    lib.snd_pcm_delay.argtypes = [pcm, ctypes.POINTER(ctypes.c_long)]
    for name in ("snd_pcm_drain", "snd_pcm_drop", "snd_pcm_prepare", "snd_pcm_close"):
        getattr(lib, name).argtypes = [pcm]
    lib.snd_strerror.argtypes = [ctypes.c_int]
    lib.snd_strerror.restype = ctypes.c_char_p
    lib.snd_device_name_hint.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_void_p))]
    lib.snd_device_name_get_hint.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.snd_device_name_get_hint.restype = ctypes.c_void_p
    lib.snd_device_name_free_hint.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
    return lib


class AlsaOutput:
    """An open ALSA playback device taking 16-bit mono blocks; `write` waits while the device is full,
    which paces the player to real time."""

    def __init__(self, lib: ctypes.CDLL, device: str = "default"):
        self.lib = lib
        self.handle = ctypes.c_void_p()
        self.written = 0
        """Frames written since the device was opened."""
        self.underruns = 0
        """How often the device ran dry, waiting for the next block."""
        with stderr_silenced():
            result = lib.snd_pcm_open(ctypes.byref(self.handle), device.encode(), PLAYBACK, 0)
            if result >= 0:
                result = lib.snd_pcm_set_params(
                    self.handle, FORMAT_S16_LE, ACCESS_RW_INTERLEAVED, CHANNELS, SAMPLE_RATE, 1, LATENCY_US
                )
                if result < 0:
                    lib.snd_pcm_close(self.handle)
        if result < 0:
            reason = lib.snd_strerror(result).decode(errors="replace")
            if device == "default":
                raise NoAudioDevice(f"no audio output device could be opened ({reason})")
            raise MissingDependency(
                f"the audio device {device!r} could not be opened ({reason}); `guide play --device list` shows them"
            )

    def write(self, samples: bytes) -> None:
        frames = len(samples) // (SAMPLE_WIDTH * CHANNELS)
        buffer = ctypes.create_string_buffer(samples, len(samples))
        done = 0
        while done < frames:
            address = ctypes.addressof(buffer) + done * SAMPLE_WIDTH * CHANNELS
            result = self.lib.snd_pcm_writei(self.handle, address, frames - done)
            if result < 0:
                # An underrun (the machine was busy) or an interrupted call: recover and write on.
                self.underruns += result == -errno.EPIPE
                if self.lib.snd_pcm_recover(self.handle, int(result), 1) < 0:
                    reason = self.lib.snd_strerror(int(result)).decode(errors="replace")
                    raise OSError(errno.EIO, f"the audio device failed: {reason}")
                continue
            done += result
        self.written += frames

    def queued_frames(self) -> int:
        """Frames written but not yet heard."""
        delay = ctypes.c_long()
        if self.lib.snd_pcm_delay(self.handle, ctypes.byref(delay)) < 0:
            return 0
        return max(0, min(delay.value, self.written))

    def drain(self) -> None:
        """Wait until everything written has been heard."""
        self.lib.snd_pcm_drain(self.handle)
        self.lib.snd_pcm_prepare(self.handle)

    def close(self) -> None:
        self.lib.snd_pcm_drop(self.handle)
        self.lib.snd_pcm_close(self.handle)


def output_devices(lib: ctypes.CDLL) -> list[tuple[str, str]]:
    """(name, description) of every ALSA device that can play, as `--device` takes them."""
    hints = ctypes.POINTER(ctypes.c_void_p)()
    if lib.snd_device_name_hint(-1, b"pcm", ctypes.byref(hints)) < 0:
        return []
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]

    def hint(entry: int, field: bytes) -> str | None:
        pointer = lib.snd_device_name_get_hint(entry, field)
        if not pointer:
            return None
        value = ctypes.string_at(pointer).decode(errors="replace")
        libc.free(pointer)
        return value

    devices = []
    try:
        index = 0
        while hints[index]:
            entry = hints[index]
            index += 1
            name, direction = hint(entry, b"NAME"), hint(entry, b"IOID")
            if name and direction in (None, "Output"):
                devices.append((name, " ".join((hint(entry, b"DESC") or "").split())))
    finally:
        lib.snd_device_name_free_hint(hints)
    return devices
