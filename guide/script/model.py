"""The validated script as typed, frozen values: what the loader makes and the planner reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

from guide.errors import Where
from guide.script.format import DEFAULT_GAP_MS, DEFAULT_RATE


class Keep(IntEnum):
    """When a step is in the session, in the order content is left out as a length asks for less: `sometimes`
    first, then `usually`; `always` stays at every length. `longer` content is in only at lengths the rest
    cannot stretch to."""

    ALWAYS = 0
    USUALLY = 1
    SOMETIMES = 2
    LONGER = 3


@dataclass(frozen=True)
class Voice:
    """How lines are spoken."""

    engine: str = "auto"
    """`auto`, `pyttsx3` or `piper`."""
    name: str | None = None
    """The engine's voice id; None picks the engine's default for the script's language."""
    rate: int = DEFAULT_RATE
    """Words per minute."""
    pitch: float = 0.0
    """Semitones from the voice's own pitch."""
    volume: float = 1.0
    """Linear gain, 0 to 1."""


@dataclass(frozen=True)
class Say:
    """A line spoken aloud, placeholders already filled."""

    text: str
    voice: Voice
    where: Where = field(compare=False)
    keep: Keep = Keep.ALWAYS


@dataclass(frozen=True)
class Pause:
    """A fixed silence."""

    ms: int
    where: Where = field(compare=False)
    keep: Keep = Keep.ALWAYS


@dataclass(frozen=True)
class Silence:
    """Open practice time, stretched or shrunk to meet the script's target duration."""

    ms: int
    where: Where = field(compare=False)
    keep: Keep = Keep.ALWAYS


@dataclass(frozen=True)
class Bell:
    """A bell from a sound file; it rings on under whatever follows."""

    sound: Path
    gain_db: float
    where: Where = field(compare=False)
    keep: Keep = Keep.ALWAYS


@dataclass(frozen=True)
class Recording:
    """A recorded clip, played whole; it holds the timeline for its full length."""

    sound: Path
    gain_db: float
    where: Where = field(compare=False)
    keep: Keep = Keep.ALWAYS


@dataclass(frozen=True)
class BreathPhase:
    """One phase of paced breathing (in, hold, out or rest): a fixed time, with its cue at the start."""

    phase: str
    ms: int
    cue: str
    """`voice`, `tone` or `none`."""
    voice: Voice
    where: Where = field(compare=False)
    """The `breathe` step it comes from."""
    words: str = ""
    """What its `voice` cue says, in the script's language: `Breathe in.`"""
    keep: Keep = Keep.ALWAYS
    clearer: tuple[str, ...] = ()
    """Longer, clearer cues, the clearest first, to say instead of `words` where the phase has time for one (see
    rendering/cues.py); none once the cue is chosen. `words` is the shortest, which every phase has spoken."""


Step = Say | Pause | Silence | Bell | Recording | BreathPhase
"""Steps as the planner sees them: `affirm`, `breathe` and `include` are already unfolded into these."""


@dataclass(frozen=True)
class Section:
    """A titled run of steps: a chapter of the session."""

    title: str
    steps: tuple[Step, ...]
    where: Where = field(compare=False)


@dataclass(frozen=True)
class Ambience:
    """A background bed under the whole session."""

    sound: str | Path
    """A built-in bed's name, or a sound file to loop."""
    gain_db: float
    """Level relative to the voice."""
    fade_ms: int


@dataclass(frozen=True)
class Duration:
    """A target length, with where it was asked for (None: on the command line)."""

    ms: int
    where: Where | None
    flexible: bool = False
    """A script's own length that gives way, to the nearest it can reach, when voice settings the listener
    chose put it out of reach; a length asked for is never flexible."""


@dataclass(frozen=True)
class Script:
    """A whole meditation script, validated."""

    path: Path = field(compare=False)
    """Where it was read from: what it says and the files it names make its sound, not where it lies."""
    title: str
    sections: tuple[Section, ...]
    closing: tuple[Step, ...] = ()
    author: str | None = None
    description: str | None = None
    language: str = "en"
    duration: Duration | None = None
    content_note: str | None = None
    cover: Path | None = None
    """A PNG or JPEG image, checked to be one."""
    voice: Voice = Voice()
    gap_ms: int = DEFAULT_GAP_MS
    variables: dict[str, str] = field(default_factory=dict, compare=False)
    ambience: Ambience | None = None
    reflect: tuple[str, ...] = ()
    unused_variables: tuple[tuple[str, Where], ...] = ()
    """Declared variables that no text uses, with where each is declared."""
    left_out_variables: tuple[str, ...] = ()
    """Variables given for many scripts at once that this one does not declare, and so goes without."""
