"""Fitting a session to the length a person has: silences first, then the content an author marked optional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guide.rendering.planning import plan
from guide.rendering.timeline import FitError
from guide.script.loader import load_script
from guide.script.model import Bell, BreathPhase, Duration, Recording, Step
from guide.script.overrides import with_overrides

VERSION_1 = Path(__file__).parent / "data" / "version-1"
"""The built-in sessions as they were written before optional content: version 1 scripts, frozen."""


def stand_in_lengths(step: Step) -> int:
    """A voice that speaks each word in 400 ms; a bell rings 8 s, a clip lasts 5 s, a breathing cue 300 ms."""
    if isinstance(step, Bell):
        return 8000
    if isinstance(step, BreathPhase):
        return 300 if step.cue == "voice" else 0
    if isinstance(step, Recording):
        return 5000
    return 400 * len(step.text.split())


@pytest.mark.parametrize("name", sorted(p.stem for p in VERSION_1.glob("*.yaml")))
def test_a_version_1_script_gives_the_plan_it_gave_before(name):
    recorded = json.loads((VERSION_1 / "plans.json").read_text())
    for target in (None, 600_000, 900_000, 1_200_000):
        script = load_script(VERSION_1 / f"{name}.yaml")
        if target:
            script = with_overrides(script, duration=Duration(target, None))
        before = recorded[f"{name}@{target}"]
        if "error" in before:
            with pytest.raises(FitError) as refused:
                plan(script, stand_in_lengths)
            assert str(refused.value) == before["error"]
            continue
        timeline = plan(script, stand_in_lengths)
        assert [[c.start_ms, c.length_ms, c.kind.value, c.chapter] for c in timeline.cues] == before["cues"]
        assert [[c.title, c.start_ms, c.end_ms] for c in timeline.chapters] == before["chapters"]
        assert (timeline.length_ms, round(timeline.scale, 9)) == (before["length_ms"], before["scale"])
        assert list(timeline.reach_ms) == before["reach_ms"]


OPTIONAL = """\
title: Optional
content_note: It may bring up feelings; you can stop at any time.
gap: 1s
sections:
  - title: Arriving
    steps:
      - say: You can open your eyes, pause or stop at any time.
      - say: Welcome, and thank you for coming.
        keep: sometimes
      - silence: 40s
  - title: The heart
    steps:
      - say: You might notice your feet.
      - silence: 1m
      - say: And your hands, if you like.
        keep: usually
      - silence: 1m
        keep: usually
  - title: A second pass
    keep: longer
    steps:
      - say: Once more, slowly, from the feet.
      - silence: 3m
closing:
  - say: You are here, today, and safe.
