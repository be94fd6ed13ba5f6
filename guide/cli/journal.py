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
from guide.cli.helptext import Group
from guide.cli.language import language_flag
from guide.cli.writing import clear_left_pages, written
from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.journal.entries import KINDS, WRITTEN_KINDS, Entry, NewEntry
from guide.journal.report import Report, session_title
from guide.journal.sealing import new_lock, passphrase_problem
from guide.journal.store import Journal
from guide.script import library
from guide.script.values import format_clock
from guide.translation import N_, _, ngettext, spoken

TRIGGER_QUESTIONS = (
    N_("What happened?"),
    N_("What did you feel?"),
    N_("Where in your body did you feel it?"),
    N_("How old did you feel?"),
    N_("What did you need?"),
)
"""The questions inner child work asks of a trigger, one by one."""
REPORT_SUFFIXES = (".md", ".html")
words_language = language_flag(N_("The program's words in this language (de, en, es, fr); else the locale's."), False)


@click.group(cls=Group)
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
@words_language
@click.option("--kind", type=click.Choice(WRITTEN_KINDS), default="note", show_default=True, help=N_("What it is."))
@click.option(
    "--session", metavar=N_("NAME"), help=N_("The session it belongs with, such as letter-to-your-younger-self.")
)
@click.option(
    "--text",
    help=N_(
        "The words. Without it, on a terminal your editor ($VISUAL or $EDITOR) opens, or with none set you type "
        "here; elsewhere standard input is read."
    ),
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
@words_language
@click.option("--text", help=N_("The whole entry at once, instead of being asked."))
@click.pass_obj
def trigger(env: Environment, text: str | None) -> ExitCode:
    """Note a trigger: what happened, what you felt and where, how old you felt, what you needed."""
    if text is None and env.stdin_isatty and env.stdout_isatty:
        env.out(_("Any question can be skipped with Enter."))
        questions = [_(question) for question in TRIGGER_QUESTIONS]
        answers = [(question, ask(env, question)) for question in questions]
        text = "\n".join(f"{question} {answer}" for question, answer in answers if answer)
    elif text is None:
        text = env.stdin.read()
    return _keep(env, NewEntry("trigger", text.strip()))


@journal.command(name="list")
@words_language
@click.option("--json", "as_json", is_flag=True, help=N_("A JSON list of entries, for other programs."))
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]), help=N_("From a date."))
@click.option("--kind", type=click.Choice(KINDS), help=N_("Only entries of one kind."))
@click.option(
    "--sessions", is_flag=True, help=N_("The sessions heard and the timers sat instead, with the time in all.")
)
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
    report = Report([], [], spoken() or "en")
    for entry in entries:
        first = entry.text.strip().splitlines()[0] if entry.text.strip() else ""
        env.out(f"{entry.id:>4}  {entry.created:%Y-%m-%d %H:%M}  {report.label(entry)}  {_distress(entry)}{first[:60]}")
    if not entries:
        env.err(_("No entries yet.") if kind is None and since is None else _("No entries match."))
    return ExitCode.OK


def _list_sittings(env: Environment, as_json: bool, since: datetime | None) -> ExitCode:
    with Journal(env.data_dir) as kept:
        sittings = kept.sittings(journal_seal(env, kept), since.astimezone() if since else None)
    if as_json:
        env.out(json.dumps([sitting.as_json() for sitting in sittings], indent=1, ensure_ascii=False))
        return ExitCode.OK
    report = Report([], sittings, spoken() or "en")
    for sitting in sittings:
        how = _("to the end") if sitting.finished else _("stopped")
        title = session_title(sitting.session, report.language) if sitting.session else ""
        env.out(f"{sitting.created:%Y-%m-%d %H:%M}  {format_clock(sitting.heard_ms):>7}  {how:<10}  {title}")
    if not sittings:
        env.err(_("No sessions heard yet.") if since is None else _("No sessions heard since then."))
    else:
        env.out(report.practised())
    return ExitCode.OK


@journal.command()
@words_language
@click.argument("entry_id", type=int, metavar=N_("ID"))
@click.pass_obj
def show(env: Environment, entry_id: int) -> ExitCode:
    """Show one entry whole."""
    with Journal(env.data_dir) as kept:
        entry = _found(kept.entry(entry_id, journal_seal(env, kept)), entry_id)
    report = Report([entry], [], spoken() or "en")
    env.out(f"{report.label(entry)} · {report.day(entry.created.date())}, {entry.created:%H:%M}")
    if entry.before is not None or entry.after is not None:
        env.out(_distress(entry).strip())
    if entry.stopped_at:
        env.out(_("stopped in: {section}").format(section=entry.stopped_at))
    env.out()
    env.out(entry.text)
    return ExitCode.OK


@journal.command()
@words_language
@click.argument("entry_id", type=int, metavar=N_("ID"))
@click.pass_obj
def delete(env: Environment, entry_id: int) -> ExitCode:
    """Delete one entry."""
    with Journal(env.data_dir) as kept:
        if not kept.delete(entry_id):
            _found(None, entry_id)
    env.err(_("Deleted entry {id}.").format(id=entry_id))
    return ExitCode.OK


