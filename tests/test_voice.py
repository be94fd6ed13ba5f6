"""The offline voice: pacing, the engine's known faults, voice choice, and a clear message when it is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from guide.script.model import Voice
from guide.sound.pcm import SAMPLE_RATE, trim_silence
from guide.voice.engines import Engines

PASSAGE = (
    "Find a position that feels supported, sitting or lying down. "
    "You might notice your feet, and the floor beneath them. "
    "Let the ground hold some of your weight, and rest your hands somewhere comforting. "
    "There is nothing you need to do right now, and nowhere you need to be."
)


@pytest.mark.parametrize("rate", [60, 75, 90, 100, 110, 120, 150, 200, 250])
def test_the_speech_rate_is_honoured_within_ten_percent(rate: int) -> None:
    clip = trim_silence(Engines(None).named("pyttsx3").synthesize(PASSAGE, Voice(rate=rate), "en"))
    words_per_minute = len(PASSAGE.split()) / (len(clip) / SAMPLE_RATE / 60)
    assert words_per_minute == pytest.approx(rate, rel=0.10)


def test_the_first_long_line_of_a_process_is_spoken_in_full() -> None:
    # pyttsx3 writes no file for a process's first save when the audio runs past about 15 seconds.
    long_line = " ".join([PASSAGE] * 2)
    code = (
        "import sys; from guide.voice.engines import Engines; from guide.script.model import Voice; "
        f"clip = Engines(None).named('pyttsx3').synthesize({long_line!r}, Voice(rate=110), 'en'); "
        "sys.stderr.write(str(len(clip)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stderr) / SAMPLE_RATE > 30
    assert result.stdout == "", "the engine's 'Audio saved to' chatter must not reach stdout"


def test_the_first_line_of_every_process_is_spoken_at_its_pace() -> None:
    # pyttsx3 queues its own settings (a rate of 200) for espeak-ng's thread as it starts; one of every four
    # processes or so spoke its first line at that pace when they reached espeak-ng after the line's own.
    code = (
        "import sys; from guide.voice.engines import Engines; from guide.script.model import Voice; "
        f"clip = Engines(None).named('pyttsx3').synthesize({' '.join([PASSAGE] * 2)!r}, Voice(rate=110), 'en'); "
        "sys.stdout.write(str(len(clip)))"
    )
    lengths = [
        int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(16)
    ]
    assert max(lengths) < min(lengths) * 1.02, sorted(lengths)


def test_trimming_removes_only_the_quiet_padding_at_either_end() -> None:
    clip = Engines(None).named("pyttsx3").synthesize("Rest here.", Voice(), "en")
    trimmed = trim_silence(clip)
    assert len(clip) - len(trimmed) > SAMPLE_RATE * 0.3, "espeak-ng pads each line with silence"
    assert abs(int(trimmed[0])) > 328 and abs(int(trimmed[-1])) > 328
    start = int(np.flatnonzero(np.abs(clip.astype(np.int32)) > 328)[0])
    assert np.array_equal(clip[start : start + len(trimmed)], trimmed)


@pytest.mark.parametrize(("language", "voice_id"), [("en", "gmw/en"), ("en-US", "gmw/en-us"), ("fr", "roa/fr")])
def test_the_language_picks_the_default_voice(language: str, voice_id: str) -> None:
    assert Engines(None).named("pyttsx3").identity(Voice(), language)["voice"] == voice_id


def test_a_broken_system_espeak_library_gives_way_to_the_bundled_one(run_guide, write_script, tmp_path: Path) -> None:
    broken = tmp_path / "lib"
    broken.mkdir()
    for name in ("libespeak-ng.so.1", "libespeak.so.1"):
        (broken / name).write_text("not a library")
    script = write_script("title: T\nsections:\n  - title: One\n    steps:\n      - say: A line never spoken before.\n")
    result = run_guide(
        "check", str(script), env={"LD_LIBRARY_PATH": str(broken), "GUIDE_CACHE_DIR": str(tmp_path / "c")}
    )
    assert result.returncode == 0, result.stderr
    voices = run_guide("voices", "--language", "en", env={"LD_LIBRARY_PATH": str(broken)})
    assert "(bundled): clear and fast" in voices.stdout


def test_lines_spoken_one_after_another_are_each_whole_and_unmixed() -> None:
    # pyttsx3 can return before espeak-ng has finished a line, so that the line's tail lands in the
    # next line's file; each line must sound the same whatever came before it.
    lines = [" ".join([PASSAGE] * 2), "Rest here.", PASSAGE, "Breathe.", " ".join([PASSAGE] * 3), "You are safe."]
    code = (
        "import sys; from guide.voice.engines import Engines; from guide.script.model import Voice; "
        "from guide.sound.pcm import trim_silence; engine = Engines(None).named('pyttsx3'); "
        f"lines = {lines!r}; "
        "lengths = [len(trim_silence(engine.synthesize(t, Voice(rate=110), 'en'))) for t in lines + lines]; "
        "sys.stderr.write(' '.join(map(str, lengths)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lengths = [int(n) for n in result.stderr.split()]
    first, second = lengths[: len(lines)], lengths[len(lines) :]
    for text, a, b in zip(lines, first, second, strict=True):
        # espeak-ng itself varies a line by a few milliseconds from one synthesis to the next.
        assert a == pytest.approx(b, rel=0.03), text[:30]
        assert a / SAMPLE_RATE == pytest.approx(len(text.split()) / 110 * 60, rel=0.4), text[:30]


def test_every_speech_engine_the_format_names_has_a_module():
    from guide.script.format import SPEECH_ENGINES
    from guide.voice.engines import ENGINE_CLASSES

    assert sorted(ENGINE_CLASSES) == sorted(SPEECH_ENGINES)
    assert [Engines(None).named(name).name for name in SPEECH_ENGINES] == list(SPEECH_ENGINES)


def test_a_ctrl_c_while_espeak_ng_hands_back_sound_stops_the_line_and_is_not_lost(monkeypatch, capfd) -> None:
    import ctypes

    engine = Engines(models_dir=None).named("pyttsx3")
    engine.synthesize("Warm up.", Voice(), "en")  # loaded, so that the next line goes straight to espeak-ng
    copied = ctypes.string_at
    calls = []

    def interrupted(*args):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as the program's Ctrl+C handler raises it, in the callback
        return copied(*args)

    monkeypatch.setattr(ctypes, "string_at", interrupted)
    with pytest.raises(KeyboardInterrupt):
        engine.synthesize("A line long enough to come back from espeak-ng in more than one piece.", Voice(), "en")
    assert len(calls) == 2, "espeak-ng stops at once"
    assert "Exception ignored" not in capfd.readouterr().err
    monkeypatch.setattr(ctypes, "string_at", copied)
    assert len(engine.synthesize("And it speaks again.", Voice(), "en")) > SAMPLE_RATE // 2
