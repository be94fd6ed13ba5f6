"""When a check-in says a session left someone worse: one gentle word, never an alarm, never a diagnosis."""

from __future__ import annotations

from guide.journal.store import Journal
from guide.script.language_rules import rules_or_english

HIGH_AFTER = 8
_SAID_FOR = "care note said for"
"""The setting that holds the check-in the note was last said after, so that it is said once, not again and again."""


def care_note(journal: Journal, language: str = "en") -> str | None:
    """The note to say after the latest check-in, in the session's language: every time distress after a session
    was 8 or more, with where urgent help is; once when it was higher than before twice running (not again while
    it goes on rising); None otherwise."""
    rated = [(entry_id, before, after) for entry_id, before, after in journal.distress() if after is not None]
    if not rated:
        return None
    latest = rated[-1]
    words = rules_or_english(language).checkin
    if latest[2] >= HIGH_AFTER:
        journal.set_setting(_SAID_FOR, str(latest[0]))
        return f"{words['care_note']} {words['urgent_help']}"
    rising = [before is not None and after > before for _, before, after in rated[-2:]]
    if not (len(rising) == 2 and all(rising)):
        return None
    said_for = journal.setting(_SAID_FOR)
    earlier = rated[-2][0] if len(rated) > 1 else None
    journal.set_setting(_SAID_FOR, str(latest[0]))
    if said_for is not None and earlier is not None and said_for == str(earlier):
        return None
    return words["care_note"]
