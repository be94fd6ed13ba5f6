"""A journal entry as the person sees it, and as `guide journal list --json` prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

WRITTEN_KINDS = ("note", "letter-to", "letter-from", "reflection")
"""What `guide journal write --kind` makes."""
KINDS = (*WRITTEN_KINDS, "trigger", "checkin")
DISTRESS_RANGE = (0, 10)

TIMER_SESSION = "timer"
"""The name the history keeps a timer's sit under."""
NEEDS_READ_BACK = "journal needs"
"""The name the history keeps a read-back of what the person said they needed under."""
_ENTRY_READ_BACK = "journal entry "
"""Before the entry's ID, the name the history keeps a read-back of one entry under."""


def entry_read_back(entry_id: int) -> str:
    """The name the history keeps a read-back of one entry under."""
    return f"{_ENTRY_READ_BACK}{entry_id}"


def read_back_entry(session: str) -> int | None:
    """The entry a history name reads back, or None when it names something else."""
    number = session.removeprefix(_ENTRY_READ_BACK)
    return int(number) if number != session and number.isdigit() else None


@dataclass(frozen=True)
class Entry:
    """One entry, its words open (or still sealed, when read without the passphrase)."""

    id: int
    kind: str
    created: datetime
    session: str | None
    text: str
    before: int | None = None
    """Distress before the session, 0 to 10, for a check-in."""
    after: int | None = None
    heard_ms: int | None = None
    """How far the session was heard, for a check-in."""
    stopped_at: str | None = None
    """The section it stopped in, for a check-in that did not reach the end."""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "created": self.created.isoformat(timespec="seconds"),
            "session": self.session,
            "before": self.before,
            "after": self.after,
            "text": self.text,
        }


@dataclass(frozen=True)
class NewEntry:
    """An entry to keep: its words, and for a check-in what the session was and how it went."""

    kind: str
    text: str
    session: str | None = None
    before: int | None = None
    after: int | None = None
    heard_ms: int | None = None
    stopped_at: str | None = None


@dataclass(frozen=True)
class Sitting:
    """A session heard, or a timer sat: when, which (None where the journal was locked and its passphrase not
    given), how long, and whether to the end."""

    created: datetime
    session: str | None
    heard_ms: int
    finished: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created.isoformat(timespec="seconds"),
            "session": self.session,
            "heard_ms": self.heard_ms,
            "finished": self.finished,
        }
