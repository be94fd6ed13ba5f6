"""How long a voice takes to speak a line, predicted from the line's phonemes by a model fitted on the voice once."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from guide.script.format import primary_language
from guide.script.sentences import sentences

FEATURES = ("line", "vowels", "consonants", "long marks", "words", "sentence breaks", "clause breaks")
"""What a line is counted by: each weighs some seconds in a voice's model. Vowels and consonants are counted in
the phonemes the voice itself reads (IPA, from espeak-ng), breaks in the text: each is a pause."""
_VOWELS = frozenset("aeiouyæøœɐɑɒɔəɘɚɛɜɝɞɤɨɪɯɵɶʉʊʌʏᵻ")
_CLAUSE_BREAK = re.compile(r"[,;:—–]")
_WORD = re.compile(r"[\w']+")
MODEL_FORMAT = 1
"""Raise when the features or the fitting change, so that models fitted before are fitted again."""
REFERENCE_WPM = 110
"""The pace a system voice's weights are fitted at; every other pace is a factor of it."""
FIT_SCALES = (1.5, 3.5)
"""The length scales a neural voice is measured at: between them, which holds the paces of calm narration (about
80 to 160 words per minute), its lengths lie on a straight line in the scale; below them they bend a little."""
SENTENCE_PAUSE_WORDS = 1.0
"""Between the sentences of a line, the neural voice pauses as long as a word takes at the line's pace, as
espeak-ng does."""
SHORTEST_S = 0.1
"""No line is predicted shorter than this: a weight below zero must never make a length below it."""


def features(text: str, phonemes: str) -> tuple[float, ...]:
    """A line counted as `FEATURES` lists, from its text and the phonemes (IPA) the voice reads it as."""
    letters = [c for c in unicodedata.normalize("NFD", phonemes) if c.isalpha()]
    vowels = sum(c in _VOWELS for c in letters)
    return (
        1.0,
        float(vowels),
        float(len(letters) - vowels),
        float(phonemes.count("ː")),
        float(len(phonemes.split())),
        float(max(0, len(sentences(text)) - 1)),
        float(len(_CLAUSE_BREAK.findall(text))),
    )


def spoken_words(text: str) -> int:
    """The words of a line, as a pace in words per minute counts them."""
    return len(_WORD.findall(text))


def fit_weights(rows: Sequence[Sequence[float]], seconds: Sequence[float]) -> tuple[float, ...]:
    """The weights (seconds per feature) that best predict the lengths measured, by least squares."""
    found, *_ = np.linalg.lstsq(np.asarray(rows, dtype=np.float64), np.asarray(seconds), rcond=None)
    return tuple(round(float(weight), 6) for weight in found)


def weighed(weights: Sequence[float], counted: Sequence[float]) -> float:
    """Seconds a line counted so takes by a set of weights."""
    return float(np.dot(weights, counted))


def corpus(language: str) -> list[str]:
    """The lines a voice speaks once to be measured, in its language where there are some, else in English."""
    folder = calibration_folder()
    main = primary_language(language)
    path = folder / f"corpus-{main}.txt"
    if not path.is_file():
        path = folder / "corpus-en.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def calibration_folder() -> Path:
    """The models shipped for the bundled voices, and the lines they were fitted on."""
    return Path(str(files("guide.voice.engines") / "calibration"))


@dataclass(frozen=True)
class EspeakModel:
    """A system voice's lengths: seconds at the reference pace by `weights`, times a measured factor per pace."""

    voice: str
    weights: tuple[float, ...]
    factors: dict[int, float]
    """Words per minute -> the corpus's spoken length at that pace over its prediction at the reference pace."""

    def seconds(self, counted: Sequence[float], words_per_minute: int) -> float | None:
        """A line's predicted length at a pace, or None when that pace was never measured for this voice."""
        factor = self.factors.get(words_per_minute)
        return None if factor is None else max(SHORTEST_S, weighed(self.weights, counted) * factor)


