"""Writing a session to an audio file with its tags, chapters and cover, and its captions and transcript beside
it, atomically: a failure or Ctrl+C leaves no partial file."""

from __future__ import annotations

import contextlib
import datetime
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guide import ffmpeg
from guide.atomic import replacing
from guide.captions import render_captions
from guide.cover import picture_block
from guide.errors import RenderError, UsageError
from guide.loudness import LoudnessMeter
from guide.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, samples_to_ms
from guide.session import TRIM_ROUNDS, Session, settled
from guide.transcript import transcript
from guide.values import format_timestamp

ENCODERS = {
    "mp3": ["-c:a", "libmp3lame", "-f", "mp3"],
    "ogg": ["-c:a", "libopus", "-f", "ogg"],
    "opus": ["-c:a", "libopus", "-f", "opus"],
    "m4a": ["-c:a", "aac", "-f", "ipod"],
    "flac": ["-c:a", "flac", "-f", "flac"],
}
"""ffmpeg's arguments for each compressed format; Opus resamples to 48 kHz, as it must."""
LOSSY = ("mp3", "ogg", "opus", "m4a")
VORBIS_COMMENTED = ("ogg", "opus", "flac")
PICTURE_STREAMS = ("mp3", "m4a", "flac")
"""The formats whose cover ffmpeg writes as an attached picture; Ogg and Opus carry it in a comment."""
TRANSCRIPT_SUFFIX = ".txt"
FORMATS = (*ENCODERS, "wav")
DEFAULT_BITRATE = "64k"
"""Mono speech at 64 kbps is clear; 96k gives the bells more air."""
GENRE = "Meditation"
ALBUM = "Inner Guide"

Progress = Callable[[int], None]
"""Told how many more milliseconds of audio are written."""


def choose_format(out: Path, requested: str | None) -> str:
    """The format asked for with --format, or else the one the output's suffix names."""
    chosen = requested or out.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise UsageError(
            f"{out}: cannot tell the format from the suffix {out.suffix or '(none)'}; "
            f"end the name in {' or '.join('.' + f for f in FORMATS)}, or pass --format"
        )
    return chosen


@dataclass(frozen=True)
class ExportSettings:
    """How a session is written: the format and its bitrate, the album tag, and the text files beside it."""

    fmt: str
    bitrate: str = DEFAULT_BITRATE
    album: str = ALBUM
    captions: str | None = None
    """`vtt` or `srt` for a caption file beside the audio, or None."""
    transcript: bool = False

    def outputs(self, out: Path) -> list[Path]:
        """Every file an export to `out` writes: the audio, then its captions and transcript if asked for."""
        return [
            out,
            *([out.with_suffix(f".{self.captions}")] if self.captions else []),
            *([out.with_suffix(TRANSCRIPT_SUFFIX)] if self.transcript else []),
        ]


def export(session: Session, out: Path, settings: ExportSettings, progress: Progress | None = None) -> list[Path]:
    """Write the session to `out` with its tags, chapters and cover, and the caption and transcript files
    asked for; the files appear together, and only once all of them are complete. Returns their paths."""
    targets = settings.outputs(out)
    with replacing(*targets) as temporaries:
        audio, *sidecars = temporaries
        session = _write_audio(session, audio, settings, progress)
        texts = ([render_captions(session, settings.captions)] if settings.captions else []) + (
            [transcript(session)] if settings.transcript else []
        )
        for sidecar, text in zip(sidecars, texts, strict=True):
            sidecar.write_text(text, encoding="utf-8")
    return targets


def _write_audio(session: Session, path: Path, settings: ExportSettings, progress: Progress | None) -> Session:
    """Write the session's audio, and return the session as written. A provisional session is measured as it
    is written, and written again at a corrected trim when it is off target: its trim was predicted so that
    the first pass is the only one, for the built-in sessions and most others."""
    attempt = 1
    while True:
        meter = LoudnessMeter() if session.provisional is not None else None
        chunks = _metered(_counted(session.chunks(), progress), meter)
        if settings.fmt == "wav":
            _write_wav(path, chunks)
        else:
            _encode(session, path, chunks, settings)
        if meter is None:
            return session
        again = settled(session, meter.integrated(), final=attempt == TRIM_ROUNDS)
        if again is None:
            return session
        session, progress, attempt = again, None, attempt + 1


def _metered(chunks: Iterator[np.ndarray], meter: LoudnessMeter | None) -> Iterator[np.ndarray]:
    for chunk in chunks:
        if meter is not None:
            meter.feed(chunk * np.float32(1 / 32768))  # float32, as the meter works in
        yield chunk


