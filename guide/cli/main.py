"""The `guide` command: turns arguments into calls, and errors into messages and exit codes."""

from __future__ import annotations

import json
import logging
import sys
import textwrap
import traceback
from pathlib import Path

import click

from guide import __version__
from guide.cli.options import session_options
from guide.errors import ExitCode, GuideError, NoAudioDevice, ScriptError, UsageError, export_suggestion
from guide.output.batch import Result, run_batch
from guide.output.captions import CAPTION_FORMATS
from guide.output.export import ALBUM, DEFAULT_BITRATE, FORMATS, ExportSettings, choose_format, exporting
from guide.play import alsa
from guide.play import resume as resume_places
from guide.play.devices import open_output
from guide.play.display import PlayDisplay
from guide.play.keys import listening
from guide.play.player import Ending, Outcome, Player
from guide.render.checker import care_warnings
from guide.render.live import LiveSession
from guide.render.session import spoken_lines, voice_description, word_count
from guide.render.shaping import Shaping
from guide.render.timeline import CueKind, Timeline
from guide.script import library
from guide.script.clients import load_clients
from guide.script.format import DEFAULT_RATE, RATE_RANGE
from guide.script.model import Script, Voice
from guide.script.schema import included_file_schema, script_schema
from guide.script.starter import write_starter
from guide.script.values import format_clock, format_span
from guide.signals import Terminated, raise_on_sigterm
from guide.voice.cores import usable_cores
from guide.voice.engines import engine_for, get_engine, piper
from guide.voice.engines.base import VoiceInfo

