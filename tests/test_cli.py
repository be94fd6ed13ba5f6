"""The command line: help that teaches, built-in names, options, and exit codes."""

from __future__ import annotations

import pytest
from measure import decode

from guide import __version__

SCRIPT = """\
title: Hello
variables:
  name: friend
sections:
  - title: One
    steps:
      - say: Hello, {name}. You are welcome here.
      - silence: 5s
"""


@pytest.mark.parametrize(
    ("command", "teaches"),
    [
        ([], "guide play sit-with-your-younger-self"),
        (["check"], "Validate scripts, print their plan, and warn where care is missing."),
        (["play"], "space  pause, and go on"),
        (["export"], "Render a session to an audio file: MP3, OGG/Opus, M4A, FLAC or WAV."),
        (["list"], "List the built-in sessions"),
        (["new"], "Write a new script, NAME.yaml, to start from."),
        (["schema"], "Print the JSON Schema of the script format."),
    ],
)
def test_every_command_has_help(run_guide, command, teaches):
    result = run_guide(*command, "--help")
    assert result.returncode == 0
    assert teaches in result.stdout
    if command in (["check"], ["play"], ["export"]):
        for option in ("--var", "--vars", "--duration", "--rate", "--no-cache"):
            assert option in result.stdout


def test_version(run_guide):
    result = run_guide("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"guide, version {__version__}")


def test_list_shows_the_built_in_sessions_and_where_to_find_real_help(guide):
    result = guide("list")
    assert result.returncode == 0, result.stderr
    assert "sit-with-your-younger-self  12:00  (from " in result.stdout
    assert result.stdout.count(" with --duration)") == 7
    assert "Sit With Your Younger Self: A gentle visualization" in result.stdout
    assert "do not replace, the care of a trauma-informed" in result.stdout


def test_check_prints_the_plan_of_a_built_in_session_by_name(guide):
    result = guide("check", "sit-with-your-younger-self")
    assert result.returncode == 0, result.stderr
    # Whether the clips are in the cache yet depends on the tests before: the line saying how many lines are
    # predicted comes last when there are any.
    lines = [line for line in result.stdout.splitlines() if "not spoken yet" not in line]
    assert lines[0].endswith("sit-with-your-younger-self.yaml: Sit With Your Younger Self")
    assert lines[1].split() == ["0:00", "Arriving", lines[1].split()[-1]]
    assert "Closing" in lines[-5]
    assert lines[-4].startswith("  total 12:00, ")
    assert "words" in lines[-4]
    # As written, the session leaves out what only a longer one brings in.
    assert lines[-3].startswith("  left out at this length: keep: longer (lines ")
    assert lines[-2].startswith("  --duration can make it from ")
    assert lines[-1].startswith("  voice: pyttsx3 (espeak-ng")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["play", "no-such-session"],
            "guide: no-such-session: no such script file, and no built-in session of that "
            "name (`guide list` shows them)",
        ),
        (["check", "sit-with-your-younger-self", "--var", "colour=blue"], "--var colour: "),
        (
            ["export", "sit-with-your-younger-self", "-o", "x.mp3", "--duration", "soon"],
            "Invalid value for '--duration': expected a duration such as 5s or 1m30s, got \"soon\"",
        ),
        (
            ["export", "sit-with-your-younger-self", "-o", "x.mp3", "--var", "name"],
            "Invalid value for '--var': expected NAME=VALUE, such as name=Sam, got 'name'",
        ),
        (["export", "sit-with-your-younger-self"], "Missing option '-o' / '--output'"),
        (["check", "sit-with-your-younger-self", "--rate", "20"], "Invalid value for '--rate'"),
    ],
)
def test_usage_errors_exit_2_and_say_what_to_do(guide, tmp_path, args, message):
    result = guide(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.mp3").exists()


def test_an_unknown_variable_lists_the_ones_the_script_declares(guide):
    result = guide("check", "sit-with-your-younger-self", "--var", "colour=blue")
    assert result.stderr.strip().endswith("declares no such variable (it has: age, name, safe_place)")


def test_var_changes_what_is_spoken(run_guide, write_script, tmp_path):
    script = write_script(SCRIPT)
    default, named = tmp_path / "default.wav", tmp_path / "named.wav"
    assert run_guide("export", str(script), "-o", str(default)).returncode == 0
    assert run_guide("export", str(script), "-o", str(named), "--var", "name=Alexandria Josephine").returncode == 0
    assert len(decode(named)) > len(decode(default)) + 22050 // 4, "the longer name takes longer to say"


def test_rate_changes_the_pace_of_speech(run_guide, write_script, tmp_path):
    script = write_script(SCRIPT)
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    assert run_guide("export", str(script), "-o", str(slow), "--rate", "100").returncode == 0
    assert run_guide("export", str(script), "-o", str(fast), "--rate", "150").returncode == 0
    silence_s = 5
    speech_slow = len(decode(slow)) / 22050 - silence_s
    speech_fast = len(decode(fast)) / 22050 - silence_s
    assert speech_slow / speech_fast == pytest.approx(1.5, rel=0.10)
