"""Turning a script's spoken lines into clips: through the cache, or the engine on a miss, on every core where
the engine allows it."""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from guide.errors import GuideError, ScriptError
from guide.script.model import Say, Voice
from guide.sound.pcm import trim_silence
from guide.translation import _
from guide.voice.cache import ClipCache, clip_key
from guide.voice.cores import usable_cores
from guide.voice.engines import Engines
from guide.voice.forked import Forked

Progress = Callable[[int], None]
"""Told how many more units of some work are done: lines voiced, or milliseconds of a session written; the
bar that listens counts in the same unit."""
LINES_PER_PROCESS = 4
"""The fewest lines worth a process of their own: espeak-ng speaks a line in about 15 ms, and a fork costs a
few. A session's 30 new lines take about 40% less time over two cores."""


def speak_lines(
    lines: Iterable[Say], language: str, engines: Engines, cache: ClipCache, progress: Progress | None = None
) -> dict[Say, np.ndarray]:
    """Each distinct line as 16-bit samples, trimmed of the engine's own leading and trailing silence."""
    counts = Counter(lines)
    keys = {line: line_key(line, language, engines) for line in counts}
    clips: dict[Say, np.ndarray] = {}
    for line, key in keys.items():
        if (clip := cache.get(key)) is not None:
            clips[line] = clip
            if progress:
                progress(counts[line])
    for line, clip in _spoken([line for line in keys if line not in clips], language, engines):
        clips[line] = _kept(line, clip, keys[line], cache)
        if progress:
            progress(counts[line])
    return {line: clips[line] for line in keys}


def speak_line(
    line: Say, language: str, engines: Engines, cache: ClipCache, first_heard: Callable[[np.ndarray], None]
) -> np.ndarray:
    """One line as `speak_lines` speaks it, handing the start of it to `first_heard` as soon as that is spoken:
    the first sentence, where the voice speaks sentence by sentence (never the cache, which has the whole)."""
    key = line_key(line, language, engines)
    if (clip := cache.get(key)) is not None:
        return clip
    pieces: list[np.ndarray] = []
    for piece in engines.for_voice(line.voice, language).sentences(line.text, line.voice, language):
        if not pieces and (opening := trim_silence(piece)).size:
            first_heard(opening)
        pieces.append(piece)
    return _kept(line, trim_silence(np.concatenate(pieces) if pieces else np.zeros(0, np.int16)), key, cache)


def _kept(line: Say, clip: np.ndarray, key: str, cache: ClipCache) -> np.ndarray:
    """A line's clip, just spoken, put in the cache; a line the voice makes no sound for is the script's error."""
    if clip.size == 0:
        raise ScriptError(
            line.where, _("say: the voice makes no sound for {text!r}; give it words to speak").format(text=line.text)
        )
    return cache.put(key, clip)


def known_lengths(
    lines: Iterable[Say], language: str, engines: Engines, cache: ClipCache | None
) -> tuple[dict[Say, int], int]:
    """Each distinct line's length in samples without speaking it: as spoken before, where `cache` holds its
    clip, or else as its voice's model predicts; and how many were predicted. A line that no model can predict
    (a system voice other than espeak-ng's) is spoken to be measured."""
    lengths: dict[Say, int] = {}
    unpredictable = []
    predicted = 0
    for line in dict.fromkeys(lines):
        if cache is not None and (clip := cache.get(line_key(line, language, engines))) is not None:
            lengths[line] = len(clip)
            continue
        length = _predicted(line, language, engines)
        if length is None:
            unpredictable.append(line)
        else:
            lengths[line] = length
            predicted += 1
    spoken = speak_lines(unpredictable, language, engines, cache or ClipCache(None))
    return lengths | {line: len(clip) for line, clip in spoken.items()}, predicted


def predicted_lengths(lines: Iterable[Say], language: str, engines: Engines) -> dict[Say, int] | None:
    """Each distinct line's length in samples as its voice's model predicts it, whether or not it was spoken
    before, so that what it decides is the same every time; None when a voice cannot predict."""
    lengths = {}
    for line in dict.fromkeys(lines):
        length = _predicted(line, language, engines)
        if length is None:
            return None
        lengths[line] = length
    return lengths


def _predicted(line: Say, language: str, engines: Engines) -> int | None:
    try:
        return _prediction(line.text, line.voice, language, engines)
    except ValueError as error:  # a voice setting this engine cannot honour
        raise ScriptError(line.where, _("voice: {error}").format(error=error)) from None


def load_voices(lines: Iterable[Say], language: str, engines: Engines) -> None:
    """Load every voice the lines are spoken in, so that the first line need not wait for a model to load; a
    voice that cannot load is left for speaking it to report."""
    for voice in dict.fromkeys(line.voice for line in lines):
        with contextlib.suppress(GuideError, ValueError):
            engines.for_voice(voice, language).load(voice, language)


def line_key(line: Say, language: str, engines: Engines) -> str:
    """The cache key of a line: its text, and everything about the engine and voice that changes its sound."""
    try:
        return clip_key(engines.for_voice(line.voice, language).identity(line.voice, language), line.text)
    except ValueError as error:  # a voice setting this engine cannot honour
        raise ScriptError(line.where, _("voice: {error}").format(error=error)) from None


def _spoken(lines: list[Say], language: str, engines: Engines) -> Iterator[tuple[Say, np.ndarray]]:
    """Each line spoken, as it is done; shared over the cores when there are enough lines and every line's
    engine can go on in a forked process, and this is not already one of a batch's workers."""
    speaking = {line: engines.for_voice(line.voice, language) for line in lines}

    def speak(share: list[Say]) -> Iterator[np.ndarray]:
        return (trim_silence(speaking[line].synthesize(line.text, line.voice, language)) for line in share)

    processes = min(usable_cores(), len(lines) // LINES_PER_PROCESS)
    shared = processes > 1 and all(engine.forks for engine in speaking.values())
    if not shared or multiprocessing.parent_process() is not None:
        yield from zip(lines, speak(lines), strict=True)
        return
    shares = [lines[process::processes] for process in range(processes)]

    def speak_all(share: list[Say]) -> list[np.ndarray]:
        return list(speak(share))

    helpers = [Forked(functools.partial(speak_all, share)) for share in shares[1:]]
    try:
        yield from zip(shares[0], speak(shares[0]), strict=True)
        for share, helper in zip(shares[1:], helpers, strict=True):
            yield from zip(share, helper.result(), strict=True)
    finally:
        for helper in helpers:
            helper.close()


@functools.lru_cache(maxsize=8192)
def _prediction(text: str, voice: Voice, language: str, engines: Engines) -> int | None:
    """A line's predicted length, worked out once per process: planning a session asks for each line's twice
    (to time what was not spoken yet, and to choose what a length keeps), and a play asks again."""
    return engines.for_voice(voice, language).predict(text, voice, language)
