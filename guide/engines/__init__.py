"""The text-to-speech engines, chosen by the name a script's voice gives."""

from __future__ import annotations

from functools import cache

from guide.engines.base import Engine
from guide.errors import MissingDependency


@cache
def get_engine(name: str) -> Engine:
    """The shared engine for `auto`, `pyttsx3` or `piper`."""
    if name == "piper":
        raise MissingDependency(
            "the Piper voice is not available in this version yet; use `engine: auto` or `engine: pyttsx3`"
        )
    from guide.engines.pyttsx3 import Pyttsx3Engine

    return Pyttsx3Engine()


__all__ = ["Engine", "get_engine"]
