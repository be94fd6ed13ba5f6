"""What the player writes to: the protocol every sound output follows, and how quitting fades on any of them."""

from __future__ import annotations

from typing import Protocol

STOP_FADE_MS = 1000
"""Quitting fades the sound out over a second rather than cutting it off."""


class Output(Protocol):
    """Where samples go: a device that takes 16-bit mono blocks, pacing the writer to real time."""

    written: int
    underruns: int
    """How often the device ran dry waiting for a block."""

    def write(self, samples: bytes) -> None: ...
    def queued_frames(self) -> int: ...
    def drain(self) -> None: ...
    def close(self) -> None: ...
