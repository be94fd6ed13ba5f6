"""The journal's SQLite file: readable by its owner alone, brought up to date on opening, never repaired."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from guide.errors import GuideError, UsageError
from guide.journal.entries import Entry, NewEntry, Sitting
from guide.journal.migrations import MIGRATIONS
from guide.journal.opening import (
    APPLICATION_ID,
    connected,
    disk_full,
    identify,
    make_private,
    named_problems,
    path_problem,
    prepared,
    primary_code,
    writable,
)
from guide.journal.sealing import Lock, Seal
from guide.translation import _

FILE_NAME = "journal.sqlite3"
BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process's to finish: two writers at once both keep their entries."""
_COLUMNS = "id, kind, created, session, text, before, after, heard_ms, stopped_at, sealed"


SEALED_WHOLE = 2
"""An entry's `sealed` when its words and its session are sealed; 1 is an entry sealed before sessions were (its
words only), 0 one in plain text."""


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _sealed(seal: Seal | None, text: str | None) -> str | None:
    return seal.seal(text) if seal is not None and text is not None else text


def _opened(seal: Seal, text: str | None) -> str | None:
    return seal.open(text) if text is not None else None


class JournalDamaged(GuideError):
    """A journal file SQLite cannot read as a database: reported by name, and left as it is."""


