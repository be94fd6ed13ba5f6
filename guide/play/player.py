"""Playing a session: mixed a block at a time just ahead of what is heard, with the listener's controls."""

from __future__ import annotations

import contextlib
import enum
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import FrameType

import numpy as np

from guide.errors import GuideError, SoundDeviceLost
from guide.play.device import SoundDevice, open_device
from guide.play.display import PlayDisplay
from guide.play.keys import ESCAPE, Keys
from guide.rendering.live import Known, LiveSession
from guide.rendering.session import Session
from guide.rendering.timeline import Timeline
from guide.sound.pcm import ms_to_samples, samples_to_ms, to_int16
from guide.translation import N_, _

BLOCK_MS = 100
"""Audio is mixed and handed to the device in blocks this long: keys are answered within one."""
TURN_FADE_MS = 250
"""Pausing, resuming and jumping fade over this long, so that nothing clicks."""
WAIT_S = 0.02
"""How long the loop rests while paused, or while the voice catches up, before it looks at the keys again."""
STOP_FADE_MS = 1000
"""Quitting fades the sound out over a second rather than cutting it off."""
OFFER_CLOSING = N_("Press g for a short grounding close, or q again to quit.")
GOING_TO_CLOSE = N_("Going to the grounding close.")
WAITING_FOR = {
    "g": N_("Going to the grounding close as soon as it is ready…"),
    "n": N_("Going to the next section as soon as it is ready…"),
    "b": N_("Going back as soon as it is ready…"),
}
DEVICE_LOST = N_(
    "The sound device stopped taking sound (were the headphones unplugged?). Paused: space goes on through the "
    "default device, q stops and keeps the place."
)
QUIT = "q"


