"""What to render and how: one frozen value, validated once, whose errors name its own fields."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from guide.errors import FieldError, Where
from guide.rendering.targets import LOUDNESS_LUFS
from guide.script.clients import Client
from guide.script.format import ENGINES, LANGUAGE_TAG, MAX_SESSION_MS, RATE_RANGE
from guide.script.model import Duration
from guide.script.values import format_span, parse_duration
from guide.translation import _

LOUDNESS_RANGE = (-30.0, -10.0)
"""The loudness targets a session may be brought to, in LUFS."""


@dataclass(frozen=True)
class VoiceRequest:
    """The voice asked for every line; a setting left None keeps the script's own."""

    engine: str | None = None
    name: str | None = None
    language: str | None = None
    """A language tag: it picks a built-in session's language, and with a region (`es-419`) the voice."""
    rate: int | None = None
    pitch: float | None = None
    volume: float | None = None

    def __post_init__(self) -> None:
        if self.engine is not None and self.engine not in ENGINES:
            raise FieldError(
                "engine", _("{engine!r} is not one of {engines}").format(engine=self.engine, engines=", ".join(ENGINES))
            )
        if self.language is not None and not (isinstance(self.language, str) and LANGUAGE_TAG.fullmatch(self.language)):
            raise FieldError(
                "language", _("{language!r} is not a language tag such as es or es-419").format(language=self.language)
            )
        rate = self.rate
        if rate is not None and (
            isinstance(rate, bool) or not isinstance(rate, int) or not RATE_RANGE[0] <= rate <= RATE_RANGE[1]
        ):
            raise FieldError(
                "rate", _("{rate!r} is not a whole number of words per minute from 60 to 250").format(rate=rate)
            )

    def settings(self) -> dict[str, Any]:
        """The `Voice` fields set on every line, by name."""
        return {
            field.name: value
            for field in fields(self)
            if field.name != "language" and (value := getattr(self, field.name)) is not None
        }


@dataclass(frozen=True)
class SessionRequest:
    """A session asked for: the script, what fills and shapes it, how it sounds, and whether clips are kept."""

    script: str
    """A script file's path, or a built-in session's name."""
    variables: tuple[tuple[str, str], ...] = ()
    variables_at: tuple[tuple[str, Where], ...] = ()
    """Where some of `variables` were given (a clients file); the others were given directly."""
    shared_variables: tuple[str, ...] = ()
    """Those of `variables` given for many scripts at once (a practice's clients file): a script that does not
    declare one goes without it."""
    vars_file: Path | None = None
    duration: Duration | None = None
    voice: VoiceRequest = VoiceRequest()
    loudness: float = LOUDNESS_LUFS
    bells: bool = True
    ambience: bool = True
    cache: bool = True
    """Keep spoken clips and measured levels, and use those kept before."""

    def __post_init__(self) -> None:
        if self.duration is not None and self.duration.ms > MAX_SESSION_MS:
            raise FieldError(
                "duration",
                _("{length} is longer than the longest session, 12h").format(length=format_span(self.duration.ms)),
            )
        loudness = self.loudness
        if isinstance(loudness, bool) or not isinstance(loudness, int | float) or not math.isfinite(loudness):
            raise FieldError("loudness", _("{loudness!r} is not a number of LUFS").format(loudness=loudness))
        if not LOUDNESS_RANGE[0] <= loudness <= LOUDNESS_RANGE[1]:
            low, high = LOUDNESS_RANGE
            raise FieldError(
                "loudness",
                _("{loudness:g} LUFS is outside {low:g} to {high:g}").format(loudness=loudness, low=low, high=high),
            )
        for name, value in self.variables:
            if not isinstance(name, str) or not isinstance(value, str):
                raise FieldError("variables", _("each name and value must be text"), str(name))

    @property
    def language(self) -> str | None:
        return self.voice.language

    def for_client(self, client: Client) -> SessionRequest:
        """This request with a client's variables, voice, duration and language over its own."""
        return replace(
            self,
            variables=(*self.variables, *client.variables.items()),
            variables_at=(*self.variables_at, *client.variables_at.items()),
            shared_variables=(*self.shared_variables, *client.variables),
            voice=replace(self.voice, **client.voice, language=client.language or self.voice.language),
            duration=client.duration or self.duration,
        )


def asked_duration(duration: str | float | None) -> Duration | None:
    """A target length given as text ("20m", "1h30m") or seconds, as a request holds it."""
    if duration is None:
        return None
    try:
        ms = parse_duration(str(duration))
    except ValueError as error:
        raise FieldError("duration", str(error)) from None
    return Duration(ms, None)