class Journal:
    """The journal in a data folder: `journal.sqlite3`, in WAL mode, its folder 0700 and its files 0600."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / FILE_NAME
        with named_problems(data_dir, self.path):
            new = prepared(data_dir, self.path)
            if not os.access(self.path, os.R_OK):
                raise PermissionError(errno.EACCES, "permission denied", str(self.path))
            self.writable = writable(data_dir, self.path)
        try:
            if not new:
                identify(self.path, self.writable, BUSY_TIMEOUT_MS / 1000)
            if self.writable:
                make_private(self.path)  # SQLite gives its -wal and -shm files the same mode
            self._db = connected(self.path, self.writable, BUSY_TIMEOUT_MS / 1000)
            self._check()
            if self.writable:
                self._wal()
                self._migrate()
            elif self.version < len(MIGRATIONS):
                raise UsageError(
                    _(
                        "the journal {path} is read-only, and was written by an earlier Inner Guide: make it "
                        "writable once, so that it is brought up to date"
                    ).format(path=self.path)
                )
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        except OSError as error:
            raise path_problem(error, data_dir, self.path) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def add(self, entry: NewEntry, seal: Seal | None = None) -> int:
        """Keep an entry, its words sealed when the journal is locked; its id."""
        lock = self.lock()
        if lock is not None and seal is None:
            raise UsageError(_("the journal is locked: give its passphrase to write in it"))
        sealing = seal if lock is not None else None
        text, session = _sealed(sealing, entry.text), _sealed(sealing, entry.session)
        with self._writing() as db:
            cursor = db.execute(
                "INSERT INTO entries (kind, created, session, text, before, after, heard_ms, stopped_at, sealed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.kind,
                    _now(),
                    session,
                    text,
                    entry.before,
                    entry.after,
                    entry.heard_ms,
                    entry.stopped_at,
                    SEALED_WHOLE if lock is not None else 0,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def entries(self, seal: Seal | None = None, kind: str | None = None, since: datetime | None = None) -> list[Entry]:
        """Every entry, oldest first, with its words opened by `seal` (a sealed entry without one is refused)."""
        query = f"SELECT {_COLUMNS} FROM entries" + (" WHERE kind = ?" if kind else "") + " ORDER BY created, id"
        rows = self._read(query, (kind,) if kind else ())
        found = [self._entry(row, seal) for row in rows]
        return [e for e in found if since is None or e.created >= since]

    def add_sitting(self, session: str, heard_ms: int, finished: bool, seal: Seal | None = None) -> None:
        """Keep a session heard or a timer sat in the history; in a locked journal, its name sealed, or without
        one where `seal` is not given: the history is never a reason to ask for the passphrase."""
        locked = self.lock() is not None
        name = (seal.seal(session) if seal is not None else None) if locked else session
        with self._writing() as db:
            db.execute(
                "INSERT INTO sittings (created, session, heard_ms, finished, sealed) VALUES (?, ?, ?, ?, ?)",
                (_now(), name, heard_ms, int(finished), int(locked and name is not None)),
            )

    def sittings(self, seal: Seal | None = None, since: datetime | None = None) -> list[Sitting]:
        """The history, oldest first: a sealed name without `seal` is shown as none."""
        rows = self._read("SELECT created, session, heard_ms, finished, sealed FROM sittings ORDER BY created, id")
        found = [
            Sitting(
                datetime.fromisoformat(created),
                (_opened(seal, session) if seal is not None else None) if sealed else session,
                heard_ms,
                bool(finished),
            )
            for created, session, heard_ms, finished, sealed in rows
        ]
        return [s for s in found if since is None or s.created >= since]

    def distress(self) -> list[tuple[int, int | None, int | None]]:
        """Each check-in's id, and its distress before and after, oldest first: numbers only, never sealed."""
        rows = self._read("SELECT id, before, after FROM entries WHERE kind = 'checkin' ORDER BY created, id")
        return [(int(i), before, after) for i, before, after in rows]

    def entry(self, entry_id: int, seal: Seal | None = None) -> Entry | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM entries WHERE id = ?", (entry_id,))
        return self._entry(rows[0], seal) if rows else None

    def delete(self, entry_id: int) -> bool:
        with self._writing() as db:
            return db.execute("DELETE FROM entries WHERE id = ?", (entry_id,)).rowcount > 0

    def forget(self) -> int:
        """Delete the journal whole, its files and all: how many entries it held."""
        count = int(self._read("SELECT count(*) FROM entries")[0][0])
        self.close()
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        return count

    def setting(self, name: str) -> str | None:
        rows = self._read("SELECT value FROM settings WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def set_setting(self, name: str, value: str | None) -> None:
        with self._writing() as db:
            if value is None:
                db.execute("DELETE FROM settings WHERE name = ?", (name,))
            else:
                db.execute("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", (name, value))

    def lock(self) -> Lock | None:
        """The passphrase's lock, when the journal is locked."""
        kept = self.setting("lock")
        return Lock.from_json(kept) if kept is not None else None

    def seal_all(self, lock: Lock, seal: Seal) -> None:
        """Lock the journal: every entry's words and session, and the history's sessions, sealed in one
        transaction, so none is left half done; then no plain copy of them is left in the file or its log. Another
        process reading the journal all the while is waited for, then refused: nothing is sealed while it could
        keep plain pages alive."""
        self._checkpoint()
        with self._writing() as db:
            for entry_id, text, session in db.execute("SELECT id, text, session FROM entries WHERE sealed = 0"):
                db.execute(
                    "UPDATE entries SET text = ?, session = ?, sealed = ? WHERE id = ?",
                    (seal.seal(text), _sealed(seal, session), SEALED_WHOLE, entry_id),
                )
            for sitting_id, session in db.execute("SELECT id, session FROM sittings WHERE session IS NOT NULL"):
                db.execute("UPDATE sittings SET session = ?, sealed = 1 WHERE id = ?", (seal.seal(session), sitting_id))
            db.execute("INSERT OR REPLACE INTO settings (name, value) VALUES ('lock', ?)", (lock.to_json(),))
        self._scrub()

    def open_all(self, seal: Seal) -> None:
        """Unlock the journal: every entry's words opened, and the history's sessions, in one transaction."""
        rows = self._read("SELECT id, text, session, sealed FROM entries WHERE sealed > 0")
        opened = [
            (seal.open(text), _opened(seal, session) if sealed == SEALED_WHOLE else session, entry_id)
            for entry_id, text, session, sealed in rows
        ]
        sittings = [
            (seal.open(session), sitting_id)
            for sitting_id, session in self._read("SELECT id, session FROM sittings WHERE sealed = 1")
        ]
        with self._writing() as db:
            db.executemany("UPDATE entries SET text = ?, session = ?, sealed = 0 WHERE id = ?", opened)
            db.executemany("UPDATE sittings SET session = ?, sealed = 0 WHERE id = ?", sittings)
            db.execute("DELETE FROM settings WHERE name = 'lock'")

    def _entry(self, row: tuple, seal: Seal | None) -> Entry:
        entry_id, kind, created, session, text, before, after, heard_ms, stopped_at, sealed = row
        if sealed:
            if seal is None:
                raise UsageError(_("the journal is locked: give its passphrase to read it"))
            text = seal.open(text)
            session = _opened(seal, session) if sealed == SEALED_WHOLE else session
        return Entry(
            entry_id, kind, datetime.fromisoformat(created), session, text, before, after, heard_ms, stopped_at
        )

    def _scrub(self) -> None:
        """Rewrite the file without the pages its entries' plain words were in, and empty the log into it."""
        try:
            self._db.execute("PRAGMA secure_delete = ON")
            self._db.execute("VACUUM")
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Write the log into the file and empty it, waiting up to BUSY_TIMEOUT_MS for another process reading
        the journal to finish; GuideError if it does not."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            busy = self._read("PRAGMA wal_checkpoint(TRUNCATE)")[0][0]
            if not busy:
                return
            if time.monotonic() > deadline:
                raise GuideError(
                    _(
                        "another program is reading the journal {path}: let it finish (a play's check-in, another "
                        "journal command), then run this again"
                    ).format(path=self.path)
                )
            time.sleep(0.05)

    def _read(self, query: str, parameters: tuple = ()) -> list[tuple]:
        try:
            return self._db.execute(query, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A transaction that holds the write lock from its start, so two processes never interleave."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite has rolled back already after some errors (a full disk)
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None

    def _check(self) -> None:
        """Read the whole file once: a damaged one is refused before anything is written to it."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(problems[:3]))

    def _wal(self) -> None:
        """WAL mode, so that readers and a writer never wait for each other. Switching to it takes the file for
        a moment; another process opening the journal at the same instant is waited for."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        with self._writing() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise UsageError(
                    _(
                        "{path} was written by a newer Inner Guide (journal version {version}); upgrade to read it"
                    ).format(path=self.path, version=version)
                )
            for number, script in enumerate(MIGRATIONS[version:], version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            if int(db.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    def _damaged(self, error: sqlite3.DatabaseError) -> GuideError:
        code = primary_code(error)
        if code == sqlite3.SQLITE_FULL:
            return disk_full(self.path)
        if code == sqlite3.SQLITE_READONLY:
            return UsageError(
                _("the journal {path} is read-only: it can be read, but nothing can be kept in it").format(
                    path=self.path
                )
            )
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return GuideError(
                _("the journal {path} is busy in another Inner Guide; try again in a moment").format(path=self.path)
            )
        return JournalDamaged(
            _(
                "the journal {path} cannot be read ({error}); it was left exactly as it is. Move it aside to start "
                "a new one, or restore it from a copy"
            ).format(path=self.path, error=error)
        )
