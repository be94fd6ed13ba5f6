"""The text-to-speech engines, chosen by the name a script's voice gives, or for `auto` the best installed."""

from __future__ import annotations

import importlib
import os
import threading
from functools import cache

from guide.script.format import SPEECH_ENGINES
from guide.script.model import Voice
from guide.voice.engines.base import Engine

_MAKING = threading.Lock()
CHOSEN_FOR_AUTO = "GUIDE_ENGINE"
"""An environment variable that makes `auto` mean one engine: pyttsx3 or piper."""


def engine_for(voice: Voice, language: str) -> Engine:
    """The engine that speaks a voice in a language."""
    return get_engine(engine_name(voice, language))


def engine_name(voice: Voice, language: str) -> str:
    """The engine a voice asks for; for `auto`, Piper when it is installed and has the voice (or one for
    the language), else pyttsx3."""
    if voice.engine != "auto":
        return voice.engine
    if os.environ.get(CHOSEN_FOR_AUTO) in SPEECH_ENGINES:
        return os.environ[CHOSEN_FOR_AUTO]
    from guide.voice.engines import piper

    return "piper" if piper.available() and piper.voice_for(voice.name, language) is not None else "pyttsx3"


def get_engine(name: str) -> Engine:
    """The shared engine named `pyttsx3` or `piper`: each loads its voices once per process, whichever thread
    asks first."""
    with _MAKING:
        return _made(name)


ENGINE_CLASSES = {
    "piper": "guide.voice.engines.piper:PiperEngine",
    "pyttsx3": "guide.voice.engines.pyttsx3:Pyttsx3Engine",
}
"""Where each of the format's speech engines is defined, loaded only when it is first asked for."""


@cache
def _made(name: str) -> Engine:
    module, attribute = ENGINE_CLASSES[name].split(":")
    made: Engine = getattr(importlib.import_module(module), attribute)()
    return made


__all__ = ["Engine", "engine_for", "engine_name", "get_engine"]
