"""`guide journal`: the private journal of check-ins, letters, reflections and triggers, kept on this machine."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from guide.atomic import write_text
from guide.cli import readback
from guide.cli.asking import PASSPHRASE_TRIES, again, as_text, ask, ask_unseen, journal_seal
from guide.cli.checkin import CHECKINS_SETTING
from guide.cli.language import LanguageType
from guide.cli.writing import clear_left_pages, written
from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.journal.entries import KINDS, WRITTEN_KINDS, Entry, NewEntry
from guide.journal.report import Report
from guide.journal.sealing import new_lock, passphrase_problem
from guide.journal.store import Journal
from guide.script import library
from guide.script.values import format_clock

TRIGGER_QUESTIONS = (
    "What happened?",
    "What did you feel?",
    "Where in your body did you feel it?",
    "How old did you feel?",
    "What did you need?",
)
"""The questions inner child work asks of a trigger, one by one."""
REPORT_SUFFIXES = (".md", ".html")


@click.group()
@click.pass_obj
def journal(env: Environment) -> None:
    """Your private journal: check-ins, letters, reflections and triggers.

    It is kept on this machine alone, in your data folder (GUIDE_DATA_DIR), readable
    by you alone, and leaves it only when you export it. `lock` seals its words with
    a passphrase. A play on a terminal asks how you feel before and after, and keeps
    it here; `guide play --no-checkin` skips that once, `checkins off` for good.

    \b
    Examples:
      guide journal write --kind letter-to
      guide journal trigger
      guide journal play 12
      guide journal list --since 2026-11-01
      guide journal export -o for-my-therapist.html
    """
    clear_left_pages(env.data_dir)


@journal.command()
@click.option("--kind", type=click.Choice(WRITTEN_KINDS), default="note", show_default=True, help="What it is.")
@click.option("--session", metavar="NAME", help="The session it belongs with, such as letter-to-your-younger-self.")
@click.option(
    "--text",
    help="The words. Without it, on a terminal your editor ($VISUAL or $EDITOR) opens, or with none set you type "
    "here; elsewhere standard input is read.",
)
@click.pass_obj
def write(env: Environment, kind: str, session: str | None, text: str | None) -> ExitCode:
    """Write an entry: a note, a letter to or from your younger self, or a reflection.

    A letter begins "Dear younger me," (or, from your younger self, "Dear grown-up me,"). A page open in your
    editor is kept in your private data folder while you write, and removed once it is kept in the journal.
    """
    if text is None:
        text = written(env, kind) if env.stdin_isatty and env.stdout_isatty else env.stdin.read()
    return _keep(env, NewEntry(kind, (text or "").strip(), session))


@journal.command()
@click.option("--text", help="The whole entry at once, instead of being asked.")
@click.pass_obj
def trigger(env: Environment, text: str | None) -> ExitCode:
    """Note a trigger: what happened, what you felt and where, how old you felt, what you needed."""
    if text is None and env.stdin_isatty and env.stdout_isatty:
        env.out("Any question can be skipped with Enter.")
        answers = [(question, ask(env, question)) for question in TRIGGER_QUESTIONS]
        text = "\n".join(f"{question} {answer}" for question, answer in answers if answer)
    elif text is None:
        text = env.stdin.read()
    return _keep(env, NewEntry("trigger", text.strip()))


@journal.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON list of entries, for other programs.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]), help="From a date.")
@click.option("--kind", type=click.Choice(KINDS), help="Only entries of one kind.")
@click.option("--sessions", is_flag=True, help="The sessions heard and the timers sat instead, with the time in all.")
@click.pass_obj
def list_entries(env: Environment, as_json: bool, since: datetime | None, kind: str | None, sessions: bool) -> ExitCode:
    """List the entries, oldest first: id, date, kind, session, distress, and the first words.

    With --sessions, the history instead: each session heard and each timer sat (kept while check-ins are on,
    with a check-in or without), how long, and the time practised in all. There are no streaks.
    """
    if sessions:
        return _list_sittings(env, as_json, since)
    with Journal(env.data_dir) as kept:
        entries = kept.entries(journal_seal(env, kept), kind, since.astimezone() if since else None)
    if as_json:
        env.out(json.dumps([entry.as_json() for entry in entries], indent=1, ensure_ascii=False))
        return ExitCode.OK
    for entry in entries:
        first = entry.text.strip().splitlines()[0] if entry.text.strip() else ""
        env.out(f"{entry.id:>4}  {entry.created:%Y-%m-%d %H:%M}  {entry.kind:<11}  {_distress(entry)}{first[:60]}")
    if not entries:
        env.err("No entries yet." if kind is None and since is None else "No entries match.")
    return ExitCode.OK


def _list_sittings(env: Environment, as_json: bool, since: datetime | None) -> ExitCode:
    with Journal(env.data_dir) as kept:
        sittings = kept.sittings(journal_seal(env, kept), since.astimezone() if since else None)
    if as_json:
        env.out(json.dumps([sitting.as_json() for sitting in sittings], indent=1, ensure_ascii=False))
        return ExitCode.OK
    for sitting in sittings:
        how = "to the end" if sitting.finished else "stopped"
        env.out(
            f"{sitting.created:%Y-%m-%d %H:%M}  {format_clock(sitting.heard_ms):>7}  {how:<10}  {sitting.session or ''}"
        )
    if not sittings:
        env.err("No sessions heard yet." if since is None else "No sessions heard since then.")
    else:
        env.out(Report([], sittings, "en").practised())
    return ExitCode.OK


@journal.command()
@click.argument("entry_id", type=int, metavar="ID")
@click.pass_obj
def show(env: Environment, entry_id: int) -> ExitCode:
    """Show one entry whole."""
    with Journal(env.data_dir) as kept:
        entry = _found(kept.entry(entry_id, journal_seal(env, kept)), entry_id)
    env.out(f"{entry.kind} · {entry.created:%A %d %B %Y, %H:%M}" + (f" · {entry.session}" if entry.session else ""))
    if entry.before is not None or entry.after is not None:
        env.out(_distress(entry).strip())
    if entry.stopped_at:
        env.out(f"stopped in: {entry.stopped_at}")
    env.out()
    env.out(entry.text)
    return ExitCode.OK


@journal.command()
@click.argument("entry_id", type=int, metavar="ID")
@click.pass_obj
def delete(env: Environment, entry_id: int) -> ExitCode:
    """Delete one entry."""
    with Journal(env.data_dir) as kept:
        if not kept.delete(entry_id):
            _found(None, entry_id)
    env.err(f"Deleted entry {entry_id}.")
    return ExitCode.OK


@journal.command()
@click.option("--yes", is_flag=True, help="Yes, delete everything: every entry and setting, and the file itself.")
@click.pass_obj
def forget(env: Environment, yes: bool) -> ExitCode:
    """Delete the whole journal, for good."""
    if not yes:
        raise UsageError("forget deletes every entry for good; to do it, run: guide journal forget --yes")
    kept = Journal(env.data_dir)
    count = kept.forget()
    env.err(f"Forgot the journal: {count} {'entry' if count == 1 else 'entries'} deleted, and {kept.path} removed.")
    return ExitCode.OK


DAY = click.DateTime(["%Y-%m-%d"])


@journal.command(name="export")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help="FILE.md or FILE.html.")
@click.option("--since", type=DAY, help="From this day (YYYY-MM-DD), included.")
@click.option("--until", type=DAY, help="Up to this day (YYYY-MM-DD), included.")
@click.option("--kind", "kinds", type=click.Choice(KINDS), multiple=True, help="Only entries of this kind; repeatable.")
@click.option("--id", "ids", type=int, multiple=True, metavar="ID", help="Only this entry; repeatable.")
@click.option(
    "--language", type=LanguageType(), help="The report's words and dates (de, en, es, fr); else the locale's."
)
@click.pass_obj
def export_report(
    env: Environment,
    out: Path,
    since: datetime | None,
    until: datetime | None,
    kinds: tuple[str, ...],
    ids: tuple[int, ...],
    language: str | None,
) -> ExitCode:
    """Write the journal as a report for you, or to share with a therapist if you choose.

    It shares what you choose: the entries of a period (--since, --until), of some kinds (--kind checkin
    --kind letter-to), or just some entries (--id 12 --id 14). It opens with the period and a summary (the
    sessions heard and the time practised, the distress before and after on average), then the entries by
    date, and in HTML a picture of the check-ins over time. The file is readable by you alone.

    \b
    Examples:
      guide journal export -o for-my-therapist.html --since 2026-11-01 --kind checkin --kind trigger
      guide journal export -o letter.md --id 12
    """
    from guide.journal.report import Report, html_report, markdown, within

    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(f"-o {out}: a report is Markdown (.md) or HTML (.html)")
    first, last = (day.date() if day else None for day in (since, until))
    if first and last and first > last:
        raise UsageError(f"--since {first} comes after --until {last}: the period is empty")
    with Journal(env.data_dir) as kept:
        seal = journal_seal(env, kept)
        entries = [
            e
            for e in kept.entries(seal)
            if within(e.created, first, last) and (not kinds or e.kind in kinds) and (not ids or e.id in ids)
        ]
        sittings = [s for s in kept.sittings(seal) if within(s.created, first, last)]
    missing = sorted(set(ids) - {e.id for e in entries})
    if missing:
        raise UsageError(f"no entry {missing[0]} among those asked for; `guide journal list` shows them")
    report = Report(entries, sittings, library.chosen_language(language, env.locale_language), first, last)
    write_text(out, html_report(report) if out.suffix.lower() == ".html" else markdown(report), mode=0o600)
    env.err(f"Wrote {out} ({len(entries)} {'entry' if len(entries) == 1 else 'entries'}).")
    return ExitCode.OK


@journal.command()
@click.pass_obj
def lock(env: Environment) -> ExitCode:
    """Seal every entry's words with a passphrase (asked, or GUIDE_JOURNAL_PASSPHRASE)."""
    with Journal(env.data_dir) as kept:
        if kept.lock() is not None:
            raise UsageError("the journal is locked already")
        kept.seal_all(*new_lock(_new_passphrase(env)))
    env.err("Locked: every entry's words are sealed.")
    return ExitCode.OK