THERAPY_NOTE = (
    "These sessions support, and do not replace, the care of a trauma-informed therapist. "
    "If a session brings up more than feels manageable, stop, and reach out to someone you trust."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guide")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Inner Guide: voice-guided meditations for inner child work.

    Turns a meditation script (YAML) into a calm spoken session with real silences,
    and plays it or exports it. SCRIPT is a file path or a built-in session's name
    (see `guide list`).

    \b
    Examples:
      guide list
      guide play sit-with-your-younger-self
      guide export sit-with-your-younger-self -o session.mp3 --duration 15m
      guide check my-session.yaml
    """
    # main() reads --debug itself, before Click parses anything, so that any error can show its traceback.


@cli.command()
@click.argument("scripts", nargs=-1, required=True, metavar="SCRIPT...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 3 if there are any.")
@session_options
def check(scripts: tuple[str, ...], strict: bool, shaping: Shaping) -> None:
    """Validate scripts, print their plan, and warn where care is missing.

    For each SCRIPT, prints when each section starts and how long it lasts, the
    total length, the word count and the voice. Errors name the file, line and
    column. Warnings point at what a practitioner would want to change: no content
    note, no closing, no way out offered in the first minute, lines that order
    rather than invite, lines too long to follow, long sessions with no silence,
    and unused variables.

    Exit code 3 if any script has an error, or, with --strict, a warning.
    """
    failed = False
    for ref in scripts:
        try:
            script, timeline, predicted = shaping.plan(ref)
        except ScriptError as error:
            click.echo(error.message, err=True)
            failed = True
            continue
        _print_plan(script, timeline, predicted)
        warnings = care_warnings(script, timeline)
        for warning in warnings:
            click.echo(str(warning), err=True)
        failed = failed or (strict and bool(warnings))
    if failed:
        sys.exit(ExitCode.INVALID_SCRIPT)


def _print_plan(script: Script, timeline: Timeline, predicted: int) -> None:
    click.echo(f"{script.path}: {script.title}")
    width = max(len(chapter.title) for chapter in timeline.chapters)
    for chapter in timeline.chapters:
        length = format_clock(chapter.end_ms - chapter.start_ms)
        click.echo(f"  {format_clock(chapter.start_ms):>7}  {chapter.title:<{width}}  {length:>7}")
    open_practice = sum(c.length_ms for c in timeline.cues if c.kind is CueKind.SILENCE)
    click.echo(
        f"  total {format_clock(timeline.length_ms)}, {word_count(script):,} words, "
        + (f"{format_span(open_practice)} of open silence" if open_practice else "no open silence")
        + (f" (silences scaled {timeline.scale:.2f}x)" if timeline.scale != 1 else "")
    )
    shortest, longest = timeline.reach_ms
    if shortest != longest:
        click.echo(f"  --duration can make it from {format_clock(shortest)} to {format_clock(longest)}")
    click.echo(f"  voice: {voice_description(script)} at {script.voice.rate} words per minute")
    if predicted:
        lines = "line" if predicted == 1 else "lines"
        click.echo(f"  ({predicted} {lines} not spoken yet: timed by the voice's model; a render times them exactly)")


@cli.command(name="export")
@click.argument("script_ref", metavar="SCRIPT")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write, e.g. session.mp3 (its suffix picks the format); with --clients, a folder.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="The format, when the suffix does not say it.")
@click.option(
    "--bitrate",
    type=click.Choice(["48k", "64k", "80k", "96k", "128k"]),
    default=DEFAULT_BITRATE,
    show_default=True,
    help="For MP3, OGG/Opus and M4A.",
)
@click.option("--album", default=ALBUM, show_default=True, help="The album tag.")
@click.option(
    "--captions",
    type=click.Choice(CAPTION_FORMATS),
    help="Also write captions beside the audio: a WebVTT (.vtt) or SubRip (.srt) file, one cue per sentence.",
)
@click.option("--transcript", is_flag=True, help="Also write the words as text (.txt) with section headings and times.")
@click.option(
    "--clients",
    "clients_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML list of clients (client, variables, voice, duration): one file each, in the folder -o names.",
)
@click.option("--force", is_flag=True, help="With --clients: render every file, even those already up to date.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=usable_cores(),
    show_default="every core it may use",
    help="With --clients: how many files to render at once.",
)
@session_options
def export_command(
    script_ref: str,
    out: Path,
    fmt: str | None,
    bitrate: str,
    album: str,
    captions: str | None,
    transcript: bool,
    clients_file: Path | None,
    force: bool,
    jobs: int,
    shaping: Shaping,
) -> None:
    """Render a session to an audio file: MP3, OGG/Opus, M4A, FLAC or WAV.

    Files carry the title, author, album, content note and cover as tags, and one
    chapter per section. They appear only when complete: a failure or Ctrl+C leaves
    no partial file behind, and an existing file is kept until its replacement is whole.

    With --clients, renders one personalized file per client into the folder -o
    names (DIR/CLIENT.mp3), skipping files already made from the same script,
    variables and settings. A bad entry is reported with its line, the others go on,
    and the exit code says that something failed. See the README for the file's form.

    \b
    Examples:
      guide export sit-with-your-younger-self -o session.mp3 --captions vtt
      guide export my-session.yaml -o session.m4a --vars sam.yaml --transcript
      guide export my-session.yaml --clients clients.yaml -o renders/
    """
    if clients_file is None:
        if force:
            raise click.UsageError("--force goes with --clients; a single export always writes its file")
        settings = ExportSettings(choose_format(out, fmt), bitrate, album, captions, transcript)
        with exporting(out, settings) as write:
            script, level_from = shaping.load(script_ref)
            with click.progressbar(
                length=len(spoken_lines(script)),
                label="Voicing lines",
                file=sys.stderr,
                hidden=not sys.stderr.isatty(),
            ) as voicing:
                session = shaping.prepare(script, level_from, voicing.update)
            with click.progressbar(
                length=session.timeline.length_ms,
                label=f"Writing {out.name}",
                file=sys.stderr,
                hidden=not sys.stderr.isatty(),
            ) as bar:
                written = write(session, bar.update)
        click.echo(f"Wrote {', '.join(map(str, written))} ({format_clock(session.timeline.length_ms)}).", err=True)
        return
    settings = ExportSettings(fmt or "mp3", bitrate, album, captions, transcript)
    _export_for_clients(script_ref, clients_file, out, settings, shaping, force, jobs)


def _export_for_clients(
    script_ref: str,
    clients_file: Path,
    folder: Path,
    settings: ExportSettings,
    shaping: Shaping,
    force: bool,
    jobs: int,
) -> None:
    if folder.exists() and not folder.is_dir():
        raise click.UsageError(f"-o {folder}: with --clients, -o names a folder, and this is a file")
    shaping.load(script_ref)  # the script itself must be sound before any client is tried
    clients, invalid = load_clients(clients_file)
    for error in invalid:
        click.echo(error.message, err=True)
    folder.mkdir(parents=True, exist_ok=True)
    with click.progressbar(
        length=len(clients), label="Rendering for clients", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        outcomes = run_batch(
            script_ref, clients, shaping, settings, folder, force=force, jobs=jobs, done=lambda _: bar.update(1)
        )
    for outcome in outcomes:
        click.echo(outcome.message, err=True)
    tally = {result: sum(o.result is result for o in outcomes) for result in Result}
    failed = tally[Result.FAILED] + len(invalid)
    click.echo(
        f"{tally[Result.WRITTEN]} written, {tally[Result.UP_TO_DATE]} already up to date, {failed} failed.", err=True
    )
    if invalid:
        sys.exit(ExitCode.INVALID_SCRIPT)
    failures = [o.exit_code for o in outcomes if o.result is Result.FAILED]
    if failures:
        sys.exit(failures[0])


@cli.command()
@click.argument("script_ref", metavar="SCRIPT")
@click.option("--resume", is_flag=True, help="Continue where the last interrupted play of this script stopped.")
@click.option(
    "--from",
    "from_section",
    metavar="SECTION",
    help="Start at a section, named by its title or its number (counting from 1).",
)
@click.option(
    "--device",
    metavar="NAME",
    help="The ALSA output device to play through; `--device list` shows them.",
)
@click.option("--quiet", is_flag=True, help="Show nothing while playing, only errors.")
@session_options
def play(
    script_ref: str, resume: bool, from_section: str | None, device: str | None, quiet: bool, shaping: Shaping
) -> None:
    """Play a session through the audio output. Use headphones, somewhere you will not be disturbed.

    The first words come at once: the session is voiced and mixed just ahead of what you hear. The
    screen shows the section, the line being spoken, and the time.

    \b
    Keys while playing:
      space  pause, and go on
      n      skip to the next section
      b      back to the start of this section
      g      go to the grounding close now
      q      quit (during the sections, the first q offers the grounding close)

    Ctrl+C quits as q does. Wherever it stops, --resume continues from there.
    """
    if device == "list":
        _list_devices()
        return
    script, level_from = shaping.load(script_ref)
    try:
        outcome = _play(script, level_from, shaping, device, resume, from_section, quiet)
    except NoAudioDevice as error:
        raise error.about(script_ref) from None
    if outcome.underruns:
        times = "once" if outcome.underruns == 1 else f"{outcome.underruns} times"
        click.echo(
            f"The sound stopped for a moment {times}: the machine was too busy to keep up. An export plays "
            f"without gaps: {export_suggestion(script_ref)}",
            err=True,
        )
    if outcome.ending is not Ending.FINISHED:
        at = format_clock(outcome.heard_ms)
        click.echo(f"Stopped at {at}. To go on from there later: guide play {script_ref} --resume", err=True)
        if outcome.ending is Ending.INTERRUPTED:
            sys.exit(ExitCode.INTERRUPTED)
        return
    if script.reflect and not quiet:
        click.echo("\nTo reflect on, if you like:")
        for prompt in script.reflect:
            click.echo(f"  • {prompt}")


def _play(
    script: Script,
    level_from: Script | None,
    shaping: Shaping,
    device: str | None,
    resume: bool,
    from_section: str | None,
    quiet: bool,
) -> Outcome:
    """Play the session through the device, and remember where it stopped."""
    path = script.path
    output = open_output(device)
    try:
        live = LiveSession(script, shaping.cache(), shaping.loudness, level_from)
        start_ms = _start_ms(live, path, resume, from_section)
        if not quiet:
            _introduce(script, live)
        outcome = None
        with listening(sys.stdin, sys.stdout) as keys:
            if keys is not None and not quiet:
                click.echo(KEYS_HINT + "\n")
            display = None if quiet else PlayDisplay(sys.stdout, live=sys.stdout.isatty())
            player = Player(live, output, display, keys, start_ms)
            try:
                outcome = player.run()
            finally:
                if display is not None:
                    display.finish()
                finished = outcome is not None and outcome.ending is Ending.FINISHED
                resume_places.remember(path, None if finished else player.heard_ms())
    finally:
        output.close()
    return outcome


KEYS_HINT = "Keys: space pause · n next section · b back · g grounding close · q quit"


def _introduce(script: Script, live: LiveSession) -> None:
    length = f"  ({format_clock(live.whole().timeline.length_ms)})" if live.is_whole() else ""
    click.echo(f"{script.title}{length}")
    if script.content_note:
        click.echo(textwrap.fill(script.content_note.strip(), width=78))
    click.echo(f"Voice: {voice_description(script)}")
    click.echo()


def _start_ms(live: LiveSession, path: Path, resume: bool, from_section: str | None) -> int:
    """Where to start: a section asked for, the place the last play stopped, or the beginning."""
    if from_section is not None:
        chapters = live.whole().timeline.chapters
        for number, chapter in enumerate(chapters, 1):
            if from_section.strip().casefold() in (str(number), chapter.title.casefold()):
                return chapter.start_ms
        listed = ", ".join(f"{n} {c.title!r}" for n, c in enumerate(chapters, 1))
        raise UsageError(f"--from {from_section}: no such section; the sections are: {listed}")
    if resume:
        stopped = resume_places.stopped_at(path)
        if stopped is None:
            click.echo("Nothing to resume for this session: starting from the beginning.", err=True)
            return 0
        timeline = live.whole().timeline
        if stopped >= timeline.length_ms:
            return 0
        # Back to the start of the line that was being spoken, so that no sentence starts midway.
        cue = timeline.cue_at(stopped)
        return cue.start_ms if cue is not None and cue.kind is CueKind.SAY else stopped
    return 0


def _list_devices() -> None:
    library = alsa.library()
    if library is None:
        click.echo("Choosing a device needs ALSA (Linux); here the default output plays.")
        return
    for name, description in alsa.output_devices(library):
        click.echo(f"{name}\n    {description}" if description else name)


@cli.command(name="list")
def list_command() -> None:
    """List the built-in sessions, with their length and what each is for.

    Lengths are as the voice's model predicts them, without speaking a word, so
    they are the same before and after a session has been played; a render can
    differ from them by a few seconds.
    """
    shaping = Shaping()
    for path in library.builtin_sessions():
        script, timeline, _ = shaping.plan(str(path), predicted_only=True)
        shortest, longest = timeline.reach_ms
        click.echo(
            f"{path.stem}  {format_clock(timeline.length_ms)}"
            f"  (from {format_clock(shortest)} to {format_clock(longest)} with --duration)"
        )
        click.echo(f"  {script.title}: {script.description or ''}".rstrip(": "))
    click.echo("\n" + textwrap.fill(THERAPY_NOTE, width=78))


@cli.command()
@click.option("--language", metavar="TAG", help="Only voices for a language, such as en or en-GB.")
@click.option("--say", "sample", metavar="TEXT", help="Speak TEXT through the audio output, to hear a voice.")
@click.option("--voice", "voice_id", metavar="ID", help="With --say: the voice to speak with (an id listed here).")
@click.option("--rate", type=click.IntRange(*RATE_RANGE), default=DEFAULT_RATE, show_default=True, help="With --say.")
def voices(language: str | None, sample: str | None, voice_id: str | None, rate: int) -> None:
    """List every voice the speech engines have, or hear one.

    The natural voice, Piper, comes with the `neural` extra; more Piper voices
    (an .onnx file with its .onnx.json) are found in the folder GUIDE_VOICES_DIR
    names. A script picks one with voice: {engine: piper, name: ID}.

    \b
    Examples:
      guide voices --language en
      guide voices --say "You are safe now." --voice en_US-joe-medium
    """
    listed = [v for name in ("piper", "pyttsx3") for v in get_engine(name).voices()]
    if sample is not None:
        _say(sample, voice_id, rate, listed)
        return
    shown = [v for v in listed if language is None or _speaks(v.language, language)]
    id_width = max((len(v.id) for v in shown), default=0)
    language_width = max((len(v.language) for v in shown), default=0)
    for v in shown:
        click.echo(f"{v.engine:<8} {v.id:<{id_width}}  {v.language:<{language_width}}  {v.sample_rate} Hz  {v.note}")
    if not any(v.engine == "piper" for v in listed):
        click.echo(f"\nFor the natural voice, {piper.INSTALL_HINT}.", err=True)


def _speaks(languages: str, wanted: str) -> bool:
    wanted = wanted.lower().replace("_", "-")
    return any(
        tag == wanted or tag.startswith(wanted + "-") or wanted.startswith(tag + "-")
        for tag in languages.lower().replace("_", "-").split(",")
    )


def _say(text: str, voice_id: str | None, rate: int, listed: list[VoiceInfo]) -> None:
    chosen = next((v for v in listed if v.id == voice_id), None)
    if voice_id is not None and chosen is None:
        raise UsageError(f"--voice {voice_id}: no such voice; `guide voices` lists them")
    voice = Voice(engine=chosen.engine if chosen else "auto", name=voice_id, rate=rate)
    engine = engine_for(voice, "en")
    click.echo(f"{engine.describe(voice, 'en')}:", err=True)
    samples = engine.synthesize(text, voice, "en")
    output = open_output(None)
    try:
        output.write(samples.astype("<i2").tobytes())
        output.drain()
    finally:
        output.close()


@cli.command()
@click.argument("name")
@click.option(
    "--from",
    "builtin",
    metavar="SESSION",
    help="Start from a copy of a built-in session (see `guide list`) instead of the starter.",
)
def new(name: str, builtin: str | None) -> None:
    """Write a new script, NAME.yaml, to start from.

    The starter is commented, key by key, and already follows the care rules:
    a content note, a way out offered early, more than one anchor, invitations
    rather than orders, and a grounding closing. It passes `guide check --strict`.
    An existing file is never overwritten.
    """
    path = write_starter(Path(name), library.find_script(builtin) if builtin else None)
    click.echo(f"Wrote {path}. Check it with: guide check --strict {path}", err=True)


@cli.command()
@click.option("--included", is_flag=True, help="The schema of an included file (a list of steps) instead.")
def schema(included: bool) -> None:
    """Print the JSON Schema of the script format.

    Point your editor at it to complete and check scripts as you type. With the
    YAML language server (VS Code's YAML extension, among others), save it and
    add this first line to a script:

    \b
      # yaml-language-server: $schema=inner-guide.schema.json
    """
    document = included_file_schema() if included else script_schema()
    click.echo(json.dumps(document, indent=2))


class _Notices(logging.Handler):
    """What the program says of work done once (measuring a new voice), as a line on standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(record.getMessage(), err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; the only place that turns errors into exits."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    notices = logging.getLogger("guide")
    if not any(isinstance(handler, _Notices) for handler in notices.handlers):
        notices.addHandler(_Notices())
        notices.setLevel(logging.INFO)
        notices.propagate = False
    raise_on_sigterm()
    try:
        cli.main(args=argv, prog_name="guide", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return ExitCode.USAGE if isinstance(error, click.UsageError) else error.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("\nStopped.", err=True)
        return ExitCode.INTERRUPTED
    except Terminated:
        click.echo("\nStopped.", err=True)
        return ExitCode.TERMINATED
    except ScriptError as error:
        click.echo(error.message, err=True)
        return error.exit_code
    except GuideError as error:
        if debug:
            traceback.print_exc()
        click.echo(f"guide: {error.message}", err=True)
        return error.exit_code
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as error:  # the last guard: a bug is reported, never shown as a raw traceback
        if debug:
            traceback.print_exc()
        click.echo(f"guide: internal error: {error!r} (run with --debug for the traceback)", err=True)
        return ExitCode.FAILURE
    return ExitCode.OK
