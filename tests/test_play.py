"""Playing: the real player through ALSA, what the listener sees, Ctrl+C, and no device."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from measure import played, prepared, wav_samples

from guide.play.display import PlayDisplay
from guide.script.loader import load_script
from guide.script.values import format_clock
from guide.sound.pcm import SAMPLE_RATE

SHORT_SCRIPT = """\
title: A Short Sit
content_note: You can open your eyes or stop at any time.
sections:
  - title: Arriving
    steps:
      - bell: soft
      - say: Welcome. Let the ground hold you.
      - pause: 2s
      - say: Notice the sounds around you.
      - silence: 20s
closing:
  - say: You are here, today, and safe.
reflect:
  - What did you notice?
"""


def total_time(script: Path) -> str:
    return format_clock(prepared(load_script(script)).timeline.length_ms)


def test_the_player_sends_exactly_the_rendered_audio_to_the_device(run_guide, alsa_capture, tmp_path):
    env, capture = alsa_capture
    exported = tmp_path / "session.wav"
    assert run_guide("export", "sit-with-your-younger-self", "-o", str(exported)).returncode == 0
    result = run_guide("play", "sit-with-your-younger-self", env=env)
    assert result.returncode == 0, result.stderr
    rendered = wav_samples(exported)
    assert np.array_equal(played(capture, len(rendered)), rendered)


def test_the_listener_sees_the_title_the_content_note_the_sections_and_the_reflection(
    run_guide, write_script, alsa_capture
):
    env, _ = alsa_capture
    script = write_script(SHORT_SCRIPT)
    result = run_guide("play", str(script), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # The length is shown up front once the whole session is known, which a cold start does not wait for.
    assert lines[0] in ("A Short Sit", f"A Short Sit  ({total_time(script)})")
    assert lines[1] == "You can open your eyes or stop at any time."
    assert "— Arriving" in lines and "— Closing" in lines
    assert lines[-2:] == ["To reflect on, if you like:", "  • What did you notice?"]


def test_plain_lines_show_each_section_and_each_line_as_it_is_reached(write_script):
    session = prepared(load_script(write_script(SHORT_SCRIPT)))
    out = io.StringIO()
    display = PlayDisplay(out, live=False)
    for ms in range(0, session.timeline.length_ms + 1, 100):
        display.tick(ms, session.timeline)
    display.finish()
    shown = [line.split("  ", 1)[-1] for line in out.getvalue().splitlines()]
    assert shown == [
        "— Arriving",
        "(bell)",
        "Welcome. Let the ground hold you.",
        "Notice the sounds around you.",
        "(silence, 20s)",
        "— Closing",
        "You are here, today, and safe.",
    ]


def test_a_terminal_gets_one_status_line_rewritten_in_place_and_a_clean_last_line(write_script, alsa_capture, tmp_path):
    env, _ = alsa_capture
    script = write_script(SHORT_SCRIPT)
    code, text = shown_on_a_terminal(script, env, tmp_path)
    assert code == 0
    total = total_time(script)
    assert f"\r\x1b[K{'━' * 20} {total} / {total}" in text, "the status line shows a bar, elapsed and total time"
    assert text.endswith("  • What did you notice?\r\n")


def shown_on_a_terminal(script: Path, env: dict[str, str], cwd: Path, columns: int = 0) -> tuple[int, str]:
    """`guide play SCRIPT` with its output on a pseudo-terminal (`columns` wide, where given) and no keys: its exit
    code, and all it showed."""
    controller, terminal = pty.openpty()
    if columns:
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "guide", "play", str(script)],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        cwd=cwd,
    )
    os.close(terminal)
    output = b""
    while chunk := _read(controller):
        output += chunk
    process.wait(timeout=60)
    os.close(controller)
    return process.returncode, output.decode()


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closes when the player exits
        return b""


def playing_until(script: Path, env: dict[str, str], folder: Path, shown: str = "Welcome.") -> subprocess.Popen[str]:
    """`guide play SCRIPT` running in real time, once it shows `shown` (by default, its first spoken line)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "guide", "play", str(script)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=folder,
    )
    assert process.stdout is not None
    while shown not in process.stdout.readline():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
    return process


