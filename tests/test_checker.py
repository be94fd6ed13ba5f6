"""`guide check`: warnings a practitioner will thank us for, each with where and why, on one line."""

from __future__ import annotations

import pytest

CARELESS = """\
title: Careless
variables:
  name: friend
  age: seven
sections:
  - title: One
    steps:
      - say: Close your eyes. You must relax now, {name}.
      - pause: 21m
      - say: Remember the time when you were small.
      - say: >
          This line goes on and on and on, with one thing after another and another after that, so that by
          the time it ends nobody listening could hold on to where it began or what it was asking of them all.
"""

CAREFUL = """\
title: Careful
content_note: This may bring up old feelings; you can stop at any time.
sections:
  - title: One
    steps:
      - say: You can open your eyes or stop whenever you need to.
      - silence: 21m
closing:
  - say: You are here, today, and safe.
"""


def test_every_care_warning_names_its_place_and_why(guide, write_script):
    script = write_script(CARELESS)
    result = guide("check", str(script))
    assert result.returncode == 0, "warnings alone do not fail a check"
    lines = result.stderr.splitlines()
    # The session's length depends on how long the voice takes; the rest of that line does not.
    assert lines[2].startswith(f"{script}:1:1: warning: the session lasts 21m")
    lines[2] = lines[2].split(" with no silence step")[1]
    assert lines == [
        f"{script}:1:1: warning: no content_note: say before the session what it may bring up, and that the "
        "listener can stop at any time",
        f"{script}:1:1: warning: no closing: add a grounding close that brings the listener back to the room and "
        "the present; it also plays when they leave early",
        ": give the listener open practice time, such as silence: 1m",
        f"{script}:4:3: warning: the variable 'age' is declared but no text uses it; use it as {{age}}, or remove it",
        f"{script}:6:5: warning: no way out offered in the first minute: say early that the listener can open "
        "their eyes, pause or stop at any time",
        f'{script}:8:9: warning: "You must" orders rather than invites: try "you might" or "if it feels right"',
        f'{script}:8:9: warning: "Close your eyes" orders rather than invites: offer a choice: "you might close '
        'your eyes, or rest your gaze on the floor"',
        f'{script}:10:9: warning: "Remember the time" orders rather than invites: never ask for a memory; try '
        '"if a memory comes, you might notice it"',
        f"{script}:11:9: warning: this line runs 41 words without a pause; split it into shorter lines (at most "
        "40) so the listener can follow",
    ]


def test_strict_turns_warnings_into_exit_3(guide, write_script):
    assert guide("check", "--strict", str(write_script(CARELESS))).returncode == 3


def test_a_careful_script_checks_clean_even_when_strict(guide, write_script):
    result = guide("check", "--strict", str(write_script(CAREFUL)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("You need to let go now.", True),
        ("You should feel calm.", True),
        ("You have to breathe deeply.", True),
        ("Remember when you were five.", True),
        ("Stop whenever you need to.", False),
        ("If you need to, open your eyes.", False),
        ("You don't have to do anything.", False),
        ("If a memory comes, you might notice it.", False),
        ("Close your eyes now.", True),
        ("You might close your eyes, or rest your gaze on the floor.", False),
        ("If you like, close your eyes.", False),
        ("Remember the worst thing your father did to you.", True),
        ("Go back to that night.", True),
        ("Relive it as it was.", True),
        ("Let your attention go back to your feet.", False),
    ],
)
def test_orders_are_told_apart_from_invitations(guide, write_script, line, flagged):
    script = write_script(CAREFUL.replace("You are here, today, and safe.", line))
    result = guide("check", str(script))
    assert ("orders rather than invites" in result.stderr) is flagged


def test_the_built_in_sessions_check_clean_when_strict(guide):
    from guide.script.library import builtin_sessions

    for session in builtin_sessions():
        result = guide("check", "--strict", session.stem)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
