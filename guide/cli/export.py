"""`guide export`: a session written to an audio file, or one file for each client."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from guide.cli.helptext import Command
from guide.cli.notices import unmet_notice
from guide.cli.options import session_options
from guide.cli.progress import client_progress
from guide.environment import Environment
from guide.errors import ExitCode
from guide.output.batch import Result, batch_exit_code, left_out_notice, run_batch
from guide.output.export import exporting
from guide.output.formats import (
    ALBUM,
    BITRATES,
    CAPTION_FORMATS,
    DEFAULT_BITRATE,
    FORMATS,
    ExportSettings,
    choose_format,
)
from guide.rendering.loading import Loaded, load, voiced
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.rendering.steps import spoken_lines
from guide.script.clients import load_clients
from guide.script.values import format_clock
from guide.translation import N_, _
from guide.voice.cores import usable_cores


@click.command(cls=Command, name="export")
@click.argument("script_ref", metavar=N_("SCRIPT"))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help=N_("The file to write, e.g. session.mp3 (its suffix picks the format); with --clients, a folder."),
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help=N_("The format, when the suffix does not say it."))
@click.option(
    "--bitrate",
    type=click.Choice(BITRATES),
    default=DEFAULT_BITRATE,
    show_default=True,
    help=N_("For MP3, OGG/Opus and M4A."),
)
@click.option("--album", default=ALBUM, show_default=True, help=N_("The album tag."))
@click.option(
    "--captions",
    type=click.Choice(CAPTION_FORMATS),
    help=N_("Also write captions beside the audio: a WebVTT (.vtt) or SubRip (.srt) file, one cue per sentence."),
)
@click.option(
    "--transcript", is_flag=True, help=N_("Also write the words as text (.txt) with section headings and times.")
)
@click.option(
    "--chapters",
    is_flag=True,
    help=N_("Also write the chapters as Podcasting 2.0 JSON (.chapters.json), for podcast apps."),
)
@click.option(
    "--clients",
    "clients_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("A YAML list of clients (client, variables, voice, duration): one file each, in the folder -o names."),
)
@click.option("--force", is_flag=True, help=N_("With --clients: render every file, even those already up to date."))
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=usable_cores(),
    show_default=N_("every core it may use"),
    help=N_("With --clients: how many files to render at once."),
)
@session_options
def export_command(
    env: Environment,
    out: Path,
    fmt: str | None,
    bitrate: str,
    album: str,
    captions: str | None,
    transcript: bool,
    chapters: bool,
    clients_file: Path | None,
    force: bool,
    jobs: int,
    request: SessionRequest,
    services: Services,
) -> ExitCode:
    """Render a session to an audio file: MP3, OGG/Opus, M4A, FLAC or WAV.

    Files carry the title, author, album, content note and cover as tags, and one
    chapter per section. They appear only when complete: a failure or Ctrl+C leaves
    no partial file behind, and an existing file is kept until its replacement is whole.

    With --clients, renders one personalized file per client into the folder -o
    names (DIR/CLIENT.mp3), skipping files already made from the same script,
    variables and settings. A bad entry is reported with its line, the others go on,
    and the exit code says that something failed. docs/practitioners.md shows the file's form.

    \b
    Examples:
      guide export sit-with-your-younger-self -o session.mp3 --captions vtt
      guide export my-session.yaml -o session.m4a --vars sam.yaml --transcript
      guide export my-session.yaml --clients clients.yaml -o renders/
    """
    if clients_file is None:
        if force:
            raise click.UsageError(_("--force goes with --clients; a single export always writes its file"))
        settings = ExportSettings(choose_format(out, fmt), bitrate, album, captions, transcript, chapters)
        return export_one(env, lambda: load(request, services), request, services, out, settings)
    settings = ExportSettings(fmt or "mp3", bitrate, album, captions, transcript, chapters)
    return _export_for_clients(env, request, services, clients_file, out, settings, force, jobs)


def export_one(
    env: Environment,
    loading: Callable[[], Loaded],
    request: SessionRequest,
    services: Services,
    out: Path,
    settings: ExportSettings,
) -> ExitCode:
    """Write one session to `out`, showing progress on a terminal: the one `loading` gives, loaded once the file
    is known to be writable."""
    with exporting(out, settings) as write:
        loaded = loading()
        with click.progressbar(
            length=len(spoken_lines(loaded.script)),
            label=_("Voicing lines"),
            file=env.stderr,
            hidden=not env.stderr_isatty,
        ) as voicing:
            session = voiced(loaded, request, services, voicing.update)
        with click.progressbar(
            length=session.timeline.length_ms,
            label=_("Writing {file}").format(file=out.name),
            file=env.stderr,
            hidden=not env.stderr_isatty,
        ) as bar:
            written = write(session, bar.update)
    if (notice := unmet_notice(session.timeline)) is not None:
        env.err(notice)
    env.err(
        _("Wrote {files} ({length}).").format(
            files=", ".join(map(str, written)), length=format_clock(session.timeline.length_ms)
        )
    )
    return ExitCode.OK


def _export_for_clients(
    env: Environment,
    request: SessionRequest,
    services: Services,
    clients_file: Path,
    folder: Path,
    settings: ExportSettings,
    force: bool,
    jobs: int,
) -> ExitCode:
    if folder.exists() and not folder.is_dir():
        raise click.UsageError(
            _("-o {folder}: with --clients, -o names a folder, and this is a file").format(folder=folder)
        )
    script = load(request, services).script  # the script itself must be sound before any client is tried
    clients, invalid = load_clients(clients_file)
    for error in invalid:
        env.err(error.message)
    folder.mkdir(parents=True, exist_ok=True)
    with client_progress(env, len(clients)) as told:
        outcomes = run_batch(request, clients, services, settings, folder, force=force, jobs=jobs, done=told)
    if (notice := left_out_notice(outcomes, script.path.name)) is not None:
        env.err(notice)
    tally = {result: sum(o.result is result for o in outcomes) for result in Result}
    failed = tally[Result.FAILED] + len(invalid)
    env.err(
        _("{written} written, {current} already up to date, {failed} failed.").format(
            written=tally[Result.WRITTEN], current=tally[Result.UP_TO_DATE], failed=failed
        )
    )
    return batch_exit_code(outcomes, len(invalid))
