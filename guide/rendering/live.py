"""A session that plays before it is all voiced: lines are voiced in order in the background, and each stretch
is mixed as soon as everything it depends on is known, exactly as the whole session would mix it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from guide.errors import GuideError
from guide.rendering.mixer import DUCK_ATTACK_MS
from guide.rendering.planning import choosing_lengths, chosen_content, plan_without_speaking
from guide.rendering.session import Gains, Session, assemble, known_trim
from guide.rendering.steps import all_steps, spoken_line, spoken_lines
from guide.rendering.timeline import CueKind
from guide.script.model import Keep, Say, Script, Silence, Step
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines
from guide.voice.voicing import load_voices, speak_line, speak_lines


class LiveSession:
    """A script being voiced line by line in a background thread, mixed as far as it is voiced.

    The trim is the one measured for the script before, or else the usual one, so that the first sound
    comes at once; every part is mixed with it, so the parts join without a seam."""

    def __init__(
        self, script: Script, cache: ClipCache, engines: Engines, loudness: float, level_from: Script | None = None
    ):
        self.script = script
        self.loudness = loudness
        self.planned_ms = script.duration.ms if script.duration is not None else None
        """How long the session is planned to last, before it is all voiced: its target, or its lines' predicted
        lengths once they are worked out; None until then."""
        # The neural voice's model takes a while to load: it loads while the content and the trim are worked out.
        self._loading = threading.Thread(
            target=load_voices, args=(spoken_lines(script), script.language, engines), name="loading", daemon=True
        )
        self._loading.start()
        # What the script's length keeps, chosen now from the voice's predicted lengths as an export chooses
        # it, so that the parts can be mixed past its first optional step.
        self._content = chosen_content(script, engines)
        self._lines = spoken_lines(self._content)
        self.trim = known_trim(level_from or script, cache, engines, loudness)
        self._clips: dict[Say, np.ndarray] = {}
        self._opening: dict[Say, np.ndarray] = {}
        """The first line's first sentence, played while the rest of the line is spoken."""
        self._gains = Gains(cache)
        self._failure: BaseException | None = None
        self._whole: Session | None = None
        self._closing_alone: Session | None = None
        self._part: tuple[tuple[int, int], Session, int] | None = None
        """((lines voiced, first sentences voiced), the part's session, the ms up to which it is exact)."""
        self._ready = threading.Condition()
        self._cache = cache
        self._engines = engines
        self._closing = threading.Event()
        self._voicing = threading.Thread(target=self._voice, name="voicing", daemon=True)
        self._voicing.start()

    def close(self) -> None:
        """Stop voicing after the line being spoken, and wait for it and for a voice still loading: a process that
        ends while a neural voice is mid-line or mid-load can crash in its teardown."""
        self._closing.set()
        self._voicing.join()
        self._loading.join()

    def _voice(self) -> None:
        """Voice each line in order, then mix the whole session: here, so that the player's thread, which
        must keep the device fed, never does more than a part at a time."""
        try:
            # The first line, so that the session starts; then the closing, so that the way out is there to take
            # from the first moments on; then how long the session is planned to last, for the listener to see.
            self._voice_first_line()
            self._voice_lines(spoken_lines(_closing_alone(self._content)))
            if self.script.duration is None:
                self.planned_ms = plan_without_speaking(self.script, self._engines, self._cache)[0].length_ms
            self._voice_lines(self._lines)
            try:
                whole = assemble(self._content, dict(self._clips), self.loudness, self.trim, self._gains)
            except GuideError:
                if self._content is self.script:
                    raise
                # The spoken lines came out a little longer or shorter than predicted, and the content chosen
                # cannot reach the length: the script chooses again, as an export of it would.
                self._voice_lines(spoken_lines(self.script))
                whole = assemble(
                    self.script,
                    dict(self._clips),
                    self.loudness,
                    self.trim,
                    self._gains,
                    predicted=choosing_lengths(self.script, self._engines),
                )
            with self._ready:
                self._whole = whole
                self._ready.notify_all()
        except _Closed:
            return
        except BaseException as error:  # handed to the player's thread, which reports it
            with self._ready:
                self._failure = error
                self._ready.notify_all()

    def _voice_first_line(self) -> None:
        """The first line, its first sentence given to the player as soon as it is spoken. The whole line is
        levelled by that sentence, all there is to go by when it starts to play, so that its level never steps
        midway; that gain is kept as the line's, so that a play with the line in the cache sounds the same
        (levelled by the whole line, it would be up to about 2 dB louder or softer)."""
        if not self._lines:
            return
        line = self._lines[0]
        loudness = self.loudness + self.trim
        opening_gain_db: list[float] = []

        def first_heard(sentence: np.ndarray) -> None:
            opening_gain_db.append(self._gains.gain_db(sentence, loudness, line))
            with self._ready:
                self._opening[line] = sentence
                self._ready.notify_all()

        clip = speak_line(line, self.script.language, self._engines, self._cache, first_heard)
        if opening_gain_db:
            self._gains.keep(clip, loudness, opening_gain_db[0])
        self._keep(line, clip)

    def _voice_lines(self, lines: list[Say]) -> None:
        for line in lines:
            if self._closing.is_set():
                raise _Closed
            if line not in self._clips:
                self._keep(line, speak_lines([line], self.script.language, self._engines, self._cache)[line])

    def _keep(self, line: Say, clip: np.ndarray) -> None:
        # The gain is found here, so that the player's thread only looks it up when the line is mixed.
        self._gains.gain_db(clip, self.loudness + self.trim, line)
        with self._ready:
            self._clips[line] = clip
            self._opening.pop(line, None)
            self._ready.notify_all()

    def _voiced(self) -> tuple[int, int]:
        """How many lines are voiced, and how many first sentences of lines still being spoken."""
        with self._ready:
            if self._failure is not None:
                raise self._failure
            return len(self._clips), len(self._opening)

    def whole(self) -> Session:
        """The whole session, once every line is voiced and it is mixed (waiting for that)."""
        with self._ready:
            while self._whole is None and self._failure is None:
                self._ready.wait()
        self._voiced()
        assert self._whole is not None
        return self._whole

    def whole_if_ready(self) -> Session | None:
        """The whole session if it is voiced and mixed by now, else None (never waiting)."""
        self._voiced()
        return self._whole

    def known(self) -> Known:
        """As much of the session as is voiced now, never waiting: the whole, or its first part."""
        whole = self.whole_if_ready()
        if whole is not None:
            return Known(whole, whole.timeline.length_ms, True)
        voiced = self._voiced()
        if self._part is None or self._part[0] != voiced:
            self._part = (voiced, *self._first_part())
        return Known(self._part[1], self._part[2], False)

    def closing_alone(self) -> Session | None:
        """The grounding close as a session of its own, once its lines are voiced (they are voiced first), for a
        listener who leaves for it before the whole session is known; None until then."""
        if self._closing_alone is None:
            alone = _closing_alone(self._content)
            with self._ready:
                clips = dict(self._clips)
            if not self._content.closing or any(line not in clips for line in spoken_lines(alone)):
                return None
            self._closing_alone = assemble(alone, clips, self.loudness, self.trim, self._gains)
        return self._closing_alone

    def _first_part(self) -> tuple[Session, int]:
        """The session's steps up to the first line not yet voiced, or, when the script has a target
        duration, the first `silence` or optional step (until every line is known, neither the silences'
        scale nor the content the length keeps is), and how far its mix is exact."""
        kept: list[Step] = []
        with self._ready:
            clips = self._opening | self._clips
        for step in all_steps(self._content):
            line = spoken_line(step)
            if line is not None and line not in clips:
                break
            if self._content.duration and (isinstance(step, Silence) or step.keep is not Keep.ALWAYS):
                break
            kept.append(step)
        part = assemble(_truncated(self._content, len(kept)), clips, self.loudness, self.trim, self._gains, True)
        # Whatever comes next starts no earlier than where the part's last step ends; the bed starts to
        # dip before speech, so the part is exact only until that dip could begin.
        ends = [cue.end_ms for cue in part.timeline.cues if cue.kind is not CueKind.GAP]
        return part, max(0, max(ends, default=0) - DUCK_ATTACK_MS)


@dataclass(frozen=True)
class Known:
    """As much of a live session as can be played now."""

    session: Session
    exact_ms: int
    """How far its mix is exact: the whole session's length, or where its first part may still change."""
    whole: bool


def _closing_alone(script: Script) -> Script:
    """The script's grounding close alone, with no target duration."""
    return replace(script, sections=(), duration=None)


def _truncated(script: Script, count: int) -> Script:
    """The script's first `count` steps, in as many sections as they reach, with no target duration."""
    sections = []
    remaining = count
    for section in script.sections:
        if remaining <= 0:
            break
        sections.append(replace(section, steps=section.steps[:remaining]))
        remaining -= len(section.steps)
    closing = script.closing[: max(0, remaining)]
    return replace(script, sections=tuple(sections), closing=closing, duration=None)


class _Closed(Exception):
    """The live session was closed before every line was voiced."""
