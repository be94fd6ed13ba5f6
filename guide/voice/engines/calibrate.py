"""Fitting the length models shipped for the bundled voices: `python -m guide.voice.engines.calibrate [pyttsx3] [piper]`
(a few minutes)."""

from __future__ import annotations

import json
import sys

from guide.script.format import RATE_RANGE
from guide.voice.engines import Engines, length_model, piper
from guide.voice.engines.length_model import EspeakModel, PiperModel

SHIPPED_ESPEAK_VOICES = ("gmw/en", "gmw/en-us")
"""espeak-ng's voices for `en` and `en-US`, which scripts get unless they name another."""


def write(name: str, model: EspeakModel | PiperModel) -> None:
    path = length_model.calibration_folder() / f"{name}.json"
    path.write_text(json.dumps(length_model.to_json(model), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def main(engines: list[str]) -> None:
    every_pace = list(range(RATE_RANGE[0], RATE_RANGE[1] + 1))
    for voice_id in SHIPPED_ESPEAK_VOICES if "pyttsx3" in engines else ():
        # Measured afresh, and kept nowhere but in the file written: this is what ships.
        model = Engines(models_dir=None).named("pyttsx3").measured_model(voice_id, "en", every_pace)
        write("espeak-" + voice_id.replace("/", "-"), model)
    found = piper.bundled_voice()
    if found is not None and "piper" in engines:
        write(f"piper-{found.id}", piper.fit(found, length_model.corpus(found.language)))


if __name__ == "__main__":
    main(sys.argv[1:] or ["pyttsx3", "piper"])
