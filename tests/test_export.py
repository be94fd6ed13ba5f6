"""Exported files: they decode, last as planned, and put every pause, silence and bell where the plan says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from measure import decode, first_sound_after, prepared, probe, silences

from guide.rendering.mixer import DUCK_DB
from guide.rendering.timeline import CueKind
from guide.script.loader import load_script
from guide.script.model import Duration
from guide.sound.loudness import clip_loudness

TIMING_SCRIPT = """\
title: Timing
author: Test Author
content_note: Stop whenever you like.
gap: 1s
sections:
  - title: Arriving
    steps:
      - say: Settle in.
      - pause: 3s
      - say: Notice your feet.
      - pause: 1500ms
      - say: Listen.
      - silence: 4s
  - title: Resting
    steps:
      - say: Rest here.
      - bell: chime
      - pause: 2s
closing:
  - say: Come back.
"""
TOLERANCE_MS = 20


def planned(script_path: Path, *, duration_ms: int | None = None):
    from guide.script.overrides import with_overrides

    script = with_overrides(load_script(script_path), duration=Duration(duration_ms, None) if duration_ms else None)
    return prepared(script).timeline


@pytest.mark.parametrize("suffix", [".mp3", ".wav"])
def test_every_quiet_stretch_and_bell_lands_where_the_plan_puts_it(run_guide, write_script, tmp_path, suffix):
    script = write_script(TIMING_SCRIPT)
    out = tmp_path / f"timing{suffix}"
    result = run_guide("export", str(script), "-o", str(out))
    assert result.returncode == 0, result.stderr
    timeline = planned(script)
    samples = decode(out)

    assert len(samples) * 1000 / 22050 == pytest.approx(timeline.length_ms, abs=500)
    quiet_cues = [
        c
        for c in timeline.cues
        if c.kind in (CueKind.PAUSE, CueKind.SILENCE, CueKind.GAP)
        and c.length_ms >= 900
        and not _under_a_bell(c, timeline)
    ]
    measured = silences(samples, min_ms=800)
    assert len(measured) == len(quiet_cues)
    for cue, (start, end) in zip(quiet_cues, measured, strict=True):
        assert start == pytest.approx(cue.start_ms, abs=TOLERANCE_MS)
        assert end == pytest.approx(cue.end_ms, abs=TOLERANCE_MS)
    bell = next(c for c in timeline.cues if c.kind is CueKind.BELL)
    assert first_sound_after(samples, bell.start_ms - 5) == pytest.approx(bell.start_ms, abs=TOLERANCE_MS)


def _under_a_bell(cue, timeline) -> bool:
    bells = [c for c in timeline.cues if c.kind is CueKind.BELL]
    return any(b.start_ms <= cue.start_ms < b.start_ms + 3500 for b in bells)


def test_an_mp3_carries_the_scripts_tags_and_a_new_files_permissions(run_guide, write_script, tmp_path):
    out = tmp_path / "tagged.mp3"
    assert run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out)).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    info = probe(out)
    assert info["streams"][0]["codec_name"] == "mp3"
    assert int(info["streams"][0]["sample_rate"]) == 22050
    tags = info["format"]["tags"]
    assert tags["title"] == "Timing"
    assert tags["artist"] == "Test Author"
    assert tags["genre"] == "Meditation"
    assert tags["comment"] == "Stop whenever you like."


def test_a_folded_content_note_is_tagged_without_the_line_break_yaml_ends_it_with(run_guide, write_script, tmp_path):
    note = "content_note: Stop whenever you like."
    folded = TIMING_SCRIPT.replace(note, "content_note: >\n  Stop whenever\n  you like.")
    out = tmp_path / "folded.mp3"
    assert run_guide("export", str(write_script(folded)), "-o", str(out)).returncode == 0
    assert probe(out)["format"]["tags"]["comment"] == "Stop whenever you like."


@pytest.mark.parametrize(("target", "seconds"), [("30s", 30), ("1m30s", 90)])
def test_duration_shrinks_or_stretches_the_silences_to_meet_the_target(
    run_guide, write_script, tmp_path, target, seconds
):
    out = tmp_path / "fitted.mp3"
    script = write_script(TIMING_SCRIPT.replace("silence: 4s", "silence: 30s"))
    result = run_guide("export", str(script), "-o", str(out), "--duration", target)
    assert result.returncode == 0, result.stderr
    assert len(decode(out)) / 22050 == pytest.approx(seconds, abs=0.5)
    silence = next(c for c in planned(script, duration_ms=seconds * 1000).cues if c.kind is CueKind.SILENCE)
    measured = [end - start for start, end in silences(decode(out), min_ms=5000)]
    assert max(measured) == pytest.approx(silence.length_ms, abs=TOLERANCE_MS)


def test_a_duration_out_of_reach_is_a_usage_error_that_says_by_how_much(run_guide, write_script, tmp_path):
    out = tmp_path / "fitted.mp3"
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out), "--duration", "5s")
    assert result.returncode == 2
    assert "--duration: 5s is too short: the spoken lines, pauses and bells alone last" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.yaml"]  # the encoder, started early, wrote none


def test_the_format_can_be_named_when_the_suffix_does_not(run_guide, write_script, tmp_path):
    out = tmp_path / "session.audio"
    assert run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out)).returncode == 2
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out), "--format", "wav")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:4] == b"RIFF"


def test_without_a_system_ffmpeg_the_bundled_one_exports_the_same_session(run_guide, write_script, tmp_path):
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    script = write_script(TIMING_SCRIPT)
    system, bundled = tmp_path / "system.mp3", tmp_path / "bundled.mp3"
    assert run_guide("export", str(script), "-o", str(system)).returncode == 0
    result = run_guide("export", str(script), "-o", str(bundled), env={"PATH": str(python_only)})
    assert result.returncode == 0, result.stderr
    assert probe(bundled)["format"]["tags"]["title"] == probe(system)["format"]["tags"]["title"]
    assert len(decode(bundled)) == len(decode(system)), "the same session, sample for sample as long"


def test_with_no_ffmpeg_at_all_mp3_export_fails_clearly_and_leaves_nothing(run_guide, write_script, tmp_path):
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    out = tmp_path / "out.mp3"
    hidden = {"PATH": str(python_only), "IMAGEIO_FFMPEG_EXE": str(tmp_path / "no-ffmpeg-here")}
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out), env=hidden)
    assert result.returncode == 4
    assert result.stderr.strip() == (
        "guide: ffmpeg is needed to write MP3 but was not found; "
        "reinstall the program (pip install inner-guide), which brings one, or install ffmpeg"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "session.yaml"]


def test_an_existing_file_is_kept_whole_when_an_export_fails(run_guide, write_script, tmp_path):
    out = tmp_path / "out.mp3"
    out.write_bytes(b"the listener's earlier export")
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out), "--duration", "2s")
    assert result.returncode == 2
    assert out.read_bytes() == b"the listener's earlier export"


@pytest.mark.parametrize(
    ("stop", "exit_code", "suffix"),
    [(signal.SIGINT, 130, ".wav"), (signal.SIGTERM, 143, ".wav"), (signal.SIGINT, 130, ".mp3")],
)
def test_ctrl_c_or_sigterm_during_an_export_leaves_no_partial_file(write_script, tmp_path, stop, exit_code, suffix):
    long_session = write_script(TIMING_SCRIPT.replace("silence: 4s", "silence: 1h"))
    out = tmp_path / f"long{suffix}"
    process = subprocess.Popen(
        [sys.executable, "-m", "guide", "export", str(long_session), "-o", str(out), "--captions", "vtt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 120
    # The first file written: an MP3 is encoded to a file of its own before its `.part` is written from it,
    # quickly enough that a stop sent then could come after the export had finished.
    while not any(p.name != long_session.name for p in tmp_path.iterdir()):
        assert process.poll() is None and time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.01)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == exit_code
    assert stderr.endswith("Stopped.\n")
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.yaml"]


def test_an_output_folder_that_does_not_exist_is_a_clear_error(run_guide, write_script, tmp_path):
    out = tmp_path / "missing" / "out.mp3"
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(out))
    assert result.returncode == 1
    assert result.stderr.strip() == f"guide: cannot write {out}: the folder {out.parent} does not exist"


def test_an_unwritable_output_folder_is_a_clear_error(run_guide, write_script, tmp_path):
    # A folder the test makes read-only; no mode stops root, so there the pseudo-terminals' folder, which refuses
    # new files to anyone (the tests of the keys need it mounted).
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    if os.geteuid() == 0:
        locked = Path("/dev/pts")
    result = run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(locked / "out.mp3"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"guide: cannot write in {locked}: Permission denied"


def test_ambience_sits_under_the_voice_at_its_set_level_and_fades_in(run_guide, write_script, tmp_path):
    script = write_script(
        "title: Bed\nambience:\n  sound: brown-noise\n  volume: -12dB\n  fade: 2s\n"
        "sections:\n  - title: One\n    steps:\n      - pause: 3s\n"
        "      - say: Settle in, and listen to the sound around you.\n"
        "      - silence: 10s\n      - say: Rest here.\n"
    )
    out = tmp_path / "bed.wav"
    assert run_guide("export", str(script), "-o", str(out)).returncode == 0
    with_bed = decode(out).astype(np.float64)
    timeline = planned(script)
    speech = [c for c in timeline.cues if c.kind is CueKind.SAY]
    voice = np.concatenate([with_bed[_span(c.start_ms, c.end_ms)] for c in speech])
    silence = next(c for c in timeline.cues if c.kind is CueKind.SILENCE)
    bed = with_bed[_span(silence.start_ms + 1000, silence.end_ms - 1000)]
    # Levels as the listener hears them: K-weighted loudness, as the bed's volume is set.
    assert clip_loudness(bed / 32768) - clip_loudness(voice / 32768) == pytest.approx(-12, abs=2)
    assert _rms(with_bed[_span(0, 200)]) < _rms(bed) / 4, "the bed fades in rather than starting at full level"
    end = timeline.length_ms
    assert _rms(with_bed[_span(end - 200, end)]) < _rms(bed) / 4, "and fades out at the end"


def test_the_bed_dips_under_speech_and_rises_in_silence(run_guide, write_script, tmp_path):
    text = (
        "title: Duck\nambience:\n  sound: pink-noise\n  volume: -18dB\n  fade: 1s\n"
        "sections:\n  - title: One\n    steps:\n      - silence: 4s\n"
        "      - say: This is a long line, spoken slowly and calmly, so the bed has time to settle beneath it.\n"
        "      - silence: 4s\n"
    )
    script = write_script(text)
    paths = {name: tmp_path / f"{name}.wav" for name in ("with", "without")}
    assert run_guide("export", str(script), "-o", str(paths["with"])).returncode == 0
    assert run_guide("export", str(script), "-o", str(paths["without"]), "--no-ambience").returncode == 0
    bed = decode(paths["with"]).astype(np.float64) - decode(paths["without"]).astype(np.float64)
    line = next(c for c in planned(script).cues if c.kind is CueKind.SAY)
    under_speech = bed[_span(line.start_ms + 500, line.end_ms - 500)]
    in_silence = bed[_span(1500, 3000)]
    assert 20 * np.log10(_rms(under_speech) / _rms(in_silence)) == pytest.approx(DUCK_DB, abs=1)


def _span(start_ms: int, end_ms: int) -> slice:
    return slice(round(start_ms * 22.05), round(end_ms * 22.05))


def _rms(samples) -> float:
    return float(np.sqrt(np.mean(samples**2)))


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "chapters"),
    [
        (".mp3", "mp3", 22050, True),
        (".ogg", "opus", 48000, True),
        (".opus", "opus", 48000, True),
        (".m4a", "aac", 22050, True),
        (".flac", "flac", 22050, True),
        (".wav", "pcm_s16le", 22050, False),
    ],
)
def test_every_format_round_trips_with_its_length_tags_cover_and_chapters(
    run_guide, write_script, tmp_path, suffix, codec, rate, chapters
):
    cover = _cover_image(tmp_path / "cover.png")
    script = write_script(TIMING_SCRIPT.replace("gap: 1s", "gap: 1s\ncover: cover.png"))
    out = tmp_path / f"session{suffix}"
    result = run_guide("export", str(script), "-o", str(out), "--album", "For Sam")
    assert result.returncode == 0, result.stderr
    info = probe(out)
    stream = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (stream["codec_name"], int(stream["sample_rate"]), stream["channels"]) == (codec, rate, 1)
    timeline = planned(script)
    assert float(info["format"]["duration"]) == pytest.approx(timeline.length_ms / 1000, abs=0.1)
    if suffix != ".wav":
        tags = {key.lower(): value for key, value in info["format"].get("tags", {}).items()}
        tags |= {key.lower(): value for key, value in stream.get("tags", {}).items()}
        assert (tags["title"], tags["artist"], tags["album"]) == ("Timing", "Test Author", "For Sam")
        assert tags["genre"] == "Meditation"
        pictures = [s for s in info["streams"] if s["codec_type"] == "video"]
        assert [(p["codec_name"], p["disposition"]["attached_pic"]) for p in pictures] == [("png", 1)]
        extracted = tmp_path / "extracted.png"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(out), "-map", "0:v", "-c", "copy", "-f", "image2", str(extracted)],
            check=True,
        )
        assert extracted.read_bytes() == cover.read_bytes()
    if chapters:
        found = [
            (c["tags"]["title"], round(float(c["start_time"]) * 1000), round(float(c["end_time"]) * 1000))
            for c in info["chapters"]
        ]
        expected = [(c.title, c.start_ms, c.end_ms) for c in timeline.chapters]
        assert [title for title, _, _ in found] == ["Arriving", "Resting", "Closing"]
        for (_, start, end), (_, want_start, want_end) in zip(found, expected, strict=True):
            assert start == pytest.approx(want_start, abs=1)
            assert end == pytest.approx(want_end, abs=30)  # Opus pads its last frame


def _cover_image(path: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0x6a8caf:s=32x32", "-frames:v", "1", str(path)],
        check=True,
    )
    return path


def test_the_bitrate_can_be_chosen(run_guide, write_script, tmp_path):
    low, high = tmp_path / "low.mp3", tmp_path / "high.mp3"
    assert run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(low), "--bitrate", "48k").returncode == 0
    assert run_guide("export", str(write_script(TIMING_SCRIPT)), "-o", str(high), "--bitrate", "96k").returncode == 0
    assert int(probe(low)["format"]["bit_rate"]) < int(probe(high)["format"]["bit_rate"])