class Ending(enum.Enum):
    FINISHED = "finished"
    QUIT = "quit"
    """With q."""
    INTERRUPTED = "interrupted"
    """With Ctrl+C."""
    LOST = "lost"
    """The sound device went, with no keys to go on with."""


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
    instead, when there are keys to take it up with.

    The loop never waits on the voice: what is not voiced yet is waited for a block at a time, keys answered
    in between. A jump whose place is not known yet fades out at once and is taken as soon as it is; g before
    the whole session is known plays the grounding close on its own, its lines voiced first of all."""

    def __init__(
        self,
        live: LiveSession,
        output: SoundDevice,
        display: PlayDisplay | None,
        keys: Keys | None,
        start_ms: int = 0,
        reopen: Callable[[], SoundDevice] | None = None,
    ):
        self.live = live
        self.output = output
        self.reopen = reopen or (lambda: open_device(None))
        """Opens the device to go on through after the one playing was lost."""
        self.lost = False
        self.display = display
        self.keys = keys
        self.position = ms_to_samples(start_ms)
        self.fade_in_left = ms_to_samples(TURN_FADE_MS) if start_ms else 0
        self.placed: deque[tuple[int, int]] = deque([(output.written, self.position)])
        """(frame of the output, sample of the session) where each stretch written since a jump begins."""
        self.interrupts = 0
        self.offered = False
        self.paused = False
        self.pending: str | None = None
        """A jump asked for (n, b or g) whose place is not voiced yet: silence until it is."""
        self.alone: Session | None = None
        """The grounding close played on its own, where g led before the whole session was known."""
        self.left_ms = 0
        """Where the listener left the sections for the close on its own: the place a later play resumes from."""
        self._timeline: Timeline | None = None
        """The timeline of the part of the session last played from: where the section it ends in is found."""
        self.ending: Outcome | None = None

    def run(self) -> Outcome:
        previous = signal.signal(signal.SIGINT, self._interrupted)
        try:
            while self.ending is None:
                try:
                    self._turn()
                except SoundDeviceLost:
                    self._lost()
        finally:
            signal.signal(signal.SIGINT, previous)
        chapter = self._timeline.chapter_at(self.ending.heard_ms) if self._timeline is not None else None
        return replace(self.ending, underruns=self.output.underruns, section=chapter.title if chapter else None)

    def _turn(self) -> None:
        """One turn of the loop: the keys pressed, then a block played, or a short rest."""
        self._answer_keys()
        if self.ending is None and self.pending is not None:
            self._take_pending()
        if self.ending is not None:
            return
        if self.paused or self.pending is not None:
            if not self.lost:
                self.output.rest()
            self._wait()
            return
        self._play_block()

    def heard_ms(self) -> int:
        """The moment being heard now, of the session (or of the close on its own)."""
        heard_frame = self.output.written - self.output.queued_frames()
        while len(self.placed) > 1 and self.placed[1][0] <= heard_frame:
            self.placed.popleft()
        frame, sample = self.placed[0]
        return samples_to_ms(sample + max(0, heard_frame - frame))

    def place_ms(self) -> int:
        """Where in the session the listener is, as a later play resumes from it."""
        return self.left_ms if self.alone is not None else self.heard_ms()

    def _known(self) -> Known:
        if self.alone is not None:
            return Known(self.alone, self.alone.timeline.length_ms, True)
        return self.live.known()

    def _play_block(self) -> None:
        if not self.output.room(WAIT_S):
            return
        known = self._known()
        self._timeline = known.session.timeline
        end = self.position + ms_to_samples(BLOCK_MS)
        if known.whole:
            length = ms_to_samples(known.session.timeline.length_ms)
            if self.position >= length:
                self.output.drain()
                self._show(known)
                self.ending = Outcome(Ending.FINISHED, self.left_ms if self.alone else known.session.timeline.length_ms)
                return
            end = min(end, length)
        elif known.exact_ms < samples_to_ms(end) + 1:
            # The voice has not reached this far yet: the silence meanwhile is no gap of the machine's.
            self.output.wait()
            self._show(known)
            self._wait()
            return
        self._write(known.session, end)
        self._show(known)

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
        """Fade out over `ms` from the moment the device will play next, or over as much of it as is voiced (where
        nothing is, the sound has stopped)."""
        self._take_back()
        known = self._known()
        end = min(self.position + ms_to_samples(ms), ms_to_samples(known.exact_ms))
        if end > self.position:
            self._write(known.session, end, fade_out=True)

    def _take_back(self) -> None:
        """Take back what the device has not taken yet, and go back to the moment of the session it would have
        played next: a fade then starts where the listener is, not a fifth of a second later."""
        self.output.discard()
        frame = self.output.written
        while len(self.placed) > 1 and self.placed[-1][0] > frame:
            self.placed.pop()
        start_frame, start_sample = self.placed[-1]
        self.position = start_sample + max(0, frame - start_frame)

    def _jump(self, to_ms: int) -> None:
        if not self.paused and self.pending is None:
            self._fade_out(TURN_FADE_MS)
        self.paused = False
        self.pending = None
        self.position = ms_to_samples(to_ms)
        self.fade_in_left = ms_to_samples(TURN_FADE_MS)
        self.placed.append((self.output.written, self.position))

    def _answer_keys(self) -> None:
        while self.interrupts:
            self.interrupts -= 1
            self._quit(Ending.INTERRUPTED)
        while self.ending is None and self.keys is not None and (key := self.keys.take()) is not None:
            self._answer(key)

    def _answer(self, key: str) -> None:
        if key in (QUIT, ESCAPE):
            self._quit(Ending.QUIT)
        elif key == " ":
            self._toggle_pause()
        elif key in ("n", "b", "g") and not self._jumped(key):
            # Its place is not voiced yet: the sound goes now, the jump comes as soon as it can.
            if not self.paused and self.pending is None:
                self._fade_out(TURN_FADE_MS)
                self.output.pause()
            self.pending = key
            if self.display is not None:
                self.display.notice(_(WAITING_FOR[key]))

    def _take_pending(self) -> None:
        assert self.pending is not None
        self._jumped(self.pending)

    def _going_to_close(self) -> None:
        # The way out says at once that it was heard, before the fade into the close is.
        if self.display is not None:
            self.display.notice(_(GOING_TO_CLOSE))

    def _jumped(self, key: str) -> bool:
        """Jump where n, b or g goes, if that place is known (or there is nowhere to go); False if it is not known
        yet."""
        known = self._known()
        heard = self.heard_ms()
        if self.alone is not None:
            if key == "b":
                self._jump(0)
            self.pending = None
            return True
        if known.whole:
            target = _jump_target(key, known.session.timeline, heard, bool(self.live.script.closing))
            if target is not None:
                if key == "g":
                    self._going_to_close()
                self._jump(target)
            self.pending = None
            return True
        if key == "g":
            alone = self.live.closing_alone()
            if alone is None:
                return not self.live.script.closing
            self.left_ms = self.place_ms()
            self._going_to_close()
            self._jump(0)
            self.alone = alone
            self.placed.append((self.output.written, 0))
            return True
        target = _jump_target(key, known.session.timeline, heard, False)
        if target is None or target > known.exact_ms:
            return False
        self._jump(target)
        return True

    def _lost(self) -> None:
        """The device stopped taking sound: pause where the listener was, and say so; without keys to go on with,
        the play ends there, its place kept."""
        place, heard = self.place_ms(), self.heard_ms()
        self.output.close()
        self.lost = True
        if self.keys is None:
            self.ending = Outcome(Ending.LOST, place)
            return
        self.paused = True
        self.pending = None
        self.position = ms_to_samples(heard)
        self.placed = deque([(self.output.written, self.position)])
        if self.display is not None:
            self.display.notice(_(DEVICE_LOST))

    def _toggle_pause(self) -> None:
        if self.lost:
            try:
                self.output = self.reopen()
            except GuideError as error:
                if self.display is not None:
                    self.display.notice(f"{error.message}. {_(DEVICE_LOST)}")
                return
            self.lost = False
            self.placed = deque([(self.output.written, self.position)])
        if self.paused or self.pending is not None:
            self.paused = False
            self.pending = None
            self.fade_in_left = ms_to_samples(TURN_FADE_MS)
            self.placed.append((self.output.written, self.position))
        else:
            self._fade_out(TURN_FADE_MS)
            self.output.pause()
            self.paused = True
        if self.display is not None:
            self.display.pause(self.paused)

    def _quit(self, how: Ending) -> None:
        place = self.place_ms()
        if self._may_offer_closing(place):
            self.offered = True
            if self.display is not None:
                self.display.notice(_(OFFER_CLOSING))
            return
        if not self.paused and self.pending is None:
            self._fade_out(STOP_FADE_MS)
            with contextlib.suppress(SoundDeviceLost):
                self.output.drain()
        self.ending = Outcome(how, place)

    def _may_offer_closing(self, place_ms: int) -> bool:
        if self.offered or self.keys is None or not self.live.script.closing or self.alone is not None or self.lost:
            return False
        whole = self.live.whole_if_ready()
        # Until the whole session is known, the listener is still in its sections.
        return whole is None or place_ms < whole.timeline.chapters[-1].start_ms

    def _wait(self) -> None:
        time.sleep(WAIT_S)

    def _show(self, known: Known) -> None:
        if self.display is not None:
            total = known.session.timeline.length_ms if known.whole else self.live.planned_ms
            self.display.tick(self.heard_ms(), known.session.timeline, total)


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
