"""Planning: exact cue times, the gap rule, bells ringing on, and fitting a target duration."""

from pathlib import Path

import pytest

from guide.errors import Where
from guide.rendering.planning import plan
from guide.rendering.timeline import BELL_STRIKE_MS, CueKind, FitError
from guide.script.model import Bell, Duration, Pause, Say, Script, Section, Silence, Voice

HERE = Where(Path("test.yaml"), 1, 1)
VOICE = Voice()


def say(text: str) -> Say:
    return Say(text, VOICE, HERE)


def lengths(step: Say | Bell) -> int:
    """A stand-in voice: every word lasts 400 ms; a bell rings for 8 s."""
    return 8000 if isinstance(step, Bell) else 400 * len(step.text.split())


def script(*steps, closing=(), duration=None, gap_ms=1000) -> Script:
    return Script(
        path=Path("test.yaml"),
        title="Test",
        sections=(Section("One", tuple(steps), HERE),),
        closing=tuple(closing),
        gap_ms=gap_ms,
        duration=Duration(duration, HERE) if duration else None,
    )


def test_cues_follow_each_other_exactly_with_a_gap_only_where_no_pause_follows() -> None:
    timeline = plan(script(say("one two"), say("three"), Pause(3000, HERE), say("four"), Silence(5000, HERE)), lengths)
    layout = [(c.start_ms, c.length_ms, c.kind) for c in timeline.cues]
    assert layout == [
        (0, 800, CueKind.SAY),
        (800, 1000, CueKind.GAP),
        (1800, 400, CueKind.SAY),
        (2200, 3000, CueKind.PAUSE),
        (5200, 400, CueKind.SAY),
        (5600, 5000, CueKind.SILENCE),
    ]
    assert timeline.length_ms == 10_600


def test_a_bell_holds_the_timeline_briefly_and_rings_on_under_what_follows() -> None:
    timeline = plan(script(Bell(Path("b.wav"), 0.0, HERE), say("hello")), lengths)
    bell, line = timeline.cues[0], timeline.cues[1]
    assert (bell.start_ms, bell.length_ms) == (0, BELL_STRIKE_MS)
    assert line.start_ms == BELL_STRIKE_MS


def test_a_bell_at_the_end_rings_out_before_the_session_ends() -> None:
    timeline = plan(script(say("hello")), lengths)
    with_bell = plan(script(say("hello"), closing=[Bell(Path("b.wav"), 0.0, HERE)]), lengths)
    assert with_bell.length_ms == timeline.length_ms + 8000
    assert [c.title for c in with_bell.chapters] == ["One", "Closing"]
    assert with_bell.chapters[-1].end_ms == with_bell.length_ms


@pytest.mark.parametrize("target", [30_000, 47_300, 90_000])
def test_duration_scales_every_silence_by_one_factor_to_meet_the_target(target: int) -> None:
    steps = [say("a b c"), Silence(10_000, HERE), say("d"), Silence(5000, HERE), say("e"), Silence(15_000, HERE)]
    natural = plan(script(*steps), lengths)
    fitted = plan(script(*steps, duration=target), lengths)
    assert abs(fitted.length_ms - target) <= 500
    scaled = [c.length_ms for c in fitted.cues if c.kind is CueKind.SILENCE]
    original = [c.length_ms for c in natural.cues if c.kind is CueKind.SILENCE]
    for new, old in zip(scaled, original, strict=True):
        assert new == pytest.approx(old * fitted.scale, abs=1)
    fixed = [c.length_ms for c in fitted.cues if c.kind is not CueKind.SILENCE]
    assert fixed == [c.length_ms for c in natural.cues if c.kind is not CueKind.SILENCE]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            2000,
            "2s is too short: the spoken lines, pauses and bells alone last 2.6s, 0.6s more than that; "
            "this script can last from 3.2s to 13s",
        ),
        (
            3000,
            "3s would shrink the silences 0.16 times (the range is 0.25 to 4); this script can last from 3.2s to 13s",
        ),
        (
            60_000,
            "1m would stretch the silences 22.96 times (the range is 0.25 to 4); this script can last from 3.2s to 13s",
        ),
    ],
)
def test_a_target_out_of_reach_says_by_how_much(target: int, message: str) -> None:
    with pytest.raises(FitError) as raised:
        plan(script(say("a b c"), Silence(2500, HERE), say("d"), duration=target), lengths)
    assert str(raised.value) == message
