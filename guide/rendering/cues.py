"""Breathing cues that fit their phases: the clearest cue a phase has time for, as the voice's model predicts it."""

from __future__ import annotations

from dataclasses import replace
from functools import cache, partial

from guide.errors import GuideError
from guide.script.model import BreathPhase, Script, Step, Voice
from guide.script.overrides import each_step
from guide.sound.pcm import samples_to_ms
from guide.voice.engines import Engines

FIT_SHARE = 0.85
"""The share of its phase a cue may take, as predicted: the rest is room for the prediction to be short."""


def fitted_cues(script: Script, engines: Engines) -> Script:
    """The script with each spoken breathing cue chosen: the clearest of its cues that its voice is predicted to
    say within FIT_SHARE of the phase, else its shortest. A voice that cannot predict keeps the shortest, the cue
    earlier versions spoke, so that a script whose cues fitted then fits still."""

    # Each breath of a `breathe` repeats its phases: each cue is predicted once.
    predicted_ms = cache(partial(_predicted_ms, language=script.language, engines=engines))

    def fitted(step: Step) -> Step:
        if not isinstance(step, BreathPhase) or not step.clearer:
            return step
        for words in step.clearer if step.cue == "voice" else ():
            predicted = predicted_ms(words, step.voice)
            if predicted is not None and predicted <= step.ms * FIT_SHARE:
                return replace(step, words=words, clearer=())
        return replace(step, clearer=())

    return each_step(script, fitted)


def _predicted_ms(words: str, voice: Voice, language: str, engines: Engines) -> int | None:
    try:
        samples = engines.for_voice(voice, language).predict(words, voice, language)
    except GuideError:  # the voice is not there: the render says so, with the shortest cue chosen meanwhile
        return None
    return None if samples is None else samples_to_ms(samples)
