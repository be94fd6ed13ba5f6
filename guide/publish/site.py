"""A published site: a folder per client named by a random token, and beside the site (never in it) the
manifest that knows which client each token is."""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from guide.atomic import write_text_if_changed
from guide.errors import FieldError, UsageError
from guide.script.language_rules import rules_or_english
from guide.translation import _

MARKER = ".inner-guide-site"
"""In the site's root: says the folder is a site this program made; it names no client."""
MANIFEST_SUFFIX = ".manifest.json"
RECORDS_SUFFIX = ".renders.json"
ROOT_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow"><title>Private</title></head>
<body><p>Nothing is listed here.</p></body></html>
"""
"""The site's root page: a host that would list the folder's contents (every client's token) shows this."""
ROBOTS = "User-agent: *\nDisallow: /\n"
LEGACY_RECORDS = ".inner-guide-renders.json"
"""What made each file, once kept inside each client's folder (and so uploaded with it); now beside the site."""
TOKEN_BYTES = 16
"""128 bits: a client's folder, and so their feed, cannot be guessed."""
TOKEN_FORM = re.compile(r"[A-Za-z0-9_-]{22}")
"""A token as `secrets.token_urlsafe(TOKEN_BYTES)` makes it: 22 characters of URL-safe base64."""
LOCK_SUFFIX = ".lock"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FORMAT = 1


@dataclass
class Episode:
    """A session published to one client: what stays the same each time it is published again."""

    guid: str
    published: str
    """RFC 2822, as RSS wants it, fixed when it was first published."""
    title: str
    description: str
    """The session's content note."""
    language: str


@dataclass
class ClientFeed:
    """One client's place on the site."""

    token: str
    episodes: dict[str, Episode] = field(default_factory=dict)
    """By the episode's file name (the session's name), in the order first published."""
    removed: str | None = None
    """The day the client was taken off the site (ISO 8601), if they were: no publish brings them back until
    they are restored, at a new address."""

    @property
    def language(self) -> str:
        """The language of the client's sessions, as the newest is in: their feed's and page's."""
        return next(reversed(self.episodes.values())).language if self.episodes else "en"


@dataclass
class Site:
    """A site folder and its manifest."""

    folder: Path
    base_url: str
    title: str | None
    """The feeds' title as given (`--title`); None for each client's own language's "Your sessions"."""
    clients: dict[str, ClientFeed]
    author: str | None = None
    """The practice or practitioner, as podcast apps name who makes the feeds."""
    contact: str | None = None
    """An email address or a web address where the practice can be reached."""

    @property
    def contact_email(self) -> str | None:
        """The contact where it is an email address (else it is a web address)."""
        return self.contact if self.contact is not None and EMAIL.fullmatch(self.contact) else None

    @property
    def manifest_path(self) -> Path:
        return manifest_path(self.folder)

    @property
    def records_path(self) -> Path:
        """What made each client's files: beside the site, private, as the manifest is."""
        return _beside(self.folder, RECORDS_SUFFIX)

    def title_in(self, language: str) -> str:
        """The title of a feed in `language`, and of its page."""
        return self.title or rules_or_english(language).client_page["default_title"]

    def is_removed(self, client_id: str) -> bool:
        return client_id in self.clients and self.clients[client_id].removed is not None

    def published(self) -> dict[str, ClientFeed]:
        """The clients whose feed is on the site (not one removed, nor one whose first publish was stopped
        before it)."""
        clients = self.clients.items()
        return {
            client: feed
            for client, feed in clients
            if feed.removed is None and (self.folder / feed.token / "feed.xml").exists()
        }

    def tidy(self) -> None:
        """Remove what an interrupted run or an older version left in the site to be uploaded with it: the
        temporary files of a write that never finished, and records kept inside the clients' folders."""
        for leftover in [*self.folder.rglob(".*.part"), *self.folder.glob(f"*/{LEGACY_RECORDS}")]:
            if leftover.is_file():
                leftover.unlink()

    def page_url(self, token: str) -> str:
        return f"{self.base_url}/{token}/index.html"

    def feed_url(self, token: str) -> str:
        return f"{self.base_url}/{token}/feed.xml"

    def client_folder(self, client_id: str) -> Path:
        return self.folder / self.clients[client_id].token

    def add_client(self, client_id: str) -> ClientFeed:
        if client_id not in self.clients:
            self.clients[client_id] = ClientFeed(secrets.token_urlsafe(TOKEN_BYTES))
        return self.clients[client_id]

    def add_episode(self, client_id: str, name: str, title: str, description: str, language: str) -> Episode:
        """The episode `name` of a client's feed, new or as first published, with its words as they are now."""
        episodes = self.clients[client_id].episodes
        first = episodes.get(name)
        guid = first.guid if first else str(uuid4())
        published = first.published if first else format_datetime(datetime.now(UTC).replace(microsecond=0))
        episodes[name] = Episode(guid, published, title, description, language)
        return episodes[name]

    def remove_client(self, client_id: str) -> Path:
        """Take a client off the site, for good until they are restored: recorded in the manifest first, then
        their folder removed. The folder that was theirs, to remove from the web host too."""
        feed = self._client(client_id, "remove_client")
        if feed.removed is not None:
            raise FieldError(
                "remove_client", _("removed already, on {removed}").format(removed=feed.removed), client_id
            )
        folder = self.client_folder(client_id)
        feed.removed = datetime.now(UTC).date().isoformat()
        self.save()
        shutil.rmtree(folder, ignore_errors=True)
        return folder

    def restore_client(self, client_id: str) -> None:
        """Let publishing reach a removed client again, at a new address: the old one stays revoked."""
        feed = self._client(client_id, "restore_client")
        if feed.removed is None:
            raise FieldError("restore_client", _("not removed: their feed is on the site"), client_id)
        self.clients[client_id] = ClientFeed(secrets.token_urlsafe(TOKEN_BYTES))
        self.save()

    def _client(self, client_id: str, field_name: str) -> ClientFeed:
        if client_id not in self.clients:
            known = ", ".join(sorted(self.clients)) or "none"
            raise FieldError(
                field_name, _("no such client on this site (its clients: {known})").format(known=known), client_id
            )
        return self.clients[client_id]

    def save(self) -> None:
        """Write the manifest (beside the site, readable by its owner alone), and the site's marker."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_text_if_changed(self.folder / MARKER, json.dumps({"made by": "Inner Guide", "format": FORMAT}) + "\n")
        write_text_if_changed(self.folder / "index.html", ROOT_PAGE)
        write_text_if_changed(self.folder / "robots.txt", ROBOTS)
        document: dict[str, Any] = {
            "format": FORMAT,
            "base_url": self.base_url,
            "title": self.title,
            **({"author": self.author} if self.author is not None else {}),
            **({"contact": self.contact} if self.contact is not None else {}),
            "clients": {
                client_id: {
                    "token": feed.token,
                    "episodes": {name: vars(episode) for name, episode in feed.episodes.items()},
                    **({"removed": feed.removed} if feed.removed is not None else {}),
                }
                for client_id, feed in sorted(self.clients.items())
            },
        }
        write_text_if_changed(self.manifest_path, json.dumps(document, indent=1) + "\n", mode=0o600)


def lock_path(folder: Path) -> Path:
    """Held while a run writes the site: beside it, as the manifest is."""
    return _beside(folder, LOCK_SUFFIX)


def manifest_path(folder: Path) -> Path:
    """Beside the site folder, so that uploading the site never uploads who its clients are."""
    return _beside(folder, MANIFEST_SUFFIX)


def _beside(folder: Path, suffix: str) -> Path:
    """A file of the site's own kept beside its folder, never in it, so that uploading the site never uploads it."""
    return folder.with_name(folder.name + suffix)


def checked_base_url(url: str) -> str:
    """An absolute http(s) URL with no trailing slash, or UsageError."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise FieldError(
            "base_url",
            _("give the absolute http(s) address the site will be served from, such as https://example.org/sessions"),
            url,
        )
    return url.rstrip("/")


def _checked_token(client_id: str, token: object) -> str:
    """A token as this program makes them, or ValueError: a client's folder is named by it, and removed by it,
    so an edited manifest must never name a folder outside the site, or the site itself."""
    if not isinstance(token, str) or TOKEN_FORM.fullmatch(token) is None:
        raise ValueError(
            _("client {client_id}'s token {token!r} is not one this program makes").format(
                client_id=client_id, token=token
            )
        )
    return token


def site_folder(folder: Path) -> Path:
    """`folder` as a site's folder, or FieldError where it cannot be one: the site needs a folder of its own,
    with its manifest beside it (not the current folder, nor the file system's root, nor a file)."""
    resolved = folder.resolve()
    if resolved.exists() and not resolved.is_dir():
        raise FieldError("site", _("this is a file; give a folder for the site, such as site/"), folder)
    if resolved == Path.cwd().resolve() or resolved.parent == resolved:
        own = _("give the site a folder of its own, such as site/: its manifest is kept beside it")
        raise FieldError("site", own, folder)
    return resolved


def checked_contact(contact: str) -> str:
    """An email address or an absolute http(s) address, or FieldError."""
    if EMAIL.fullmatch(contact) is None:
        parts = urlsplit(contact)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FieldError("contact", _("give an email address, or a web address starting https://"), contact)
    return contact


def open_site(
    folder: Path,
    base_url: str | None,
    title: str | None,
    existing: bool = False,
    author: str | None = None,
    contact: str | None = None,
) -> Site:
    """The site in `folder`, or a new one there unless it must be `existing`; UsageError for a folder something
    else made. The address, title, author and contact given are kept for the site; those not given are as kept."""
    folder = site_folder(folder)
    manifest = manifest_path(folder)
    if existing and not manifest.exists():
        raise FieldError(
            "site", _("no site was published there (there is no {name} beside it)").format(name=manifest.name), folder
        )
    if manifest.exists():
        try:
            document = json.loads(manifest.read_text(encoding="utf-8"))
            clients = {
                client_id: ClientFeed(
                    _checked_token(client_id, entry["token"]),
                    {name: Episode(**episode) for name, episode in entry["episodes"].items()},
                    entry.get("removed"),
                )
                for client_id, entry in document["clients"].items()
            }
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise UsageError(
                _("{manifest}: not a manifest this program can read ({error})").format(manifest=manifest, error=error)
            ) from None
        # Sites published before titles followed each client's language kept the English default by name.
        kept_title = None if document.get("title") == ENGLISH_DEFAULT_TITLE else document.get("title")
        kept = (base_url or document["base_url"], title or kept_title, clients)
        return Site(folder, *kept, author or document.get("author"), contact or document.get("contact"))
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FieldError(
            "site",
            _(
                "this folder holds files another program made (and no {name} beside it); choose an empty or "
                "new folder for the site"
            ).format(name=manifest.name),
            folder,
        )
    if base_url is None:
        raise FieldError("base_url", _("needed the first time a site is published"))
    return Site(folder, base_url, title, {}, author, contact)


ENGLISH_DEFAULT_TITLE = "Your sessions"
