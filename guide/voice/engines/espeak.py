"""espeak-ng's own settings for a pace and a pitch, calibrated by measuring what it actually speaks."""

from __future__ import annotations

import numpy as np

RATE_FACTOR = 0.885
"""espeak-ng speaks about 13% faster than the rate it is given (measured on calm narration, 100-250 wpm)."""
MIN_RATE = 80
SLOWEST_WPM = 93.6
"""The pace espeak-ng actually speaks at its slowest rate (measured); slower paces are made with longer
gaps between words."""
WORDGAP_PARAMETER = 7
"""espeakWORDGAP in espeak-ng's speak_lib.h (pyttsx3 calls it EMPHASIS): extra silence between words."""
GAP_FIRST_S, GAP_UNIT_S = 0.047, 0.030
"""At espeak-ng's slowest rate, a word gap of N units lengthens each word by FIRST + N * UNIT seconds
(measured from 1 to 40 units)."""
PITCH_TABLE = ((-3.8, 25), (-1.75, 40), (0.0, 50), (1.9, 60), (4.8, 75), (7.8, 90), (9.7, 99))
"""(semitones, espeak-ng pitch parameter): the fundamental measured on sustained vowels at each setting.
Below 25 the voice does not go lower; 99 is the highest setting."""


def pace(words_per_minute: int) -> tuple[int, int]:
    """The espeak-ng rate and word gap that speak at a pace in words per minute."""
    if words_per_minute >= SLOWEST_WPM:
        return max(MIN_RATE, round(words_per_minute * RATE_FACTOR)), 0
    extra_per_word = 60 / words_per_minute - 60 / SLOWEST_WPM
    # One unit is the smallest step: take it only when that comes nearer the pace than none.
    if extra_per_word < (GAP_FIRST_S + GAP_UNIT_S) / 2:
        return MIN_RATE, 0
    return MIN_RATE, max(1, round((extra_per_word - GAP_FIRST_S) / GAP_UNIT_S))


def pitch(semitones: float) -> int:
    """The espeak-ng pitch parameter for a shift in semitones; ValueError beyond what espeak-ng can reach."""
    lowest, highest = PITCH_TABLE[0][0], PITCH_TABLE[-1][0]
    if not lowest <= semitones <= highest:
        raise ValueError(
            f"espeak-ng can shift its pitch from {lowest:+g} to {highest:+g} semitones, not {semitones:+g}"
        )
    shifts, settings = zip(*PITCH_TABLE, strict=True)
    return round(float(np.interp(semitones, shifts, settings)))
