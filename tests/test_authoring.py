"""Writing sessions: every step kind rendered on time, voices, personalization, and includes."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from measure import during, first_sound_after, fundamental_hz, render, silences

from guide.rendering.timeline import CueKind
from guide.sound.pcm import SAMPLE_RATE

TOLERANCE_MS = 20
HEAD = "title: T\nsections:\n  - title: One\n    steps:\n"


def phases(timeline, name: str | None = None):
    return [c for c in timeline.cues if c.kind is CueKind.BREATHE and (name is None or c.step.phase == name)]


@pytest.mark.parametrize("cue", ["tone", "voice"])
def test_each_breathing_phase_starts_on_time(write_script, cue):
    script = write_script(
        HEAD + "      - say: Let's breathe.\n"
        f"      - breathe: {{in: 3, hold: 1.5, out: 4, rest: 1, cycles: 2}}\n        cue: {cue}\n"
    )
    timeline, samples = render(script)
    breath = phases(timeline)
    assert [(c.step.phase, c.length_ms) for c in breath] == [
        ("in", 3000),
        ("hold", 1500),
        ("out", 4000),
        ("rest", 1000),
    ] * 2
    for earlier, later in zip(breath, breath[1:], strict=False):
        assert later.start_ms == earlier.end_ms
    sounding = [c for c in breath if cue == "voice" or c.step.phase in ("in", "out")]
    for phase in sounding:
        assert first_sound_after(samples, phase.start_ms - 5) == pytest.approx(phase.start_ms, abs=TOLERANCE_MS)
    if cue == "tone":
        for held in phases(timeline, "hold") + phases(timeline, "rest"):
            quiet = samples[round(held.start_ms * 22.05) + 20 : round(held.end_ms * 22.05)]
            assert np.abs(quiet.astype(np.int32)).max() <= 328, "a held breath is silent"


def test_a_tone_rises_as_you_breathe_in_and_falls_as_you_breathe_out(write_script):
    timeline, samples = render(write_script(HEAD + "      - breathe: {in: 4, out: 4}\n        cue: tone\n"))
    breathe_in, breathe_out = phases(timeline, "in")[0], phases(timeline, "out")[0]

    def pitch_at(cue, fraction):
        middle = round((cue.start_ms + cue.length_ms * fraction) * 22.05)
        return fundamental_hz(samples[middle - 2048 : middle + 2048] * 8)

    assert pitch_at(breathe_in, 0.2) < pitch_at(breathe_in, 0.6)
    assert pitch_at(breathe_out, 0.2) > pitch_at(breathe_out, 0.6)


def test_a_spoken_cue_longer_than_its_phase_is_an_error_naming_the_step(guide, write_script):
    script = write_script(HEAD + "      - breathe: {in: 0.3, out: 4}\n")
    result = guide("check", str(script))
    assert result.returncode == 3
    assert result.stderr.startswith(f"{script}:5:9: breathe: the spoken cue of the in phase lasts ")
    assert result.stderr.strip().endswith(
        "longer than the phase itself (0.3s); lengthen the phase, or use cue: tone or cue: none"
    )


def test_affirmations_are_each_spoken_then_given_their_pause_repeat_times(write_script):
    script = write_script(
        HEAD + "      - affirm:\n          - You are safe now.\n          - Your feelings make sense.\n"
        "        pause: 3s\n        repeat: 2\n"
    )
    timeline, samples = render(script)
    spoken = [c.step.text for c in timeline.cues if c.kind is CueKind.SAY]
    assert spoken == [
        "You are safe now.",
        "You are safe now.",
        "Your feelings make sense.",
        "Your feelings make sense.",
    ]
    pauses = [c for c in timeline.cues if c.kind is CueKind.PAUSE]
    assert [p.length_ms for p in pauses] == [3000] * 4
    measured = silences(samples, min_ms=2000)
    assert len(measured) == 4
    for pause, (start, end) in zip(pauses, measured, strict=True):
        assert start == pytest.approx(pause.start_ms, abs=TOLERANCE_MS)
        assert end == pytest.approx(pause.end_ms, abs=TOLERANCE_MS)


def test_an_include_adds_the_steps_of_another_file_in_place(write_script, tmp_path):
    (tmp_path / "parts").mkdir()
    write_script("- say: From the included file.\n- pause: 2s\n", "parts/middle.yaml")
    write_script("steps:\n  - say: From a mapping with steps.\n", "parts/end.yaml")
    script = write_script(
        HEAD + "      - say: Before.\n      - include: parts/middle.yaml\n      - say: After.\n"
        "      - include: parts/end.yaml\n"
    )
    timeline, _ = render(script)
    spoken = [c.step for c in timeline.cues if c.kind is CueKind.SAY]
    assert [s.text for s in spoken] == ["Before.", "From the included file.", "After.", "From a mapping with steps."]
    assert spoken[1].where.path == tmp_path / "parts" / "middle.yaml"
    assert [c.length_ms for c in timeline.cues if c.kind is CueKind.PAUSE] == [2000]


def test_a_script_can_include_a_fragment_of_the_built_in_library(write_script):
    from guide.script.library import scripts_dir

    fragments = sorted((scripts_dir() / "common").glob("*.yaml"))
    assert fragments, "the library ships shared fragments in scripts/common/"
    script = write_script(HEAD + f"      - include: common/{fragments[0].name}\n")
    timeline, _ = render(script)
    assert any(c.kind is CueKind.SAY for c in timeline.cues)


def test_an_include_loop_is_an_error_that_shows_the_loop(guide, write_script):
    write_script("- include: session.yaml\n", "loop.yaml")
    script = write_script(HEAD + "      - include: loop.yaml\n")
    result = guide("check", str(script))
    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"{script.parent / 'loop.yaml'}:1:12: include: this makes a loop "
        "(session.yaml -> loop.yaml -> session.yaml); remove one of the includes"
    )


def test_an_error_in_an_included_file_names_that_file(guide, write_script, tmp_path):
    write_script("- pause: soon\n", "broken.yaml")
    result = guide("check", str(write_script(HEAD + "      - include: broken.yaml\n")))
    assert result.returncode == 3
    assert (
        result.stderr.strip()
        == f'{tmp_path / "broken.yaml"}:1:10: pause: expected a duration such as 5s or 1m30s, got "soon"'
    )


def _write_tone(path: Path, seconds: float, rate: int, channels: int) -> None:
    t = np.arange(round(seconds * rate)) / rate
    tone = (np.sin(2 * np.pi * 300 * t) * 8000).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.repeat(tone, channels).tobytes())


@pytest.mark.parametrize("suffix", [".wav", ".mp3", ".ogg", ".flac"])
def test_a_recorded_clip_plays_whole_at_the_session_rate_and_holds_the_timeline(write_script, tmp_path, suffix):
    source = tmp_path / "clip-source.wav"
    _write_tone(source, 2.0, 44100, 2)
    clip = tmp_path / f"my-voice{suffix}"
    if suffix != ".wav":
        subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(source), str(clip)], check=True)
    else:
        clip = source
    script = write_script(HEAD + f"      - sound: {clip.name}\n      - say: After the clip.\n")
    timeline, samples = render(script)
    sound, line = [c for c in timeline.cues if c.kind in (CueKind.SOUND, CueKind.SAY)]
    assert sound.length_ms == pytest.approx(2000, abs=60)  # lossy codecs pad a little
    assert line.start_ms == sound.end_ms
    assert first_sound_after(samples, 0) == pytest.approx(0, abs=TOLERANCE_MS)
    assert fundamental_hz(samples[:SAMPLE_RATE]) == pytest.approx(300, rel=0.03), "resampled, not sped up"


def test_voice_profiles_set_rate_pitch_and_volume(write_script):
    script = write_script(
        "title: T\nvoice:\n  rate: 120\nvoices:\n  child:\n    pitch: +4\n  slow:\n    rate: 80\n  quiet:\n"
        "    volume: 0.5\nsections:\n  - title: One\n    steps:\n"
        "      - say: Aaah, the warm sun on a summer day.\n"
        "      - say: Aaah, the warm sun on a summer day.\n        voice: child\n"
        "      - say: Aaah, the warm sun on a summer day.\n        voice: slow\n"
        "      - say: Aaah, the warm sun on a summer day.\n        voice: quiet\n"
    )
    timeline, samples = render(script)
    plain, child, slow, quiet = [c for c in timeline.cues if c.kind is CueKind.SAY]

    semitones = 12 * np.log2(fundamental_hz(during(samples, child)) / fundamental_hz(during(samples, plain)))
    assert semitones == pytest.approx(4, abs=1)
    assert slow.length_ms / plain.length_ms == pytest.approx(120 / 80, rel=0.15)
    level = 20 * np.log10(np.std(during(samples, quiet).astype(float)) / np.std(during(samples, plain).astype(float)))
    assert level == pytest.approx(-6.02, abs=0.5)


PERSONAL = """\
title: For {name}
variables:
  name: little one
  place: the garden
