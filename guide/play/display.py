"""What the listener sees while a session plays: the section, the line being spoken, the time."""

from __future__ import annotations

import os
import shutil
import unicodedata
from typing import TextIO

from guide.rendering.steps import spoken_line
from guide.rendering.timeline import Cue, CueKind, Timeline
from guide.script.model import Bell
from guide.script.values import format_clock, format_span
from guide.translation import _

BAR_WIDTH = 20


def caption(cue: Cue | None) -> str:
    """The words for a moment of the session: the spoken line, or a quiet note of what is happening."""
    if cue is None:
        return ""
    line = spoken_line(cue.step)
    if line is not None:
        return line.text
    if isinstance(cue.step, Bell):
        return _("(bell)")
    if cue.kind is CueKind.SILENCE:
        return _("(silence, {length})").format(length=format_span(cue.length_ms))
    return ""


def one_line(text: str) -> str:
    """The text with every run of white space (a folded line's newlines among them) as one space."""
    return " ".join(text.split())


def fitted(text: str, columns: int) -> str:
    """The text cut to fit in `columns` of a terminal, ending in "…" where it was cut: wide characters take two
    columns and combining marks none, so the status line never wraps onto a second row."""
    if _width(text) <= columns:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > columns - 1:
            break
        kept.append(char)
    return "".join(kept) + "…" if columns > 0 else ""


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _columns(out: TextIO) -> int:
    """The terminal's width, asked of the terminal the display writes to."""
    try:
        columns = os.get_terminal_size(out.fileno()).columns
    except (AttributeError, OSError, ValueError):
        columns = 0
    # A terminal that says it has no width (a new pseudo-terminal) gets the usual one.
    return columns or shutil.get_terminal_size().columns


class PlayDisplay:
    """Section headings as lines, and below them one status line that a terminal rewrites in place: a
    progress bar, the time, and the line being spoken. Plain lines, one per change, where the output is
    not a terminal."""

    def __init__(self, out: TextIO, live: bool):
        self.out = out
        self.live = live
        self.chapter: tuple[str, int] | None = None
        self.cue: Cue | None = None
        self.paused = False
        self.status_shown = False
        self.status = ""
        self.shown: tuple[int, int | None, Cue | None] = (0, None, None)

    def tick(self, heard_ms: int, timeline: Timeline, total_ms: int | None = None) -> None:
        """Show the moment `heard_ms` of a timeline, in a session `total_ms` long (None: not known yet)."""
        cue = timeline.cue_at(heard_ms)
        chapter = timeline.chapter_at(heard_ms)
        # A chapter is known by its title and start, not its place in the list (the close played on its own is
        # the first chapter of a timeline of its own), nor its end (the part voiced so far ends it early).
        if chapter is not None and (chapter.title, chapter.start_ms) != self.chapter:
            self.chapter = (chapter.title, chapter.start_ms)
            self._line(f"— {chapter.title}")
        if self.live:
            self._status(heard_ms, total_ms, cue)
        elif cue is not None and cue != self.cue and caption(cue):
            self._line(f"{format_clock(cue.start_ms)}  {one_line(caption(cue))}")
        self.cue = cue

    def pause(self, paused: bool) -> None:
        self.paused = paused
        if self.live:
            self._status(*self.shown)
        else:
            self._line(_("Paused.") if paused else _("Playing on."))

    def notice(self, text: str) -> None:
        """A message for the listener, on a line of its own."""
        self._line(text)

    def finish(self) -> None:
        if self.status_shown:
            self.out.write("\n")
            self.out.flush()
            self.status_shown = False

    def _line(self, text: str) -> None:
        if self.status_shown:
            self.out.write("\r\x1b[K")
            self.status_shown = False
        self.out.write(text + "\n")
        self.out.flush()

    def _status(self, heard_ms: int, total_ms: int | None, cue: Cue | None) -> None:
        self.shown = (heard_ms, total_ms, cue)
        done = min(1.0, heard_ms / total_ms) if total_ms else 0.0
        filled = round(done * BAR_WIDTH)
        bar = "━" * filled + "─" * (BAR_WIDTH - filled)
        total = format_clock(total_ms) if total_ms is not None else "…"
        words = _("paused (space to go on)") if self.paused else caption(cue)
        text = fitted(f"{bar} {format_clock(heard_ms)} / {total}  {one_line(words)}", _columns(self.out) - 1)
        if self.status_shown and text == self.status:
            return
        self.status = text
        self.out.write("\r\x1b[K" + text)
        self.out.flush()
        self.status_shown = True
