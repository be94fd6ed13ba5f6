"""The sound device going away while a session plays: its sound server killed, as headphones unplugged end a
stream. The session pauses and says so, and the place is kept for --resume."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest
from pulse import null_sink_server_process
from terminal import Terminal

from guide.play.player import DEVICE_LOST
from guide.play.resume import ResumePlaces

SCRIPT = """\
title: Unplugged
sections:
  - title: Arriving
    steps:
      - say: Welcome. Let the ground hold you.
      - silence: 30s
closing:
  - say: You are here, today, and safe.
"""


@pytest.fixture
def own_server(tmp_path):
    """A PulseAudio server of this test's own (its environment, and its process to kill while a session plays
    through it)."""
    home = tmp_path / "pulse"
    home.mkdir()
    with null_sink_server_process(home) as served:
        yield served


def test_off_a_terminal_the_play_ends_with_its_place_kept_and_exit_4(write_script, own_server, data_env):
    env, server = own_server
    script = write_script(SCRIPT)
    command = [sys.executable, "-m", "guide", "play", str(script)]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    shown = b""
    while b"Welcome." not in shown:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready and process.poll() is None, shown
        shown += os.read(process.stdout.fileno(), 4096)
    time.sleep(3)
    server.kill()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 4, stderr
    text = stderr.decode()
    assert "The sound device stopped taking sound (were the headphones unplugged?)." in text
    assert f"guide play {script} --resume" in text
    assert "Traceback" not in text
    assert ResumePlaces(data_env).stopped_at(script) is not None


def test_on_a_terminal_it_pauses_says_so_and_q_keeps_the_place(write_script, own_server, tmp_path, data_env):
    env, server = own_server
    script = write_script(SCRIPT)
    player = Terminal(["play", str(script), "--no-checkin"], env, tmp_path)
    try:
        player.wait_for("Welcome.")
        time.sleep(2)
        server.kill()
        player.wait_for(DEVICE_LOST[:40], timeout=30)
        player.press(" ")
        # No other device is there to go on through: it says so, and stays paused.
        player.wait_for("no audio output device could be opened", timeout=30)
        assert player.process.poll() is None
        player.press("q")
        code, stderr = player.finish()
        assert code == 0, stderr
        assert player.restored()
        assert f"guide play {script} --resume" in stderr
        assert ResumePlaces(data_env).stopped_at(script) is not None
    finally:
        if player.process.poll() is None:
            player.process.kill()
        player.close()
