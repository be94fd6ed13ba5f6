"""The Python API: a script loaded, rendered as a pydub `AudioSegment`, or exported, with the command's options.

    import guide
    script = guide.load("sit-with-your-younger-self", variables={"name": "Sam"}, duration="15m")
    session = guide.render(script)              # a pydub.AudioSegment, 22,050 Hz mono
    guide.export("sit-with-your-younger-self", "sam.mp3", variables={"name": "Sam"}, captions="vtt")

Errors are the command's, as exceptions: `ScriptError` (with `.where`: file, line, column), `UsageError` for
an option it cannot use, `MissingDependency`, `RenderError` (all in `guide.errors`)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from guide.environment import Environment
from guide.errors import UsageError
from guide.output.export import exporting, written_levelled
from guide.output.formats import ALBUM, BITRATES, CAPTION_FORMATS, DEFAULT_BITRATE, ExportSettings, choose_format
from guide.rendering.session import Session
from guide.rendering.shaping import Shaping
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.format import ENGINES, LANGUAGE_TAG, MAX_SESSION_MS, RATE_RANGE
from guide.script.model import Duration, Script
from guide.script.values import parse_duration
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH

if TYPE_CHECKING:
    from pydub import AudioSegment

LOUDNESS_RANGE = (-30.0, -10.0)
"""The loudness targets a session may be brought to, in LUFS, as `--loudness` takes them."""


def load(
    script: str | Path,
    *,
    variables: Mapping[str, str] | None = None,
    vars_file: str | Path | None = None,
    duration: str | float | None = None,
    engine: str | None = None,
    rate: int | None = None,
    no_bells: bool = False,
    no_ambience: bool = False,
    language: str | None = None,
) -> Script:
    """The script in a file, or a built-in session named, validated, with the options `guide play`, `export`
    and `check` take that change the script: `duration` as "20m" or in seconds, `engine` and `rate` for
    every line, and `language` ("es") for a built-in session in that language."""
    options = {name: value for name, value in locals().items() if name != "script"}
    return _shaping(options).load(str(script))[0]


def render(
    script: Script | str | Path, *, loudness: float = LOUDNESS_LUFS, no_cache: bool = False, **options: Any
) -> AudioSegment:
    """The whole session as a pydub `AudioSegment` (16-bit mono at 22,050 Hz), levelled as an export is: the
    samples a WAV export writes. `script` is what `load` returned, or a path or name, with `load`'s options."""
    from pydub import AudioSegment

    written: list[np.ndarray] = []

    def keep(session: Session, chunks: Iterator[np.ndarray]) -> bool:
        written[:] = list(chunks)
        return True

    written_levelled(_prepared(script, loudness, no_cache, options), keep)
    samples = np.concatenate(written) if written else np.zeros(0, dtype=np.int16)
    return AudioSegment(
        data=samples.astype("<i2").tobytes(), sample_width=SAMPLE_WIDTH, frame_rate=SAMPLE_RATE, channels=CHANNELS
    )


def export(
    script: Script | str | Path,
    path: str | Path,
    *,
    format: str | None = None,
    bitrate: str = DEFAULT_BITRATE,
    album: str = ALBUM,
    captions: str | None = None,
    transcript: bool = False,
    chapters: bool = False,
    loudness: float = LOUDNESS_LUFS,
    no_cache: bool = False,
    **options: Any,
) -> list[Path]:
    """Write the session to `path` as `guide export` does (the format from its suffix, or `format`), with the
    caption and transcript files asked for, and return every file written."""
    out = Path(path)
    if bitrate not in BITRATES:
        raise UsageError(f"bitrate: {bitrate!r} is not one of {', '.join(BITRATES)}")
    if captions is not None and captions not in CAPTION_FORMATS:
        raise UsageError(f"captions: {captions!r} is not one of {', '.join(CAPTION_FORMATS)}")
    settings = ExportSettings(choose_format(out, format), bitrate, album, captions, transcript, chapters)
    with exporting(out, settings) as write:
        return write(_prepared(script, loudness, no_cache, options))


def _prepared(script: Script | str | Path, loudness: float, no_cache: bool, options: Mapping[str, Any]) -> Session:
    """The session voiced and levelled. A script `load` made is levelled from itself; one named here with
    variables, as the command does it, from the script with its own (so a client's name changes one line)."""
    if not LOUDNESS_RANGE[0] <= loudness <= LOUDNESS_RANGE[1]:
        raise UsageError(f"loudness: {loudness} LUFS is outside {LOUDNESS_RANGE[0]:g} to {LOUDNESS_RANGE[1]:g}")
    if isinstance(script, Script):
        if options:
            raise UsageError(f"{', '.join(options)}: give these to guide.load, which made this script")
        shaping = Shaping.in_environment(Environment.from_process(), loudness=float(loudness), no_cache=no_cache)
        return shaping.prepare(script, None)
    shaping = replace(_shaping(options), loudness=float(loudness), no_cache=no_cache)
    return shaping.prepare(*shaping.load(str(script)))


def _shaping(options: Mapping[str, Any]) -> Shaping:
    """The Shaping that `load`'s options ask for, in this process's environment; a name `load` does not take is
    refused, saying which."""
    unknown = sorted(set(options) - set(inspect.signature(load).parameters) - {"script"})
    if unknown:
        raise UsageError(f"{', '.join(unknown)}: not an option of guide.load, render or export")
    duration, vars_file = options.get("duration"), options.get("vars_file")
    return Shaping.in_environment(
        Environment.from_process(),
        variables=tuple((options.get("variables") or {}).items()),
        vars_file=Path(vars_file) if vars_file is not None else None,
        duration=Duration(_duration_ms(duration), None) if duration is not None else None,
        voice=tuple(_voice(options.get("engine"), options.get("rate")).items()),
        no_bells=bool(options.get("no_bells")),
        no_ambience=bool(options.get("no_ambience")),
        language=_language(options.get("language")),
    )


def _duration_ms(duration: str | float) -> int:
    try:
        ms = parse_duration(str(duration))
    except ValueError as error:
        raise UsageError(f"duration: {error}") from None
    if ms > MAX_SESSION_MS:
        raise UsageError(f"duration: {duration} is longer than the longest session, 12h")
    return ms


def _language(language: str | None) -> str | None:
    if language is not None and not (isinstance(language, str) and LANGUAGE_TAG.fullmatch(language)):
        raise UsageError(f"language: {language!r} is not a language tag such as es or es-419")
    return language


def _voice(engine: str | None, rate: int | None) -> dict[str, Any]:
    if engine is not None and engine not in ENGINES:
        raise UsageError(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
    if rate is not None and not (isinstance(rate, int) and RATE_RANGE[0] <= rate <= RATE_RANGE[1]):
        raise UsageError(f"rate: {rate!r} is not a whole number of words per minute from 60 to 250")
    return {field: value for field, value in (("engine", engine), ("rate", rate)) if value is not None}
