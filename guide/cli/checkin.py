"""The check-in around a play, on a terminal only: distress from 0 to 10 and a few words before and after, the
script's reflections, kept in the journal with how far the session was heard."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from guide.cli.asking import ask, ask_distress, ask_lines, discard_typed_ahead, journal_seal
from guide.environment import Environment
from guide.errors import GuideError
from guide.journal.care import care_note
from guide.journal.entries import NewEntry
from guide.journal.sealing import Seal, WrongPassphrase
from guide.journal.store import Journal
from guide.play.player import Ending, Outcome
from guide.script.language_rules import rules_or_english
from guide.script.model import Script
from guide.translation import _

CHECKINS_SETTING = "checkins"
"""`off` when the person turned check-ins off for good (`guide journal checkins off`)."""


@dataclass(frozen=True)
class Before:
    """What the person said before the session."""

    distress: int | None
    feelings: str


@dataclass(frozen=True)
class Keeping:
    """A check-in that can be kept: the seal of a locked journal, opened before anything is asked."""

    seal: Seal | None


def wanted(env: Environment, no_checkin: bool, quiet: bool, opened: Seal | None = None) -> Keeping | None:
    """How a check-in will be kept, or None for none: on a terminal, unless --no-checkin or --quiet, or check-ins
    were turned off. A locked journal's passphrase is asked first, so that no answer is given only to be lost;
    `opened` is its seal where it was asked already."""
    if no_checkin or quiet or not (env.stdin_isatty and env.stdout_isatty):
        return None
    try:
        with Journal(env.data_dir) as journal:
            if journal.setting(CHECKINS_SETTING) == "off":
                return None
            return Keeping(opened or journal_seal(env, journal))
    except WrongPassphrase:
        env.err(
            "guide: "
            + _(
                "the passphrase did not open the journal, so there is no check-in this time: nothing is asked "
                "that could not be kept. The session plays as usual."
            )
        )
        return None
    except GuideError as error:  # a journal that cannot be opened never stands between a person and a session
        env.err("guide: " + _("no check-in this time: {problem}").format(problem=error.message))
        return None


def before_session(env: Environment, script: Script) -> Before:
    """Ask how the person is, in the session's language."""
    words = rules_or_english(script.language).checkin
    env.out(words["before_intro"])
    distress = ask_distress(env, words)
    feelings = ask(env, words["feelings_before"])
    env.out()
    return Before(distress, feelings)


HIGH_BEFORE = 9
"""Distress before a session at which the program pauses, and offers the short grounding practice instead."""
GROUNDING_SESSION = "when-you-are-triggered"


class Choice(enum.Enum):
    """What the person chose at the pause before a session, when they came to it in great distress."""

    GO_ON = "go on"
    GROUND = "ground"
    STOP = "stop"


def offer_at_high_distress(env: Environment, script: Script, before: Before) -> Choice:
    """At 9 or 10 before a session: a kind word that this may not be the moment for it, where urgent help is, and
    the choice of going on, the short grounding practice instead, or stopping here."""
    if before.distress is None or before.distress < HIGH_BEFORE:
        return Choice.GO_ON
    words = rules_or_english(script.language).checkin
    env.out(f"{words['high_before']} {words['urgent_help']}")
    answer = ask(env, words["high_before_choice"]).lower()
    return Choice.GROUND if answer == "g" else Choice.STOP if answer == "q" else Choice.GO_ON


EARLY_STOP_MS = 3 * 60_000
"""A session left before this much of it was heard gets one gentle question after it, not the reflections."""


def after_session(
    env: Environment, script: Script, session: str, before: Before, outcome: Outcome, keeping: Keeping
) -> None:
    """Ask how it was (unless the play was broken off with Ctrl+C), and keep it all in the journal."""
    words = rules_or_english(script.language).checkin
    distress, feelings, reflections = None, "", []
    if outcome.ending is not Ending.INTERRUPTED:
        discard_typed_ahead(env)
        env.out("\n" + words["after_intro"])
        if outcome.ending is not Ending.FINISHED and outcome.heard_ms < EARLY_STOP_MS:
            # Stopped early, perhaps because it was too much: one gentle question, not a rating or reflections.
            feelings = ask(env, words["feelings_after"])
        else:
            distress = ask_distress(env, words)
            feelings = ask(env, words["feelings_after"])
            for prompt in script.reflect:
                answer = ask_lines(env, f"\n{prompt}", words)
                if answer:
                    reflections.append(f"{prompt}\n{answer}")
    said = [words[when].format(words=text) for when, text in (("before", before.feelings), ("after", feelings)) if text]
    entry = NewEntry(
        kind="checkin",
        text="\n\n".join(part for part in ["\n".join(said), *reflections] if part),
        session=session,
        before=before.distress,
        after=distress,
        heard_ms=outcome.heard_ms,
        stopped_at=None if outcome.ending is Ending.FINISHED else outcome.section,
    )
    try:
        with Journal(env.data_dir) as journal:
            journal.add(entry, keeping.seal)
            note = care_note(journal, script.language)
    except GuideError as error:
        env.err("guide: " + _("the check-in could not be kept: {problem}").format(problem=error.message))
        return
    env.out(words["kept"])
    if note is not None:
        env.out("\n" + note)


def remember_sitting(env: Environment, session: str, heard_ms: int, finished: bool, seal: Seal | None) -> None:
    """Keep a session heard, or a timer sat, in the history while check-ins are on (with or without a check-in
    this time): how often and how long the person practised, never a streak. A journal that cannot take it
    never stands in the way."""
    if heard_ms <= 0:
        return
    try:
        with Journal(env.data_dir) as journal:
            if journal.setting(CHECKINS_SETTING) != "off":
                journal.add_sitting(session, heard_ms, finished, seal)
    except GuideError as error:
        env.err("guide: " + _("the session was not added to your history: {problem}").format(problem=error.message))
