"""Playing with the listener's hands on it: a streaming start, keys on a terminal, resume, sections, devices."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from measure import ends_with, played, prepared, wav_samples
from terminal import Terminal

from guide.play.keys import SHOW_CURSOR
from guide.play.player import OFFER_CLOSING, TURN_FADE_MS
from guide.rendering.steps import spoken_lines
from guide.script.library import builtin_session
from guide.script.loader import load_script
from guide.sound.pcm import ms_to_samples
from guide.translation import words_in

SCRIPT = """\
title: Hands On
content_note: You can open your eyes or stop at any time.
sections:
  - title: Arriving
    steps:
      - say: Welcome. Let the ground hold you.
      - pause: 2s
      - say: Notice the sounds around you.
      - silence: 12s
  - title: Resting
    steps:
      - say: Rest here a while.
      - silence: 8s
closing:
  - say: You are here, today, and safe. Open your eyes when you are ready.
"""
FADE = ms_to_samples(TURN_FADE_MS)


@pytest.fixture
def rendered(run_guide, write_script, tmp_path):
    """The script, its exported samples (which also measures and keeps its level), and its timeline."""
    script = write_script(SCRIPT)
    out = tmp_path / "whole.wav"
    assert run_guide("export", str(script), "-o", str(out)).returncode == 0
    return script, wav_samples(out), prepared(load_script(script)).timeline


@pytest.fixture
def at_welcome(rendered, paced_capture, terminal_play) -> tuple[Terminal, Path]:
    """The rendered script playing in real time on a terminal, once its first line shows; and the file
    that gets what is played."""
    script, _, _ = rendered
    env, capture = paced_capture
    player = terminal_play(["play", str(script), "--no-checkin"], env)
    player.wait_for("Welcome.")
    return player, capture


def captured(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<i2")


SLOW_VOICE = """\
import os, sys, time
from guide.voice.engines.pyttsx3 import Pyttsx3Engine
speaking = Pyttsx3Engine.synthesize

def slow(self, *args):
    time.sleep(0.2)
    samples = speaking(self, *args)
    with open(os.environ["SPOKEN_LOG"], "a") as log:
        log.write("spoken\\n")
    return samples

Pyttsx3Engine.synthesize = slow
from guide.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
"""The program with a voice that takes a fifth of a second a line, as a slow machine's, writing a row to
SPOKEN_LOG for each line spoken (in any of its processes)."""


