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

FORMATS = ("mp3", "wav")
MP3_BITRATE = "64k"
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


def export(session: Session, out: Path, fmt: str, progress: Progress | None = None) -> None:
    """Write the session to `out` in `fmt`; `out` appears only once it is complete."""
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
            _encode_mp3(session, temporary, chunks)
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


def _encode_mp3(session: Session, path: Path, chunks: Iterator[np.ndarray]) -> None:
    command = [ffmpeg.executable("to write MP3"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    command += ffmpeg.raw_input_arguments()
    for key, value in _tags(session).items():
        command += ["-metadata", f"{key}={value}"]
    # ffmpeg writes the file itself, not a pipe: it must seek back to write the header that tells
    # players the exact length and the encoder's delay, so that decoding is sample-accurate.
    command += ["-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-f", "mp3", str(path)]
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
            raise RenderError(f"ffmpeg could not encode MP3: {reason[-1] if reason else f'exit {encoder.returncode}'}")