def _new_passphrase(env: Environment) -> str:
    """The passphrase chosen to lock the journal: GUIDE_JOURNAL_PASSPHRASE, or asked twice on the terminal once
    the person knows it cannot be recovered; one too short, or a second that differs, is asked for again."""
    if env.journal_passphrase is not None:
        return as_text(env.journal_passphrase)
    if not (env.stdin_isatty and env.stdout_isatty):
        raise UsageError(
            "to lock the journal, run this on a terminal to choose its passphrase, or set GUIDE_JOURNAL_PASSPHRASE"
        )
    env.out(
        "A passphrase cannot be recovered: if it is forgotten, the journal's words cannot be read, not even by you. "
        "Keep it somewhere safe."
    )
    for attempt in range(1, PASSPHRASE_TRIES + 1):
        chosen = ask_unseen(env, f"A passphrase for the journal{again(attempt)}:")
        if (problem := passphrase_problem(chosen)) is not None:
            env.out(f"That one is {problem}.")
        elif ask_unseen(env, f"The same again{again(attempt)}:") != chosen:
            env.out("The two differ.")
        else:
            return chosen
    raise UsageError("no passphrase was chosen; the journal was left as it was")


@journal.command()
@click.pass_obj
def unlock(env: Environment) -> ExitCode:
    """Open every entry's words again, and forget the passphrase."""
    with Journal(env.data_dir) as kept:
        seal = journal_seal(env, kept)
        if seal is None:
            raise UsageError("the journal is not locked")
        kept.open_all(seal)
    env.err("Unlocked.")
    return ExitCode.OK


@journal.command()
@click.argument("state", type=click.Choice(["on", "off"]))
@click.pass_obj
def checkins(env: Environment, state: str) -> ExitCode:
    """Turn the check-in around a play on or off, for good."""
    with Journal(env.data_dir) as kept:
        kept.set_setting(CHECKINS_SETTING, None if state == "on" else "off")
    env.err(f"Check-ins are {state}.")
    return ExitCode.OK


def _keep(env: Environment, entry: NewEntry) -> ExitCode:
    if not entry.text:
        env.err("Nothing to keep: the entry was empty.")
        return ExitCode.OK
    with Journal(env.data_dir) as kept:
        entry_id = kept.add(entry, journal_seal(env, kept))
    env.err(f"Kept as entry {entry_id}.")
    return ExitCode.OK


def _found(entry: Entry | None, entry_id: int) -> Entry:
    if entry is None:
        raise UsageError(f"no entry {entry_id}; `guide journal list` shows them")
    return entry


def _distress(entry: Entry) -> str:
    if entry.before is None and entry.after is None:
        return ""
    shown = ["-" if value is None else str(value) for value in (entry.before, entry.after)]
    return f"distress {shown[0]} → {shown[1]}  "


journal.add_command(readback.play)
