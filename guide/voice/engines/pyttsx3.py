"""The light voice, espeak-ng through pyttsx3's espeak driver, on every system: the system's espeak-ng where it is
installed, else the one the espeakng-loader wheel bundles (see espeak_library)."""

from __future__ import annotations

import atexit
import ctypes
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from guide.errors import MissingDependency, RenderError
from guide.native import stderr_silenced
from guide.script.fingerprint import digest
from guide.script.format import primary_language
from guide.script.model import Voice
from guide.sound.pcm import SAMPLE_RATE, SILENCE_THRESHOLD, trim_silence
from guide.translation import N_, _
from guide.voice.cache import ClipCache, Identity
from guide.voice.engines import espeak, espeak_library, length_model
from guide.voice.engines.base import VoiceInfo, package_version
from guide.voice.engines.length_model import EspeakModel

SYNTHESIS_ATTEMPTS = 3
ESPEAK_SYNCHRONOUS_OUTPUT = 1
"""espeak-ng's ENOUTPUT_MODE_SYNCHRONOUS."""
INSTALL_HINT = espeak_library.INSTALL_HINT
ESPEAK_IPA = 0x02
"""espeak_TextToPhonemes's phoneme mode for IPA."""
ESPEAK_UTF8 = 1
FIT_NOTICE = N_("Measuring the voice {voice} at {pace} words per minute once, so that its lengths are known...")
_LOG = logging.getLogger("guide")
_STARTING = threading.Lock()
"""pyttsx3 and espeak-ng start once per process: a second thread asking meanwhile waits for the first."""
_ESPEAK = threading.Lock()
"""espeak-ng keeps one voice and one set of settings for the process: a line spoken or read as phonemes holds
them until it is done."""


class _Driver:
    """pyttsx3's engine and its voices: espeak-ng can be initialized only once a process."""

    engine: Any = None
    voices: list[Any] = []
    version: str | None = None


_DRIVER = _Driver()


