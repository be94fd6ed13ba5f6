"""A client's private feed: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, kept out of directories."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from guide.publish.site import ClientFeed, Site
from guide.script.language_rules import rules_or_english

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PODCAST_GUID_NAMESPACE = UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace's own: a feed's podcast:guid is the UUIDv5 of its address under it."""
ATOM = "http://www.w3.org/2005/Atom"
CATEGORY = ("Health & Fitness", "Mental Health")
"""Apple Podcasts' category and subcategory of the feeds."""
RSS_TYPE = {"type": "application/rss+xml"}
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ElementTree.register_namespace("atom", ATOM)
ElementTree.register_namespace("itunes", ITUNES)
ElementTree.register_namespace("podcast", PODCAST)


def feed_xml(site: Site, feed: ClientFeed, artwork: Path | None) -> str:
    """The feed, newest episode first, made only from what the site keeps: the same site gives the same bytes.
    It has what Apple Podcasts asks of a feed and the Podcasting 2.0 tags that apps read."""
    folder = site.folder / feed.token
    url = f"{site.base_url}/{feed.token}"
    rss = ElementTree.Element("rss", {"version": "2.0"})
    channel = _add(rss, "channel")
    words = rules_or_english(feed.language).client_page
    page = site.page_url(feed.token)
    for tag, text in (
        ("title", site.title_in(feed.language)),
        ("link", page),
        ("description", words["feed_description"]),
        ("language", feed.language),
        (f"{{{ITUNES}}}block", "Yes"),
        (f"{{{PODCAST}}}block", "yes"),
        (f"{{{PODCAST}}}locked", "yes"),
        (f"{{{PODCAST}}}guid", podcast_guid(site.feed_url(feed.token))),
        (f"{{{ITUNES}}}explicit", "false"),
        (f"{{{ITUNES}}}type", "episodic"),
    ):
        _add(channel, tag, text)
    _add(channel, f"{{{ATOM}}}link", attributes={"href": site.feed_url(feed.token), "rel": "self"} | RSS_TYPE)
    category = _add(channel, f"{{{ITUNES}}}category", attributes={"text": CATEGORY[0]})
    _add(category, f"{{{ITUNES}}}category", attributes={"text": CATEGORY[1]})
    if site.author is not None:
        _add(channel, f"{{{ITUNES}}}author", site.author)
    if site.contact_email is not None:  # the owner is whom Apple writes to: no address, no owner
        owner = _add(channel, f"{{{ITUNES}}}owner")
        _add(owner, f"{{{ITUNES}}}name", site.author or site.title_in(feed.language))
        _add(owner, f"{{{ITUNES}}}email", site.contact_email)
    if artwork is not None:
        _add(channel, f"{{{ITUNES}}}image", attributes={"href": f"{url}/{artwork.name}"})
        image = _add(channel, "image")
        for tag, text in (("url", f"{url}/{artwork.name}"), ("title", site.title_in(feed.language)), ("link", page)):
            _add(image, tag, text)
    for name, episode in reversed(feed.episodes.items()):
        audio = folder / f"{name}.mp3"
        item = _add(channel, "item")
        _add(item, "title", episode.title)
        _add(item, "description", episode.description)
        _add(item, "link", page)
        _add(item, "guid", episode.guid, {"isPermaLink": "false"})
        _add(item, "pubDate", episode.published)
        address = revised_url(f"{url}/{audio.name}", audio)
        _add(item, "enclosure", attributes={"url": address, "length": str(audio.stat().st_size), "type": "audio/mpeg"})
        _add(item, f"{{{ITUNES}}}duration", str(round(length_s(folder / f"{name}.chapters.json"))))
        _add(item, f"{{{ITUNES}}}episodeType", "full")
        _add(
            item,
            f"{{{PODCAST}}}chapters",
            attributes={"url": f"{url}/{name}.chapters.json", "type": "application/json+chapters"},
        )
        captions = {"url": f"{url}/{name}.vtt", "type": "text/vtt", "language": episode.language, "rel": "captions"}
        _add(item, f"{{{PODCAST}}}transcript", attributes=captions)
    ElementTree.indent(rss)
    document = '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(rss, encoding="unicode") + "\n"
    ElementTree.fromstring(document.encode("utf-8"))  # read as an app will, before anything is written
    return document


def xml_text(text: str) -> str:
    """`text` without what XML 1.0 cannot hold (control characters other than tab and newlines, U+FFFE, U+FFFF,
    lone surrogates): one such character in a title would make the whole feed unreadable."""
    return NOT_XML.sub("", text)


def revised_url(url: str, audio: Path) -> str:
    """The address of an episode's audio as it is now: podcast apps fetch an episode's audio again only when its
    address changes, so a revised episode (a client's variables, voice or script changed) is told by a
    fingerprint of its bytes, which a static host ignores in serving the file."""
    with audio.open("rb") as sound:
        return f"{url}?v={hashlib.file_digest(sound, 'sha256').hexdigest()[:12]}"


def podcast_guid(feed_url: str) -> str:
    """The feed's podcast:guid: UUIDv5 of its address with no scheme and no trailing slash."""
    parts = urlsplit(feed_url)
    return str(uuid5(PODCAST_GUID_NAMESPACE, re.sub(r"/+$", "", parts.netloc + parts.path)))


def length_s(chapters: Path) -> float:
    """A session's length in seconds: where its last chapter ends."""
    return float(json.loads(chapters.read_text(encoding="utf-8"))["chapters"][-1]["endTime"])


def _add(
    parent: ElementTree.Element, tag: str, text: str | None = None, attributes: dict[str, str] | None = None
) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {key: xml_text(value) for key, value in (attributes or {}).items()})
    element.text = None if text is None else xml_text(text)
    return element
