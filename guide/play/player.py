"""Playing a session: mixed a block at a time just ahead of what is heard, with the listener's controls."""

from __future__ import annotations

import enum
import signal
import time
from collections import deque
from dataclasses import dataclass, replace
from types import FrameType

import numpy as np

from guide.play.display import PlayDisplay
from guide.play.keys import Keys
from guide.play.outputs import STOP_FADE_MS, Output
from guide.rendering.live import LiveSession
from guide.rendering.session import Session
from guide.rendering.timeline import Timeline
from guide.sound.pcm import ms_to_samples, samples_to_ms, to_int16

BLOCK_MS = 100
"""Audio is mixed and handed to the device in blocks this long: keys are answered within one."""
TURN_FADE_MS = 250
"""Pausing, resuming and jumping fade over this long, so that nothing clicks."""
PAUSED_POLL_S = 0.05
OFFER_CLOSING = "Press g for a short grounding close, or q again to quit."


class Ending(enum.Enum):
    FINISHED = "finished"
    QUIT = "quit"
    """With q."""
    INTERRUPTED = "interrupted"
    """With Ctrl+C."""


@dataclass(frozen=True)
class Outcome:
    ending: Ending
    heard_ms: int
    """Where the listener was when it ended."""
    underruns: int = 0
    """How often the device ran dry waiting for the next block (a gap in the sound)."""
    section: str | None = None
    """The title of the section it ended in."""


class Player:
    """Plays a live session from a moment on, answering keys between blocks.

    Keys: space pauses and resumes, n skips to the next section, b goes back to the start of this one, g
    goes to the closing, q (or Ctrl+C) quits; during the sections, the first q offers the closing
    instead, when there are keys to take it up with."""

    def __init__(
        self,
        live: LiveSession,
        output: Output,
        display: PlayDisplay | None,
        keys: Keys | None,
        start_ms: int = 0,
    ):
        self.live = live
        self.output = output
        self.display = display
        self.keys = keys
        self.position = ms_to_samples(start_ms)
        self.fade_in_left = ms_to_samples(TURN_FADE_MS) if start_ms else 0
        self.placed: deque[tuple[int, int]] = deque([(output.written, self.position)])
        """(frame of the output, sample of the session) where each stretch written since a jump begins."""
        self.interrupts = 0
        self.offered = False
        self.paused = False
        self._timeline: Timeline | None = None
        """The timeline of the part of the session last played from: where the section it ends in is found."""
        self.ending: Outcome | None = None

    def run(self) -> Outcome:
        previous = signal.signal(signal.SIGINT, self._interrupted)
        try:
            while self.ending is None:
                self._answer_keys()
                if self.ending is not None:
                    break
                if self.paused:
                    self._wait()
                    continue
                session, whole = self.live.session_until(samples_to_ms(self.position) + BLOCK_MS + 1)
                self._timeline = session.timeline
                length = ms_to_samples(session.timeline.length_ms) if whole else None
                if length is not None and self.position >= length:
                    self.output.drain()
                    self._show(session, whole)
                    self.ending = Outcome(Ending.FINISHED, session.timeline.length_ms)
                    break
                end = self.position + ms_to_samples(BLOCK_MS)
                self._write(session, min(end, length) if length is not None else end)
                self._show(session, whole)
        finally:
            signal.signal(signal.SIGINT, previous)
        chapter = self._timeline.chapter_at(self.ending.heard_ms) if self._timeline is not None else None
        return replace(self.ending, underruns=self.output.underruns, section=chapter.title if chapter else None)

    def heard_ms(self) -> int:
        """The moment of the session being heard now."""
        heard_frame = self.output.written - self.output.queued_frames()
        while len(self.placed) > 1 and self.placed[1][0] <= heard_frame:
            self.placed.popleft()
        frame, sample = self.placed[0]
        return samples_to_ms(sample + max(0, heard_frame - frame))

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        # Ctrl+C is answered between blocks, like a key: an exception here could cut a block in half.
        self.interrupts += 1

    def _write(self, session: Session, end: int, fade_out: bool = False) -> None:
        samples = session.mix.mastered(self.position, end, session.levels)
        if self.fade_in_left:
            ramp = ms_to_samples(TURN_FADE_MS)
            done = ramp - self.fade_in_left
            gains = np.clip((np.arange(len(samples)) + done) / ramp, 0.0, 1.0)
            samples = samples * gains
            self.fade_in_left = max(0, self.fade_in_left - len(samples))
        if fade_out:
            samples = samples * np.linspace(1.0, 0.0, len(samples))
        self.output.write(to_int16(samples).astype("<i2").tobytes())
        self.position = end

    def _fade_out(self, ms: int) -> None:
        session, _ = self.live.session_until(samples_to_ms(self.position) + ms + 1)
        self._write(session, self.position + ms_to_samples(ms), fade_out=True)

    def _jump(self, to_ms: int) -> None:
        if not self.paused:
            self._fade_out(TURN_FADE_MS)
        self.paused = False
        self.position = ms_to_samples(to_ms)
        self.fade_in_left = ms_to_samples(TURN_FADE_MS)
        self.placed.append((self.output.written, self.position))

    def _answer_keys(self) -> None:
        while self.interrupts:
            self.interrupts -= 1
            self._quit(Ending.INTERRUPTED)
        while self.ending is None and self.keys is not None and (key := self.keys.take()) is not None:
            self._answer(key.lower())

    def _answer(self, key: str) -> None:
        if key in "q\x1b":
            self._quit(Ending.QUIT)
        elif key == " ":
            self._toggle_pause()
        elif key in "nbg":
            timeline = self.live.whole().timeline
            target = _jump_target(key, timeline, self.heard_ms(), bool(self.live.script.closing))
            if target is not None:
                self._jump(target)

    def _toggle_pause(self) -> None:
        if self.paused:
            self.paused = False
            self.fade_in_left = ms_to_samples(TURN_FADE_MS)
            self.placed.append((self.output.written, self.position))
        else:
            self._fade_out(TURN_FADE_MS)
            self.output.drain()
            self.paused = True
        if self.display is not None:
            self.display.pause(self.paused)

    def _quit(self, how: Ending) -> None:
        heard = self.heard_ms()
        if self._may_offer_closing(heard):
            self.offered = True
            if self.display is not None:
                self.display.notice(OFFER_CLOSING)
            return
        if not self.paused:
            self._fade_out(STOP_FADE_MS)
            self.output.drain()
        self.ending = Outcome(how, heard)

    def _may_offer_closing(self, heard_ms: int) -> bool:
        if self.offered or self.keys is None or not self.live.script.closing:
            return False
        timeline = self.live.whole().timeline
        return heard_ms < timeline.chapters[-1].start_ms

    def _wait(self) -> None:
        time.sleep(PAUSED_POLL_S)

    def _show(self, session: Session, whole: bool) -> None:
        if self.display is not None:
            self.display.tick(self.heard_ms(), session.timeline, whole)


def _jump_target(key: str, timeline: Timeline, heard_ms: int, has_closing: bool) -> int | None:
    """Where n (the next section), b (the start of this one) or g (the closing) go from a moment."""
    chapters = timeline.chapters
    chapter = timeline.chapter_at(heard_ms)
    current = chapters.index(chapter) if chapter is not None else len(chapters) - 1
    if key == "n":
        return chapters[current + 1].start_ms if current + 1 < len(chapters) else None
    if key == "b":
        return chapters[current].start_ms
    return chapters[-1].start_ms if has_closing and current != len(chapters) - 1 else None
