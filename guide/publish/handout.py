"""A client's printable card: how to reach their sessions (their page's address, and their feed's as a QR code
a phone reads), in their language, with the practice's name and the care note. It stays with the practitioner:
it names the client, so it is never part of the site."""

from __future__ import annotations

import html

from guide.publish.site import ClientFeed, Site
from guide.script.language_rules import rules_or_english

STYLE = (
    "@page{size:A6;margin:8mm}*{box-sizing:border-box}body{font-family:system-ui,sans-serif;color:#222;margin:0;"
    "line-height:1.4;font-size:10pt}h1{font-size:14pt;margin:0 0 2mm}.practice{margin:0 0 3mm;color:#444}"
    ".address{font-family:ui-monospace,monospace;font-size:8pt;overflow-wrap:anywhere}.qr{text-align:center;"
    "margin:3mm 0}.qr svg{width:38mm;height:38mm}.note{font-size:8pt;color:#444;border-top:1px solid #bbb;"
    "padding-top:2mm}@media screen{body{max-width:105mm;margin:8mm auto}}"
)


def handout_html(site: Site, client_id: str, feed: ClientFeed) -> str:
    """The card for one client, to print on A6 (or A5: it scales), or to send as a file."""
    import segno

    rules = rules_or_english(feed.language)
    words = {key: html.escape(text) for key, text in rules.client_page.items()}
    page, feed_url = site.page_url(feed.token), site.feed_url(feed.token)
    qr = segno.make(feed_url, error="m").svg_inline(scale=4, border=4, omitsize=True)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(feed.language)}"><head><meta charset="utf-8">',
        f"<title>{html.escape(site.title_in(feed.language))} · {html.escape(client_id)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(site.title_in(feed.language))}</h1>",
        f'<p class="practice">{html.escape(site.author)}</p>' if site.author else "",
        f'<p>{words["page_address"]}:<br><span class="address">{html.escape(page)}</span></p>',
        f"<p>{words['scan']}</p>",
        f'<div class="qr" role="img" aria-label="{words["feed_address"]}">{qr}</div>',
        f"<p>{words['subscribe_note']}</p>",
        f'<p class="address">{html.escape(feed_url)}</p>',
        f'<p class="note">{html.escape(rules.therapy_note)} {words["urgent_help"]}</p>',
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
