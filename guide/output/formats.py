"""The files an export writes, by format: light enough for the command line to offer them before loading
anything that renders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guide.errors import FieldError
from guide.translation import _

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
CHAPTERS_SUFFIX = ".chapters.json"
FORMATS = (*ENCODERS, "wav")
BITRATES = ("48k", "64k", "80k", "96k", "128k")
DEFAULT_BITRATE = "64k"
"""Mono speech at 64 kbps is clear; 96k gives the bells more air."""
GENRE = "Meditation"
ALBUM = "Inner Guide"

CAPTION_FORMATS = ("vtt", "srt")


def choose_format(out: Path, requested: str | None) -> str:
    """The format asked for, or else the one the output's suffix names."""
    chosen = requested or out.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise FieldError(
            "format",
            _(
                "cannot tell the format from the suffix of {path} ({suffix}); end the name in {suffixes}, or name the "
                "format"
            ).format(path=out, suffix=out.suffix or _("none"), suffixes=", ".join("." + f for f in FORMATS)),
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
    chapters: bool = False
    """Podcasting 2.0 JSON chapters beside the audio (`.chapters.json`)."""

    def outputs(self, out: Path) -> list[Path]:
        """Every file an export to `out` writes: the audio, then its captions, transcript and chapters if asked
        for."""
        return [
            out,
            *([out.with_suffix(f".{self.captions}")] if self.captions else []),
            *([out.with_suffix(TRANSCRIPT_SUFFIX)] if self.transcript else []),
            *([out.with_suffix(CHAPTERS_SUFFIX)] if self.chapters else []),
        ]
