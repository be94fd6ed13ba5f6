"""Rendering one file per client, on every core, skipping the files already made from the same inputs."""

from __future__ import annotations

import enum
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guide import __version__
from guide.atomic import write_text
from guide.errors import ExitCode, GuideError, ScriptError, Where
from guide.output.export import exporting
from guide.output.formats import ExportSettings
from guide.rendering.loading import Loaded, load, voiced
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.rendering.session import voice_description
from guide.script.clients import Client
from guide.script.fingerprint import digest
from guide.script.values import format_clock
from guide.signals import children_ignore_ctrl_c, worker_signals
from guide.translation import _
from guide.voice.cache import CLIP_FORMAT

MANIFEST = ".inner-guide-renders.json"
"""In the output folder: what each file was made from, so a re-run can tell which are up to date."""


class Result(enum.Enum):
    WRITTEN = "written"
    UP_TO_DATE = "up to date"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What became of one client's file."""

    client: str
    result: Result
    message: str
    exit_code: int = ExitCode.OK
    left_out: tuple[str, ...] = ()
    """The client's variables that the script does not declare, and so went without."""


def left_out_notice(outcomes: list[Outcome], script: str) -> str | None:
    """One line for a run, naming the clients' variables that `script` went without; None where there are none."""
    clients_of: dict[str, list[str]] = {}
    for outcome in outcomes:
        for name in outcome.left_out:
            clients_of.setdefault(name, []).append(outcome.client)
    if not clients_of:
        return None
    named = "; ".join(f"{name} ({', '.join(clients)})" for name, clients in sorted(clients_of.items()))
    return _("Left out, as {script} declares no such variable: {named}").format(script=script, named=named)


@dataclass(frozen=True)
class Job:
    """One client's render, as a worker process gets it: the script loaded for them, once."""

    loaded: Loaded
    request: SessionRequest
    services: Services
    settings: ExportSettings
    out: Path


def run_batch(
    request: SessionRequest,
    clients: list[Client],
    services: Services,
    settings: ExportSettings,
    folder: Path,
    *,
    force: bool = False,
    jobs: int = 1,
    done: Callable[[Outcome], None] = lambda outcome: None,
    place: Callable[[Client], Path] | None = None,
    records: Path | None = None,
) -> list[Outcome]:
    """Render each client's file of the requested session into `folder` (as CLIENT.FORMAT, or where `place`
    puts it), `jobs` at a time; `done` hears of each as it finishes. What made each file is kept in `records`,
    or else in a manifest in each folder written to.

    A client whose entry fails (a variable the script does not declare, a duration out of reach) is
    reported and the others go on."""
    manifests: dict[Path, _Manifest] = {}

    def manifest_of(out: Path) -> _Manifest:
        if records is not None:
            return manifests.setdefault(records, _Manifest(records, folder))
        return manifests.setdefault(out.parent, _Manifest(out.parent / MANIFEST, out.parent))

    outcomes: list[Outcome] = []
    pending: list[tuple[Client, Job, str]] = []

    def finish(outcome: Outcome) -> None:
        outcomes.append(outcome)
        done(outcome)

    for client in clients:
        out = place(client) if place is not None else folder / f"{client.id}.{settings.fmt}"
        asked = request.for_client(client)
        try:
            job = Job(load(asked, services), asked, services, settings, out)
        except GuideError as error:
            finish(client_failure(client, error))
            continue
        stamp = fingerprint(job.loaded, asked, services, settings)
        left_out = job.loaded.script.left_out_variables
        if not force and manifest_of(job.out).up_to_date(settings.outputs(job.out), stamp):
            finish(
                Outcome(client.id, Result.UP_TO_DATE, _("{file}: up to date").format(file=job.out), left_out=left_out)
            )
            continue
        pending.append((client, job, stamp))

    results = _rendered([job for _, job, _ in pending], jobs)
    for (client, job, stamp), (code, message, where) in zip(pending, results, strict=True):
        if code == ExitCode.OK:
            manifest_of(job.out).record(job.settings.outputs(job.out), stamp)
            finish(Outcome(client.id, Result.WRITTEN, message, left_out=job.loaded.script.left_out_variables))
        else:
            finish(_failure(client, code, message, where))
    return outcomes


Report = tuple[int, str, Where | None]
"""An exit code, what to say, and the place in a file it is about: errors cross processes as this."""


