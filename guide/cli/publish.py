"""`guide publish`: each client's session on a private podcast feed and a page of their own, as static files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from guide.atomic import write_bytes_if_changed, write_text_if_changed
from guide.cli.helptext import Command
from guide.cli.progress import client_progress
from guide.environment import Environment
from guide.errors import ExitCode, GuideError, UsageError
from guide.output.batch import Outcome, Result, batch_exit_code, client_failure, left_out_notice, run_batch
from guide.output.formats import ALBUM, BITRATES, DEFAULT_BITRATE, ExportSettings
from guide.publish.artwork import artwork_jpeg
from guide.publish.feed import feed_xml
from guide.publish.handout import handout_html
from guide.publish.lock import site_lock
from guide.publish.page import page_html
from guide.publish.site import Site, checked_base_url, checked_contact, lock_path, open_site, site_folder
from guide.rendering.loading import load, plan
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.script import library
from guide.script.clients import Client, load_clients
from guide.script.model import Script
from guide.translation import N_, _, ngettext
from guide.voice.cores import usable_cores


@click.command(cls=Command)
@click.argument("script_ref", metavar=N_("SCRIPT"), required=False)
@click.option(
    "--clients",
    "clients_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("The clients file (as guide export --clients takes it): one feed for each client."),
)
@click.option(
    "--site",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=N_("The site's folder, to upload to any static web host."),
)
@click.option("--base-url", help=N_("The absolute http(s) address the site's folder is served from."))
@click.option("--title", help=N_("The feed's title, as the client's podcast app shows it (it names no client)."))
@click.option(
    "--author", metavar=N_("NAME"), help=N_("The practice or practitioner, as podcast apps name the feed's maker.")
)
@click.option(
    "--contact", metavar=N_("EMAIL-OR-URL"), help=N_("Where the practice can be reached: an email or a web address.")
)
@click.option("--bitrate", type=click.Choice(BITRATES), default=DEFAULT_BITRATE, show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), default=usable_cores(), show_default=N_("every core it may use"))
@click.option(
    "--list",
    "listing",
    is_flag=True,
    help=N_("Print each client with their page's and feed's addresses, to send them."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("With --list: as JSON, for a script to read."))
@click.option(
    "--handout",
    metavar=N_("DIR"),
    type=click.Path(file_okay=False, path_type=Path),
    help=N_(
        "Write a printable card for each client into DIR (CLIENT.html): their page's address, their feed's as a "
        "QR code, and how to listen. It names the client: keep it out of the site."
    ),
)
@click.option(
    "--remove-client",
    metavar=N_("NAME"),
    help=N_(
        "Take a client off the site, for good: their folder goes, their address is revoked, and no later "
        "publish brings them back."
    ),
)
@click.option(
    "--restore-client", metavar=N_("NAME"), help=N_("Let publishing reach a removed client again, at a new address.")
)
@click.pass_obj
def publish(
    env: Environment,
    script_ref: str | None,
    clients_file: Path | None,
    folder: Path,
    base_url: str | None,
    title: str | None,
    author: str | None,
    contact: str | None,
    bitrate: str,
    jobs: int,
    listing: bool,
    as_json: bool,
    handout: Path | None,
    remove_client: str | None,
    restore_client: str | None,
) -> ExitCode:
    """Publish a session to each client: a private podcast feed and a page of their own.

    Each client's session is rendered (as `guide export --clients` does, skipping what
    is up to date) into a folder of the site named by a random token, with its
    chapters, captions and cover, a feed (feed.xml) and a page (index.html) that plays
    it. No client's name is in any path, and the site's root lists no one: which token
    is whose is kept in DIR.manifest.json beside the site. Keep that file private and
    do not upload it. Publishing another session adds it to each feed; publishing the
    same again changes nothing.

    \b
    Examples:
      guide publish sit-with-your-younger-self --clients clients.yaml --site site --base-url https://example.org/s
      guide publish --site site --list
      guide publish --site site --list --json
      guide publish --site site --handout cards
      guide publish --site site --remove-client sam
      guide publish --site site --restore-client sam
    """
    folder = site_folder(folder)
    asked_url = checked_base_url(base_url) if base_url else None
    if listing or (handout is not None and script_ref is None):
        published = open_site(folder, asked_url, title, existing=True)
        if listing:
            _list(env, published, as_json)
        if handout is not None:
            _write_handouts(env, published, handout)
        return ExitCode.OK
    existing = bool(remove_client or restore_client)
    # Checked before the lock is taken, so that nothing is made beside a folder that is no site of this program's;
    # read again once it is held, so that what another run wrote meanwhile is kept.
    practice = {"author": author, "contact": checked_contact(contact) if contact else None}
    open_site(folder, asked_url, title, existing, **practice)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with site_lock(lock_path(folder)):
        site = open_site(folder, asked_url, title, existing, **practice)
        if remove_client is not None:
            gone = site.remove_client(remove_client)
            env.err(
                _(
                    "Removed {client} from the site: their folder {folder} is deleted here and their address revoked. "
                    "Delete the folder {folder} from the web host too (a sync that deletes, such as rsync --delete, "
                    "does it); until then it is still served there."
                ).format(client=remove_client, folder=gone.name)
            )
            return ExitCode.OK
        if restore_client is not None:
            site.restore_client(restore_client)
            env.err(
                _("Restored {client}: the next publish reaches them again, at a new address.").format(
                    client=restore_client
                )
            )
            return ExitCode.OK
        if script_ref is None or clients_file is None:
            raise UsageError(_("give a SCRIPT and --clients to publish (or --list, or --remove-client NAME)"))
        code = _publish(env, site, SessionRequest(script_ref), Services.of(env), clients_file, bitrate, jobs)
    if handout is not None:
        _write_handouts(env, site, handout)
    return code


def _write_handouts(env: Environment, site: Site, folder: Path) -> None:
    """A card for each published client, in the practitioner's `folder`, never in the site."""
    if folder.resolve().is_relative_to(site.folder.resolve()):
        raise UsageError(
            _("--handout {folder}: the cards name the clients; write them outside the site").format(folder=folder)
        )
    folder.mkdir(parents=True, exist_ok=True)
    published = site.published()
    for client_id, feed in sorted(published.items()):
        write_text_if_changed(folder / f"{client_id}.html", handout_html(site, client_id, feed), mode=0o600)
    env.err(
        ngettext(
            "Wrote a card for {count} client into {folder}.",
            "Wrote a card for each of {count} clients into {folder}.",
            len(published),
        ).format(count=len(published), folder=folder)
    )


