"""`guide voices`: every voice the speech engines have, or one of them heard."""

from __future__ import annotations

import difflib

import click

from guide.cli.helptext import Group
from guide.cli.language import language_flag
from guide.environment import Environment
from guide.errors import ExitCode, GuideError, MissingDependency, UsageError
from guide.play.device import open_device
from guide.script.format import DEFAULT_RATE, RATE_RANGE, SPEECH_ENGINES
from guide.script.model import Voice
from guide.translation import N_, _
from guide.voice.download import DEFAULT_SOURCE, index, install, licence
from guide.voice.engines import Engines, piper
from guide.voice.engines.base import VoiceInfo


@click.group(cls=Group, invoke_without_command=True)
@language_flag(N_("Only voices for a language, such as en or en-GB; the program's words follow it."))
@click.option("--say", "sample", metavar=N_("TEXT"), help=N_("Speak TEXT through the audio output, to hear a voice."))
@click.option(
    "--voice", "voice_id", metavar=N_("ID"), help=N_("With --say: the voice to speak with (an id listed here).")
)
@click.option(
    "--rate", type=click.IntRange(*RATE_RANGE), default=DEFAULT_RATE, show_default=True, help=N_("With --say.")
)
@click.option("--from", "source", metavar=N_("URL"), help=N_("With --language: where voices to download are listed."))
@click.pass_context
def voices(
    ctx: click.Context, language: str | None, sample: str | None, voice_id: str | None, rate: int, source: str | None
) -> ExitCode | None:
    """List every voice the speech engines have, or hear one; download a natural one.

    The natural voice, Piper, comes with the `neural` extra, speaking English. For
    another language, `guide voices --language es` also lists the Piper voices there
    are to download (★ marks the one recommended), and `guide voices download KEY`
    fetches one; sessions in its language then speak with it. Voices are kept in the
    folder GUIDE_VOICES_DIR names (else `voices` in the data folder). A script picks
    one with voice: {engine: piper, name: ID}.

    \b
    Examples:
      guide voices --language es
      guide voices download es_ES-davefx-medium
      guide voices --say "You are safe now." --voice en_US-joe-medium
    """
    if ctx.invoked_subcommand is not None:
        return None
    env: Environment = ctx.obj
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
        env.err("\n" + _("For the natural voice, {hint}.").format(hint=_(piper.INSTALL_HINT)))
    elif language is not None:
        _list_downloadable(env, language, source, {v.id for v in listed})
    return ExitCode.OK


@voices.command()
@click.argument("key", metavar=N_("KEY"))
@click.option(
    "--from",
    "source",
    metavar=N_("URL"),
    help=N_("A mirror of the Piper voices repository, or a folder holding its voices.json and files."),
)
@click.pass_obj
def download(env: Environment, key: str, source: str | None) -> ExitCode:
    """Download a natural (Piper) voice: KEY as `guide voices --language es` lists it.

    Each file is checked against the repository's index (its size and MD5) as it arrives, and the voice is
    installed only once it is whole: a cut connection or a damaged file installs nothing. Its pace is then
    measured once, so that session lengths are known before a word is spoken.
    """
    if not piper.available():
        raise MissingDependency(_("the natural voice needs Piper: {hint}").format(hint=_(piper.INSTALL_HINT)))
    where = _source(env, source)
    found = index(where, env.cache_dir)
    voice = found.get(key)
    if voice is None:
        near = difflib.get_close_matches(key, list(found), n=1)
        hint = _("did you mean {name}? ").format(name=near[0]) if near else ""
        raise UsageError(
            _("{key}: no such voice at {source}; {hint}`guide voices --language TAG` lists them").format(
                key=key, source=where, hint=hint
            )
        )
    assert env.voices_dir is not None, "the environment always has a voices folder"
    with click.progressbar(
        length=voice.size, label=_("Downloading {key}").format(key=key), file=env.stderr, hidden=not env.stderr_isatty
    ) as bar:
        install(voice, where, env.voices_dir, bar.update)
    env.err(_("Installed {key} in {folder}.").format(key=key, folder=env.voices_dir))
    spoken = Voice(engine="piper", name=key)
    engines = Engines.of(env)
    # Predicting a first line measures the voice's pace, once (saying so): every later plan knows its lengths.
    engines.named("piper").predict("Welcome.", spoken, voice.language)
    env.err(
        _("Sessions in {language} now speak with it, as `--engine auto` (the default) chooses it.").format(
            language=voice.language
        )
    )
    return ExitCode.OK


def _list_downloadable(env: Environment, language: str, source: str | None, installed: set[str]) -> None:
    """The Piper voices there are to download in a language, from the index (fetched at most once a week)."""
    where = _source(env, source)
    try:
        found = index(where, env.cache_dir)
    except GuideError as error:
        env.err("\n" + _("The voices to download could not be listed: {problem}").format(problem=error.message))
        return
    offered = sorted(
        (v for v in found.values() if _speaks(v.language, language) and v.key not in installed),
        key=lambda v: (not v.recommended, v.key),
    )
    if not offered:
        return
    env.out("\n" + _("To download (guide voices download KEY), from {source}:").format(source=where))
    width = max(len(v.key) for v in offered)
    for v in offered:
        mark = "★" if v.recommended else " "
        terms = licence(v, where, env.cache_dir) or _("licence not given")
        quality = piper.quality_name(v.quality)
        env.out(f"{mark} {v.key:<{width}}  {v.language:<6} {quality:<10} {v.size / 1e6:5.0f} MB  {terms}")


def _source(env: Environment, asked: str | None) -> str:
    """Where voices to download are found: --from, else GUIDE_VOICES_SOURCE, else the Piper voices repository."""
    return asked or env.voices_source or DEFAULT_SOURCE


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
        raise UsageError(_("--voice {voice}: no such voice; `guide voices` lists them").format(voice=voice_id))
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
