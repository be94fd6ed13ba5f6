"""The journal as a report for the person, or to share with a therapist as they choose: the period it covers and a
summary, the entries by date, and in HTML a picture of the check-ins over time; in the report's language."""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from pathlib import Path

from guide.errors import GuideError
from guide.journal.entries import NEEDS_READ_BACK, TIMER_SESSION, Entry, Sitting, read_back_entry
from guide.script import library
from guide.script.language_rules import rules_or_english
from guide.script.loader import load_script


@dataclass(frozen=True)
class Report:
    """What a report holds: the entries chosen, the sessions heard in its period, and its language."""

    entries: list[Entry]
    sittings: list[Sitting]
    language: str
    since: date | None = None
    until: date | None = None

    @property
    def words(self) -> dict[str, str]:
        return rules_or_english(self.language).report

    def heading(self) -> str:
        """The title with the period: the one asked for, or else from the first day reported to the last."""
        days = [e.created.date() for e in self.entries] + [s.created.date() for s in self.sittings]
        start, end = self.since or min(days, default=None), self.until or max(days, default=None)
        if start is None or end is None:
            return self.words["title"]
        period = self.words["period"].format(start=self.day(start), end=self.day(end))
        return f"{self.words['title']}, {period}"

    def summary(self) -> list[str]:
        """How many sessions were heard and for how long, and the distress before and after on average."""
        words = self.words
        lines = [self.practised()]
        checked = checkins(self.entries)
        if checked:
            lines.append(
                words["distress_average"].format(
                    count=len(checked),
                    before=_average([e.before for e in checked]),
                    after=_average([e.after for e in checked]),
                )
            )
        return lines

    def practised(self) -> str:
        """How many sessions were heard, and the time practised in all."""
        if not self.sittings:
            return self.words["no_sessions"]
        length = self.length(sum(s.heard_ms for s in self.sittings))
        return self.words["sessions"].format(count=len(self.sittings), length=length)

    def day(self, when: date) -> str:
        words = self.words
        return words["date_format"].format(
            weekday=words["weekdays"].split()[when.weekday()],
            day=when.day,
            month=words["months"].split()[when.month - 1],
            year=when.year,
        )

    def length(self, ms: int) -> str:
        hours, minutes = divmod(round(ms / 60_000), 60)
        return self.words["hours" if hours else "minutes"].format(hours=hours, minutes=minutes)

    def label(self, entry: Entry) -> str:
        """What an entry is, in the report's language, and the title of the session it belongs with."""
        kind = self.words.get(entry.kind, entry.kind)
        return kind + (f" · {session_title(entry.session, self.language)}" if entry.session else "")

    def distress(self, entry: Entry) -> str:
        return self.words["distress"].format(before=_number(entry.before), after=_number(entry.after))

    def by_day(self) -> Iterable[tuple[str, list[Entry]]]:
        for day, on_day in groupby(self.entries, key=lambda e: e.created.date()):
            yield self.day(day), list(on_day)


def markdown(report: Report) -> str:
    """The report as Markdown."""
    words = report.words
    lines = [f"# {report.heading()}", "", *(f"{line}  " for line in report.summary()), ""]
    checked = checkins(report.entries)
    if checked:
        header = f"| {words['date']} | {words['session']} | {words['before']} | {words['after']} |"
        lines += [f"## {words['checkins']}", "", header, "|---|---|---|---|"]
        lines += [
            f"| {_when(e)} | {session_title(e.session, report.language) if e.session else ''} | "
            f"{_number(e.before)} | {_number(e.after)} |"
            for e in checked
        ]
        lines.append("")
    for day, on_day in report.by_day():
        lines += [f"## {day}", ""]
        for entry in on_day:
            lines += [f"### {entry.created:%H:%M} · {report.label(entry)}", ""]
            if entry.before is not None or entry.after is not None:
                lines += [report.distress(entry), ""]
            if entry.text.strip():
                lines += [entry.text.strip(), ""]
    return "\n".join(lines)


