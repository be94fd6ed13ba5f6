"""What the listener sees while a session plays: the section, the line being spoken, the time."""

from __future__ import annotations

import shutil
from typing import TextIO

from guide.rendering.timeline import Cue, CueKind, Timeline
from guide.script.model import Bell, Say
from guide.script.values import format_clock, format_span

BAR_WIDTH = 20


def caption(cue: Cue | None) -> str:
    """The words for a moment of the session: the spoken line, or a quiet note of what is happening."""
    if cue is None:
        return ""
    if isinstance(cue.step, Say):
        return cue.step.text
    if isinstance(cue.step, Bell):
        return "(bell)"
    if cue.kind is CueKind.SILENCE:
        return f"(silence, {format_span(cue.length_ms)})"
    return ""


class PlayDisplay:
    """Section headings as lines, and below them one status line that a terminal rewrites in place: a
    progress bar, the time, and the line being spoken. Plain lines, one per change, where the output is
    not a terminal."""

    def __init__(self, out: TextIO, live: bool):
        self.out = out
        self.live = live
        self.chapter: int | None = None
        self.cue: Cue | None = None
        self.paused = False
        self.status_shown = False
        self.status = ""
        self.shown: tuple[int, int | None, Cue | None] = (0, None, None)

    def tick(self, heard_ms: int, timeline: Timeline, whole: bool = True) -> None:
        """Show the moment `heard_ms` of a timeline (`whole`: all of the session; else its first part)."""
        cue = timeline.cue_at(heard_ms)
        chapter_at = timeline.chapter_at(heard_ms)
        chapter = timeline.chapters.index(chapter_at) if chapter_at is not None else None
        if chapter is not None and chapter != self.chapter:
            self.chapter = chapter
            self._line(f"— {timeline.chapters[chapter].title}")
        if self.live:
            self._status(heard_ms, timeline.length_ms if whole else None, cue)
        elif cue is not None and cue != self.cue and caption(cue):
            self._line(f"{format_clock(cue.start_ms)}  {caption(cue)}")
        self.cue = cue

    def pause(self, paused: bool) -> None:
        self.paused = paused
        if self.live:
            self._status(*self.shown)
        else:
            self._line("Paused." if paused else "Playing on.")

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
        words = "paused (space to go on)" if self.paused else caption(cue)
        text = f"{bar} {format_clock(heard_ms)} / {total}  {words}"
        width = shutil.get_terminal_size().columns - 1
        if len(text) > width:
            text = text[: max(width - 1, 0)] + "…"
        if self.status_shown and text == self.status:
            return
        self.status = text
        self.out.write("\r\x1b[K" + text)
        self.out.flush()
        self.status_shown = True