class Pyttsx3Engine:
    """The system voice, through the one pyttsx3 driver of the process; measured length models are kept in
    `models_dir`."""

    name = "pyttsx3"
    forks = sys.platform == "linux"
    """espeak-ng speaks in the calling thread (see `_espeak_synchronous`), so lines can be voiced in forked
    processes, where forking is safe: on Linux."""

    def __init__(self, models_dir: Path | None, voices_dir: Path | None = None) -> None:
        # voices_dir is for voice files; the system's voices are installed with the system.
        self._models = ClipCache(models_dir)
        self._identities: dict[tuple[Voice, str], Identity] = {}
        self._measured: dict[str, EspeakModel] = {}
        """Length models measured for voices with none shipped, by voice id."""

    def identity(self, voice: Voice, language: str) -> Identity:
        # Asked for every line: choosing the voice among the installed ones takes a millisecond each time.
        if (voice, language) not in self._identities:
            self._identities[voice, language] = {
                "engine": self.name,
                "version": package_version("pyttsx3") or "",
                "backend": self._backend(),
                "voice": self._voice_id(voice, language) or "",
                "rate": voice.rate,
                "pitch": voice.pitch,
                # The calibrated settings, so that a new calibration never serves clips made with the old.
                "settings": list(self._settings(voice, language)),
            }
        return self._identities[voice, language]

    def describe(self, voice: Voice, language: str) -> str:
        return f"{self.name} ({self._backend()}), voice {self._voice_id(voice, language) or 'default'}"

    def voices(self) -> list[VoiceInfo]:
        self._started()
        source = _("bundled") if espeak_library.chosen().bundled else _("the system's")
        note = _("{engine} ({source}): clear and fast, plainly synthetic").format(engine=self._backend(), source=source)
        return [
            VoiceInfo(self.name, str(v.id), ",".join(map(str, v.languages or [])) or "?", SAMPLE_RATE, note)
            for v in _DRIVER.voices
        ]

    def load(self, voice: Voice, language: str) -> None:
        self._started()

    def synthesize(self, text: str, voice: Voice, language: str) -> np.ndarray:
        voice_id = str(self.identity(voice, language)["voice"]) or None
        with _ESPEAK:
            self._apply(voice, voice_id, language)
            # Now and then, under load, a speech driver hands back no audio for a line: ask again.
            for _ in range(SYNTHESIS_ATTEMPTS):
                samples = self._save(text)
                if samples is not None and np.abs(samples.astype(np.int32)).max(initial=0) > SILENCE_THRESHOLD:
                    return samples
        raise RenderError(_("the speech engine wrote no audio for the line {line}").format(line=repr(text[:60])))

    def sentences(self, text: str, voice: Voice, language: str) -> Iterator[np.ndarray]:
        # espeak-ng speaks a line in milliseconds: there is nothing to gain from its sentences one by one.
        yield self.synthesize(text, voice, language)

    def predict(self, text: str, voice: Voice, language: str) -> int | None:
        voice_id = str(self.identity(voice, language)["voice"])
        model = self._length_model(voice_id, language, voice.rate)
        seconds = model.seconds(self._counted(text, voice_id), voice.rate)
        assert seconds is not None, "the model was measured at this pace"
        return round(seconds * SAMPLE_RATE)

    def _counted(self, text: str, voice_id: str) -> tuple[float, ...]:
        return length_model.features(text, self.phonemes(text, voice_id))

    def phonemes(self, text: str, voice_id: str) -> str:
        """The phonemes espeak-ng reads a line as, in IPA, its clauses joined by spaces."""
        self._started()
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver

        to_phonemes = _espeak.dll.espeak_TextToPhonemes
        to_phonemes.restype = ctypes.c_char_p
        to_phonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        remaining = ctypes.c_char_p(text.encode("utf-8"))
        clauses = []
        with _ESPEAK:
            EspeakDriver.setProperty("voice", voice_id)
            # espeak-ng reads one clause a call and moves the pointer on, to NULL after the last.
            while remaining.value:
                clause = to_phonemes(ctypes.byref(remaining), ESPEAK_UTF8, ESPEAK_IPA)
                clauses.append(clause.decode("utf-8", "replace") if clause else "")
        return " ".join(clauses)

    def _length_model(self, voice_id: str, language: str, pace: int) -> EspeakModel:
        """The voice's length model at a pace: shipped for the bundled voices, else measured once and kept in the
        cache, and for the rest of the process here, as every line predicted asks for it."""
        model = _shipped_model(voice_id, self.version()) or self._measured.get(voice_id)
        if model is not None and pace in model.factors:
            return model
        key = digest({"length model": length_model.MODEL_FORMAT, "voice": voice_id, "backend": self._backend()})
        kept = length_model.from_json(self._models.get_record(key))
        model = kept if isinstance(kept, EspeakModel) else None
        if model is None or pace not in model.factors:
            _LOG.info(_(FIT_NOTICE).format(voice=voice_id, pace=pace))
            model = self.measured_model(voice_id, language, [pace], model)
            self._models.put_record(key, length_model.to_json(model))
        self._measured[voice_id] = model
        return model

    def measured_model(
        self, voice_id: str, language: str, paces: list[int], model: EspeakModel | None = None
    ) -> EspeakModel:
        """A voice's length model (or `model`) with the factors of `paces`, measured on the corpus."""
        counted = {line: self._counted(line, voice_id) for line in length_model.corpus(language)}

        def spoken_s(line: str, words_per_minute: int) -> float:
            clip = self.synthesize(line, Voice(name=voice_id, rate=words_per_minute), language)
            return len(trim_silence(clip)) / SAMPLE_RATE

        if model is None:
            model = length_model.fit_espeak(voice_id, counted, spoken_s)
        for pace in paces:
            model = length_model.with_pace(model, pace, counted, spoken_s)
        return model

    def measured_pace(self, voice_id: str, language: str) -> espeak.Pace:
        """How fast a voice speaks its language's corpus at espeak-ng's own rates: the rate to give for each word
        per minute wanted, fitted over calm paces, and the pace of its slowest rate."""
        lines = length_model.corpus(language)
        words = sum(length_model.spoken_words(line) for line in lines)

        def words_per_minute(rate: int) -> float:
            with _ESPEAK:
                _espeak_settings(voice_id, rate, 0, espeak.pitch(0))
                seconds = sum(len(trim_silence(_espeak_spoken(line))) for line in lines) / SAMPLE_RATE
            return words * 60 / seconds

        self._started()
        rates = np.array(espeak.PACE_FITTED_AT, dtype=np.float64)
        paces = np.array([words_per_minute(int(rate)) for rate in rates])
        # The rate is near proportional to the pace: the factor through zero that fits them best.
        factor = float(np.dot(rates, paces) / np.dot(paces, paces))
        return espeak.Pace(round(factor, 4), round(words_per_minute(espeak.MIN_RATE), 1))

    def _save(self, text: str) -> np.ndarray | None:
        return _espeak_spoken(text)

    def _started(self) -> Any:
        with _STARTING:
            return self._start()

    def _start(self) -> Any:
        if _DRIVER.engine is None:
            try:
                import pyttsx3
            except ImportError:
                raise MissingDependency(_("pyttsx3 is not installed: pip install pyttsx3")) from None
            try:
                with stderr_silenced():
                    espeak_library.prepare_pyttsx3()
                    _DRIVER.engine = pyttsx3.init("espeak")
            except Exception as error:  # pyttsx3 raises whatever its driver raises
                problem = _("no speech engine could start ({error}); {hint}")
                raise MissingDependency(problem.format(error=error, hint=_(INSTALL_HINT))) from None
            _DRIVER.voices = list(_DRIVER.engine.getProperty("voices") or [])
            # pyttsx3 lets its driver go in __del__, which prints an error when it runs as the interpreter
            # tears its modules down; let it go before that.
            atexit.register(self._release)
            _espeak_synchronous()
        return _DRIVER.engine

    @staticmethod
    def _release() -> None:
        _DRIVER.engine = None

    def _backend(self) -> str:
        return "espeak-ng " + self.version()

    def version(self) -> str:
        """The version of the espeak-ng speaking ("1.52.0"): what its lengths were measured at."""
        if _DRIVER.version is None:
            self._started()
            from pyttsx3.drivers import _espeak

            _DRIVER.version = str(_espeak.Info(None).decode())
        return _DRIVER.version

    def _settings(self, voice: Voice, language: str) -> tuple[int, ...]:
        """espeak-ng's own rate, word gap and pitch for a voice speaking a language; ValueError for a pitch it
        cannot reach."""
        return (*espeak.pace(voice.rate, language, self.version()), espeak.pitch(voice.pitch))

    def _apply(self, voice: Voice, voice_id: str | None, language: str) -> None:
        _espeak_settings(voice_id, *self._settings(voice, language))

    def _voice_id(self, voice: Voice, language: str) -> str | None:
        self._started()
        if voice.name:
            if not any(v.id == voice.name for v in _DRIVER.voices):
                raise MissingDependency(
                    _(
                        "the voice {name!r} is not installed for pyttsx3; remove `name:` to use the default voice for "
                        "the script's language"
                    ).format(name=voice.name)
                )
            return voice.name
        return _voice_for_language(_DRIVER.voices, language)


