"""A session's transcript: its words as plain text, under section headings, each line with its time."""

from __future__ import annotations

import textwrap

from guide.rendering.session import Session
from guide.rendering.steps import spoken_line
from guide.rendering.timeline import CueKind
from guide.script.language_rules import rules_or_english
from guide.script.values import format_clock, format_span

WIDTH = 78
_MARKS = {CueKind.SILENCE: "silence", CueKind.BELL: "bell", CueKind.SOUND: "recording", CueKind.BREATHE: "breathing"}
"""The moments with no words of the script in them, by the word the language's transcript names each with."""


def transcript(session: Session) -> str:
    """The title, the content note, then each section's heading and lines, times in minutes and seconds.

    Open silences, bells, recordings and paced breathing appear as bracketed marks with their length;
    fixed pauses and the gaps between lines do not."""
    script, timeline = session.script, session.timeline
    words = rules_or_english(script.language).transcript
    out = [script.title]
    if script.author:
        out.append(words["by"].format(author=script.author))
    out.append(words["in_all"].format(length=format_clock(timeline.length_ms)))
    if script.content_note:
        out += ["", textwrap.fill(" ".join(script.content_note.split()), WIDTH)]
    chapter_shown = -1
    cues = list(timeline.cues)
    index = 0
    while index < len(cues):
        cue = cues[index]
        if cue.chapter != chapter_shown:
            chapter = timeline.chapters[cue.chapter]
            out += ["", f"{chapter.title} ({format_clock(chapter.start_ms)})", ""]
            chapter_shown = cue.chapter
        # A breathing practice is many short phases: one mark covers the whole run of them.
        run_end = index + 1
        while cue.kind is CueKind.BREATHE and run_end < len(cues) and cues[run_end].kind is CueKind.BREATHE:
            run_end += 1
        line = spoken_line(cue.step)
        if cue.kind is CueKind.SAY and line is not None:
            out.append(_entry(cue.start_ms, " ".join(line.text.split())))
        elif cue.kind in _MARKS:
            span = "" if cue.kind is CueKind.BELL else f", {format_span(cues[run_end - 1].end_ms - cue.start_ms)}"
            out.append(_entry(cue.start_ms, f"[{words[_MARKS[cue.kind]]}{span}]"))
        index = run_end
    if script.reflect:
        out += ["", words["reflect"], ""] + [f"- {prompt}" for prompt in script.reflect]
    return "\n".join(out) + "\n"


def _entry(ms: int, text: str) -> str:
    clock = f"{format_clock(ms):>7}  "
    return textwrap.fill(text, WIDTH, initial_indent=clock, subsequent_indent=" " * len(clock))