def _counted(chunks: Iterator[np.ndarray], progress: Progress | None) -> Iterator[np.ndarray]:
    for chunk in chunks:
        yield chunk
        if progress:
            progress(samples_to_ms(len(chunk)))


def _write_wav(path: Path, chunks: Iterator[np.ndarray]) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(SAMPLE_RATE)
        for chunk in chunks:
            wav.writeframes(chunk.astype("<i2").tobytes())


def _tags(session: Session, settings: ExportSettings) -> dict[str, str]:
    script = session.script
    tags = {
        "title": script.title,
        "artist": script.author or "",
        "album": settings.album,
        "genre": GENRE,
        "date": str(datetime.date.today().year),
        "comment": script.content_note or script.description or "",
    }
    return {key: value for key, value in tags.items() if value}


def ffmetadata(session: Session, settings: ExportSettings) -> str:
    """The session's tags and its chapters (one per section, and the closing) in ffmpeg's metadata format;
    for Ogg, Opus and FLAC the chapters, and for Ogg and Opus the cover, are Vorbis comments instead."""

    def escaped(value: str) -> str:
        return "".join("\\" + c if c in "=;#\\\n" else c for c in value)

    tags = _tags(session, settings)
    if settings.fmt in VORBIS_COMMENTED:
        tags |= _chapter_comments(session)
        if session.script.cover is not None and settings.fmt not in PICTURE_STREAMS:
            tags["METADATA_BLOCK_PICTURE"] = picture_block(session.script.cover)
    lines = [";FFMETADATA1", *(f"{key}={escaped(value)}" for key, value in tags.items())]
    for chapter in () if settings.fmt in VORBIS_COMMENTED else session.timeline.chapters:
        lines += ["", "[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}", f"END={chapter.end_ms}"]
        lines.append(f"title={escaped(chapter.title)}")
    return "\n".join(lines) + "\n"


def _encode(session: Session, path: Path, chunks: Iterator[np.ndarray], settings: ExportSettings) -> None:
    fmt = settings.fmt
    # ffmpeg's own chapter writer for Ogg rounds each start up to a whole second first; Vorbis comments
    # carry the exact times, and readers (ffprobe among them) take them as chapters.
    chapter_input = "-1" if fmt in VORBIS_COMMENTED else "1"
    with tempfile.NamedTemporaryFile("w", suffix=".ffmeta", encoding="utf-8") as metadata:
        metadata.write(ffmetadata(session, settings))
        metadata.flush()
        command = [ffmpeg.executable(f"to write {fmt.upper()}"), "-nostdin", "-hide_banner", "-loglevel", "error"]
        command += ["-y", *ffmpeg.raw_input_arguments(), "-i", metadata.name]
        cover = session.script.cover if fmt in PICTURE_STREAMS else None
        if cover is not None:
            command += ["-i", str(cover)]
        command += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", chapter_input, *ENCODERS[fmt]]
        if cover is not None:
            command += ["-map", "2:v", "-c:v", "copy", "-disposition:v", "attached_pic"]
            command += ["-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
        if fmt in LOSSY:
            command += ["-b:a", settings.bitrate]
        # ffmpeg writes the file itself, not a pipe: it must seek back to write the header that tells
        # players the exact length and the encoder's delay, so that decoding is sample-accurate.
        _feed(command + [str(path)], chunks, fmt)


def _chapter_comments(session: Session) -> dict[str, str]:
    comments = {}
    for number, chapter in enumerate(session.timeline.chapters):
        comments[f"CHAPTER{number:03d}"] = format_timestamp(chapter.start_ms)
        comments[f"CHAPTER{number:03d}NAME"] = chapter.title
    return comments


def _feed(command: list[str], chunks: Iterator[np.ndarray], fmt: str) -> None:
    with tempfile.TemporaryFile() as errors:
        encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        assert encoder.stdin is not None
        try:
            for chunk in chunks:
                encoder.stdin.write(chunk.astype("<i2").tobytes())
            encoder.stdin.close()
        except BrokenPipeError:
            pass
        finally:
            if encoder.poll() is None and not encoder.stdin.closed:
                encoder.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                encoder.wait(timeout=60)
        if encoder.returncode != 0:
            errors.seek(0)
            reason = errors.read().decode(errors="replace").strip().splitlines()
            ending = reason[-1] if reason else f"exit {encoder.returncode}"
            raise RenderError(f"ffmpeg could not encode {fmt.upper()}: {ending}")
