"""The Python API: load, render as a pydub AudioSegment, and export, with the command's options and errors."""

from __future__ import annotations

import numpy as np
import pytest
from measure import decode, probe

import guide
from guide.errors import ScriptError, UsageError
from guide.script.model import Script

SCRIPT = """\
title: From Python
variables:
  name: friend
sections:
  - title: One
    steps:
      - say: Hello, {name}. Let the ground hold you.
      - silence: 10s
closing:
  - say: You are here, today, and safe.
"""


def test_load_validates_and_applies_the_options(write_script):
    script = guide.load(write_script(SCRIPT), variables={"name": "Sam"}, duration="20s", rate=100)
    assert isinstance(script, Script)
    assert script.sections[0].steps[0].text == "Hello, Sam. Let the ground hold you."
    assert script.duration.ms == 20_000
    assert script.sections[0].steps[0].voice.rate == 100


def test_render_gives_the_samples_a_wav_export_writes(write_script, tmp_path, run_guide):
    path = write_script(SCRIPT)
    out = tmp_path / "cli.wav"
    assert run_guide("export", str(path), "-o", str(out), "--var", "name=Sam", "--duration", "20s").returncode == 0
    segment = guide.render(path, variables={"name": "Sam"}, duration=20)
    assert (segment.frame_rate, segment.channels, segment.sample_width) == (22050, 1, 2)
    assert abs(len(segment) - 20_000) <= 500, "meets the duration within half a second"
    samples = np.array(segment.get_array_of_samples(), dtype=np.int16)
    assert np.array_equal(samples, decode(out))


def test_export_writes_the_file_and_its_captions(write_script, tmp_path):
    written = guide.export(guide.load(write_script(SCRIPT)), tmp_path / "api.mp3", captions="vtt")
    assert [p.name for p in written] == ["api.mp3", "api.vtt"]
    assert probe(tmp_path / "api.mp3")["format"]["tags"]["title"] == "From Python"
    assert "Hello, friend." in (tmp_path / "api.vtt").read_text()


def test_the_commands_errors_are_exceptions_that_name_the_apis_own_parameters(write_script, tmp_path):
    with pytest.raises(ScriptError) as bad:
        guide.load(write_script("title: Broken\nsections:\n  - title: One\n    steps:\n      - pause: -2s\n"))
    assert (bad.value.where.line, bad.value.where.column) == (5, 16)
    with pytest.raises(UsageError, match="^rate: 300 is not a whole number of words per minute from 60 to 250"):
        guide.load(write_script(SCRIPT), rate=300)
    with pytest.raises(UsageError, match="^variables nickname: .* declares no such variable"):
        guide.load(write_script(SCRIPT), variables={"nickname": "Sam"})
    with pytest.raises(UsageError, match="^duration: 1s is too short"):
        guide.render(write_script(SCRIPT), duration="1s")
    with pytest.raises(UsageError, match="^loudness: -5 LUFS is outside -30 to -10"):
        guide.render(write_script(SCRIPT), loudness=-5)
    with pytest.raises(UsageError, match="^language: 'es es' is not a language tag"):
        guide.load("sit-with-your-younger-self", language="es es")
    with pytest.raises(UsageError, match="duration: give these to guide.load"):
        guide.render(guide.load(write_script(SCRIPT)), duration="1m")
    with pytest.raises(UsageError, match="durration: not an option of guide.load, render or export"):
        guide.render(write_script(SCRIPT), durration="1m")
    with pytest.raises(UsageError, match="cannot tell the format"):
        guide.export(write_script(SCRIPT), tmp_path / "session.xyz")
