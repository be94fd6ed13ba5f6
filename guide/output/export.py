"""Writing a session to an audio file with its tags, chapters and cover, and its captions and transcript beside
it, atomically: a failure or Ctrl+C leaves no partial file."""

from __future__ import annotations

import contextlib
import datetime
import os
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Protocol

import numpy as np

from guide.atomic import replacing
from guide.errors import RenderError
from guide.output import matroska
from guide.output.captions import render_captions
from guide.output.chapters import json_chapters
from guide.output.condensing import Cut, condensed
from guide.output.formats import ENCODERS, GENRE, LOSSY, PICTURE_STREAMS, VORBIS_COMMENTED, ExportSettings
from guide.output.mp3 import FRAME_SAMPLES, NotRestorable, restore_silences
from guide.output.transcript import transcript
from guide.rendering.mixer import CHUNK_MS
from guide.rendering.session import TRIM_ROUNDS, Session, settled
from guide.script.cover import image_type, picture_block
from guide.script.language_rules import language_code
from guide.script.values import format_timestamp
from guide.sound import ffmpeg
from guide.sound.loudness import LoudnessMeter
from guide.sound.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH, ms_to_samples, samples_to_ms, to_float
from guide.translation import _
from guide.voice.voicing import Progress

if sys.platform == "linux":
    import fcntl


class Writer(Protocol):
    """What `exporting` hands its block: writes the session, telling `progress` how much, and returns the files."""

    def __call__(self, session: Session, progress: Progress | None = None) -> list[Path]: ...


@contextlib.contextmanager
def exporting(out: Path, settings: ExportSettings) -> Iterator[Writer]:
    """Export to `out`: the block prepares the session and hands it to the function this yields, which writes
    it with its tags, chapters and cover, and the caption and transcript files asked for. The encoder starts
    at once, so that it has loaded by the time the session is ready. The files appear together when the block
    completes, and not at all if it fails."""
    targets = settings.outputs(out)
    written: list[Path] = []
    with replacing(*targets) as temporaries, contextlib.ExitStack() as running:
        audio, *sidecars = temporaries
        encoder = running.enter_context(Encoder(audio, settings)) if settings.fmt in ENCODERS else None

        def write(session: Session, progress: Progress | None = None) -> list[Path]:
            session = _write_audio(session, audio, settings, progress, encoder)
            texts = (
                ([render_captions(session, settings.captions)] if settings.captions else [])
                + ([transcript(session)] if settings.transcript else [])
                + ([json_chapters(session)] if settings.chapters else [])
            )
            for sidecar, text in zip(sidecars, texts, strict=True):
                sidecar.write_text(text, encoding="utf-8")
            written[:] = targets
            return targets

        yield write
        assert written, "an export block hands its session to the writer"


def _write_audio(
    session: Session, path: Path, settings: ExportSettings, progress: Progress | None, encoder: Encoder | None
) -> Session:
    """Write the session's audio, and return the session as written. An MP3 whose silences could not be put
    back is written again with them encoded (see `Encoder.encode`)."""

    def write(session: Session, chunks: Iterator[np.ndarray]) -> bool:
        if encoder is None:
            _write_wav(path, chunks)
            return True
        return encoder.encode(session, chunks)

    return written_levelled(session, write, progress)


def written_levelled(
    session: Session, write: Callable[[Session, Iterator[np.ndarray]], bool], progress: Progress | None = None
) -> Session:
    """Hand the session's audio to `write`, and return the session as written. A provisional session is
    measured as it is written, and written again at a corrected trim when it is off target: its trim was
    predicted so that the first pass is the only one, for the built-in sessions and most others. `write`
    returns False to be handed the audio again."""
    attempt = 1
    while True:
        meter = LoudnessMeter() if session.provisional is not None else None
        chunks = _metered(_counted(session.chunks(), progress), meter)
        if not write(session, chunks):
            progress = None
            continue
        if meter is None:
            return session
        again = settled(session, meter.integrated(), final=attempt == TRIM_ROUNDS)
        if again is None:
            return session
        session, progress, attempt = again, None, attempt + 1


def _metered(chunks: Iterator[np.ndarray], meter: LoudnessMeter | None) -> Iterator[np.ndarray]:
    for chunk in chunks:
        if meter is not None:
            meter.feed(to_float(chunk))
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
        # ffmpeg writes it as ID3's TLAN and a Vorbis comment LANGUAGE.
        "language": language_code(script.language) or "",
    }
    return {key: value for key, value in tags.items() if value}


