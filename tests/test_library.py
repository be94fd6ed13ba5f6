"""The built-in sessions: seven practices, each safe by the care rules, at any length in its range."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from measure import decode, prepared, shaping

from guide.errors import UsageError
from guide.rendering.checker import care_warnings
from guide.rendering.mixer import Mix
from guide.rendering.planning import plan_without_speaking
from guide.rendering.timeline import CueKind
from guide.rendering.versions import versions
from guide.script.library import builtin_sessions
from guide.script.loader import load_script
from guide.script.model import Duration, Keep, Say
from guide.script.overrides import with_overrides
from guide.sound.pcm import SAMPLE_RATE, SILENCE_THRESHOLD, ms_to_samples

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


LENGTHS = {name: (5, 10, 20, 45) for name in SESSIONS} | {"when-you-are-triggered": (3, 5, 10, 15)}
"""The lengths in minutes each session is made at, from its shortest to its longest."""


@pytest.mark.parametrize("name", SESSIONS)
def test_each_session_lasts_every_length_in_its_range_measured_on_its_decoded_audio(name, guide, tmp_path):
    for minutes in LENGTHS[name]:
        out = tmp_path / f"{name}-{minutes}m.wav"
        result = guide("export", name, "--duration", f"{minutes}m", "-o", str(out))
        assert result.returncode == 0, result.stderr
        heard = decode(out)
        assert abs(len(heard) - minutes * 60 * SAMPLE_RATE) <= SAMPLE_RATE / 2, f"{minutes}m"
        assert np.abs(heard[-30 * SAMPLE_RATE :]).max() > 1000, "the close is heard at the end"
        out.unlink()


@pytest.mark.parametrize("name", SESSIONS)
def test_each_session_checks_clean_when_strict_at_its_shortest_and_longest(name, guide):
    for minutes in (LENGTHS[name][0], LENGTHS[name][-1]):
        checked = guide("check", "--strict", name, "--duration", f"{minutes}m")
        assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("name", SESSIONS)
def test_at_its_shortest_a_session_leaves_out_what_its_marks_say_and_no_more(name):
    script = load_script(next(p for p in builtin_sessions() if p.stem == name))
    shortest = with_overrides(script, duration=Duration(LENGTHS[name][0] * 60_000, None))
    timeline, _ = plan_without_speaking(shortest, shaping().engines, shaping().cache())
    kept = {cue.step.keep for cue in timeline.cues if cue.step is not None}
    left_out = {step.keep for step in timeline.left_out}
    assert Keep.ALWAYS in kept and Keep.ALWAYS not in left_out, "what is always in stays"
    assert Keep.LONGER not in kept, "nothing is brought in for a short session"
    # Content goes in order: once a mark's content goes, all of every mark that goes before it has gone.
    assert max(kept) < min(left_out)
    # And no more goes than the length needs: with the content of the next mark back in, it cannot be made.
    richer = min(left_out)
    if richer is not Keep.LONGER:
        version = next(v for v in versions(shortest) if v.keep is richer).script
        every_step_kept = replace(
            version,
            sections=tuple(
                replace(section, steps=tuple(replace(step, keep=Keep.ALWAYS) for step in section.steps))
                for section in version.sections
            ),
        )
        with pytest.raises(UsageError, match="too short|shrink"):
            plan_without_speaking(every_step_kept, shaping().engines, shaping().cache())


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


def test_list_shows_each_sessions_range_and_it_holds_every_length_promised(guide):
    listed = guide("list")
    assert listed.returncode == 0, listed.stderr
    for name in SESSIONS:
        row = next(line for line in listed.stdout.splitlines() if line.startswith(f"{name}  "))
        shortest, longest = re.search(r"\(from (\S+) to (\S+) with --duration\)", row).groups()
        assert _seconds(shortest) <= LENGTHS[name][0] * 60 and _seconds(longest) >= LENGTHS[name][-1] * 60, row


def _seconds(clock: str) -> int:
    return sum(int(part) * 60**power for power, part in enumerate(reversed(clock.split(":"))))