@dataclass(frozen=True)
class PiperModel:
    """A neural voice's lengths at any length scale: `fixed` weights plus `stretched` weights times the scale
    (its phoneme durations stretch with the scale, its shortest sounds and edges do not)."""

    voice: str
    fixed: tuple[float, ...]
    stretched: tuple[float, ...]
    corpus_fixed_s: float
    corpus_stretched_s: float
    corpus_words: float
    """The corpus's words, less one for each pause between its sentences: what a pace is asked of."""

    def seconds(self, counted: Sequence[float], scale: float) -> float:
        return max(SHORTEST_S, weighed(self.fixed, counted) + scale * weighed(self.stretched, counted))

    def scale_for(self, words_per_minute: int) -> float:
        """The length scale at which the voice speaks the corpus in as long as the pace asks."""
        wanted = self.corpus_words * 60 / words_per_minute
        return max(0.25, (wanted - self.corpus_fixed_s) / self.corpus_stretched_s)


def to_json(model: EspeakModel | PiperModel) -> dict[str, object]:
    return {"format": MODEL_FORMAT, "kind": type(model).__name__, **asdict(model)}


def from_json(record: object) -> EspeakModel | PiperModel | None:
    """A model as `to_json` wrote it; None for anything else (another format, a damaged file)."""
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT:
        return None
    fields = {key: value for key, value in record.items() if key not in ("format", "kind")}
    try:
        if record.get("kind") == "EspeakModel":
            factors = {int(pace): float(factor) for pace, factor in fields.pop("factors").items()}
            return EspeakModel(str(fields["voice"]), tuple(map(float, fields["weights"])), factors)
        if record.get("kind") == "PiperModel":
            return PiperModel(
                str(fields["voice"]),
                tuple(map(float, fields["fixed"])),
                tuple(map(float, fields["stretched"])),
                float(fields["corpus_fixed_s"]),
                float(fields["corpus_stretched_s"]),
                float(fields["corpus_words"]),
            )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


@cache
def shipped(name: str, folder: Path | None = None) -> EspeakModel | PiperModel | None:
    """The model shipped for a bundled voice, by its file name in the calibration folder (or `folder`), or None."""
    path = (folder or calibration_folder()) / f"{name}.json"
    try:
        return from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


Counted = Mapping[str, tuple[float, ...]]
"""The lines a voice is measured on, each counted by the voice's own phonemes (`features`), once."""


def fit_espeak(voice: str, counted: Counted, spoken_s: Callable[[str, int], float]) -> EspeakModel:
    """A system voice's model, its weights fitted at the reference pace on the lines spoken by `spoken_s`."""
    weights = fit_weights(list(counted.values()), [spoken_s(line, REFERENCE_WPM) for line in counted])
    return EspeakModel(voice, weights, {})


def with_pace(
    model: EspeakModel, words_per_minute: int, counted: Counted, spoken_s: Callable[[str, int], float]
) -> EspeakModel:
    """The model with the factor of one more pace, measured on the lines."""
    predicted = sum(weighed(model.weights, each) for each in counted.values())
    spoken = sum(spoken_s(line, words_per_minute) for line in counted)
    return replace(model, factors={**model.factors, words_per_minute: round(spoken / predicted, 6)})


def fit_piper(voice: str, counted: Counted, spoken: Callable[[str, float], tuple[float, int]]) -> PiperModel:
    """A neural voice's model, fitted on the lines spoken by `spoken` (seconds of speech without the pauses
    between sentences, and the number of sentences) at two length scales."""
    rows: list[list[float]] = []
    seconds: list[float] = []
    sentences_in = {}
    for scale in FIT_SCALES:
        for line, each in counted.items():
            line_s, sentences_in[line] = spoken(line, scale)
            rows.append([*each, *(scale * value for value in each)])
            seconds.append(line_s)
    weights = fit_weights(rows, seconds)
    fixed, stretched = weights[: len(FEATURES)], weights[len(FEATURES) :]
    words = sum(spoken_words(line) for line in counted)
    pauses = sum(count - 1 for count in sentences_in.values()) * SENTENCE_PAUSE_WORDS
    return PiperModel(
        voice,
        fixed,
        stretched,
        round(sum(weighed(fixed, each) for each in counted.values()), 6),
        round(sum(weighed(stretched, each) for each in counted.values()), 6),
        words - pauses,
    )
