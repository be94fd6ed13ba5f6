"""`guide voices`: every voice the speech engines have, or one of them heard."""

from __future__ import annotations

import click

from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.play.device import open_device
from guide.script.format import DEFAULT_RATE, RATE_RANGE, SPEECH_ENGINES
from guide.script.model import Voice
from guide.voice.engines import Engines, piper
from guide.voice.engines.base import VoiceInfo


@click.command()
@click.option("--language", metavar="TAG", help="Only voices for a language, such as en or en-GB.")
@click.option("--say", "sample", metavar="TEXT", help="Speak TEXT through the audio output, to hear a voice.")
@click.option("--voice", "voice_id", metavar="ID", help="With --say: the voice to speak with (an id listed here).")
@click.option("--rate", type=click.IntRange(*RATE_RANGE), default=DEFAULT_RATE, show_default=True, help="With --say.")
@click.pass_obj
def voices(env: Environment, language: str | None, sample: str | None, voice_id: str | None, rate: int) -> ExitCode:
    """List every voice the speech engines have, or hear one.

    The natural voice, Piper, comes with the `neural` extra; more Piper voices
    (an .onnx file with its .onnx.json) are found in the folder GUIDE_VOICES_DIR
    names. A script picks one with voice: {engine: piper, name: ID}.

    \b
    Examples:
      guide voices --language en
      guide voices --say "You are safe now." --voice en_US-joe-medium
    """
    engines = Engines.of(env)
    listed = [v for name in sorted(SPEECH_ENGINES) for v in engines.named(name).voices()]
    if sample is not None:
        _say(env, engines, sample, voice_id, rate, listed)
        return ExitCode.OK
    shown = [v for v in listed if language is None or _speaks(v.language, language)]
    id_width = max((len(v.id) for v in shown), default=0)
    language_width = max((len(v.language) for v in shown), default=0)
    for v in shown:
        env.out(f"{v.engine:<8} {v.id:<{id_width}}  {v.language:<{language_width}}  {v.sample_rate} Hz  {v.note}")
    if not any(v.engine == "piper" for v in listed):
        env.err(f"\nFor the natural voice, {piper.INSTALL_HINT}.")
    return ExitCode.OK


def _speaks(languages: str, wanted: str) -> bool:
    wanted = wanted.lower().replace("_", "-")
    return any(
        tag == wanted or tag.startswith(wanted + "-") or wanted.startswith(tag + "-")
        for tag in languages.lower().replace("_", "-").split(",")
    )


def _say(
    env: Environment, engines: Engines, text: str, voice_id: str | None, rate: int, listed: list[VoiceInfo]
) -> None:
    chosen = next((v for v in listed if v.id == voice_id), None)
    if voice_id is not None and chosen is None:
        raise UsageError(f"--voice {voice_id}: no such voice; `guide voices` lists them")
    voice = Voice(engine=chosen.engine if chosen else "auto", name=voice_id, rate=rate)
    engine = engines.for_voice(voice, "en")
    env.err(f"{engine.describe(voice, 'en')}:")
    samples = engine.synthesize(text, voice, "en")
    output = open_device(None)
    try:
        output.write(samples.astype("<i2").tobytes())
        output.drain()
    finally:
        output.close()
