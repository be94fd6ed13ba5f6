"""What the listener sees while a session plays: the section, the line being spoken, the time."""

from __future__ import annotations

import shutil
from typing import TextIO

from guide.model import Bell, Say
from guide.timeline import Cue, CueKind, Timeline
from guide.values import format_clock, format_span


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
    """Section headings as lines, and below them one status line that a terminal rewrites in place;
    plain lines, one per change, where the output is not a terminal."""

    def __init__(self, timeline: Timeline, out: TextIO, live: bool):
        self.timeline = timeline
        self.out = out
        self.live = live
        self.chapter: int | None = None
        self.cue: Cue | None = None
        self.status_shown = False

    def tick(self, elapsed_ms: int) -> None:
        cue = self.timeline.cue_at(elapsed_ms)
        chapter = self.timeline.chapters.index(c) if (c := self.timeline.chapter_at(elapsed_ms)) else None
        if chapter is not None and chapter != self.chapter:
            self.chapter = chapter
            self._line(f"— {self.timeline.chapters[chapter].title}")
        if self.live:
            self._status(elapsed_ms, cue)
        elif cue is not None and cue != self.cue and caption(cue):
            self._line(f"{format_clock(cue.start_ms)}  {caption(cue)}")
        self.cue = cue

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

    def _status(self, elapsed_ms: int, cue: Cue | None) -> None:
        clock = f"{format_clock(elapsed_ms)} / {format_clock(self.timeline.length_ms)}"
        width = shutil.get_terminal_size().columns - 1
        text = f"{clock}  {caption(cue)}"
        if len(text) > width:
            text = text[: max(width - 1, 0)] + "…"
        self.out.write("\r\x1b[K" + text)
        self.out.flush()
        self.status_shown = True
