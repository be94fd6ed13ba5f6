"""The keys while playing: escape sequences read whole and passed over, Esc alone a key, msvcrt's prefixed keys,
and the way out answered while a cold Piper voice is still loading."""

from __future__ import annotations

import sys
import types

import pytest
from terminal import Terminal

from guide.play import keys
from guide.play.keys import ESCAPE, key_names
from guide.play.player import GOING_TO_CLOSE, OFFER_CLOSING, WAITING_FOR

SCRIPT = """\
title: Arrows
sections:
  - title: Arriving
    steps:
      - say: Welcome. Let the ground hold you.
      - silence: 20s
closing:
  - say: You are here, today, and safe.
"""


def names(text: str, *later: str) -> list[str]:
    """The keys in `text`, with `later` as what comes after it, one piece each time more is asked for."""
    pending = list(later)
    return list(key_names(text, lambda: pending.pop(0) if pending else ""))


@pytest.mark.parametrize(
    "typed",
    [
        "\x1b[A",  # up arrow (CSI)
        "\x1b[1;5C",  # Ctrl+right, with parameters
        "\x1b[15~",  # F5
        "\x1bOP",  # F1 (SS3)
        "\x1bOA",  # up arrow in application mode
    ],
)
def test_an_escape_sequence_is_no_key(typed):
    assert names(typed) == []
    assert names(typed + "q") == ["q"]


def test_a_sequence_split_across_reads_is_still_read_whole():
    assert names("\x1b", "[", "1;5", "Dn") == ["n"]


def test_esc_alone_is_a_key_and_letters_come_lower_case():
    assert names("\x1b") == [ESCAPE]
    assert names("G Q") == ["g", " ", "q"]


def test_windows_arrow_keys_are_passed_over(monkeypatch):
    # msvcrt exists only on Windows: a stand-in with its calls, giving the console's bytes for an arrow, then g.
    typed = ["\xe0", "H", "g"]
    fake = types.SimpleNamespace(kbhit=lambda: bool(typed), getwch=lambda: typed.pop(0))
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    read = keys._console_reader()
    assert list(key_names(read(0.1), lambda: read(0.0))) == ["g"]


@pytest.fixture
def playing(write_script, paced_audio, terminal_play):
    def start(*args: str, env: dict[str, str] | None = None) -> Terminal:
        script = write_script(SCRIPT)
        return terminal_play(["play", str(script), "--no-checkin", *args], {**paced_audio, **(env or {})})

    return start


def test_an_arrow_key_never_ends_the_session_and_esc_alone_does(playing):
    player = playing()
    player.wait_for("Welcome.")
    player.press("\x1b[A")
    player.press("\x1b[B")
    player.wait_for("0:04")
    assert player.process.poll() is None, "the arrows did not quit"
    assert OFFER_CLOSING.encode() not in player.shown
    player.press("\x1b")
    player.wait_for(OFFER_CLOSING)
    player.press("\x1b")
    code, stderr = player.finish()
    assert code == 0, stderr
    assert "--resume" in stderr


@pytest.mark.piper
def test_the_way_out_is_answered_while_a_cold_piper_voice_still_loads(playing, tmp_path):
    env = {"GUIDE_ENGINE": "piper", "GUIDE_CACHE_DIR": str(tmp_path / "cold")}
    player = playing(env=env)
    player.wait_for("Arrows")
    player.press("q")
    player.wait_for(OFFER_CLOSING)
    player.press("g")
    answers = (GOING_TO_CLOSE.encode(), WAITING_FOR["g"].encode())
    while not any(answer in player.shown for answer in answers):
        assert player.pump(), f"g was never answered: {player.shown[-300:]!r}"
    shown = player.shown.decode()
    # Both keys were answered before the voice had spoken its first line: nothing waited on it.
    assert "Welcome." not in shown
    player.wait_for("— Closing", timeout=120)
    code, stderr = player.finish()
    assert code == 0, stderr
