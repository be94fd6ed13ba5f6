"""Putting a session's long silences back into the MP3 that ffmpeg encoded without them, as copies of one of its
silent frames, so that silence costs nothing to encode (see `condensing`).

An MP3 is a run of frames, each 576 samples here, after an ID3v2 tag and a first frame that holds the Xing and
LAME headers: the number of frames and bytes, a seek table, the encoder's delay and padding, and two checksums.
A frame of digital silence carries no audio data at all, and ffmpeg's encoder writes every one of them alike, so
a silence is lengthened by repeating one of its frames: the frames either side decode as they did, and the
samples between come out as exact zeros. The headers are then made to count the new frames."""

from __future__ import annotations

import functools
import operator
import os
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from guide.output import crc16
from guide.output.condensing import Cut

FRAME_SAMPLES = 576
"""Samples in each frame of MPEG-2 layer III, which ffmpeg writes at the session's rate, 22050 Hz."""
DECODER_DELAY = 529
"""Samples every MP3 decoder outputs before the first it was given, besides the encoder's own delay."""
KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""MPEG-2 layer III's bitrates, by the index a frame header gives."""
RATES = {0b10: (22050, 24000, 16000), 0b00: (11025, 12000, 8000)}
"""Sample rates by MPEG version (2 and 2.5) and the index a frame header gives."""
XING_AT = 4 + 9
"""Where the Xing header starts in the first frame: after the 4-byte header and the 9 bytes of side information
of a mono MPEG-2 frame. The fields below are counted in bytes from it; the LAME header starts 120 bytes on."""
FRAMES, BYTES, SEEK_TABLE = 8, 12, 16
"""The Xing header's count of audio frames, its count of bytes from its own frame on, and its 100-byte table."""
DELAYS, MUSIC_LENGTH, MUSIC_CRC, TAG_CRC, XING_END = 141, 148, 152, 154, 156
"""The LAME header's encoder delay and padding (12 bits each), its count of bytes (as the Xing header's), the
checksum of the audio frames, and the checksum of the header frame up to it."""
SILENT_EITHER_SIDE = 2
"""Frames each side of a restored cut that must carry no audio data: a frame's data may begin up to 255 bytes
into the frames before it, so these keep a copy's bytes from being read as anyone's data."""
COPY_BATCH = 1024
"""Copies of a silent frame written at a time."""
READ_BLOCK = 1 << 20


class NotRestorable(Exception):
    """The encoded file is not as restoring expects, or a cut does not fall among silent frames: the session
    must be encoded whole instead."""


class _Piece(NamedTuple):
    """A stretch of the frames written: copied from the source, or one silent frame repeated."""

    frames: int
    length: int
    frame_at: Callable[[int], int]
    """Where its frame number k starts, in bytes from the piece's start."""


