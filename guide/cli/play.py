"""`guide play`: a session through the sound output, with the listener's keys, a place to resume, and care."""

from __future__ import annotations

import shlex
import textwrap
from dataclasses import dataclass, replace

import click

from guide.cli import checkin
from guide.cli.helptext import Command
from guide.cli.notices import unmet_notice
from guide.cli.options import session_options
from guide.cli.voice_hint import natural_voice_hint
from guide.environment import Environment
from guide.errors import ExitCode, NoAudioDevice, UsageError, export_suggestion
from guide.journal.sealing import Seal
from guide.play.device import device_entries, open_device
from guide.play.display import PlayDisplay
from guide.play.keys import listening
from guide.play.player import Ending, Outcome, Player
from guide.play.resume import ResumePlaces
from guide.rendering.live import LiveSession
from guide.rendering.loading import Loaded, load
from guide.rendering.planning import plan_without_speaking
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.rendering.session import voice_description
from guide.rendering.steps import spoken_lines
from guide.rendering.timeline import CueKind
from guide.script import library
from guide.script.language_rules import rules_or_english
from guide.script.model import Script
from guide.script.values import format_clock
from guide.translation import N_, _, ngettext


@click.command(cls=Command)
@click.argument("script_ref", metavar=N_("SCRIPT"))
@click.option("--resume", is_flag=True, help=N_("Continue where the last interrupted play of this script stopped."))
@click.option(
    "--from",
    "from_section",
    metavar=N_("SECTION"),
    help=N_("Start at a section, named by its title or its number (counting from 1)."),
)
@click.option(
    "--device",
    metavar=N_("NAME"),
    help=N_("The sound device to play through, by its name or description; `--device list` shows them."),
)
@click.option("--quiet", is_flag=True, help=N_("Show nothing while playing, only errors."))
@click.option("--verbose", is_flag=True, help=N_("Also show the voice that speaks (engine, version and model)."))
@click.option(
    "--no-checkin",
    is_flag=True,
    help=N_(
        "No check-in this time (on a terminal, a play asks how you feel before and after; "
        "`guide journal checkins off` turns it off for good)."
    ),
)
@session_options
def play(
    env: Environment,
    resume: bool,
    from_section: str | None,
    device: str | None,
    quiet: bool,
    verbose: bool,
    no_checkin: bool,
    request: SessionRequest,
    services: Services,
) -> ExitCode:
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
        _list_devices(env)
        return ExitCode.OK
    loaded = load(request, services)
    if loaded.script.duration is not None and loaded.script.duration.flexible:
        _say_if_unmet(env, loaded.script, request, services)
    if not quiet:
        natural_voice_hint(env, loaded.script, services)
    listening_to = Listening(
        device, quiet, verbose, export_suggestion(request.script), ResumePlaces(env.data_dir), resume, from_section
    )
    return checked_in_play(env, loaded, request, services, listening_to, request.script, no_checkin)


def checked_in_play(
    env: Environment,
    loaded: Loaded,
    request: SessionRequest,
    services: Services,
    listening_to: Listening,
    name: str,
    no_checkin: bool,
    seal: Seal | None = None,
) -> ExitCode:
    """Play a session with the check-in around it, kept in the journal under `name` (with `seal`, where its
    passphrase was asked already): at great distress before it, the choice of the grounding practice instead, or
    of stopping there."""
    script = loaded.script
    keeping = checkin.wanted(env, no_checkin, listening_to.quiet, seal)
    before = checkin.before_session(env, script) if keeping is not None else None
    choice = checkin.offer_at_high_distress(env, script, before) if before is not None else checkin.Choice.GO_ON
    if choice is checkin.Choice.STOP:
        assert before is not None and keeping is not None
        checkin.after_session(env, script, name, before, Outcome(Ending.QUIT, 0), keeping)
        return ExitCode.OK
    if choice is checkin.Choice.GROUND:
        request = grounding_request(request, script.language)
        name, loaded = request.script, load(request, services)
        script = loaded.script
        listening_to = replace(listening_to, export_command=export_suggestion(name), resume=False, from_section=None)
    outcome = play_script(env, loaded, request, services, listening_to)
    opened = keeping.seal if keeping is not None else seal
    checkin.remember_sitting(env, name, outcome.heard_ms, outcome.ending is Ending.FINISHED, opened)
    if outcome.ending is Ending.LOST:
        env.err(_("The sound device stopped taking sound (were the headphones unplugged?)."))
    if outcome.ending is not Ending.FINISHED:
        again = ["guide", "play", name, *(["--language", request.language] if request.language else []), "--resume"]
        stopped_at = _("Stopped at {time}.").format(time=format_clock(outcome.heard_ms))
        going_on = _("To go on from there later: {command}").format(command=shlex.join(again))
        env.err(f"{stopped_at} {going_on}" if listening_to.places else stopped_at)
    if before is not None and keeping is not None:
        checkin.after_session(env, script, name, before, outcome, keeping)
    elif outcome.ending is Ending.FINISHED and script.reflect and not listening_to.quiet:
        env.out("\n" + rules_or_english(script.language).reflect_heading)
        for prompt in script.reflect:
            env.out(f"  • {prompt}")
    return ENDING_CODES.get(outcome.ending, ExitCode.OK)


def grounding_request(request: SessionRequest, language: str) -> SessionRequest:
    """The short grounding practice, in the language of the session it stands in for where it is written in it,
    with the voice and levels asked for that session."""
    spoken = language if library.builtin_session(checkin.GROUNDING_SESSION, language) is not None else None
    return replace(
        request,
        script=checkin.GROUNDING_SESSION,
        variables=(),
        variables_at=(),
        shared_variables=(),
        vars_file=None,
        duration=None,
        voice=replace(request.voice, language=spoken),
    )


