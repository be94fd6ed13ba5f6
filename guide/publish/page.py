"""A client's page: each session to play in the browser, its chapters to jump to, its content note and
transcript, and how to subscribe. Plain HTML and a little JavaScript; it works opened from disk too."""

from __future__ import annotations

import html
import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

from guide.publish.site import ClientFeed, Site
from guide.script.language_rules import rules_or_english
from guide.script.values import format_clock

SCRIPT = """
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-start]");
  if (link) {
    event.preventDefault();
    var audio = document.getElementById(link.getAttribute("data-audio"));
    audio.currentTime = parseFloat(link.getAttribute("data-start"));
    audio.play().catch(function () {});
    return;
  }
  var copy = event.target.closest("button[data-copy]");
  if (copy) {
    var field = document.getElementById(copy.getAttribute("data-copy"));
    field.select();
    var said = document.getElementById("copied");
    var done = function () { said.textContent = said.getAttribute("data-said"); };
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  }
});
"""
STYLE = (
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;line-height:1.5;"
    "color:#222;background:#fdfcf8}audio{width:100%}a{color:#2a5d8f}a:focus,button:focus,input:focus{outline:3px "
    "solid #f0b429;outline-offset:2px}input{width:100%;font:inherit;padding:.3rem}button{font:inherit;padding:.3rem "
    ".8rem;margin-top:.4rem}.note{background:#f3efe4;padding:.6rem .8rem;border-radius:.3rem}"
)
_TIMING = re.compile(r"^\d\d:\d\d(:\d\d)?\.\d\d\d --> ")


def page_html(site: Site, feed: ClientFeed) -> str:
    """The page, newest session first, in the language of the client's sessions."""
    folder = site.folder / feed.token
    feed_url = site.feed_url(feed.token)
    rules = rules_or_english(feed.language)
    words = {key: html.escape(text) for key, text in rules.client_page.items()}
    title = html.escape(site.title_in(feed.language))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(feed.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>{title}</title>",
        f"<style>{STYLE}</style>",
        "</head><body>",
        f"<main><h1>{title}</h1>",
        f'<p class="practice">{html.escape(site.author)}</p>' if site.author else "",
        f"<p>{words['listen_note']}</p>",
        f'<p class="note" role="note">{html.escape(rules.therapy_note)} {words["urgent_help"]}</p>',
    ]
    for number, (name, episode) in enumerate(reversed(feed.episodes.items()), 1):
        audio_id = f"session-{number}"
        chapters = json.loads((folder / f"{name}.chapters.json").read_text(encoding="utf-8"))["chapters"]
        sent = parsedate_to_datetime(episode.published).date().isoformat()
        parts += [
            f'<section aria-labelledby="{audio_id}-title" lang="{html.escape(episode.language)}">',
            f'<h2 id="{audio_id}-title">{html.escape(episode.title)}</h2>',
            f'<p><time datetime="{sent}">{words["sent"].format(date=sent)}</time></p>',
            f'<p class="note">{html.escape(episode.description)}</p>' if episode.description else "",
            f'<audio id="{audio_id}" controls preload="metadata" src="{html.escape(name)}.mp3">'
            f'<a href="{html.escape(name)}.mp3">{words["download"]}</a></audio>',
            f"<h3>{words['sections']}</h3>",
            f'<ol aria-label="{words["sections_of"].format(title=html.escape(episode.title))}">',
        ]
        for chapter in chapters:
            start = chapter["startTime"]
            parts.append(
                f'<li><a href="{html.escape(name)}.mp3#t={start:g}" data-audio="{audio_id}" data-start="{start:g}">'
                f"{html.escape(chapter['title'])}</a> ({format_clock(round(start * 1000))})</li>"
            )
        parts += [
            "</ol>",
            f"<details><summary>{words['transcript']}</summary>",
            *(f"<p>{html.escape(line)}</p>" for line in transcript_lines(folder / f"{name}.vtt")),
            "</details></section>",
        ]
    parts += [
        f'<section aria-labelledby="subscribe"><h2 id="subscribe">{words["subscribe_heading"]}</h2>',
        f"<p>{words['subscribe_note']}</p>",
        f'<label for="feed">{words["feed_address"]}</label>',
        f'<input id="feed" type="text" readonly value="{html.escape(feed_url)}">',
        f'<button type="button" data-copy="feed">{words["copy"]}</button>',
        f'<span id="copied" role="status" data-said="{words["copied"]}"></span>',
        "</section>",
        _contact(site, words["contact"]) if site.contact else "",
        "</main>",
        f"<script>{SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _contact(site: Site, sentence: str) -> str:
    """The practice's contact as the page's footer: `sentence` (escaped already) with a link to write or visit."""
    contact = site.contact or ""
    address = f"mailto:{site.contact_email}" if site.contact_email else contact
    link = f'<a href="{html.escape(address)}">{html.escape(contact)}</a>'
    return f"<footer><p>{sentence.format(contact=link)}</p></footer>"


def transcript_lines(vtt: Path) -> list[str]:
    """The words of a WebVTT file, cue by cue, without its timings."""
    lines = []
    for line in vtt.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not _TIMING.match(line) and not line.strip().isdigit():
            lines.append(html.unescape(line.strip()))
    return lines
