"""Broadcast-grade levels: loudness on target, true peaks under -1 dBTP, no clipping, bells and beds as asked."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from measure import decode

from guide.output import export as export_module
from guide.output.formats import ExportSettings
from guide.rendering.session import TRIM_TOLERANCE_LU, prepare
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.library import builtin_sessions
from guide.script.loader import load_script
from guide.sound.loudness import integrated_loudness
from guide.sound.pcm import SAMPLE_RATE
from guide.sound.sounds import ambience_loop
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines

pytestmark = pytest.mark.shared_clips
SESSIONS = sorted(p.stem for p in builtin_sessions())


def ebur128(path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP), as ffmpeg's BS.1770 meter reads them."""
    result = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    loudness = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return loudness, peak


@pytest.mark.parametrize("name", SESSIONS)
def test_every_built_in_session_meets_the_loudness_target_under_the_peak_limit(guide, tmp_path, name):
    out = tmp_path / f"{name}.mp3"
    assert guide("export", name, "-o", str(out)).returncode == 0
    loudness, peak = ebur128(out)
    assert loudness == pytest.approx(-16, abs=1)
    assert peak <= -1.0
    assert np.abs(decode(out).astype(np.int32)).max() < 32767, "nothing clips"


def test_the_loudness_target_can_be_changed(guide, tmp_path):
    out = tmp_path / "quiet.mp3"
    assert guide("export", "when-you-are-triggered", "-o", str(out), "--loudness", "-23").returncode == 0
    loudness, peak = ebur128(out)
    assert loudness == pytest.approx(-23, abs=1)
    assert peak <= -1.0


def test_no_bells_keeps_the_pacing_and_silences_the_bells(guide, tmp_path):
    belled, unbelled = tmp_path / "belled.wav", tmp_path / "unbelled.wav"
    assert guide("export", "mirror-words", "-o", str(belled)).returncode == 0
    assert guide("export", "mirror-words", "-o", str(unbelled), "--no-bells").returncode == 0
    with_bells, without = decode(belled), decode(unbelled)
    # The session opens with a bell: without it, its first seconds are silent.
    assert np.abs(with_bells[: SAMPLE_RATE * 2].astype(np.int32)).max() > 1000
    assert np.abs(without[: SAMPLE_RATE * 2].astype(np.int32)).max() == 0
    assert abs(len(without) - len(with_bells)) < SAMPLE_RATE * 12, "only the closing bell's ring-out goes"


def test_a_session_that_opens_with_a_bell_fades_in_over_it(guide, tmp_path):
    out = tmp_path / "session.wav"
    assert guide("export", "body-awareness", "-o", str(out)).returncode == 0
    samples = decode(out).astype(np.float64)
    first, later = samples[: SAMPLE_RATE // 10], samples[SAMPLE_RATE * 2 : SAMPLE_RATE * 2 + SAMPLE_RATE // 10]
    assert np.abs(first).max() < np.abs(later).max() / 4


def test_a_recorded_bed_loops_without_a_click(tmp_path):
    seconds = 2.3  # not a whole number of cycles: looped as it is, the end would jump to the start
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = (np.sin(2 * np.pi * 217 * t + 1.0) * 0.5 * 32767).astype("<i2")
    path = tmp_path / "hum.wav"
    import wave

    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(tone.tobytes())
    loop = ambience_loop(path)
    own_steps = np.abs(np.diff(loop))
    assert abs(float(loop[-1]) - float(loop[0])) <= own_steps.max()
    naive = tone.astype(np.float64)
    assert abs(naive[0] - naive[-1]) > np.abs(np.diff(naive)).max(), "the uncrossfaded file would click"


SPARSE_SCRIPT = (
    "title: Sparse\nambience:\n  sound: brown-noise\n  volume: -18dB\n"
    "sections:\n  - title: One\n    steps:\n      - say: Settle in, and listen.\n"
    "      - silence: 8s\n      - say: Rest here.\n      - silence: 8s\n"
)
"""Two short lines over a bed, mostly bed: nearly a decibel from the usual trim, as a practitioner's own
session may be."""


@pytest.fixture
def writes(monkeypatch) -> list[Path]:
    """Every WAV the exporter writes in this process, in order."""
    written: list[Path] = []
    write_wav = export_module._write_wav

    def counted(path, chunks):
        written.append(path)
        write_wav(path, chunks)

    monkeypatch.setattr(export_module, "_write_wav", counted)
    return written


def exported(script: Path, cache: ClipCache, engines: Engines, out: Path) -> Path:
    with export_module.exporting(out, ExportSettings("wav")) as write:
        write(prepare(load_script(script), cache, engines))
    return out


def test_a_built_in_session_is_written_once_on_its_first_render_and_lands_on_target(tmp_path, writes, engines):
    path = next(p for p in builtin_sessions() if p.stem == "when-you-are-triggered")
    out = exported(path, ClipCache(tmp_path / "cache"), engines, tmp_path / "first.wav")
    assert len(writes) == 1, "the usual trim was close enough: no second pass"
    assert ebur128(out)[0] == pytest.approx(-16, abs=TRIM_TOLERANCE_LU + 0.05)


def test_a_session_far_from_the_usual_trim_is_measured_as_written_and_written_again(
    tmp_path, writes, write_script, engines
):
    script, cache = write_script(SPARSE_SCRIPT), ClipCache(tmp_path / "cache")
    provisional = prepare(load_script(script), cache, engines)
    assert provisional.provisional is not None
    first_pass = integrated_loudness(c / 32768 for c in provisional.chunks())
    assert abs(first_pass - LOUDNESS_LUFS) > TRIM_TOLERANCE_LU, "the usual trim misses this session"

    first = exported(script, cache, engines, tmp_path / "first.wav")
    assert len(writes) >= 2
    assert ebur128(first)[0] == pytest.approx(-16, abs=TRIM_TOLERANCE_LU + 0.05)
    # The trim that proved right is kept: the next render is written once, and is the same file.
    passes = len(writes)
    again = exported(script, cache, engines, tmp_path / "again.wav")
    assert len(writes) == passes + 1
    assert prepare(load_script(script), cache, engines).provisional is None
    assert again.read_bytes() == first.read_bytes()
