"""The journal as a report for the person, or to share with a therapist: Markdown, or HTML with a picture of the
check-ins over time."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from itertools import groupby

from guide.journal.entries import Entry

TITLES = {
    "note": "Note",
    "letter-to": "Letter to my younger self",
    "letter-from": "Letter from my younger self",
    "reflection": "Reflection",
    "trigger": "Trigger",
    "checkin": "Check-in",
}
PICTURE_TITLE = "Distress before and after each session (0 to 10)"


def markdown(entries: list[Entry]) -> str:
    """Every entry by date, with its check-in numbers, as Markdown."""
    lines = ["# Journal", ""]
    checked = _checkins(entries)
    if checked:
        lines += ["## Check-ins", "", "| date | session | before | after |", "|---|---|---|---|"]
        lines += [f"| {_when(e)} | {e.session or ''} | {_number(e.before)} | {_number(e.after)} |" for e in checked]
        lines.append("")
    for day, on_day in _by_day(entries):
        lines += [f"## {day}", ""]
        for entry in on_day:
            lines += [f"### {entry.created:%H:%M} · {_heading(entry)}", ""]
            if entry.before is not None or entry.after is not None:
                lines += [f"Distress before: {_number(entry.before)}, after: {_number(entry.after)}", ""]
            if entry.text.strip():
                lines += [entry.text.strip(), ""]
    return "\n".join(lines)


def html_report(entries: list[Entry]) -> str:
    """Every entry by date, and the check-ins drawn as an SVG picture, as one self-contained HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Journal</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}pre{white-space:pre-wrap;font-family:inherit}figure{margin:1rem 0}"
        "svg{max-width:100%;height:auto}</style>",
        "</head><body>",
        "<h1>Journal</h1>",
    ]
    checked = _checkins(entries)
    if checked:
        parts += [
            f"<figure><figcaption>{html.escape(PICTURE_TITLE)}</figcaption>",
            picture_svg(checked),
            "</figure>",
        ]
    for day, on_day in _by_day(entries):
        parts.append(f"<h2>{html.escape(day)}</h2>")
        for entry in on_day:
            parts.append(f"<article><h3>{entry.created:%H:%M} · {html.escape(_heading(entry))}</h3>")
            if entry.before is not None or entry.after is not None:
                parts.append(f"<p>Distress before: {_number(entry.before)}, after: {_number(entry.after)}</p>")
            if entry.text.strip():
                parts.append(f"<pre>{html.escape(entry.text.strip())}</pre>")
            parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def picture_svg(checkins: list[Entry]) -> str:
    """The check-ins drawn by matplotlib: a point for each distress before (group `before`) and after (group
    `after`) each session, in time order."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.2))
    axes = figure.add_subplot()
    places = list(range(1, len(checkins) + 1))
    for name, values, style in (
        ("before", [e.before for e in checkins], "o--"),
        ("after", [e.after for e in checkins], "s-"),
    ):
        shown = [(x, v) for x, v in zip(places, values, strict=True) if v is not None]
        (line,) = axes.plot([x for x, _ in shown], [v for _, v in shown], style, label=f"{name} the session")
        line.set_gid(name)
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_xticks(places, [f"{e.created:%d %b}" for e in checkins], rotation=45 if len(places) > 8 else 0)
    axes.set_ylabel("distress")
    axes.legend(loc="upper right")
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg") :]


def _checkins(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "checkin" and (e.before is not None or e.after is not None)]


def _by_day(entries: list[Entry]) -> Iterable[tuple[str, list[Entry]]]:
    for day, on_day in groupby(entries, key=lambda e: e.created.strftime("%A %d %B %Y")):
        yield day, list(on_day)


def _heading(entry: Entry) -> str:
    return TITLES.get(entry.kind, entry.kind) + (f" · {entry.session}" if entry.session else "")


def _when(entry: Entry) -> str:
    return f"{entry.created:%Y-%m-%d %H:%M}"


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)