ENDING_CODES = {Ending.INTERRUPTED: ExitCode.INTERRUPTED, Ending.LOST: ExitCode.MISSING_DEPENDENCY}


@dataclass(frozen=True)
class Listening:
    """How a session is played: the device, what the screen shows, and where it starts and is remembered."""

    device: str | None
    quiet: bool
    verbose: bool
    export_command: str
    """The command that makes a file of the session, which plays without a gap: said where the sound had one."""
    places: ResumePlaces | None = None
    """Where each script's play stopped, kept for --resume; None keeps nothing."""
    resume: bool = False
    from_section: str | None = None


def play_script(
    env: Environment, loaded: Loaded, request: SessionRequest, services: Services, listening_to: Listening
) -> Outcome:
    """Play a session through the device, keep where it stopped, and say if the sound had a gap."""
    try:
        outcome = _play(env, loaded, request, services, listening_to)
    except NoAudioDevice as error:
        raise error.about(listening_to.export_command) from None
    if outcome.underruns:
        env.err(
            ngettext(
                "The sound stopped for a moment once: the machine was too busy to keep up. An export plays "
                "without gaps: {command}",
                "The sound stopped for a moment {count} times: the machine was too busy to keep up. An export "
                "plays without gaps: {command}",
                outcome.underruns,
            ).format(count=outcome.underruns, command=listening_to.export_command)
        )
    return outcome


def _play(
    env: Environment, loaded: Loaded, request: SessionRequest, services: Services, listening_to: Listening
) -> Outcome:
    """Play the session through the device, and remember where it stopped."""
    script = loaded.script
    path = script.path
    places, quiet = listening_to.places, listening_to.quiet
    # Made first, so that the voice loads while the device opens.
    live = LiveSession(script, services.cache(request), services.engines, request.loudness, loaded.level_from)
    output = None
    player: Player | None = None
    outcome = None
    try:
        output = open_device(listening_to.device)
        # Keys are listened for from the first moment: one pressed while the voice loads is taken, not lost.
        with listening(env.stdin, env.stdout) as keys:
            resume = listening_to.resume
            stopped = places.stopped_at(path) if places is not None and resume else None
            start_ms = _start_ms(env, live, stopped, resume, listening_to.from_section)
            if not quiet:
                spoken = listening_to.verbose and bool(spoken_lines(script))
                voice = voice_description(script, services.engines) if spoken else None
                _introduce(env, script, live.planned_ms, voice)
                if keys is not None:
                    env.out(_(KEYS_HINT) + "\n")
            display = None if quiet else PlayDisplay(env.stdout, env.stdout_isatty)
            player = Player(live, output, display, keys, start_ms)
            try:
                outcome = player.run()
            finally:
                if display is not None:
                    display.finish()
                finished = outcome is not None and outcome.ending is Ending.FINISHED
                if places is not None:
                    places.remember(path, None if finished else player.place_ms())
    finally:
        live.close()
        # The player's, which is another where it reopened the device after losing it.
        current = player.output if player is not None else output
        if current is not None:
            current.close()
    return outcome


def _say_if_unmet(env: Environment, script: Script, request: SessionRequest, services: Services) -> None:
    """Say before the first word, from the lines' predicted lengths, when the script's own length is out of
    reach at the voice settings asked for."""
    notice = unmet_notice(plan_without_speaking(script, services.engines, services.cache(request))[0])
    if notice is not None:
        env.err(notice)


KEYS_HINT = N_("Keys: space pause · n next section · b back · g grounding close · q quit")


def _introduce(env: Environment, script: Script, length_ms: int | None, voice: str | None) -> None:
    env.out(f"{script.title}  ({format_clock(length_ms)})" if length_ms is not None else script.title)
    if script.content_note:
        env.out(textwrap.fill(script.content_note.strip(), width=78))
    if voice is not None:
        env.out(_("Voice: {voice}").format(voice=voice))
    env.out()


def _start_ms(env: Environment, live: LiveSession, stopped: int | None, resume: bool, from_section: str | None) -> int:
    """Where to start: a section asked for, the place the last play stopped (`stopped`, with `resume`), or the
    beginning."""
    if from_section is not None:
        chapters = live.whole().timeline.chapters
        for number, chapter in enumerate(chapters, 1):
            if from_section.strip().casefold() in (str(number), chapter.title.casefold()):
                return chapter.start_ms
        listed = ", ".join(f"{n} {c.title!r}" for n, c in enumerate(chapters, 1))
        raise UsageError(
            _("--from {section}: no such section; the sections are: {sections}").format(
                section=from_section, sections=listed
            )
        )
    if resume:
        if stopped is None:
            env.err(_("Nothing to resume for this session: starting from the beginning."))
            return 0
        timeline = live.whole().timeline
        if stopped >= timeline.length_ms:
            return 0
        # Back to the start of the line that was being spoken, so that no sentence starts midway.
        cue = timeline.cue_at(stopped)
        return cue.start_ms if cue is not None and cue.kind is CueKind.SAY else stopped
    return 0


def _list_devices(env: Environment) -> None:
    entries = device_entries()
    if not entries:
        env.out(_("No sound device was found."))
    for entry in entries:
        env.out(f"{entry.name}\n    {entry.description}" if entry.description != entry.name else entry.name)