@journal.command()
@words_language
@click.option("--yes", is_flag=True, help=N_("Yes, delete everything: every entry and setting, and the file itself."))
@click.pass_obj
def forget(env: Environment, yes: bool) -> ExitCode:
    """Delete the whole journal, for good."""
    if not yes:
        raise UsageError(_("forget deletes every entry for good; to do it, run: guide journal forget --yes"))
    kept = Journal(env.data_dir)
    count = kept.forget()
    env.err(
        ngettext(
            "Forgot the journal: {count} entry deleted, and {path} removed.",
            "Forgot the journal: {count} entries deleted, and {path} removed.",
            count,
        ).format(count=count, path=kept.path)
    )
    return ExitCode.OK


DAY = click.DateTime(["%Y-%m-%d"])


@journal.command(name="export")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help=N_("FILE.md or FILE.html."))
@click.option("--since", type=DAY, help=N_("From this day (YYYY-MM-DD), included."))
@click.option("--until", type=DAY, help=N_("Up to this day (YYYY-MM-DD), included."))
@click.option(
    "--kind", "kinds", type=click.Choice(KINDS), multiple=True, help=N_("Only entries of this kind; repeatable.")
)
@click.option("--id", "ids", type=int, multiple=True, metavar=N_("ID"), help=N_("Only this entry; repeatable."))
@language_flag(N_("The report's words and dates (de, en, es, fr); else the locale's."))
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
        raise UsageError(_("-o {file}: a report is Markdown (.md) or HTML (.html)").format(file=out))
    first, last = (day.date() if day else None for day in (since, until))
    if first and last and first > last:
        raise UsageError(
            _("--since {first} comes after --until {last}: the period is empty").format(first=first, last=last)
        )
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
        raise UsageError(
            _("no entry {id} among those asked for; `guide journal list` shows them").format(id=missing[0])
        )
    report = Report(entries, sittings, library.chosen_language(language, env.locale_language), first, last)
    write_text(out, html_report(report) if out.suffix.lower() == ".html" else markdown(report), mode=0o600)
    env.err(
        ngettext("Wrote {file} ({count} entry).", "Wrote {file} ({count} entries).", len(entries)).format(
            file=out, count=len(entries)
        )
    )
    return ExitCode.OK


@journal.command()
@words_language
@click.pass_obj
def lock(env: Environment) -> ExitCode:
    """Seal every entry's words with a passphrase (asked, or GUIDE_JOURNAL_PASSPHRASE)."""
    with Journal(env.data_dir) as kept:
        if kept.lock() is not None:
            raise UsageError(_("the journal is locked already"))
        kept.seal_all(*new_lock(_new_passphrase(env)))
    env.err(_("Locked: every entry's words are sealed."))
    return ExitCode.OK


def _new_passphrase(env: Environment) -> str:
    """The passphrase chosen to lock the journal: GUIDE_JOURNAL_PASSPHRASE, or asked twice on the terminal once
    the person knows it cannot be recovered; one too short, or a second that differs, is asked for again."""
    if env.journal_passphrase is not None:
        return as_text(env.journal_passphrase)
    if not (env.stdin_isatty and env.stdout_isatty):
        raise UsageError(
            _("to lock the journal, run this on a terminal to choose its passphrase, or set GUIDE_JOURNAL_PASSPHRASE")
        )
    env.out(
        _(
            "A passphrase cannot be recovered: if it is forgotten, the journal's words cannot be read, not even by "
            "you. Keep it somewhere safe."
        )
    )
    for attempt in range(1, PASSPHRASE_TRIES + 1):
        chosen = ask_unseen(env, _("A passphrase for the journal{again}:").format(again=again(attempt)))
        if (problem := passphrase_problem(chosen)) is not None:
            env.out(_("That one is {problem}.").format(problem=problem))
        elif ask_unseen(env, _("The same again{again}:").format(again=again(attempt))) != chosen:
            env.out(_("The two differ."))
        else:
            return chosen
    raise UsageError(_("no passphrase was chosen; the journal was left as it was"))


@journal.command()
@words_language
@click.pass_obj
def unlock(env: Environment) -> ExitCode:
    """Open every entry's words again, and forget the passphrase."""
    with Journal(env.data_dir) as kept:
        seal = journal_seal(env, kept)
        if seal is None:
            raise UsageError(_("the journal is not locked"))
        kept.open_all(seal)
    env.err(_("Unlocked."))
    return ExitCode.OK


@journal.command()
@words_language
@click.argument("state", type=click.Choice(["on", "off"]))
@click.pass_obj
def checkins(env: Environment, state: str) -> ExitCode:
    """Turn the check-in around a play on or off, for good."""
    with Journal(env.data_dir) as kept:
        kept.set_setting(CHECKINS_SETTING, None if state == "on" else "off")
    env.err(_("Check-ins are on.") if state == "on" else _("Check-ins are off."))
    return ExitCode.OK


def _keep(env: Environment, entry: NewEntry) -> ExitCode:
    if not entry.text:
        env.err(_("Nothing to keep: the entry was empty."))
        return ExitCode.OK
    with Journal(env.data_dir) as kept:
        entry_id = kept.add(entry, journal_seal(env, kept))
    env.err(_("Kept as entry {id}.").format(id=entry_id))
    return ExitCode.OK


def _found(entry: Entry | None, entry_id: int) -> Entry:
    if entry is None:
        raise UsageError(_("no entry {id}; `guide journal list` shows them").format(id=entry_id))
    return entry


def _distress(entry: Entry) -> str:
    if entry.before is None and entry.after is None:
        return ""
    shown = ["-" if value is None else str(value) for value in (entry.before, entry.after)]
    return _("distress {before} → {after}").format(before=shown[0], after=shown[1]) + "  "


journal.add_command(readback.play)
