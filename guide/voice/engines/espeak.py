"""espeak-ng's own settings for a pace and a pitch, calibrated by measuring what it actually speaks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from guide.script.format import primary_language
from guide.translation import _
from guide.voice.engines.length_model import calibration_folder

MIN_RATE = 80
PACE_FITTED_AT = (100, 125, 150, 175, 200)
"""The rates of espeak-ng's a language's pace is measured at: those of calm narration."""
PACES_FILE = "espeak-paces.json"
"""Each language's measured `Pace`, in the calibration folder, written by `calibrate`."""
FIRST_CALIBRATED = "1.51"
"""The espeak-ng whose measurements are the calibration folder's own; a later one's are in a folder of their own,
`espeak-ng-VERSION` (its major and minor version), where it was measured."""


@dataclass(frozen=True)
class Pace:
    """How fast espeak-ng speaks a language: its words are longer or shorter than English ones, so that the
    same rate speaks another number of them a minute."""

    rate_factor: float
    """The rate to give espeak-ng for each word per minute wanted (measured on calm narration, 100-250 wpm)."""
    slowest_wpm: float
    """The pace espeak-ng actually speaks at its slowest rate; slower paces are made with longer gaps between
    words."""


ENGLISH = Pace(rate_factor=0.885, slowest_wpm=93.6)
"""English's pace, which a language with none measured takes."""
WORDGAP_PARAMETER = 7
"""espeakWORDGAP in espeak-ng's speak_lib.h (pyttsx3 calls it EMPHASIS): extra silence between words."""
GAP_FIRST_S, GAP_UNIT_S = 0.047, 0.030
"""At espeak-ng's slowest rate, a word gap of N units lengthens each word by FIRST + N * UNIT seconds
(measured from 1 to 40 units)."""
PITCH_TABLE = ((-3.8, 25), (-1.75, 40), (0.0, 50), (1.9, 60), (4.8, 75), (7.8, 90), (9.7, 99))
"""(semitones, espeak-ng pitch parameter): the fundamental measured on sustained vowels at each setting.
Below 25 the voice does not go lower; 99 is the highest setting."""


def calibration_for(version: str) -> Path | None:
    """The folder of what was measured of espeak-ng at a version ("1.52.0"), or None where it was never measured."""
    folder = calibration_folder()
    release = ".".join(version.split(".")[:2])
    if release == FIRST_CALIBRATED:
        return folder
    own = folder / f"espeak-ng-{release}"
    return own if own.is_dir() else None


def pace(words_per_minute: int, language: str = "en", version: str = FIRST_CALIBRATED) -> tuple[int, int]:
    """The espeak-ng rate and word gap that speak a language at a pace in words per minute, at an espeak-ng version
    (a version never measured takes the first one's paces)."""
    measured = language_pace(language, version)
    if words_per_minute >= measured.slowest_wpm:
        return max(MIN_RATE, round(words_per_minute * measured.rate_factor)), 0
    extra_per_word = 60 / words_per_minute - 60 / measured.slowest_wpm
    # One unit is the smallest step: take it only when that comes nearer the pace than none.
    if extra_per_word < (GAP_FIRST_S + GAP_UNIT_S) / 2:
        return MIN_RATE, 0
    return MIN_RATE, max(1, round((extra_per_word - GAP_FIRST_S) / GAP_UNIT_S))


def language_pace(language: str, version: str = FIRST_CALIBRATED) -> Pace:
    """The measured pace of a language tag's language (`es-419` has Spanish's), else English's."""
    return measured_paces(version).get(primary_language(language), ENGLISH)


@cache
def measured_paces(version: str = FIRST_CALIBRATED) -> dict[str, Pace]:
    """The pace measured for each language at an espeak-ng version (or the first one measured), by its primary
    subtag."""
    path = (calibration_for(version) or calibration_folder()) / PACES_FILE
    if not path.is_file():
        return {}
    return {tag: Pace(**fields) for tag, fields in json.loads(path.read_text(encoding="utf-8")).items()}


def pitch(semitones: float) -> int:
    """The espeak-ng pitch parameter for a shift in semitones; ValueError beyond what espeak-ng can reach."""
    lowest, highest = PITCH_TABLE[0][0], PITCH_TABLE[-1][0]
    if not lowest <= semitones <= highest:
        raise ValueError(
            _("espeak-ng can shift its pitch from {lowest:+g} to {highest:+g} semitones, not {semitones:+g}").format(
                lowest=lowest, highest=highest, semitones=semitones
            )
        )
    shifts, settings = zip(*PITCH_TABLE, strict=True)
    return round(float(np.interp(semitones, shifts, settings)))