def restore_silences(source: Path, target: Path, cuts: Sequence[Cut]) -> None:
    """Write to `target` the MP3 `source` with every cut's samples of silence put back where it was taken out."""
    with open(source, "rb") as encoded:
        head, starts = _frames(encoded)
        xing = bytearray(_read(encoded, head, starts[0] - head))
        delay = int.from_bytes(_field(xing, DELAYS, 3), "big") >> 12
        repeats = [(_splice_frame(encoded, starts, cut, delay), cut.samples // FRAME_SAMPLES) for cut in cuts]
        with open(target, "wb") as out:
            out.write(_read(encoded, 0, head))
            out.write(xing)
            music_crc, pieces, copied_from = 0, [], 0
            for frame, count in [*repeats, (len(starts) - 2, 0)]:
                begin, end = starts[copied_from], starts[frame + 1]
                music_crc = _copied(encoded, begin, end, out, music_crc)
                pieces.append(_copied_piece(starts, copied_from, frame + 1))
                copied_from = frame + 1
                if count:
                    copy = _read(encoded, starts[frame], starts[frame + 1] - starts[frame])
                    music_crc = _repeated(copy, count, out, music_crc)
                    pieces.append(_Piece(count, count * len(copy), functools.partial(operator.mul, len(copy))))
            _count_frames(xing, pieces, music_crc)
            out.seek(head)
            out.write(xing)


def _copied_piece(starts: array, first: int, end: int) -> _Piece:
    """The source's frames `first` up to `end`, as copied."""
    return _Piece(end - first, starts[end] - starts[first], lambda frame: starts[first + frame] - starts[first])


def _frames(encoded: BinaryIO) -> tuple[int, array]:
    """Where the header frame starts (after any ID3v2 tag), and where each audio frame starts, and the file ends."""
    tag = _read(encoded, 0, 10)
    head = 0
    if tag[:3] == b"ID3":  # its size is in 7-bit bytes; a footer, if flagged, follows it
        head = 10 + sum((tag[6 + i] & 0x7F) << (7 * (3 - i)) for i in range(4)) + (10 if tag[5] & 0x10 else 0)
    if _read(encoded, head + XING_AT, 4) not in (b"Xing", b"Info"):
        raise NotRestorable("the first frame holds no Xing header")
    size = os.fstat(encoded.fileno()).st_size
    starts = array("q")
    lengths: dict[bytes, int] = {}  # a file has few kinds of frame header: each is read once
    position, window, window_at = head, b"", head
    while position < size:
        if position + 4 > window_at + len(window):
            window, window_at = _read(encoded, position, READ_BLOCK), position
        if position != head:
            starts.append(position)
        header = window[position - window_at : position - window_at + 4]
        if header not in lengths:
            lengths[header] = _frame_length(int.from_bytes(header, "big"))
        position += lengths[header]
    if position != size or not starts or starts[0] - head < XING_AT + XING_END:
        raise NotRestorable("the file does not hold a whole header frame and whole audio frames")
    starts.append(size)
    return head, starts


def _frame_length(header: int) -> int:
    """The length in bytes of a frame, from its header: only a mono MPEG-2 or 2.5 layer III frame without a CRC,
    as ffmpeg writes a session."""
    version, layer, unprotected = header >> 19 & 3, header >> 17 & 3, header >> 16 & 1
    bitrate, rate, padding, mode = header >> 12 & 15, header >> 10 & 3, header >> 9 & 1, header >> 6 & 3
    if header >> 21 != 0x7FF or version not in RATES or layer != 1 or not unprotected or mode != 3:
        raise NotRestorable(f"not a mono MPEG-2 layer III frame header: {header:08x}")
    if not 0 < bitrate < 15 or rate == 3:
        raise NotRestorable(f"a frame header with no bitrate or rate: {header:08x}")
    return 72000 * KBPS[bitrate] // RATES[version][rate] + padding


def _splice_frame(encoded: BinaryIO, starts: array, cut: Cut, delay: int) -> int:
    """The audio frame (counted from 0) after which the cut's silence goes back: the one that decodes the sample
    where it was taken out, checked to be silent with its neighbours."""
    frame = (cut.at + delay + DECODER_DELAY) // FRAME_SAMPLES
    neighbours = range(frame - SILENT_EITHER_SIDE + 1, frame + SILENT_EITHER_SIDE + 1)
    if cut.samples % FRAME_SAMPLES or neighbours.start < 0 or neighbours.stop > len(starts) - 1:
        raise NotRestorable(f"a cut at sample {cut.at} falls outside the file's frames")
    for neighbour in neighbours:
        side = _read(encoded, starts[neighbour] + 4, 3)
        if int.from_bytes(side, "big") >> 3 & 0xFFF:  # the frame's part2_3_length: bits of audio data
            raise NotRestorable(f"a cut at sample {cut.at} falls beside a frame that is not silent")
    return frame


def _copied(encoded: BinaryIO, begin: int, end: int, out: BinaryIO, music_crc: int) -> int:
    """Copy bytes `begin` to `end` of the source; the music checksum with them."""
    encoded.seek(begin)
    while begin < end:
        block = encoded.read(min(READ_BLOCK, end - begin))
        if not block:
            raise NotRestorable("the file ended early")
        out.write(block)
        music_crc = crc16.joined(music_crc, crc16.crc16(block), len(block))
        begin += len(block)
    return music_crc


def _repeated(frame: bytes, count: int, out: BinaryIO, music_crc: int) -> int:
    """Write `count` copies of a frame; the music checksum with them."""
    for written in range(0, count, COPY_BATCH):
        out.write(frame * min(COPY_BATCH, count - written))
    copies = crc16.repeated(crc16.crc16(frame), len(frame), count)
    return crc16.joined(music_crc, copies, count * len(frame))


def _count_frames(xing: bytearray, pieces: list[_Piece], music_crc: int) -> None:
    """Make the header frame count the frames written: their number and bytes, the seek table, the music
    length and checksum, and the tag's own checksum."""
    frames = sum(piece.frames for piece in pieces)
    size = len(xing) + sum(piece.length for piece in pieces)
    added = size - int.from_bytes(_field(xing, BYTES, 4), "big")
    music_length = int.from_bytes(_field(xing, MUSIC_LENGTH, 4), "big") + added
    _set(xing, FRAMES, frames.to_bytes(4, "big") + size.to_bytes(4, "big"))
    _set(xing, SEEK_TABLE, _seek_table(pieces, frames, size, len(xing)))
    _set(xing, MUSIC_LENGTH, music_length.to_bytes(4, "big") + music_crc.to_bytes(2, "big"))
    # The tag's own checksum covers the frame up to it, as LAME and ffmpeg's reader count it. (ffmpeg's writer
    # counts 190 bytes, the place of the checksum in a stereo MPEG-1 frame, which its reader then rejects.)
    _set(xing, TAG_CRC, crc16.crc16(bytes(xing[: XING_AT + TAG_CRC])).to_bytes(2, "big"))


def _field(xing: bytes | bytearray, at: int, length: int) -> bytes:
    return bytes(xing[XING_AT + at : XING_AT + at + length])


def _set(xing: bytearray, at: int, value: bytes) -> None:
    xing[XING_AT + at : XING_AT + at + len(value)] = value


def _seek_table(pieces: list[_Piece], frames: int, size: int, first: int) -> bytes:
    """The Xing seek table: for each percent of the frames, where its first frame starts, in 256ths of the
    file's length from the header frame on (`size` bytes, the first `first` of them the header frame)."""
    table = bytearray(100)
    percent, frame, offset = 1, 0, first
    for piece in pieces:
        while percent < 100 and percent * frames // 100 < frame + piece.frames:
            at = offset + piece.frame_at(percent * frames // 100 - frame)
            table[percent] = min(255, 256 * at // size)
            percent += 1
        frame, offset = frame + piece.frames, offset + piece.length
    return bytes(table)


def _read(encoded: BinaryIO, at: int, count: int) -> bytes:
    encoded.seek(at)
    return encoded.read(count)
