"""The text-to-speech engines, chosen by the name a script's voice gives, or for `auto` the best installed."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from guide.script.format import SPEECH_ENGINES
from guide.script.model import Voice
from guide.voice.engines.base import Engine

if TYPE_CHECKING:
    from guide.environment import Environment

_MAKING = threading.Lock()

ENGINE_CLASSES = {
    "piper": "guide.voice.engines.piper:PiperEngine",
    "pyttsx3": "guide.voice.engines.pyttsx3:Pyttsx3Engine",
}
"""Where each of the format's speech engines is defined, loaded only when it is first asked for."""


@dataclass(frozen=True)
class Engines:
    """The speech engines as an environment sets them up: where voices' measured length models are kept, where
    Piper voices beyond the bundled one are, and which engine `auto` means (None: the best installed)."""

    models_dir: Path | None
    voices_dir: Path | None = None
    auto: str | None = None

    @classmethod
    def of(cls, env: Environment) -> Engines:
        """The engines of an environment; an engine override that names no engine is passed over."""
        return cls(env.cache_dir, env.voices_dir, env.engine if env.engine in SPEECH_ENGINES else None)

    def for_voice(self, voice: Voice, language: str) -> Engine:
        """The engine that speaks a voice in a language."""
        return self.named(self.name_for(voice, language))

    def name_for(self, voice: Voice, language: str) -> str:
        """The engine a voice asks for; for `auto`, Piper when it is installed and has the voice (or one for
        the language), else pyttsx3."""
        if voice.engine != "auto":
            return voice.engine
        if self.auto is not None:
            return self.auto
        from guide.voice.engines import piper

        usable = piper.available() and piper.voice_for(voice.name, language, self.voices_dir) is not None
        return "piper" if usable else "pyttsx3"

    def named(self, name: str) -> Engine:
        """The engine named `pyttsx3` or `piper`, made once for these settings, whichever thread asks first;
        what an engine loads (espeak-ng, a voice's model) is loaded once per process."""
        with _MAKING:
            return _made(name, self.models_dir, self.voices_dir)


@cache
def _made(name: str, models_dir: Path | None, voices_dir: Path | None) -> Engine:
    module, attribute = ENGINE_CLASSES[name].split(":")
    made: Engine = getattr(importlib.import_module(module), attribute)(models_dir, voices_dir)
    return made


__all__ = ["Engine", "Engines"]
