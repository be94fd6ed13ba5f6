"""Parsing and formatting of the format's values: durations and decibels."""

from __future__ import annotations

import re

_DURATION = re.compile(
    r"(?:(?P<h>\d+(?:\.\d+)?)h)?"
    r"(?:(?P<m>\d+(?:\.\d+)?)m(?!s))?"
    r"(?:(?P<s>\d+(?:\.\d+)?)s)?"
    r"(?:(?P<ms>\d+(?:\.\d+)?)ms)?"
)
_BARE_SECONDS = re.compile(r"\d+(?:\.\d+)?")
_DECIBELS = re.compile(r"(?P<value>[+-]?\d+(?:\.\d+)?)\s*dB", re.IGNORECASE)
_MS_PER_UNIT = {"h": 3_600_000, "m": 60_000, "s": 1000, "ms": 1}


def parse_duration(text: str) -> int:
    """Milliseconds in a duration such as `500ms`, `1.5s`, `1m30s`, `1h` or `45`; ValueError if none."""
    text = text.strip()
    if _BARE_SECONDS.fullmatch(text):
        ms = round(float(text) * 1000)
    else:
        match = _DURATION.fullmatch(text)
        if not text or not match:
            raise ValueError(f'expected a duration such as 5s or 1m30s, got "{text}"')
        ms = round(sum(float(v) * _MS_PER_UNIT[unit] for unit, v in match.groupdict().items() if v))
    if ms <= 0:
        raise ValueError(f'a duration must be longer than zero, got "{text}"')
    return ms


def parse_decibels(text: str) -> float:
    """The number of decibels in a level such as `-24dB`; ValueError if none."""
    match = _DECIBELS.fullmatch(text.strip())
    if not match:
        raise ValueError(f'expected a level in decibels such as -24dB, got "{text}"')
    return float(match["value"])


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
