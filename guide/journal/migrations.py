"""The journal's schema, as the steps that built it: a database at any earlier version is brought up to date."""

from __future__ import annotations

MIGRATIONS = (
    # 1: entries of words: notes, letters, reflections, triggers.
    """
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        created TEXT NOT NULL,
        session TEXT,
        text TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX entries_by_time ON entries (created);
    """,
    # 2: check-ins around a play: distress before and after (0 to 10), how far it was heard, where it stopped.
    """
    ALTER TABLE entries ADD COLUMN before INTEGER CHECK (before BETWEEN 0 AND 10);
    ALTER TABLE entries ADD COLUMN after INTEGER CHECK (after BETWEEN 0 AND 10);
    ALTER TABLE entries ADD COLUMN heard_ms INTEGER;
    ALTER TABLE entries ADD COLUMN stopped_at TEXT;
    """,
    # 3: settings (check-ins off, the lock), and entries whose words are sealed by the passphrase.
    """
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    ALTER TABLE entries ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
    """,
    # 4: the history of practice: every session heard and every timer sat, check-in or not.
    """
    CREATE TABLE sittings (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        session TEXT,
        heard_ms INTEGER NOT NULL CHECK (heard_ms >= 0),
        finished INTEGER NOT NULL,
        sealed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX sittings_by_time ON sittings (created);
    """,
)
"""Each step's SQL, run once, in order; the database's `user_version` says how many have run."""
