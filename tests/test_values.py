"""Durations and levels as the format writes them."""

import pytest

from guide.script.values import format_clock, format_span, parse_decibels, parse_duration


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("500ms", 500),
        ("3s", 3000),
        ("1.5s", 1500),
        ("2m", 120_000),
        ("1m30s", 90_000),
        ("1h", 3_600_000),
        ("45", 45_000),
        ("0.5", 500),
        ("1h5m", 3_900_000),
        ("2m0.5s", 120_500),
        (" 4s ", 4000),
    ],
)
def test_durations_parse_to_milliseconds(text: str, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-2s", 'expected a duration such as 5s or 1m30s, got "-2s"'),
        ("5 s", 'expected a duration such as 5s or 1m30s, got "5 s"'),
        ("soon", 'expected a duration such as 5s or 1m30s, got "soon"'),
        ("", 'expected a duration such as 5s or 1m30s, got ""'),
        ("0s", 'a duration must be longer than zero, got "0s"'),
        ("0", 'a duration must be longer than zero, got "0"'),
    ],
)
def test_bad_durations_say_what_is_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_duration(text)
    assert str(raised.value) == message


@pytest.mark.parametrize(("text", "db"), [("-24dB", -24.0), ("+3dB", 3.0), ("-6.5 dB", -6.5), ("0db", 0.0)])
def test_levels_parse_to_decibels(text: str, db: float) -> None:
    assert parse_decibels(text) == db


def test_a_level_without_its_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="expected a level in decibels such as -24dB"):
        parse_decibels("-24")


@pytest.mark.parametrize(
    ("ms", "clock", "span"),
    [(0, "0:00", "0s"), (1200, "0:01", "1.2s"), (72_000, "1:12", "1m12s"), (3_723_000, "1:02:03", "1h2m3s")],
)
def test_times_format_for_people(ms: int, clock: str, span: str) -> None:
    assert (format_clock(ms), format_span(ms)) == (clock, span)