def _shipped_model(voice_id: str, version: str) -> EspeakModel | None:
    """The model measured for a voice at the espeak-ng version speaking: lengths are another espeak-ng's."""
    folder = espeak.calibration_for(version)
    if folder is None:
        return None
    model = length_model.shipped("espeak-" + voice_id.replace("/", "-"), folder)
    return model if isinstance(model, EspeakModel) and model.voice == voice_id else None


def _voice_for_language(voices: list[Any], language: str) -> str | None:
    """The installed voice that best fits a language tag: an exact match, then the language's main voice,
    then any regional variant."""
    tag = language.lower()

    def languages(v: Any) -> list[str]:
        return [str(lang).lower().replace("_", "-") for lang in (v.languages or [])]

    ranked = (
        lambda v: tag in languages(v) or v.id.lower() == tag,
        lambda v: v.id.lower().endswith("/" + tag),
        lambda v: any(lang.startswith(tag + "-") for lang in languages(v)),
    )
    for matches in ranked:
        for v in voices:
            if matches(v):
                return str(v.id)
    # A region with no voice of its own (de-AT) is spoken by the language's.
    return _voice_for_language(voices, primary_language(tag)) if "-" in tag else None


def _espeak_settings(voice_id: str | None, rate: int, word_gap: int, pitch: int) -> None:
    """espeak-ng's own voice, rate, pitch and word gap, for the lines spoken next."""
    from pyttsx3.drivers import _espeak
    from pyttsx3.drivers.espeak import EspeakDriver

    # Straight to espeak-ng, in this order: pyttsx3 queues property changes while it thinks a line is still
    # being spoken, and a voice chosen after the rate and word gap resets them.
    if voice_id:
        EspeakDriver.setProperty("voice", voice_id)
    EspeakDriver.setProperty("rate", rate)
    EspeakDriver.setProperty("pitch", pitch)
    _espeak.SetParameter(espeak.WORDGAP_PARAMETER, word_gap, 0)


def _espeak_synchronous() -> None:
    """Make espeak-ng speak each line in the calling thread, as the call that asks for it.

    pyttsx3 starts espeak-ng with a thread of its own that takes lines and settings from a queue: each line
    then waited about 20 ms on that thread, whatever its length, which was most of the time a session's
    lines took, and settings changed while a line was queued could reach the wrong line."""
    from pyttsx3.drivers import _espeak

    # pyttsx3's own settings (a rate of 200 among them) are still in that thread's queue: left there, they
    # could reach espeak-ng after the first line's, which was then now and then spoken at twice its pace.
    _espeak.dll.espeak_Synchronize()
    _espeak.dll.espeak_ng_InitializeOutput(ESPEAK_SYNCHRONOUS_OUTPUT, 0, None)


def _espeak_spoken(text: str) -> np.ndarray:
    """A line straight from espeak-ng, through pyttsx3's binding, as 16-bit samples: pyttsx3's own loop
    waits in 10 ms sleeps, and speaks through a file."""
    from pyttsx3.drivers import _espeak

    pieces: list[bytes] = []
    stopped: list[BaseException] = []

    def gather(wav: Any, count: int, events: Any) -> int:
        # An exception cannot pass through espeak-ng's C frames: ctypes would print it and carry on, and a Ctrl+C
        # landing here would be lost. It is kept, espeak-ng is told to stop (1), and it is raised once Synth returns.
        try:
            if count > 0:
                pieces.append(ctypes.string_at(wav, count * 2))
            return 0
        except BaseException as error:
            stopped.append(error)
            return 1

    _espeak.SetSynthCallback(gather)
    _espeak.Synth(text.encode("utf-8"), flags=_espeak.ENDPAUSE | _espeak.CHARS_UTF8)
    if stopped:
        raise stopped[0]
    return np.frombuffer(b"".join(pieces), dtype="<i2").copy()
