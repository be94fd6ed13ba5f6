"""Long silences taken out before an MP3 is encoded and put back in it: the file decodes to the whole session,
sample for sample as long, its headers count what it holds, and when the encoder's silence is not as expected
the session is encoded whole instead."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from measure import decode, prepared, probe, quiet_runs

from guide.output import condensing, crc16
from guide.output.condensing import Cut, condensed
from guide.output.export import exporting
from guide.output.formats import ExportSettings
from guide.output.mp3 import FRAME_SAMPLES
from guide.script.loader import load_script
from guide.sound.pcm import ms_to_samples

KEEP = ms_to_samples(condensing.KEEP_MS)
SCRIPT = """\
title: Mostly Silence
sections:
  - title: Arriving
    steps:
      - say: Settle in, and let the room be quiet around you.
      - silence: 40s
      - bell: chime
      - silence: 25s
      - say: Notice your breath.
      - pause: 1500ms
      - say: And rest.
      - silence: 30s
closing:
  - say: Come back, slowly.
"""


def _crc16_arc(data: bytes) -> int:
    """CRC-16/ARC a bit at a time, straight from its definition."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def test_the_checksum_is_crc16_arc_however_the_data_is_cut():
    assert crc16.crc16(b"123456789") == 0xBB3D  # the catalogued check value of CRC-16/ARC
    data = np.random.default_rng(3).integers(0, 256, 70_001, dtype=np.uint8).tobytes()
    assert crc16.crc16(data) == _crc16_arc(data)
    first, second = data[:12_345], data[12_345:]
    assert crc16.joined(crc16.crc16(first), crc16.crc16(second), len(second)) == _crc16_arc(data)
    frame = data[:209]
    assert crc16.repeated(crc16.crc16(frame), len(frame), 300) == _crc16_arc(frame * 300)
    assert crc16.repeated(crc16.crc16(frame), len(frame), 0) == 0


runs = st.lists(st.tuples(st.booleans(), st.integers(min_value=1, max_value=5 * 22050)), min_size=1, max_size=12).map(
    lambda parts: np.concatenate(
        [np.zeros(n, np.int16) if silent else np.full(n, 1 + n % 300, np.int16) for silent, n in parts]
    )
)


@given(samples=runs, chunk=st.integers(min_value=500, max_value=30_000))
@settings(max_examples=150, deadline=None)
def test_putting_each_cut_back_gives_the_stream_back(samples, chunk):
    cuts: list[Cut] = []
    out = list(condensed((samples[i : i + chunk] for i in range(0, len(samples), chunk)), cuts, FRAME_SAMPLES, 11025))
    assert all(len(piece) == 11025 for piece in out[:-1])
    shortened = np.concatenate(out)
    pieces, taken_from = [], 0
    for cut in cuts:
        assert cut.samples % FRAME_SAMPLES == 0 and cut.samples >= ms_to_samples(condensing.SHORTEST_CUT_MS)
        assert not shortened[max(0, cut.at - KEEP) : cut.at + KEEP].any()
        pieces += [shortened[taken_from : cut.at], np.zeros(cut.samples, np.int16)]
        taken_from = cut.at
    assert np.array_equal(np.concatenate([*pieces, shortened[taken_from:]]), samples)
    longest_left = max((end - start for start, end in quiet_runs(shortened, threshold=0)), default=0)
    assert longest_left < 2 * KEEP + ms_to_samples(condensing.SHORTEST_CUT_MS) + FRAME_SAMPLES


def _export(script_path: Path, out: Path, bitrate: str = "64k") -> np.ndarray:
    """Export a script in this process; the samples written, as mixed."""
    with exporting(out, ExportSettings("mp3", bitrate)) as write:
        write(prepared(load_script(script_path)))
    # Prepared again, at the level the export settled on and kept.
    return np.concatenate(list(prepared(load_script(script_path)).chunks()))


def _snr_db(mixed: np.ndarray, decoded: np.ndarray) -> float:
    error = decoded.astype(np.float64) - mixed
    return float(10 * np.log10(np.sum(mixed.astype(np.float64) ** 2) / np.sum(error**2)))


