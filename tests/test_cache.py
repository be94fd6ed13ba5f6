"""The clip cache: where it lives, what its key covers, and that it serves lines without the engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from guide.rendering.session import prepare
from guide.rendering.steps import spoken_lines
from guide.script.loader import load_script
from guide.sound.pcm import SAMPLE_RATE
from guide.voice import voicing
from guide.voice.cache import ClipCache, clip_key
from guide.voice.cores import usable_cores
from guide.voice.engines.pyttsx3 import Pyttsx3Engine
from guide.voice.forked import Forked

SCRIPT = """\
title: Cached
sections:
  - title: One
    steps:
      - say: The first line, spoken once.
      - say: The second line, spoken once.
      - say: The first line, spoken once.
"""


def clips_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.wav"))


@pytest.fixture
def synthesized(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lines the real engine is asked to speak, in order."""
    asked: list[str] = []
    real = Pyttsx3Engine.synthesize

    def spy(self, text, voice, language):
        asked.append(text)
        return real(self, text, voice, language)

    monkeypatch.setattr(Pyttsx3Engine, "synthesize", spy)
    return asked


def render(run_guide, script: Path, cache: Path, *options: str):
    """Export the script to a WAV file, with the clip cache in `cache`: rendering is what speaks lines."""
    out = script.with_suffix(".wav")
    return run_guide("export", str(script), "-o", str(out), *options, env={"GUIDE_CACHE_DIR": str(cache)})


def test_clips_are_kept_in_guide_cache_dir_one_per_distinct_line(run_guide, write_script, tmp_path):
    cache = tmp_path / "cache"
    result = render(run_guide, write_script(SCRIPT), cache)
    assert result.returncode == 0, result.stderr
    assert len(clips_in(cache)) == 2


def test_a_second_render_is_served_from_the_cache(write_script, tmp_path, synthesized, engines):
    script = load_script(write_script(SCRIPT))
    cache = ClipCache(tmp_path / "cache")
    first = prepare(script, cache, engines)
    assert synthesized == ["The first line, spoken once.", "The second line, spoken once."]
    second = prepare(script, cache, engines)
    assert len(synthesized) == 2, "nothing more was synthesized"
    assert b"".join(c.tobytes() for c in first.chunks()) == b"".join(c.tobytes() for c in second.chunks())


def test_no_cache_synthesizes_every_line_and_keeps_nothing(run_guide, write_script, tmp_path, synthesized, engines):
    script = load_script(write_script(SCRIPT))
    prepare(script, ClipCache(tmp_path / "cache"), engines)
    prepare(script, ClipCache(None), engines)
    assert len(synthesized) == 4
    empty = tmp_path / "empty"
    result = render(run_guide, write_script(SCRIPT), empty, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert not empty.exists()


def test_a_new_rate_is_synthesized_afresh(run_guide, write_script, tmp_path):
    cache = tmp_path / "cache"
    script = write_script(SCRIPT)
    assert render(run_guide, script, cache).returncode == 0
    assert render(run_guide, script, cache, "--rate", "90").returncode == 0
    assert len(clips_in(cache)) == 4


def test_a_corrupt_clip_is_synthesized_again(run_guide, write_script, tmp_path):
    cache = tmp_path / "cache"
    script = write_script(SCRIPT)
    assert render(run_guide, script, cache).returncode == 0
    damaged = clips_in(cache)[0]
    damaged.write_bytes(damaged.read_bytes()[:30])
    result = render(run_guide, script, cache)
    assert result.returncode == 0, result.stderr
    assert damaged.stat().st_size > 1000


UNSTEADY_VOICE = """\
import os, sys
from guide.voice.engines.pyttsx3 import Pyttsx3Engine
speaking = Pyttsx3Engine.synthesize

def unsteady(self, *args):
    samples = speaking(self, *args).copy()
    samples[len(samples) // 2] += os.getpid() % 7 + 1
    return samples

Pyttsx3Engine.synthesize = unsteady
from guide.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
"""The program with espeak-ng a little unsteady, as it is now and then from one call to the next: no two processes
speak a line to the same samples."""


def test_renders_that_share_a_cold_cache_at_once_sound_the_same(tmp_path):
    # Each render uses the clip the cache kept first, never the one it made itself after another's was kept.
    env = {**os.environ, "GUIDE_CACHE_DIR": str(tmp_path / "cold")}
    outs = [tmp_path / f"{n}.wav" for n in range(3)]
    command = [sys.executable, "-c", UNSTEADY_VOICE, "export", "when-you-are-triggered", "-o"]
    renders = [subprocess.Popen([*command, str(out)], env=env) for out in outs]
    assert [render.wait(timeout=300) for render in renders] == [0, 0, 0]
    first = outs[0].read_bytes()
    assert all(out.read_bytes() == first for out in outs[1:])


BASE = {"engine": "pyttsx3", "version": "2.99", "backend": "espeak-ng 1.51", "voice": "gmw/en", "rate": 110}


@pytest.mark.parametrize(
    "change",
    [{"engine": "piper"}, {"version": "3.0"}, {"backend": "espeak-ng 1.52"}, {"voice": "gmw/en-us"}, {"rate": 111}],
)
def test_the_key_changes_with_everything_that_changes_the_sound(change):
    assert clip_key({**BASE, **change}, "Hello.") != clip_key(BASE, "Hello.")


def test_the_key_changes_with_the_text_and_not_otherwise():
    assert clip_key(BASE, "Hello.") == clip_key(dict(BASE), "Hello.")
    assert clip_key(BASE, "Hello.") != clip_key(BASE, "Hello")


def test_rendering_leaves_nothing_in_the_temporary_folder(run_guide, write_script, tmp_path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary), "GUIDE_CACHE_DIR": str(tmp_path / "fresh-cache")}
    result = run_guide("export", str(write_script(SCRIPT)), "-o", str(tmp_path / "out.mp3"), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.mp3").stat().st_size > 0
    assert list(temporary.iterdir()) == []


def test_many_new_lines_are_spoken_on_every_core_and_each_is_kept(write_script, tmp_path, monkeypatch, engines):
    helpers: list[Forked] = []

    class Counted(Forked):
        def __init__(self, work):
            super().__init__(work)
            helpers.append(self)

    monkeypatch.setattr(voicing, "Forked", Counted)
    lines = [f"This is line number {n}, spoken once." for n in range(12)]
    script = load_script(
        write_script(
            "title: Many\nsections:\n  - title: One\n    steps:\n" + "".join(f"      - say: {line}\n" for line in lines)
        )
    )
    cache = ClipCache(tmp_path / "cache")
    clips = voicing.speak_lines(spoken_lines(script), script.language, engines, cache)
    assert len(helpers) == min(usable_cores(), len(lines) // voicing.LINES_PER_PROCESS) - 1
    assert [line.text for line in clips] == lines
    assert all(len(clip) > SAMPLE_RATE / 2 for clip in clips.values()), "every line, wherever spoken, is heard"
    assert len(clips_in(tmp_path / "cache")) == len(lines)


def test_a_measure_taken_by_two_renders_at_once_is_the_one_kept_first(tmp_path):
    first, second = ClipCache(tmp_path), ClipCache(tmp_path)
    assert second.get_measure("gain") is None, "the second render looks before the first keeps its measure"
    assert first.keep_measure("gain", -3.5) == -3.5
    assert second.keep_measure("gain", -3.25) == -3.5
    assert ClipCache(tmp_path).get_measure("gain") == -3.5