def html_report(report: Report) -> str:
    """The report as one self-contained HTML page, the check-ins drawn as an SVG picture."""
    words = report.words
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(report.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(report.heading())}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}pre{white-space:pre-wrap;font-family:inherit}figure{margin:1rem 0}"
        "svg{max-width:100%;height:auto}</style>",
        "</head><body>",
        f"<h1>{html.escape(report.heading())}</h1>",
        *(f'<p class="summary">{html.escape(line)}</p>' for line in report.summary()),
    ]
    checked = checkins(report.entries)
    if checked:
        parts += [
            f"<figure><figcaption>{html.escape(words['picture'])}</figcaption>",
            picture_svg(checked, words),
            "</figure>",
        ]
    for day, on_day in report.by_day():
        parts.append(f"<h2>{html.escape(day)}</h2>")
        for entry in on_day:
            parts.append(f"<article><h3>{entry.created:%H:%M} · {html.escape(report.label(entry))}</h3>")
            if entry.before is not None or entry.after is not None:
                parts.append(f"<p>{html.escape(report.distress(entry))}</p>")
            if entry.text.strip():
                parts.append(f"<pre>{html.escape(entry.text.strip())}</pre>")
            parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def picture_svg(checked: list[Entry], words: dict[str, str]) -> str:
    """The check-ins drawn by matplotlib: a point for each distress before (group `before`) and after (group
    `after`) each session, in time order, each under a label of its own."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.2))
    axes = figure.add_subplot()
    places = list(range(1, len(checked) + 1))
    for name, values, style in (
        ("before", [e.before for e in checked], "o--"),
        ("after", [e.after for e in checked], "s-"),
    ):
        shown = [(x, v) for x, v in zip(places, values, strict=True) if v is not None]
        (line,) = axes.plot([x for x, _ in shown], [v for _, v in shown], style, label=words[f"{name}_session"])
        line.set_gid(name)
    axes.set_ylim(-0.5, 10.5)
    axes.set_yticks(range(0, 11, 2))
    axes.set_xticks(places, _labels(checked, words), rotation=45 if len(places) > 6 else 0)
    axes.set_ylabel(words["axis"])
    axes.legend(loc="upper right")
    figure.tight_layout()
    out = io.StringIO()
    # Text kept as text, not drawn as outlines: read aloud by a screen reader, found by search, and smaller.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg") :]


def checkins(entries: Iterable[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "checkin" and (e.before is not None or e.after is not None)]


@functools.cache
def session_title(session: str, language: str) -> str:
    """A session's title, for the name or path it was played by: a built-in session's in the report's language
    where it is written in it, and the program's own sittings (a timer, a read-back) in its words; anything else
    (a script gone) as it was kept."""
    words = rules_or_english(language).report
    entry_id = read_back_entry(session)
    if entry_id is not None:
        return words["entry_read_back"].format(id=entry_id)
    own = {TIMER_SESSION: words["timer_sitting"], NEEDS_READ_BACK: words["needs_read_back"]}
    if session in own:
        return own[session]
    builtin = library.builtin_session(session, language) or library.builtin_session(session)
    if builtin is not None:
        return library.title(builtin)
    if not (session.endswith(library.SCRIPT_SUFFIXES) and Path(session).is_file()):
        return session
    try:
        return load_script(Path(session)).title
    except GuideError:
        return session


def _labels(checked: list[Entry], words: dict[str, str]) -> list[str]:
    """Each check-in's day, with its time where another falls on the same day: no two labels alike."""
    months = words["months"].split()
    days = [f"{e.created.day} {months[e.created.month - 1][:3]}" for e in checked]
    return [f"{day} {e.created:%H:%M}" if days.count(day) > 1 else day for day, e in zip(days, checked, strict=True)]


def _average(values: list[int | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(known) / len(known):.1f}" if known else "-"


def _when(entry: Entry) -> str:
    return f"{entry.created:%Y-%m-%d %H:%M}"


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


def within(when: datetime, since: date | None, until: date | None) -> bool:
    """Whether a moment falls from the day `since` to the day `until`, both included."""
    day = when.date()
    return (since is None or day >= since) and (until is None or day <= until)