"""


def steps_left_out(timeline) -> list[str]:
    return [getattr(step, "text", f"silence {getattr(step, 'ms', '')}") for step in timeline.left_out]


def test_the_script_as_written_leaves_out_only_its_longer_content(write_script):
    timeline = plan(load_script(write_script(OPTIONAL)), stand_in_lengths)
    assert [c.title for c in timeline.chapters] == ["Arriving", "The heart", "Closing"]
    assert steps_left_out(timeline) == ["Once more, slowly, from the feet.", "silence 180000"]
    assert timeline.scale == 1


@pytest.mark.parametrize(
    ("minutes", "left_out"),
    [
        # The silences alone take the session as written from 56s to 10m56s; without the `sometimes` line from
        # 52s, without the `usually` content too from 35s; with the `longer` section, up to 22m58s.
        (2, ["Once more, slowly, from the feet.", "silence 180000"]),
        (0.9, ["Welcome, and thank you for coming.", "Once more, slowly, from the feet.", "silence 180000"]),
        (
            0.7,
            [
                "Welcome, and thank you for coming.",
                "And your hands, if you like.",
                "silence 60000",
                "Once more, slowly, from the feet.",
                "silence 180000",
            ],
        ),
        (20, []),
    ],
)
def test_a_length_leaves_out_sometimes_then_usually_content_or_brings_in_longer(write_script, minutes, left_out):
    script = with_overrides(load_script(write_script(OPTIONAL)), duration=Duration(round(minutes * 60_000), None))
    timeline = plan(script, stand_in_lengths)
    assert timeline.length_ms == pytest.approx(minutes * 60_000, abs=500)
    assert steps_left_out(timeline) == left_out
    spoken = {cue.step.text for cue in timeline.cues if hasattr(cue.step, "text")}
    assert {"You can open your eyes, pause or stop at any time.", "You are here, today, and safe."} <= spoken
    assert not spoken & set(left_out), "what is left out is not heard"


def test_the_reach_covers_every_version_and_a_length_beyond_it_says_so(write_script):
    script = load_script(write_script(OPTIONAL))
    shortest, longest = plan(script, stand_in_lengths).reach_ms
    assert plan(with_overrides(script, duration=Duration(shortest, None)), stand_in_lengths).length_ms == shortest
    assert plan(with_overrides(script, duration=Duration(longest, None)), stand_in_lengths).length_ms == longest
    with pytest.raises(FitError, match=r"this script can last from 35s to 22m58s"):
        plan(with_overrides(script, duration=Duration(longest + 60_000, None)), stand_in_lengths)


def test_a_length_between_the_versions_reach_is_refused_naming_each_range(write_script):
    # A second pass of fixed length: it cannot come in for less than 20 minutes more.
    script = load_script(write_script(OPTIONAL.replace("silence: 3m", "pause: 20m")))
    with pytest.raises(FitError, match=r"15m falls between .* optional content: 35s to 10m56s or 20m58s to 30m58s$"):
        plan(with_overrides(script, duration=Duration(15 * 60_000, None)), stand_in_lengths)


def test_a_scripts_own_length_gives_way_to_the_voice_the_listener_chose(write_script):
    script = with_overrides(load_script(write_script(OPTIONAL + "duration: 30m\n")), voice={"rate": 90})
    assert script.duration.flexible
    timeline = plan(script, stand_in_lengths)
    assert (timeline.length_ms, timeline.unmet_ms) == (timeline.reach_ms[1], 30 * 60_000)
    asked = with_overrides(script, duration=Duration(30 * 60_000, None))
    with pytest.raises(FitError):
        plan(asked, stand_in_lengths)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (
                "  - say: You are here, today, and safe.\n",
                "  - say: You are here, today, and safe.\n    keep: usually\n",
            ),
            "25:5: keep: usually in the closing: the grounding close plays at every length",
        ),
        (("        keep: sometimes\n", "        keep: seldom\n"), "9:15: keep: expected one of always, usually"),
        (
            ("      - say: You might notice your feet.\n      - silence: 1m\n", ""),
            "sections: every step is marked keep:",
        ),
    ],
)
def test_what_keep_may_not_do_is_an_error_at_its_place(write_script, change, message):
    from guide.errors import ScriptError

    text = OPTIONAL.replace(*change)
    if "every step" in message:
        text = text.replace("      - say: You can open your eyes, pause or stop at any time.\n", "")
        text = text.replace("      - silence: 40s\n", "      - silence: 40s\n        keep: usually\n")
    with pytest.raises(ScriptError, match=message):
        load_script(write_script(text))


def test_check_says_what_a_length_leaves_out(guide, write_script):
    script = write_script(OPTIONAL)
    checked = guide("check", str(script), "--duration", "40s")
    assert checked.returncode == 0, checked.stderr
    assert (
        "left out at this length: keep: sometimes (lines 8), keep: usually (lines 15, 17), keep: longer (lines 22, 23)"
        in (checked.stdout)
    )
    assert "Welcome" not in checked.stdout


WORDY = """\
title: Wordy
duration: 40s
sections:
  - title: One
    steps:
      - say: You can open your eyes, pause or stop at any time, and nothing here has to be done well.
      - say: Let the ground hold you, and notice your feet, your hands, and the sounds in the room.
      - silence: 20s
closing:
  - say: You are here, today, an adult, and safe.
"""


def test_a_slower_voice_renders_at_the_nearest_length_saying_so_in_one_line(guide, write_script, tmp_path):
    from measure import decode

    script = write_script(WORDY)
    out = tmp_path / "slow.wav"
    slow = guide("export", str(script), "--rate", "60", "-o", str(out))
    assert slow.returncode == 0, slow.stderr
    [notice] = [line for line in slow.stderr.splitlines() if "out of reach" in line]
    assert notice.startswith("At these voice settings the script's own 0:40 is out of reach: the session lasts ")
    checked = guide("check", str(script), "--rate", "60")
    shortest = checked.stdout.split("--duration can make it from ")[1].split()[0]
    assert f"the session lasts {shortest}, as near as it can come" in notice
    minutes, seconds = map(int, shortest.split(":"))
    assert abs(len(decode(out)) - (minutes * 60 + seconds) * 22050) <= 22050, "made at its shortest"
    asked = guide("export", str(script), "--rate", "60", "--duration", "40s", "-o", str(out))
    assert asked.returncode == 2
    assert "--duration: 40s is too short" in asked.stderr and "this script can last from " in asked.stderr
    assert "out of reach" not in guide("export", str(script), "-o", str(out)).stderr, "its own voice reaches it"
