"""The built-in sessions: seven practices, each safe by the care rules, at any length in its range."""

from __future__ import annotations

import math

import numpy as np
import pytest
from measure import prepared, shaping

from guide.rendering.checker import care_warnings
from guide.rendering.mixer import Mix
from guide.rendering.session import plan_without_speaking
from guide.rendering.timeline import CueKind
from guide.script.library import builtin_sessions
from guide.script.loader import load_script, with_overrides
from guide.script.model import Duration, Say
from guide.sound.pcm import SILENCE_THRESHOLD, ms_to_samples

PRACTICES = {
    "sit-with-your-younger-self",
    "body-awareness",
    "reparenting-statements",
    "letter-to-your-younger-self",
    "mirror-words",
    "when-you-are-triggered",
    "glimmers-and-play",
}
SESSIONS = sorted(p.stem for p in builtin_sessions())


def session_for(name: str, duration_ms: int | None = None):
    path = next(p for p in builtin_sessions() if p.stem == name)
    target = Duration(duration_ms, None) if duration_ms else None
    return prepared(with_overrides(load_script(path), duration=target))


def test_there_is_one_session_for_each_practice():
    assert set(SESSIONS) == PRACTICES


@pytest.mark.parametrize("name", SESSIONS)
def test_each_session_carries_the_care_rules(name):
    session = session_for(name)
    script = session.script
    assert script.content_note and script.closing and script.reflect
    assert care_warnings(script, session.timeline) == []
    spoken = " ".join(s.text.lower() for s in script.closing if isinstance(s, Say))
    assert "here" in spoken and any(word in spoken for word in ("today", "now")), "the close orients to the present"
    anchors = {"feet", "hand", "sound", "breath", "ground"}
    every_line = " ".join(cue.step.text.lower() for cue in session.timeline.cues if cue.kind is CueKind.SAY)
    assert len({a for a in anchors if a in every_line}) >= 3, "more than one anchor is offered"


@pytest.mark.parametrize("name", SESSIONS)
def test_each_session_renders_at_its_shortest_default_and_three_times_default_length(name):
    default = session_for(name)
    shortest = math.ceil(default.timeline.reach_ms[0] / 1000) * 1000
    targets = [shortest, default.script.duration.ms, 3 * default.script.duration.ms]
    assert targets[2] <= default.timeline.reach_ms[1], "three times the default is within reach"
    for target in targets:
        session = session_for(name, target)
        rendered = sum(len(chunk) for chunk in session.chunks())
        assert abs(rendered - ms_to_samples(target)) <= ms_to_samples(500)


@pytest.mark.parametrize("name", SESSIONS)
def test_speech_runs_at_a_calm_pace(name):
    session = session_for(name)
    lines = [cue for cue in session.timeline.cues if cue.kind is CueKind.SAY]
    words = sum(len(cue.step.text.split()) for cue in lines)
    minutes = sum(cue.length_ms for cue in lines) / 60_000
    assert 100 <= words / minutes <= 130


@pytest.mark.parametrize("name", SESSIONS)
def test_no_spoken_line_is_cut_off_or_runs_into_the_next(name):
    session = session_for(name)
    voice_only = {step: sound for step, sound in session.sounds.items() if isinstance(step, Say)}
    samples = np.concatenate(list(Mix(session.timeline, voice_only).chunks()))
    cues = session.timeline.cues
    for cue, following in zip(cues, [*cues[1:], None], strict=True):
        if cue.kind is not CueKind.SAY:
            continue
        end = ms_to_samples(cue.end_ms)
        tail = samples[end - ms_to_samples(30) : end]
        assert np.abs(tail).max() > 0, f"{cue.step.text!r} runs to its planned end"
        after = samples[end + 1 : ms_to_samples(following.end_ms if following else cue.end_ms)]
        if following is not None and following.kind is not CueKind.SAY:
            assert np.abs(after).max(initial=0) <= SILENCE_THRESHOLD / 32768, f"{cue.step.text!r} spills over"


@pytest.mark.parametrize("name", ["when-you-are-triggered", "mirror-words"])
def test_the_plan_guide_check_prints_is_the_plan_that_plays(name):
    path = next(p for p in builtin_sessions() if p.stem == name)
    played = session_for(name).timeline
    timeline, predicted = plan_without_speaking(load_script(path), shaping().engines, shaping().cache())
    assert predicted == 0, "every line was spoken, and is timed from its clip"
    assert timeline == played
