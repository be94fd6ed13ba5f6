"""What a text-to-speech engine offers the program."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import numpy as np

from guide.script.model import Voice
from guide.voice.cache import Identity


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine can speak with, as `guide voices` lists it."""

    engine: str
    id: str
    language: str
    sample_rate: int
    note: str


class Engine(Protocol):
    """Speaks text offline. `Engines` makes one for each pair of folders it is given (`models_dir`, where measured
    length models are kept, and `voices_dir`, where more voices are), once per process, shared by every line."""

    name: str
    forks: bool
    """Whether a forked copy of the process can go on speaking with the engine: true where it keeps no
    threads of its own, which a fork would not copy."""

    def identity(self, voice: Voice, language: str) -> Identity:
        """Everything that changes the sound of a line besides its text: the cache key is made of it.
        ValueError for a voice setting the engine cannot honour, such as a pitch beyond its reach."""

    def describe(self, voice: Voice, language: str) -> str:
        """The engine and voice as a person reads them, e.g. `pyttsx3 (espeak-ng 1.51), voice gmw/en`."""

    def voices(self) -> list[VoiceInfo]:
        """Every voice this engine has installed."""

    def load(self, voice: Voice, language: str) -> None:
        """Get ready to speak with a voice (load its model), so that the first line need not wait for it."""

    def synthesize(self, text: str, voice: Voice, language: str) -> np.ndarray:
        """The line spoken: 16-bit mono samples at the session rate, with the engine's own padding."""

    def sentences(self, text: str, voice: Voice, language: str) -> Iterator[np.ndarray]:
        """The line spoken as `synthesize` speaks it, in pieces as each is done, which joined are its samples: a
        neural voice hands over each sentence (with the pause before it) as it is spoken, so that a play can
        start on the first; an engine that speaks a line at once hands it over whole."""

    def predict(self, text: str, voice: Voice, language: str) -> int | None:
        """How many samples the line would last spoken and trimmed, predicted without speaking it by the voice's
        length model; None where the engine has no way to predict (a system voice other than espeak-ng's)."""


@cache
def package_version(name: str) -> str | None:
    """An installed package's version, or None; looked up once per process, as every line's key needs it."""
    # Imported here, not with the program: it takes about 20 ms, which an export spends while ffmpeg starts.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None
