"""Choosing the sound output to play through: an ALSA device where there is ALSA, else simpleaudio."""

from __future__ import annotations

from guide.errors import UsageError
from guide.play import alsa
from guide.play.outputs import Output


def open_output(device: str | None) -> Output:
    """The device to play through: an ALSA device (the default one unless named) where ALSA is, or the
    system's default output through simpleaudio."""
    library = alsa.library()
    if library is not None:
        return alsa.AlsaOutput(library, device or "default")
    if device is not None:
        raise UsageError("--device: choosing a device needs ALSA (Linux); elsewhere the default output plays")
    from guide.play.whole_buffer import WholeBufferOutput

    return WholeBufferOutput()
