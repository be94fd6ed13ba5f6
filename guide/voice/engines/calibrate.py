"""Measuring what ships for the bundled voices: `python -m guide.voice.engines.calibrate [pyttsx3|VOICE...] [piper]`,
espeak-ng's pace in each language and each voice's length model (a few minutes a voice), for the espeak-ng that
speaks: the first one measured (1.51) in the calibration folder, a later one in a folder of its own."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from guide.script.format import RATE_RANGE
from guide.voice.engines import Engines, espeak, length_model, piper
from guide.voice.engines.length_model import EspeakModel, PiperModel
from guide.voice.engines.pyttsx3 import Pyttsx3Engine

SHIPPED_ESPEAK_VOICES = {"gmw/en": "en", "gmw/en-us": "en", "roa/es": "es", "gmw/de": "de", "roa/fr": "fr"}
"""espeak-ng's voices for the library's languages (and `en-US`), which scripts get unless they name another,
and the language each speaks."""
PACE_KEPT = {"en"}
"""The languages whose pace is kept as first measured, on other lines, so that their sessions sound as they did."""


def write(name: str, model: EspeakModel | PiperModel, folder: Path | None = None) -> None:
    path = (folder or length_model.calibration_folder()) / f"{name}.json"
    path.write_text(json.dumps(length_model.to_json(model), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def write_paces(paces: dict[str, espeak.Pace], folder: Path) -> None:
    path = folder / espeak.PACES_FILE
    path.write_text(json.dumps({tag: asdict(pace) for tag, pace in sorted(paces.items())}, indent=1) + "\n")
    print(f"wrote {path}", file=sys.stderr)


def main(asked: list[str]) -> None:
    every_pace = list(range(RATE_RANGE[0], RATE_RANGE[1] + 1))
    voices = [v for v in SHIPPED_ESPEAK_VOICES if "pyttsx3" in asked or v in asked]
    system = Engines(models_dir=None).named("pyttsx3")
    assert isinstance(system, Pyttsx3Engine)
    version = system.version()
    folder = espeak.calibration_for(version)
    first = version.startswith(espeak.FIRST_CALIBRATED + ".")
    if folder is None:
        folder = length_model.calibration_folder() / f"espeak-ng-{'.'.join(version.split('.')[:2])}"
        folder.mkdir()
    paces = dict(espeak.measured_paces(version))
    measured_now: set[str] = set()
    for voice_id in voices:
        language = SHIPPED_ESPEAK_VOICES[voice_id]
        # A language's pace is its first voice's (gmw/en for en, not gmw/en-us): each voice's model is measured
        # at the pace the file then holds, so measuring the pace again with a later voice would leave the earlier
        # voices' models measured at a pace that no longer ships.
        if language not in measured_now and (language not in paces or not (first and language in PACE_KEPT)):
            measured_now.add(language)
            paces[language] = system.measured_pace(voice_id, language)
            write_paces(paces, folder)
            espeak.measured_paces.cache_clear()
        # Measured afresh, and kept nowhere but in the file written: this is what ships.
        model = system.measured_model(voice_id, language, every_pace)
        write("espeak-" + voice_id.replace("/", "-"), model, folder)
    found = piper.bundled_voice()
    if found is not None and "piper" in asked:
        write(f"piper-{found.id}", piper.fit(found, length_model.corpus(found.language)))


if __name__ == "__main__":
    main(sys.argv[1:] or ["pyttsx3", "piper"])
