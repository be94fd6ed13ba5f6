"""An unguided sit as a script: a bell at the start and at each interval, three strikes at the end, an optional
bed, and, when guided, the built-in opening and brief close around it."""

from __future__ import annotations

from dataclasses import dataclass

from guide.errors import FieldError, UsageError, Where
from guide.script import library
from guide.script.format import BELL_STRIKE_MS
from guide.script.language_rules import rules_or_english
from guide.script.loader import load_fragment
from guide.script.model import Ambience, Bell, Pause, Script, Section, Step
from guide.script.values import format_span
from guide.translation import _

SHORTEST_MS = 60_000
LONGEST_MS = 4 * 3_600_000
SHORTEST_INTERVAL_MS = 10_000
"""Time for the longest built-in bell (the bowl, 9 s) to ring out before the next."""
CLOSING_STRIKES = 3
CLOSING_STRIKE_GAP_MS = 2_000
"""The quiet after each closing strike's hold, so the three are heard apart: one strike every 4 s."""
BED_GAIN_DB = -24.0
BED_FADE_MS = 8_000
OPENING = "arriving.yaml"
CLOSE = "brief-close.yaml"


@dataclass(frozen=True)
class Timer:
    """What `guide timer` was asked for."""

    length_ms: int
    interval_ms: int | None = None
    bell: str = "bowl"
    ambience: str | None = None
    guided: bool = False
    language: str = "en"
    """The language its words are in, and its voice's (with `guided`): one the library is written in."""

    def checked(self) -> Timer:
        """This timer, or UsageError saying what to change."""
        if not SHORTEST_MS <= self.length_ms <= LONGEST_MS:
            raise UsageError(
                _("{length}: a timer lasts from {shortest} to {longest}").format(
                    length=format_span(self.length_ms),
                    shortest=format_span(SHORTEST_MS),
                    longest=format_span(LONGEST_MS),
                )
            )
        if self.interval_ms is not None and self.interval_ms >= self.length_ms:
            raise FieldError(
                "interval",
                _("the interval must be shorter than the sit ({length}), so that its bell rings inside it").format(
                    length=format_span(self.length_ms)
                ),
                format_span(self.interval_ms),
            )
        library.known_language(self.language)
        if self.interval_ms is not None and self.interval_ms < SHORTEST_INTERVAL_MS:
            raise FieldError(
                "interval",
                _("a bell needs {length} to ring out before the next").format(length=format_span(SHORTEST_INTERVAL_MS)),
                format_span(self.interval_ms),
            )
        return self


def timer_script(timer: Timer) -> Script:
    """The timer as a script: each bell strikes exactly at its time from the first, and the sit lasts exactly
    `length_ms` from the first bell to the first of the closing strikes."""
    timer = timer.checked()
    bell = library.builtin_bell(timer.bell)
    if bell is None:
        raise FieldError("bell", _("not a built-in bell"), timer.bell)
    here = Where(library.scripts_dir() / "timer", 1, 1)
    words = rules_or_english(timer.language).timer
    strike: Step = Bell(bell, 0.0, here)
    starts = list(range(0, timer.length_ms, timer.interval_ms or timer.length_ms))
    ends = [*starts[1:], timer.length_ms]
    # A bell holds the timeline for its strike; the rest of each stretch is a fixed pause, exact to the sample.
    stretches = [
        Section(_title(words, n, len(starts)), (strike, Pause(end - start - BELL_STRIKE_MS, here)), here)
        for n, (start, end) in enumerate(zip(starts, ends, strict=True), 1)
    ]
    closing_strikes: list[Step] = []
    for n in range(CLOSING_STRIKES):
        closing_strikes += [strike] if n == CLOSING_STRIKES - 1 else [strike, Pause(CLOSING_STRIKE_GAP_MS, here)]
    opening = load_fragment(library.fragment(OPENING, timer.language)) if timer.guided else ()
    close = load_fragment(library.fragment(CLOSE, timer.language)) if timer.guided else ()
    return Script(
        path=here.path,
        title=words["title"].format(length=format_span(timer.length_ms)),
        language=timer.language,
        sections=((Section(words["arriving"], opening, here),) if opening else ()) + tuple(stretches),
        closing=(*closing_strikes, *close),
        description=words["description_intervals" if timer.interval_ms else "description"],
        content_note=words["content_note"],
        ambience=Ambience(timer.ambience, BED_GAIN_DB, BED_FADE_MS) if timer.ambience else None,
    )


def _title(words: dict[str, str], number: int, count: int) -> str:
    if count == 1:
        return words["sitting"]
    return words["sitting_of"].format(number=number, count=count)
