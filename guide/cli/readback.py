"""`guide journal play`: the person's own words read back in a held session, played or exported, and written
nowhere else: never to the shared clip cache."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from guide.cli.asking import journal_seal
from guide.cli.export import export_one
from guide.cli.helptext import Command
from guide.cli.language import language_flag
from guide.cli.options import DurationType, flagged
from guide.cli.play import Listening, checked_in_play
from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.journal.entries import NEEDS_READ_BACK, entry_read_back
from guide.journal.store import Journal
from guide.output.formats import ALBUM, BITRATES, DEFAULT_BITRATE, FORMATS, ExportSettings, choose_format
from guide.rendering.loading import Loaded
from guide.rendering.planning import plan_without_speaking
from guide.rendering.request import SessionRequest, VoiceRequest
from guide.rendering.services import Services
from guide.script import library
from guide.script.format import ENGINES
from guide.script.language_rules import rules_or_english
from guide.script.model import Duration
from guide.script.overrides import with_overrides
from guide.script.readback import FEWEST_NEEDS, answers_to_needs, entry_script, needs_script
from guide.translation import N_, _

NEEDS_FROM = ("trigger", "checkin")
"""The entries that hold answers to "what did you need?": trigger notes, and check-ins' reflections."""
REPARENTING_SESSION = "reparenting-statements"


@click.command(cls=Command, name="play")
@click.argument("entry_id", type=int, required=False, metavar=N_("[ID]"))
@click.option("--needs", is_flag=True, help=N_('Your answers to "what did you need?", said back to you, instead.'))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    help=N_("Write it to a file (e.g. letter.mp3) instead: the one place its words are written."),
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help=N_("With -o: the format, when the suffix does not say.")
)
@click.option("--bitrate", type=click.Choice(BITRATES), default=DEFAULT_BITRATE, show_default=True, help=N_("With -o."))
@click.option("--duration", type=DurationType(), help=N_("Target length, e.g. 10m: the silences stretch or shrink."))
@click.option(
    "--engine", type=click.Choice(ENGINES), help=N_("The speech engine: piper (if installed), pyttsx3, or auto.")
)
@click.option("--rate", type=int, metavar=N_("WPM"), help=N_("Speech rate in words per minute (60-250)."))
@language_flag(N_("The voice's language, and the opening's and close's (de, en, es, fr); else the locale's."))
@click.option("--device", metavar=N_("NAME"), help=N_("The sound device to play through; `guide play --device list`."))
@click.option("--quiet", is_flag=True, help=N_("Show nothing while playing, only errors."))
@click.option("--no-checkin", is_flag=True, help=N_("No check-in before and after, this time."))
@click.pass_obj
def play(
    env: Environment,
    entry_id: int | None,
    needs: bool,
    out: Path | None,
    fmt: str | None,
    bitrate: str,
    duration: int | None,
    engine: str | None,
    rate: int | None,
    language: str | None,
    device: str | None,
    quiet: bool,
    no_checkin: bool,
) -> ExitCode:
    """Hear your own words, read back in a held session.

    ID is an entry of your journal (`guide journal list` shows them): a letter to or
    from your younger self, a reflection, a note. It is read a paragraph at a time,
    with a silence after each, between the sessions' arrival and grounding close.
    With --needs, your answers to "what did you need?" (in trigger notes and
    check-ins) are said back to you instead, each with care: "You needed someone to
    stay." With fewer than three, words from the reparenting statements fill in.

    The words are voiced for this play alone, and kept nowhere: not in the clip
    cache, nor any other file, unless you write them with -o. It plays with the
    player's keys, and the check-in around it, as `guide play` does.

    \b
    Examples:
      guide journal play 12
      guide journal play 12 -o letter.mp3
      guide journal play --needs --duration 10m
    """
    if (entry_id is None) == (not needs):
        raise UsageError(_("give an entry's ID (`guide journal list` shows them), or --needs, one of the two"))
    language = library.chosen_language(language, env.locale_language)
    with Journal(env.data_dir) as kept:
        seal = journal_seal(env, kept)
        if entry_id is not None:
            entry = kept.entry(entry_id, seal)
            if entry is None:
                raise UsageError(_("no entry {id}; `guide journal list` shows them").format(id=entry_id))
            texts = [entry.text]
        else:
            texts = [e.text for kind in NEEDS_FROM for e in kept.entries(seal, kind)]
    if entry_id is not None:
        script, name = entry_script(texts[0], language), entry_read_back(entry_id)
    else:
        script, own = needs_script(answers_to_needs(texts), language)
        name = NEEDS_READ_BACK
        if own < FEWEST_NEEDS:
            session = library.title(library.find_script(REPARENTING_SESSION, language))
            env.err(rules_or_english(language).readback["filled_in"].format(count=own, session=session))
    with flagged():
        request = SessionRequest(
            str(script.path),
            duration=Duration(duration, None) if duration is not None else None,
            voice=VoiceRequest(engine=engine, rate=rate, language=language),
            cache=False,
        )
    loaded = Loaded(with_overrides(script, duration=request.duration, voice=request.voice.settings()), None)
    services = Services.of(env)
    # Planned from the lines' predicted lengths first: a length out of reach is said before any question.
    plan_without_speaking(loaded.script, services.engines, None)
    if out is not None:
        settings = ExportSettings(choose_format(out, fmt), bitrate, ALBUM)
        return export_one(env, lambda: loaded, request, services, out, settings)
    again = ["guide", "journal", "play", *([str(entry_id)] if entry_id is not None else ["--needs"]), "-o", "words.mp3"]
    listening_to = Listening(device, quiet, False, shlex.join(again))
    return checked_in_play(env, loaded, request, services, listening_to, name, no_checkin, seal)
