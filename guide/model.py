"""The validated script as typed, frozen values: what the loader makes and the planner reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guide.errors import Where

DEFAULT_RATE = 110
"""Words per minute: calm narration runs at about 100-120."""


@dataclass(frozen=True)
class Voice:
    """How lines are spoken."""

    engine: str = "auto"
    """`auto`, `pyttsx3` or `piper`."""
    name: str | None = None
    """The engine's voice id; None picks the engine's default for the script's language."""
    rate: int = DEFAULT_RATE
    """Words per minute."""
    volume: float = 1.0
    """Linear gain, 0 to 1."""


@dataclass(frozen=True)
class Say:
    """A line spoken aloud, placeholders already filled."""

    text: str
    voice: Voice
    where: Where = field(compare=False)


@dataclass(frozen=True)
class Pause:
    """A fixed silence."""

    ms: int
    where: Where = field(compare=False)


@dataclass(frozen=True)
class Silence:
    """Open practice time, stretched or shrunk to meet the script's target duration."""

    ms: int
    where: Where = field(compare=False)


@dataclass(frozen=True)
class Bell:
    """A bell from a sound file; it rings on under whatever follows."""

    sound: Path
    gain_db: float
    where: Where = field(compare=False)


Step = Say | Pause | Silence | Bell


@dataclass(frozen=True)
class Section:
    """A titled run of steps: a chapter of the session."""

    title: str
    steps: tuple[Step, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True)
class Ambience:
    """A background bed under the whole session."""

    sound: str
    """A built-in bed's name."""
    gain_db: float
    """Level relative to the voice."""
    fade_ms: int


@dataclass(frozen=True)
class Duration:
    """A target length, with where it was asked for (None: on the command line)."""

    ms: int
    where: Where | None


@dataclass(frozen=True)
class Script:
    """A whole meditation script, validated."""

    path: Path
    title: str
    sections: tuple[Section, ...]
    closing: tuple[Step, ...] = ()
    author: str | None = None
    description: str | None = None
    language: str = "en"
    duration: Duration | None = None
    content_note: str | None = None
    voice: Voice = Voice()
    gap_ms: int = 1000
    variables: dict[str, str] = field(default_factory=dict, compare=False)
    ambience: Ambience | None = None
    reflect: tuple[str, ...] = ()