def _whole_encoding(mixed: np.ndarray, out: Path, bitrate: str) -> np.ndarray:
    """The same samples encoded as ffmpeg encodes them with nothing taken out, decoded."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", "22050", "-ac", "1", "-i", "-"]
        + ["-c:a", "libmp3lame", "-b:a", bitrate, str(out)],
        input=mixed.astype("<i2").tobytes(),
        check=True,
    )
    return decode(out)


@pytest.mark.parametrize("bitrate", ["48k", "64k", "128k"])
def test_an_mp3_decodes_to_the_whole_session_as_well_as_one_encoded_whole(write_script, tmp_path, bitrate):
    out = tmp_path / "session.mp3"
    mixed = _export(write_script(SCRIPT), out, bitrate)
    decoded = decode(out)
    assert len(decoded) == len(mixed)
    long_silences = [c for c in quiet_runs(mixed, threshold=0) if c[1] - c[0] > 4 * 22050]
    assert len(long_silences) == 3
    for start, end in long_silences:  # digital silence in the mix is digital silence in the file
        assert not decoded[start + 2 * FRAME_SAMPLES : end - 2 * FRAME_SAMPLES].any()
    whole = _whole_encoding(mixed, tmp_path / "whole.mp3", bitrate)
    assert _snr_db(mixed, decoded) == pytest.approx(_snr_db(mixed, whole), abs=0.5)
    assert _snr_db(mixed, decoded) > 15
    checked = subprocess.run(["ffmpeg", "-v", "error", "-i", str(out), "-f", "null", "-"], capture_output=True)
    assert checked.returncode == 0 and checked.stderr == b""  # no frame the decoder stumbles on
    assert out.stat().st_size == pytest.approx((tmp_path / "whole.mp3").stat().st_size, rel=0.02)


def test_the_headers_count_the_frames_bytes_and_checksums_of_the_file_as_written(write_script, tmp_path):
    out = tmp_path / "session.mp3"
    mixed = _export(write_script(SCRIPT), out)
    data = out.read_bytes()
    head = 10 + sum((data[6 + i] & 0x7F) << (7 * (3 - i)) for i in range(4))
    xing_length = 72000 * 64 // 22050 + (data[head + 2] >> 1 & 1)
    xing = data[head : head + xing_length]
    at = 4 + 9  # the Xing header, after the frame header and a mono MPEG-2 frame's side information
    assert xing[at : at + 4] == b"Info"
    frames = int.from_bytes(xing[at + 8 : at + 12], "big")
    size = int.from_bytes(xing[at + 12 : at + 16], "big")
    delay_and_padding = int.from_bytes(xing[at + 141 : at + 144], "big")
    assert size == len(data) - head == int.from_bytes(xing[at + 148 : at + 152], "big")
    assert frames * FRAME_SAMPLES - (delay_and_padding >> 12) - (delay_and_padding & 0xFFF) == len(mixed)
    assert int.from_bytes(xing[at + 152 : at + 154], "big") == _crc16_arc(data[head + xing_length :])
    assert int.from_bytes(xing[at + 154 : at + 156], "big") == _crc16_arc(xing[: at + 154])
    table = list(xing[at + 16 : at + 116])
    assert table[0] == 0 and table == sorted(table) and table[99] < 256
    _whole_encoding(mixed, tmp_path / "whole.mp3", "64k")
    assert probe(out)["format"]["duration"] == probe(tmp_path / "whole.mp3")["format"]["duration"]


def test_when_a_cut_meets_sound_in_the_encoding_the_session_is_encoded_whole(write_script, tmp_path, monkeypatch):
    script = write_script(SCRIPT)
    out = tmp_path / "session.mp3"
    normal = _export(script, out)
    normal_decoded = decode(out)
    # With no silence kept beside a cut, the frames where it goes back hold the sound on either side.
    monkeypatch.setattr(condensing, "KEEP_MS", 0)
    condensed_passes = []

    def watched(chunks, cuts, multiple, chunk):
        condensed_passes.append(cuts)
        return condensed(chunks, cuts, multiple, chunk)

    monkeypatch.setattr("guide.output.export.condensed", watched)
    mixed = _export(script, out)
    assert len(condensed_passes) == 1 and condensed_passes[0], "one pass cut its silences, the next encoded them"
    decoded = decode(out)
    assert np.array_equal(mixed, normal)
    assert len(decoded) == len(mixed)
    assert _snr_db(mixed, decoded) == pytest.approx(_snr_db(mixed, normal_decoded), abs=0.5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.mp3", "session.yaml"]