def render_job(job: Job) -> Report:
    """Render one client's file."""
    try:
        with exporting(job.out, job.settings) as write:
            session = voiced(job.loaded, job.request, job.services)
            written = write(session)
    except GuideError as error:
        return _reported(error)
    said = _("wrote {files}").format(files=", ".join(str(path) for path in written))
    timeline = session.timeline
    if timeline.unmet_ms is not None:
        said += " " + _("({length}: the script's own {asked} is out of reach at this client's voice)").format(
            length=format_clock(timeline.length_ms), asked=format_clock(timeline.unmet_ms)
        )
    return ExitCode.OK, said, None


def _reported(error: GuideError) -> Report:
    if isinstance(error, ScriptError):
        return error.exit_code, error.reason, error.where
    return error.exit_code, error.message, None


def client_failure(client: Client, error: GuideError) -> Outcome:
    """A client whose entry cannot be rendered, reported as a batch reports it: an entry to fix (exit 3), unless
    what is missing is the machine's (a voice not installed)."""
    code, reason, where = _reported(error)
    return _failure(client, code if code == ExitCode.MISSING_DEPENDENCY else ExitCode.INVALID_SCRIPT, reason, where)


def batch_exit_code(outcomes: list[Outcome], entries_held_back: int = 0) -> ExitCode:
    """How a batch ends: as its first render that failed, else 3 where an entry (or `entries_held_back` more)
    was wrong, else 0."""
    failures = [ExitCode(o.exit_code) for o in outcomes if o.result is Result.FAILED]
    rendering = [code for code in failures if code != ExitCode.INVALID_SCRIPT]
    if rendering:
        return rendering[0]
    return ExitCode.INVALID_SCRIPT if failures or entries_held_back else ExitCode.OK


def _failure(client: Client, code: int, reason: str, where: Where | None) -> Outcome:
    """A failed client, reported at the place the error is (the script, the clients file), or at its entry."""
    said = _("{where}: client {client}: {problem}").format(
        where=where or client.where, client=client.id, problem=reason
    )
    return Outcome(client.id, Result.FAILED, said, code)


def _rendered(jobs: list[Job], workers: int) -> Iterator[Report]:
    """Each job's result, in order, from up to `workers` processes at once."""
    if workers <= 1 or len(jobs) <= 1:
        yield from map(render_job, jobs)
        return
    # A fresh interpreter per worker: the speech engine runs threads of its own that a fork would not copy.
    context = multiprocessing.get_context("spawn")
    try:
        with children_ignore_ctrl_c():
            pool = context.Pool(min(workers, len(jobs)), initializer=worker_signals)
    except OSError:
        # No shared memory for the workers' locks (a container or chroot without /dev/shm): one at a time.
        yield from map(render_job, jobs)
        return
    try:
        yield from pool.imap(render_job, jobs)
    except BaseException:
        # Stopped (Ctrl+C, SIGTERM, or an error here): each worker gets SIGTERM, which unwinds its render
        # and removes its temporary files; no queued job starts.
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def fingerprint(loaded: Loaded, request: SessionRequest, services: Services, settings: ExportSettings) -> str:
    """A digest of everything a client's file is made from: the script as loaded (its includes and
    variables filled in), the files it names, the voice, the levels and the export settings."""
    return digest(
        {
            "program": __version__,
            "clips": CLIP_FORMAT,
            "script": loaded.script,
            "levelled_from": loaded.level_from,
            "voice": voice_description(loaded.script, services.engines),
            "loudness": request.loudness,
            "settings": settings,
        }
    )


class _Manifest:
    """The record of what made each file under `root`, and the size and time of each file as written; kept
    private to its owner, as the paths of a site's files are its clients' tokens."""

    def __init__(self, path: Path, root: Path):
        self.path = path
        self.root = root
        try:
            self.entries: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(self.entries, dict):
                self.entries = {}
        except (OSError, ValueError):
            self.entries = {}

    def up_to_date(self, outputs: list[Path], stamp: str) -> bool:
        entry = self.entries.get(self._key(outputs[0]))
        return (
            isinstance(entry, dict)
            and entry.get("fingerprint") == stamp
            and entry.get("files") == {path.name: _stat(path) for path in outputs}
        )

    def record(self, outputs: list[Path], stamp: str) -> None:
        files = {path.name: _stat(path) for path in outputs}
        self.entries[self._key(outputs[0])] = {"fingerprint": stamp, "files": files}
        write_text(self.path, json.dumps(self.entries, indent=1, sort_keys=True) + "\n", mode=0o600)

    def _key(self, output: Path) -> str:
        return output.relative_to(self.root).as_posix()


def _stat(path: Path) -> list[int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns]