def test_ctrl_c_stops_the_sound_at_once_and_exits_130(write_script, paced_audio, tmp_path):
    process = playing_until(write_script(SHORT_SCRIPT), {**os.environ, **paced_audio}, tmp_path)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    _, stderr = process.communicate(timeout=20)
    # 25 seconds of the session were still to come: stopping at once means well before that.
    assert time.monotonic() - interrupted < 5
    assert process.returncode == 130
    assert re.fullmatch(r"Stopped at 0:0\d\. To go on from there later: guide play \S+ --resume", stderr.strip())


def test_stopping_early_fades_out_over_about_a_second(write_script, paced_audio, tmp_path):
    recording = tmp_path / "heard.raw"
    env = {**os.environ, **paced_audio}
    listener = subprocess.Popen(
        [
            "parecord",
            "--device=nowhere.monitor",
            "--raw",
            "--format=s16le",
            "--rate=22050",
            "--channels=1",
            str(recording),
        ],
        env=env,
    )
    # A steady bed under the silence, so that the fade is all that changes the level.
    steady = SHORT_SCRIPT.replace("sections:", "ambience: {sound: brown-noise, volume: -12dB, fade: 1s}\nsections:")
    process = playing_until(write_script(steady), env, tmp_path, shown="(silence")
    time.sleep(1.5)  # into the silence
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=20)
    time.sleep(0.5)
    listener.terminate()
    listener.wait(timeout=10)
    heard = np.fromfile(recording, dtype="<i2").astype(np.float64)
    loud = np.flatnonzero(np.abs(heard) > 328)
    end = loud[-1]
    tenth = SAMPLE_RATE // 10

    def level(at: int) -> float:
        return float(np.sqrt(np.mean(heard[at : at + tenth] ** 2)))

    # Over the last second the sound falls away steadily, rather than stopping mid-word.
    assert level(end - tenth) < level(end - 9 * tenth) / 4
    assert np.max(np.abs(heard[end - tenth : end])) < np.max(np.abs(heard[end - 10 * tenth : end - 8 * tenth]))


def test_no_audio_device_is_one_line_that_suggests_export_and_exit_4(run_guide, write_script, no_audio_device):
    script = write_script(SHORT_SCRIPT, name="short sit.yaml")
    result = run_guide("play", str(script), env=no_audio_device)
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("guide: no audio output device could be opened")
    assert result.stderr.rstrip().endswith(f"export instead: guide export '{script}' -o 'short sit.mp3'")


FOLDED_SCRIPT = """\
title: Folded
duration: 40s
sections:
  - title: Arriving
    steps:
      - say: >
          Before we begin, know that you are in charge here: you can open your eyes, pause, or stop at any
          time, and 子どもの頃の自分 is welcome too.
      - silence: 5s
closing:
  - say: You are here, today, and safe.
"""


@pytest.mark.parametrize("columns", [40, 200])
def test_the_status_line_stays_one_row_and_knows_the_length_from_the_start(
    columns, write_script, alsa_capture, tmp_path
):
    env, _ = alsa_capture
    code, shown = shown_on_a_terminal(write_script(FOLDED_SCRIPT), env, tmp_path, columns)
    assert code == 0, shown
    parts = shown.split("\r\x1b[K")[1:-1]
    rows = [part for part in parts if " / " in part]
    assert rows, shown
    # A status row is rewritten in place: the folded line's newline never moves it down a row. Each fits the
    # terminal, cut with "…" where it must be.
    assert all("\n" not in row and display_width(row) < columns for row in rows), rows
    assert any(row.endswith("…") for row in rows) == (columns == 40), rows
    # The session's length is shown from its first second: the target, here.
    assert "/ 0:40" in rows[0] and "…" not in rows[0].split("/ ")[1][:4]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def test_the_voice_is_named_only_when_asked_for(run_guide, write_script, alsa_capture):
    env, _ = alsa_capture
    script = write_script(SHORT_SCRIPT)
    plain = run_guide("play", str(script), env=env)
    verbose = run_guide("play", str(script), "--verbose", env=env)
    assert plain.returncode == verbose.returncode == 0, plain.stderr + verbose.stderr
    assert "Voice:" not in plain.stdout
    assert re.search(r"^Voice: pyttsx3 \(espeak-ng 1\.\d+[.\d]*\), voice gmw/en", verbose.stdout, re.MULTILINE)
