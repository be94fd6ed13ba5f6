"""Turning a script's spoken lines into clips: through the cache, or the engine on a miss."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from guide.cache import ClipCache, clip_key
from guide.engines import engine_for
from guide.errors import ScriptError
from guide.model import Say
from guide.pcm import trim_silence

Progress = Callable[[int], None]
"""Told how many more items are done."""


def speak_lines(
    lines: Iterable[Say], language: str, cache: ClipCache, progress: Progress | None = None
) -> dict[Say, np.ndarray]:
    """Each distinct line as 16-bit samples, trimmed of the engine's own leading and trailing silence."""
    clips: dict[Say, np.ndarray] = {}
    for line in lines:
        if line not in clips:
            clips[line] = _clip(line, language, cache)
        if progress:
            progress(1)
    return clips


def line_key(line: Say, language: str) -> str:
    """The cache key of a line: its text, and everything about the engine and voice that changes its sound."""
    try:
        return clip_key(engine_for(line.voice, language).identity(line.voice, language), line.text)
    except ValueError as error:  # a voice setting this engine cannot honour
        raise ScriptError(line.where, f"voice: {error}") from None


def _clip(line: Say, language: str, cache: ClipCache) -> np.ndarray:
    key = line_key(line, language)
    clip = cache.get(key)
    if clip is None:
        clip = trim_silence(engine_for(line.voice, language).synthesize(line.text, line.voice, language))
        if clip.size == 0:
            raise ScriptError(line.where, f"say: the voice makes no sound for {line.text!r}; give it words to speak")
        cache.put(key, clip)
    return clip
