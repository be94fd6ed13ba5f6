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
from guide.errors import FieldError
from guide.output.export import exporting, written_levelled
from guide.output.formats import ALBUM, BITRATES, CAPTION_FORMATS, DEFAULT_BITRATE, ExportSettings, choose_format
from guide.rendering.loading import Loaded, voiced
from guide.rendering.loading import load as load_request
from guide.rendering.request import SessionRequest, VoiceRequest, asked_duration
from guide.rendering.services import Services
from guide.rendering.session import Session
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.model import Script
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH

if TYPE_CHECKING:
    from pydub import AudioSegment


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
    return load_request(_request(script, options), Services.of(Environment.from_process())).script


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
        raise FieldError("bitrate", f"{bitrate!r} is not one of {', '.join(BITRATES)}")
    if captions is not None and captions not in CAPTION_FORMATS:
        raise FieldError("captions", f"{captions!r} is not one of {', '.join(CAPTION_FORMATS)}")
    settings = ExportSettings(choose_format(out, format), bitrate, album, captions, transcript, chapters)
    with exporting(out, settings) as write:
        return write(_prepared(script, loudness, no_cache, options))


def _prepared(script: Script | str | Path, loudness: float, no_cache: bool, options: Mapping[str, Any]) -> Session:
    """The session voiced and levelled. A script `load` made is levelled from itself; one named here with
    variables, as the command does it, from the script with its own (so a client's name changes one line)."""
    services = Services.of(Environment.from_process())
    if isinstance(script, Script):
        if options:
            raise FieldError(", ".join(options), "give these to guide.load, which made this script")
        request = SessionRequest(str(script.path), loudness=loudness, cache=not no_cache)
        return voiced(Loaded(script, None), request, services)
    request = replace(_request(script, options), loudness=loudness, cache=not no_cache)
    return voiced(load_request(request, services), request, services)


def _request(script: str | Path, options: Mapping[str, Any]) -> SessionRequest:
    """The session request that `load`'s options ask for; a name `load` does not take is refused, saying which."""
    unknown = sorted(set(options) - set(inspect.signature(load).parameters) - {"script"})
    if unknown:
        raise FieldError(", ".join(unknown), "not an option of guide.load, render or export")
    vars_file = options.get("vars_file")
    return SessionRequest(
        str(script),
        variables=tuple((options.get("variables") or {}).items()),
        vars_file=Path(vars_file) if vars_file is not None else None,
        duration=asked_duration(options.get("duration")),
        voice=VoiceRequest(engine=options.get("engine"), rate=options.get("rate"), language=options.get("language")),
        bells=not options.get("no_bells"),
        ambience=not options.get("no_ambience"),
    )