class Encoder:
    """ffmpeg writing one file, started ahead of the audio: it loads while the session is prepared, then waits
    on its input until `encode` feeds it the session as a Matroska stream, which carries the tags, chapters and
    cover as well as the samples. Each further `encode`, a pass at a corrected level, runs a new ffmpeg.

    An MP3 is encoded with the session's long silences taken out, into a file of its own, and written from it
    with them put back (`mp3.restore_silences`): silence then costs nothing to encode, and a meditation is
    mostly silence."""

    def __init__(self, path: Path, settings: ExportSettings):
        fmt = settings.fmt
        purpose = _("to write {format}").format(format=fmt.upper())
        command = [ffmpeg.executable(purpose), "-nostdin", "-hide_banner", "-loglevel", "error"]
        # ffmpeg's own chapter writer for Ogg rounds each start up to a whole second first; Vorbis comments
        # carry the exact times, and readers (ffprobe among them) take them as chapters.
        chapters = "-1" if fmt in VORBIS_COMMENTED else "0"
        command += ["-y", "-f", "matroska", "-i", "pipe:0", "-map", "0:a", "-map", "0:v?"]
        command += ["-map_metadata", "0", "-map_chapters", chapters, *ENCODERS[fmt]]
        command += ["-c:v", "copy", "-disposition:v", "attached_pic"]
        command += ["-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
        if fmt in LOSSY:
            command += ["-b:a", settings.bitrate]
        self.path = path
        self._condensing = fmt == "mp3"
        """Whether the session's long silences are taken out before ffmpeg, and put back after."""
        self._encoded = path.with_name(f"{path.name}.encoded") if self._condensing else path
        # ffmpeg writes the file itself, not a pipe: it must seek back to write the header that tells
        # players the exact length and the encoder's delay, so that decoding is sample-accurate.
        self.command = [*command, str(self._encoded)]
        self.settings = settings
        self._running = contextlib.ExitStack()
        if self._encoded != path:  # named for removal before ffmpeg creates it, so that nothing is left
            self._running.callback(self._encoded.unlink, missing_ok=True)
        self._ready = self._started()

    def _started(self) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
        errors = self._running.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 - the stack closes it
        process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
        self._running.callback(_stopped, process)
        assert process.stdin is not None
        _widened(process.stdin)
        return process, errors

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, *_: object) -> None:
        self._running.close()

    def encode(self, session: Session, chunks: Iterator[np.ndarray]) -> bool:
        """Feed ffmpeg the session, and wait until it has written the file. False when the silences taken
        out could not be put back (an encoder that writes silence otherwise than expected): the file is not
        written, and every later pass encodes the silences too."""
        process, errors = self._ready if self._ready[0].returncode is None else self._started()
        stdin = process.stdin
        assert stdin is not None
        cuts: list[Cut] = []
        if self._condensing:
            chunks = condensed(chunks, cuts, FRAME_SAMPLES, ms_to_samples(CHUNK_MS))
        try:
            stdin.write(_stream_header(session, self.settings))
            for cluster in matroska.clusters(chunks):
                stdin.write(cluster)
            stdin.close()
        except BrokenPipeError:
            pass
        finally:
            if not stdin.closed:
                process.kill()
            # Without a timeout: with one, Popen.wait polls, and noticed ffmpeg's end up to 50 ms late.
            process.wait()
        if process.returncode != 0:
            errors.seek(0)
            reason = errors.read().decode(errors="replace").strip().splitlines()
            ending = reason[-1] if reason else _("exit {code}").format(code=process.returncode)
            problem = _("ffmpeg could not encode {format}: {reason}")
            raise RenderError(problem.format(format=self.settings.fmt.upper(), reason=ending))
        if self._encoded == self.path:
            return True
        try:
            if cuts:
                restore_silences(self._encoded, self.path, cuts)
                self._encoded.unlink()
            else:
                os.replace(self._encoded, self.path)
        except NotRestorable:
            self._condensing = False
            return False
        return True


PIPE_BYTES = 1 << 20
"""How much of the stream the pipe to ffmpeg holds: 24 s of audio, about 60 ms of its work. ffmpeg encodes
hundreds of times faster than a session plays, so the usual 64 KB lasted it 4 ms, and it sat idle whenever
the mix paused longer, as it does to find a new line's gain: a first export took as long as the mixing and
the encoding one after the other."""


def _widened(pipe: IO[bytes]) -> None:
    """Let the pipe hold PIPE_BYTES, where the system allows it (Linux, up to its pipe-max-size)."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _stopped(process: subprocess.Popen[bytes]) -> None:
    """An ffmpeg this program started, ended: killed if it is still running, so that nothing writes the file."""
    if process.poll() is None:
        process.kill()
        process.wait()


def _stream_header(session: Session, settings: ExportSettings) -> bytes:
    """The session's tags and its chapters (one per section, and the closing), and its cover; for Ogg, Opus and
    FLAC the chapters, and for Ogg and Opus the cover, are Vorbis comments instead."""
    tags = _tags(session, settings)
    cover = session.script.cover
    chapters = list(session.timeline.chapters)
    if settings.fmt in VORBIS_COMMENTED:
        tags |= _chapter_comments(session)
        chapters = []
        if cover is not None and settings.fmt not in PICTURE_STREAMS:
            tags["METADATA_BLOCK_PICTURE"] = picture_block(cover)
    picture = matroska.Picture(cover, image_type(cover)) if cover and settings.fmt in PICTURE_STREAMS else None
    return matroska.header(SAMPLE_RATE, tags, chapters, picture, tags.get("language", matroska.UNDETERMINED))


def _chapter_comments(session: Session) -> dict[str, str]:
    comments = {}
    for number, chapter in enumerate(session.timeline.chapters):
        comments[f"CHAPTER{number:03d}"] = format_timestamp(chapter.start_ms)
        comments[f"CHAPTER{number:03d}NAME"] = chapter.title
    return comments