def _list(env: Environment, site: Site, as_json: bool) -> None:
    """Each published client's page and feed, to send them: aligned columns, or JSON for a script."""
    rows = [(client, site.page_url(feed.token), site.feed_url(feed.token)) for client, feed in site.published().items()]
    rows.sort()
    if as_json:
        env.out(json.dumps([{"client": c, "page": page, "feed": feed} for c, page, feed in rows], indent=1))
        return
    width = max((len(client) for client, _, _ in rows), default=0)
    for client, page, feed in rows:
        env.out(f"{client.ljust(width)}  {page}  {feed}")


def _publish(
    env: Environment,
    site: Site,
    request: SessionRequest,
    services: Services,
    clients_file: Path,
    bitrate: str,
    jobs: int,
) -> ExitCode:
    """Publish the session to every client in the file whose entry is sound and who was not removed."""
    checked, scripts, held_back = _checked(env, request, services, clients_file)
    clients = []
    for client in checked:
        if not site.is_removed(client.id):
            clients.append(client)
            continue
        env.err(
            _(
                "{client}: removed on {day}; --restore-client {client} publishes for them again, at a new address"
            ).format(client=client.id, day=site.clients[client.id].removed)
        )
    outcomes = _published(env, site, request, services, clients, scripts, bitrate, jobs) if clients else []
    if held_back:
        entries = held_back + len(clients)
        env.err(
            ngettext(
                "{file}: {held} of {count} entry held back; fix it and publish again",
                "{file}: {held} of {count} entries held back; fix them and publish again",
                entries,
            ).format(file=clients_file, held=held_back, count=entries)
        )
    return batch_exit_code(outcomes, held_back)


def _checked(
    env: Environment, request: SessionRequest, services: Services, clients_file: Path
) -> tuple[list[Client], dict[str, Script], int]:
    """The clients whose entries can be published, each one's script, and how many entries were held back, each
    reported at its place: one bad entry holds back only itself."""
    load(request, services)
    clients, invalid = load_clients(clients_file)
    problems = [error.message for error in invalid]
    scripts = {}
    for client in clients:
        try:
            # Planned, not only loaded, so that a length out of reach is found before anything is written.
            scripts[client.id] = plan(request.for_client(client), services)[0]
        except GuideError as error:
            problems.append(client_failure(client, error).message)
    for problem in problems:
        env.err(problem)
    return [client for client in clients if client.id in scripts], scripts, len(problems)


def _published(
    env: Environment,
    site: Site,
    request: SessionRequest,
    services: Services,
    clients: list[Client],
    scripts: dict[str, Script],
    bitrate: str,
    jobs: int,
) -> list[Outcome]:
    """Render each client's episode into their folder, and write their feed and page; what became of each."""
    script_file = library.find_script(request.script)
    name = script_file.stem
    site.tidy()
    for client in clients:
        site.add_client(client.id)
        site.client_folder(client.id).mkdir(parents=True, exist_ok=True)
    site.save()
    settings = ExportSettings("mp3", bitrate, ALBUM, captions="vtt", chapters=True)
    with client_progress(env, len(clients)) as told:
        outcomes = run_batch(
            request,
            clients,
            services,
            settings,
            site.folder,
            jobs=jobs,
            done=told,
            place=lambda client: site.client_folder(client.id) / f"{name}.mp3",
            records=site.records_path,
        )
    for outcome in outcomes:
        if outcome.result is Result.FAILED:
            continue
        script = scripts[outcome.client]
        site.add_episode(outcome.client, name, script.title, script.content_note or "", script.language)
        _write_feed(site, outcome.client, script)
        said = _("{client}: published") if outcome.result is Result.WRITTEN else _("{client}: up to date")
        env.err(said.format(client=outcome.client))
    if (notice := left_out_notice(outcomes, script_file.name)) is not None:
        env.err(notice)
    site.save()
    return outcomes


def _write_feed(site: Site, client_id: str, script: Script) -> None:
    """The client's cover, page and feed, each written whole; the feed last, so that it never names a file that
    is not there yet."""
    folder = site.client_folder(client_id)
    feed = site.clients[client_id]
    if script.cover is not None:
        artwork = folder / f"cover{script.cover.suffix.lower()}"
        write_bytes_if_changed(artwork, script.cover.read_bytes())
    else:
        artwork = folder / "artwork.jpg"
        write_bytes_if_changed(artwork, artwork_jpeg(site.title_in(feed.language)))
    write_text_if_changed(folder / "index.html", page_html(site, feed))
    write_text_if_changed(folder / "feed.xml", feed_xml(site, feed, artwork))