sections:
  - title: One
    steps:
      - say: Welcome. Let yourself arrive.
      - pause: 2s
      - say: Hello, {name}. Let's sit together in {place}.
      - pause: 2s
      - say: Notice the ground beneath you.
      - silence: 3s
closing:
  - say: You are here, and safe.
"""


def test_a_personalized_render_differs_where_the_variable_is_spoken_and_nowhere_else(write_script, tmp_path):
    script = write_script(PERSONAL)
    default_plan, default = render(script)
    named_plan, named = render(script, {"name": "Alexandria Josephine"})
    pairs = list(zip(default_plan.cues, named_plan.cues, strict=True))
    differing = []
    for a, b in pairs:
        if not np.array_equal(during(default, a), during(named, b)):
            differing.append(a.step.text if a.kind is CueKind.SAY else a.kind)
    assert differing == ["Hello, little one. Let's sit together in the garden."]


def test_vars_file_sets_variables_and_var_wins_over_it(guide, write_script, tmp_path):
    script = write_script(PERSONAL)
    client = tmp_path / "client.yaml"
    client.write_text("name: Sam\nplace: the old oak tree\n")
    result = guide("check", str(script), "--vars", str(client), "--var", "name=Robin")
    assert result.returncode == 0, result.stderr
    assert f"{script}: For Robin" in result.stdout


def test_a_vars_file_naming_an_undeclared_variable_points_at_its_line(guide, write_script, tmp_path):
    client = tmp_path / "client.yaml"
    client.write_text("name: Sam\ncolour: blue\n")
    result = guide("check", str(write_script(PERSONAL)), "--vars", str(client))
    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"{client}:2:1: colour: {tmp_path / 'session.yaml'} declares no such variable (it has: name, place)"
    )


def test_doubled_braces_are_spoken_as_literal_braces(write_script):
    from guide.script.loader import load_script

    script = load_script(write_script(HEAD + '      - say: "A {{curly}} word."\n', "braces.yaml"))
    assert script.sections[0].steps[0].text == "A {curly} word."