def test_the_first_sound_comes_long_before_the_whole_session_could_be_made(tmp_path, alsa_capture):
    env, capture = alsa_capture
    log = tmp_path / "spoken.log"
    cold = {**os.environ, **env, "GUIDE_CACHE_DIR": str(tmp_path / "cold"), "SPOKEN_LOG": str(log)}
    command = [sys.executable, "-c", SLOW_VOICE, "play", "sit-with-your-younger-self"]
    play = subprocess.Popen(command, env=cold, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    while not (capture.exists() and capture.stat().st_size > 0):
        assert play.poll() is None, play.stderr.read() if play.stderr else ""
        time.sleep(0.005)
    spoken_by_first_sound = len(log.read_text().splitlines()) if log.exists() else 0
    play.terminate()
    play.wait(timeout=30)
    # Playing streams: the first line sounds once it is spoken, while most of the session is still to be voiced.
    lines = len(set(spoken_lines(load_script(builtin_session("sit-with-your-younger-self")))))
    assert lines > 20
    assert spoken_by_first_sound < lines / 4, (spoken_by_first_sound, lines)


def test_a_gap_in_the_sound_is_counted_and_told(at_welcome):
    player, capture = at_welcome
    # Once the device is playing (it starts when it holds a fifth of a second), the player stops for a second:
    # the device plays what it holds and runs dry.
    deadline = time.monotonic() + 30
    while len(captured(capture)) < ms_to_samples(1500):
        assert time.monotonic() < deadline, "the player never got a second and a half in"
        time.sleep(0.02)
    player.process.send_signal(signal.SIGSTOP)
    time.sleep(1.0)
    player.process.send_signal(signal.SIGCONT)
    player.press("q")
    player.wait_for(OFFER_CLOSING)
    player.press("q")
    code, stderr = player.finish()
    assert code == 0, stderr
    assert "The sound stopped for a moment once: the machine was too busy to keep up." in stderr


def test_pausing_and_going_on_changes_nothing_but_a_short_fade(rendered, at_welcome):
    _, whole, _ = rendered
    player, capture = at_welcome
    player.press(" ")
    player.wait_for("paused (space to go on)")
    time.sleep(1)
    player.press(" ")
    code, stderr = player.finish()
    assert code == 0, stderr
    heard = captured(capture)
    # While paused the device played silence: the session goes on after it where it left off.
    end = len(whole) - ms_to_samples(2000)
    silence = next(
        k for k in range(0, len(heard) - len(whole) + 1) if np.array_equal(heard[end + k :][:2000], whole[end:][:2000])
    )
    first = int(np.flatnonzero(heard[: len(whole)] != whole)[0])
    assert np.abs(heard[first + FADE : first + FADE + silence]).max() < 100, "only silence was put in, while paused"
    resumed = np.concatenate((heard[: first + FADE], heard[first + FADE + silence :]))
    resumed = played(resumed, len(whole))
    differs = np.flatnonzero(resumed != whole)
    assert differs[-1] - differs[0] <= 2 * FADE + ms_to_samples(10), "only the fade out and back in differ"


def test_g_goes_to_the_grounding_close_at_once(rendered, at_welcome):
    _, whole, timeline = rendered
    player, capture = at_welcome
    player.press("g")
    code, stderr = player.finish()
    assert code == 0, stderr
    assert b"\xe2\x80\x94 Closing" in player.shown
    heard = captured(capture)
    closing = ms_to_samples(timeline.chapters[-1].start_ms)
    assert len(heard) < closing, "the sections were skipped"
    after_fade = len(whole) - closing - FADE
    # Pressed before the whole session is known, g plays the close mixed on its own: a sample may round one step
    # apart from the whole session's mix of it.
    assert ends_with(heard, whole[-after_fade:], steps=1), "it ends with the closing, as rendered"


def test_the_first_q_offers_the_close_the_second_quits_and_resume_goes_on(
    rendered, at_welcome, alsa_capture, run_guide
):
    script, whole, timeline = rendered
    player, _ = at_welcome
    player.press("q")
    player.wait_for(OFFER_CLOSING)
    player.press("q")
    code, stderr = player.finish()
    assert code == 0
    assert f"To go on from there later: guide play {script} --resume" in stderr
    assert player.restored()
    assert player.shown.endswith(SHOW_CURSOR.encode())

    capture_env, capture = alsa_capture
    result = run_guide("play", str(script), "--resume", env=capture_env)
    assert result.returncode == 0, result.stderr
    first_line = ms_to_samples(timeline.cues[0].start_ms)
    # It goes on from the start of the line that was being spoken, fading in.
    heard = played(capture, len(whole) - first_line)
    assert np.array_equal(heard[FADE:], whole[first_line + FADE :])

    again = run_guide("play", str(script), "--resume", env=capture_env)
    assert "Nothing to resume for this session: starting from the beginning." in again.stderr


def test_the_resume_hint_keeps_the_language_so_that_run_as_printed_it_goes_on_in_it(
    paced_capture, terminal_play, alsa_capture, run_guide
):
    env, _ = paced_capture
    player = terminal_play(["play", "when-you-are-triggered", "--language", "es", "--no-checkin"], env)
    spanish = words_in("es")
    player.wait_for("Algo te ha golpeado")
    player.press("q")
    player.wait_for(spanish.gettext(OFFER_CLOSING))
    player.press("q")
    code, stderr = player.finish()
    assert code == 0, stderr
    hint = "guide play when-you-are-triggered --language es --resume"
    assert spanish.gettext("To go on from there later: {command}").format(command=hint) in stderr
    capture_env, _ = alsa_capture
    resumed = run_guide(*hint.split()[1:], env=capture_env)
    assert resumed.returncode == 0, resumed.stderr
    nothing = spanish.gettext("Nothing to resume for this session: starting from the beginning.")
    assert nothing not in resumed.stderr, "the Spanish session's place was found"


@pytest.mark.parametrize("section", ["2", "resting", "Resting"])
def test_from_starts_at_a_section_named_by_number_or_title(rendered, alsa_capture, run_guide, section):
    script, whole, timeline = rendered
    env, capture = alsa_capture
    result = run_guide("play", str(script), "--from", section, env=env)
    assert result.returncode == 0, result.stderr
    start = ms_to_samples(timeline.chapters[1].start_ms)
    heard = played(capture, len(whole) - start)
    assert np.array_equal(heard[FADE:], whole[start + FADE :])


def test_from_an_unknown_section_lists_the_sections(rendered, alsa_capture, run_guide):
    script, _, _ = rendered
    env, capture = alsa_capture
    result = run_guide("play", str(script), "--from", "4", env=env)
    assert result.returncode == 2
    assert "--from 4: no such section; the sections are: 1 'Arriving', 2 'Resting', 3 'Closing'" in result.stderr
    assert not capture.exists() or capture.stat().st_size == 0, "nothing was played"


def test_quiet_shows_nothing_and_still_plays_it_all(rendered, alsa_capture, run_guide):
    script, whole, _ = rendered
    env, capture = alsa_capture
    result = run_guide("play", str(script), "--quiet", env=env)
    assert result.returncode == 0
    assert (result.stdout, result.stderr) == ("", "")
    assert np.array_equal(played(capture, len(whole)), whole)


def test_a_device_can_be_listed_and_picked(rendered, alsa_capture, run_guide, tmp_path):
    script, _, _ = rendered
    env, capture = alsa_capture
    config = Path(env["ALSA_CONFIG_PATH"])
    config.write_text(
        config.read_text() + 'pcm.quiet { type null hint { show on description "A device that hears nothing" } }\n'
    )
    listed = run_guide("play", str(script), "--device", "list", env=env)
    assert listed.returncode == 0
    assert "quiet\n    A device that hears nothing\n" in listed.stdout

    picked = run_guide("play", str(script), "--device", "quiet", env=env)
    assert picked.returncode == 0, picked.stderr
    assert not capture.exists(), "the sound went to the device picked, not the default"

    by_description = run_guide("play", str(script), "--device", "hears nothing", env=env)
    assert by_description.returncode == 0, by_description.stderr
    assert not capture.exists()

    missing = run_guide("play", str(script), "--device", "nonesuch", env=env)
    assert missing.returncode == 2
    assert missing.stderr.startswith("guide: --device nonesuch: no such audio device; the devices are: ")
    assert "quiet" in missing.stderr


def test_sigterm_while_playing_restores_the_terminal_and_keeps_the_place(rendered, at_welcome, data_env):
    script, _, _ = rendered
    player, _ = at_welcome
    player.process.send_signal(signal.SIGTERM)
    code, stderr = player.finish()
    assert code == 143
    assert "Traceback" not in stderr
    assert player.restored()
    assert SHOW_CURSOR.encode() in player.shown
    from guide.play.resume import ResumePlaces

    assert ResumePlaces(data_env).stopped_at(script) is not None, "the place is kept for --resume"
