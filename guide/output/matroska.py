"""A Matroska stream of 16-bit audio with its tags, chapters and cover: how the encoder is fed, so that all of
it arrives through one pipe and the encoder can start before any of it is known."""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import numpy as np

from guide.rendering.timeline import Chapter
from guide.sound.pcm import samples_to_ms


class ID(enum.IntEnum):
    """The IDs of the elements the stream is made of, as the Matroska specification numbers them."""

    EBML = 0x1A45DFA3
    DOC_TYPE = 0x4282
    DOC_TYPE_VERSION = 0x4287
    DOC_TYPE_READ_VERSION = 0x4285
    SEGMENT = 0x18538067
    INFO = 0x1549A966
    TIMESTAMP_SCALE = 0x2AD7B1
    TRACKS = 0x1654AE6B
    TRACK_ENTRY = 0xAE
    TRACK_NUMBER = 0xD7
    TRACK_UID = 0x73C5
    TRACK_TYPE = 0x83
    CODEC_ID = 0x86
    LANGUAGE = 0x22B59C
    AUDIO = 0xE1
    SAMPLING_FREQUENCY = 0xB5
    CHANNELS = 0x9F
    BIT_DEPTH = 0x6264
    CHAPTERS = 0x1043A770
    EDITION_ENTRY = 0x45B9
    CHAPTER_ATOM = 0xB6
    CHAPTER_UID = 0x73C4
    CHAPTER_TIME_START = 0x91
    CHAPTER_TIME_END = 0x92
    CHAPTER_DISPLAY = 0x80
    CHAP_STRING = 0x85
    TAGS = 0x1254C367
    TAG = 0x7373
    TARGETS = 0x63C0
    SIMPLE_TAG = 0x67C8
    TAG_NAME = 0x45A3
    TAG_STRING = 0x4487
    ATTACHMENTS = 0x1941A469
    ATTACHED_FILE = 0x61A7
    FILE_NAME = 0x466E
    FILE_MEDIA_TYPE = 0x4660
    FILE_DATA = 0x465C
    FILE_UID = 0x46AE
    CLUSTER = 0x1F43B675
    TIMESTAMP = 0xE7
    SIMPLE_BLOCK = 0xA3


UNKNOWN_SIZE = b"\x01\xff\xff\xff\xff\xff\xff\xff"
"""The size of the segment, which a stream does not know until it ends."""
NS_PER_MS = 1_000_000
KEYFRAME = 0x80
AUDIO_TRACK = 2
UNDETERMINED = "und"
"""ISO 639-2's code for a language not known."""


@dataclass(frozen=True)
class Picture:
    path: Path
    mime: str


def _element(element_id: int, payload: bytes) -> bytes:
    """An element: its ID, its size in eight bytes (a size any reader takes), then its payload."""
    return (
        element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
        + (2**56 | len(payload)).to_bytes(8, "big")
        + payload
    )


def _uint(element_id: int, value: int) -> bytes:
    return _element(element_id, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


def _text(element_id: int, value: str) -> bytes:
    return _element(element_id, value.encode("utf-8"))


def header(
    sample_rate: int,
    tags: dict[str, str],
    chapters: list[Chapter],
    picture: Picture | None = None,
    language: str = UNDETERMINED,
) -> bytes:
    """The stream's start, up to its first audio: one mono 16-bit track in a language (ISO 639-2), the tags
    (named as ffmpeg names them), the chapters, and a cover, which ffmpeg reads as an attached picture."""
    ebml = _text(ID.DOC_TYPE, "matroska") + _uint(ID.DOC_TYPE_VERSION, 4) + _uint(ID.DOC_TYPE_READ_VERSION, 2)
    segment = _element(ID.INFO, _uint(ID.TIMESTAMP_SCALE, NS_PER_MS))
    segment += _element(ID.TRACKS, _track(sample_rate, language))
    if chapters:
        segment += _element(ID.CHAPTERS, _element(ID.EDITION_ENTRY, b"".join(map(_chapter, chapters, count(1)))))
    segment += _element(ID.TAGS, _element(ID.TAG, _element(ID.TARGETS, b"") + b"".join(map(_tag, tags.items()))))
    if picture is not None:
        segment += _element(ID.ATTACHMENTS, _attachment(picture))
    # The segment's size is left unknown: the clusters that follow are part of it.
    return _element(ID.EBML, ebml) + ID.SEGMENT.to_bytes(4, "big") + UNKNOWN_SIZE + segment


def clusters(chunks: Iterable[np.ndarray]) -> Iterator[bytes]:
    """The stream's audio after its header: each chunk of 16-bit samples as a cluster, stamped with its start."""
    position = 0
    for samples in chunks:
        block = b"\x81" + struct.pack(">hB", 0, KEYFRAME) + samples.astype("<i2").tobytes()
        yield _element(ID.CLUSTER, _uint(ID.TIMESTAMP, samples_to_ms(position)) + _element(ID.SIMPLE_BLOCK, block))
        position += len(samples)


def _track(sample_rate: int, language: str) -> bytes:
    audio = _element(ID.SAMPLING_FREQUENCY, struct.pack(">d", sample_rate))
    audio += _uint(ID.CHANNELS, 1) + _uint(ID.BIT_DEPTH, 16)
    entry = _uint(ID.TRACK_NUMBER, 1) + _uint(ID.TRACK_UID, 1) + _uint(ID.TRACK_TYPE, AUDIO_TRACK)
    # A track's language is English unless it says otherwise, and ffmpeg would carry that into the file.
    entry += _text(ID.CODEC_ID, "A_PCM/INT/LIT") + _text(ID.LANGUAGE, language) + _element(ID.AUDIO, audio)
    return _element(ID.TRACK_ENTRY, entry)


def _chapter(chapter: Chapter, uid: int) -> bytes:
    atom = _uint(ID.CHAPTER_UID, uid)
    atom += _uint(ID.CHAPTER_TIME_START, chapter.start_ms * NS_PER_MS)
    atom += _uint(ID.CHAPTER_TIME_END, chapter.end_ms * NS_PER_MS)
    atom += _element(ID.CHAPTER_DISPLAY, _text(ID.CHAP_STRING, chapter.title))
    return _element(ID.CHAPTER_ATOM, atom)


def _tag(name_and_value: tuple[str, str]) -> bytes:
    name, value = name_and_value
    return _element(ID.SIMPLE_TAG, _text(ID.TAG_NAME, name) + _text(ID.TAG_STRING, value))


def _attachment(picture: Picture) -> bytes:
    attached = _text(ID.FILE_NAME, picture.path.name) + _text(ID.FILE_MEDIA_TYPE, picture.mime)
    attached += _element(ID.FILE_DATA, picture.path.read_bytes()) + _uint(ID.FILE_UID, 1)
    return _element(ID.ATTACHED_FILE, attached)
