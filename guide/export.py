"""Writing a session to an audio file, atomically: a failure or Ctrl+C leaves no partial file."""

from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
import tempfile
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from guide import ffmpeg
from guide.errors import RenderError, UsageError
from guide.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, samples_to_ms
from guide.session import Session

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


def export(
    session: Session, out: Path, fmt: str, progress: Progress | None = None, bitrate: str = DEFAULT_BITRATE
) -> None:
    """Write the session to `out` in `fmt`, with tags and chapters; `out` appears only once it is complete."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(f"cannot write {out}: the folder {folder} does not exist")
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{out.name}.", suffix=".part")
    except OSError as error:
        raise RenderError(f"cannot write in {folder}: {error.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    try:
        chunks = _counted(session.chunks(), progress)
        if fmt == "wav":
            _write_wav(temporary, chunks)
        else:
            _encode(session, temporary, chunks, fmt, bitrate)
        # A temporary file is private to its owner; the export gets the mode any new file would.
        temporary.chmod(0o666 & ~_umask())
        os.replace(temporary, out)
    except OSError as error:
        raise RenderError(f"cannot write {out}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


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


def _tags(session: Session) -> dict[str, str]:
    script = session.script
    tags = {
        "title": script.title,
        "artist": script.author or "",
        "album": ALBUM,
        "genre": GENRE,
        "date": str(datetime.date.today().year),
        "comment": script.content_note or script.description or "",
    }
    return {key: value for key, value in tags.items() if value}


def ffmetadata(session: Session, with_chapters: bool = True) -> str:
    """The session's tags, and its chapters (one per section, and the closing), in ffmpeg's metadata format."""

    def escaped(value: str) -> str:
        return "".join("\\" + c if c in "=;#\\\n" else c for c in value)

    lines = [";FFMETADATA1", *(f"{key}={escaped(value)}" for key, value in _tags(session).items())]
    for chapter in session.timeline.chapters if with_chapters else ():
        lines += ["", "[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}", f"END={chapter.end_ms}"]
        lines.append(f"title={escaped(chapter.title)}")
    return "\n".join(lines) + "\n"


def _encode(session: Session, path: Path, chunks: Iterator[np.ndarray], fmt: str, bitrate: str) -> None:
    # ffmpeg's own chapter writer for Ogg rounds each start up to a whole second first; Vorbis comments
    # written here carry the exact times, and readers (ffprobe among them) take them as chapters.
    comment_chapters = fmt in VORBIS_COMMENTED
    with tempfile.NamedTemporaryFile("w", suffix=".ffmeta", encoding="utf-8") as metadata:
        metadata.write(ffmetadata(session, with_chapters=not comment_chapters))
        metadata.flush()
        command = [ffmpeg.executable(f"to write {fmt.upper()}"), "-nostdin", "-hide_banner", "-loglevel", "error"]
        command += ["-y", *ffmpeg.raw_input_arguments(), "-i", metadata.name]
        command += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "-1" if comment_chapters else "1"]
        command += [*ENCODERS[fmt], *(_chapter_comments(session) if comment_chapters else [])]
        if fmt in LOSSY:
            command += ["-b:a", bitrate]
        # ffmpeg writes the file itself, not a pipe: it must seek back to write the header that tells
        # players the exact length and the encoder's delay, so that decoding is sample-accurate.
        _feed(command + [str(path)], chunks, fmt)


def _chapter_comments(session: Session) -> list[str]:
    arguments = []
    for number, chapter in enumerate(session.timeline.chapters):
        seconds, ms = divmod(chapter.start_ms, 1000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        arguments += ["-metadata", f"CHAPTER{number:03d}={hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"]
        arguments += ["-metadata", f"CHAPTER{number:03d}NAME={chapter.title}"]
    return arguments


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
