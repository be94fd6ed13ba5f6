"""Parsing and formatting of the format's values: durations and decibels."""

from __future__ import annotations

import re

from guide.translation import _

_NUMBER = r"\d+(?:\.\d+)?"
DURATION_PATTERN = rf"^(?=.)(?:{_NUMBER}|(?:({_NUMBER})h)?(?:({_NUMBER})m(?!s))?(?:({_NUMBER})s)?(?:({_NUMBER})ms)?)$"
"""A duration: bare seconds, or hours, minutes, seconds and milliseconds in that order (`1m30s`, `500ms`).
Written so that JSON Schema (ECMA-262) reads it the same way."""
LEVEL_PATTERN = r"^[+-]?\d+(?:\.\d+)?\s*[dD][bB]$"
"""A level in decibels, such as `-24dB`."""
_MS_PER_UNIT = (3_600_000, 60_000, 1000, 1)


def parse_duration(text: str) -> int:
    """Milliseconds in a duration such as `500ms`, `1.5s`, `1m30s`, `1h` or `45`; ValueError if none."""
    text = text.strip()
    match = re.match(DURATION_PATTERN, text)
    if not match:
        raise ValueError(_('expected a duration such as 5s or 1m30s, got "{text}"').format(text=text))
    parts = match.groups()
    if any(parts):
        ms = round(sum(float(v) * unit for v, unit in zip(parts, _MS_PER_UNIT, strict=True) if v))
    else:
        ms = round(float(text) * 1000)
    if ms <= 0:
        raise ValueError(_('a duration must be longer than zero, got "{text}"').format(text=text))
    return ms


def parse_decibels(text: str) -> float:
    """The number of decibels in a level such as `-24dB`; ValueError if none."""
    text = text.strip()
    if not re.match(LEVEL_PATTERN, text):
        raise ValueError(_('expected a level in decibels such as -24dB, got "{text}"').format(text=text))
    return float(text[:-2])


def format_clock(ms: int) -> str:
    """A time as a clock reading: `4:05`, or `1:02:03` past an hour."""
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def format_span(ms: int) -> str:
    """A length as the format writes it: `45s`, `1m12s`, `1h5m`, `1.2s` under ten seconds."""
    if ms < 10_000:
        return f"{ms / 1000:.1f}".rstrip("0").rstrip(".") + "s"
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{unit}" for n, unit in parts if n) or "0s"


def format_timestamp(ms: int, decimal_mark: str = ".") -> str:
    """A time to the millisecond as subtitles and chapter marks write it: `01:02:03.456`."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_mark}{millis:03d}"
