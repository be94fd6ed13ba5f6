"""The installed program with the system's ffmpeg and espeak-ng out of its reach, as on a machine that has
neither (macOS, Windows): the ones its wheels bring speak, play and export."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from measure import decode, played

from guide.sound.pcm import SAMPLE_RATE

SCRIPT = """\
title: Without the System's Tools
duration: 20s
sections:
  - title: Arriving
    steps:
      - say: Welcome. Let the ground hold you.
      - silence: 5s
closing:
  - say: You are here, today, and safe.
"""


@pytest.fixture
def hidden_run(tmp_path):
    """Run `guide ARGS...` with the system's ffmpeg and libespeak-ng out of its reach: a PATH with Python alone on
    it, and a library path whose libespeak-ng is no library, found before the system's. (A mount namespace
    would hide the files themselves, but a chroot, where the test command also runs, cannot make one.)"""
    python_only, broken = tmp_path / "python-only", tmp_path / "broken-lib"
    python_only.mkdir()
    broken.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    (broken / "libespeak-ng.so.1").write_text("not a library")
    assert shutil.which("ffmpeg") and glob.glob("/usr/lib/*/libespeak-ng.so.1"), "the test command installs both"

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        hidden = {"PATH": str(python_only), "LD_LIBRARY_PATH": str(broken)}
        return subprocess.run(
            [sys.executable, "-m", "guide", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, **(env or {}), **hidden},
            timeout=300,
        )

    return run


def test_the_bundled_espeak_ng_and_ffmpeg_speak_play_and_export(hidden_run, write_script, alsa_capture, tmp_path):
    script = write_script(SCRIPT)
    cache = {"GUIDE_CACHE_DIR": str(tmp_path / "bundled-cache")}
    voices = hidden_run("voices", "--language", "en", env=cache)
    assert voices.returncode == 0, voices.stderr
    assert "(bundled): clear and fast" in voices.stdout

    exported = hidden_run("export", str(script), "-o", str(tmp_path / "bundled.mp3"), env=cache)
    assert exported.returncode == 0, exported.stderr
    assert len(decode(tmp_path / "bundled.mp3")) == 20 * SAMPLE_RATE, "the whole session, at its length"

    wav = hidden_run("export", str(script), "-o", str(tmp_path / "bundled.wav"), env=cache)
    assert wav.returncode == 0, wav.stderr
    env, capture = alsa_capture
    play = hidden_run("play", str(script), "--quiet", env={**env, **cache})
    assert play.returncode == 0, play.stderr
    whole = decode(tmp_path / "bundled.wav")
    assert played(capture, len(whole)).tobytes() == whole.tobytes(), "the device got the session as it exports"


def test_the_bundled_voice_is_the_one_measured_for_its_version(hidden_run, tmp_path):
    result = hidden_run("voices", "--language", "en", env={"GUIDE_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    version = next(line for line in result.stdout.splitlines() if "gmw/en-us" in line).split("espeak-ng ")[1]
    release = ".".join(version.split()[0].split(".")[:2])
    folder = Path(__file__).resolve().parent.parent / "guide/voice/engines/calibration" / f"espeak-ng-{release}"
    assert folder.is_dir(), f"the bundled espeak-ng {release} has its own measurements"
