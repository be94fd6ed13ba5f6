"""Opening the journal's file: made private when new, refused when it is not this program's journal, and every
problem with its path named, never an internal error."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

from guide.errors import GuideError, UsageError
from guide.translation import N_, _

APPLICATION_ID = 0x49477564
"""SQLite's application_id of a journal ("IGud"): what tells it from another program's database."""
TABLES = {"entries", "settings", "sittings"}
"""The tables of a journal: one written before it carried APPLICATION_ID is known by them."""


class NotAJournal(UsageError):
    """A file where the journal should be that is not this program's journal: refused, and left as it is."""


def prepared(data_dir: Path, path: Path) -> bool:
    """Make the data folder (private to its owner) and, when there is none, the journal's file (0600) before
    SQLite opens it, so it is never readable by others, not even for a moment; whether it is new. A folder in
    the file's place, or a link, is refused."""
    data_dir.mkdir(parents=True, exist_ok=True)
    make_private_folder(data_dir)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))
        return True
    except FileExistsError:
        pass
    if path.is_symlink():
        raise NotAJournal(
            _("{path} is a link, where the journal's own file should be; {left}").format(path=path, left=_(_LEFT))
        )
    if path.is_dir():
        raise NotAJournal(
            _("{path} is a folder, where the journal's file should be; {left}").format(path=path, left=_(_LEFT))
        )
    return False


_LEFT = N_("it was left as it is. Move it aside, or set GUIDE_DATA_DIR to another folder")


def identify(path: Path, writable: bool, timeout: float) -> None:
    """Refuse a database that is not a journal (another program's), having only read it; sqlite3.DatabaseError
    for a file that is no database at all."""
    # Through the connection this user may have, waiting as any other would: another process may be making
    # the journal at this very moment, and a read-only look at a file being written could catch it half done.
    db = connected(path, writable, timeout)
    try:
        db.execute("BEGIN")  # one snapshot for all three, never half of another process's migration
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        db.execute("COMMIT")
    finally:
        db.close()
    if application_id == APPLICATION_ID or (application_id == 0 and version >= 1 and tables <= TABLES):
        return
    if application_id == 0 and version == 0 and not tables:
        return  # a journal begun but not yet built
    raise NotAJournal(
        _("{path} is another program's database, not Inner Guide's journal; {left}").format(path=path, left=_(_LEFT))
    )


def connected(path: Path, writable: bool, timeout: float) -> sqlite3.Connection:
    """A connection to the journal's file: read-only where this user may not write it."""
    if writable:
        return _connection(path, "", timeout)
    db = _connection(path, "?mode=ro", timeout)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError as error:
        db.close()
        if primary_code(error) != sqlite3.SQLITE_READONLY:
            raise
    # A journal in WAL mode in a folder this user cannot write: SQLite cannot make the shared memory file that
    # reading its log needs. Closed by this program, it has no log left to read, so it is read as it lies.
    return _connection(path, "?mode=ro&immutable=1", timeout)


def _connection(path: Path, parameters: str, timeout: float) -> sqlite3.Connection:
    uri = f"{path.absolute().as_uri()}{parameters}"
    return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)


def primary_code(error: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (SQLITE_READONLY for SQLITE_READONLY_CANTINIT), or -1."""
    code = getattr(error, "sqlite_errorcode", None)
    return -1 if code is None else int(code) & 0xFF


def make_private_folder(path: Path) -> None:
    """Take any access by others away from a folder of the person's, keeping its owner's as it is."""
    _private(path, 0o700)


def make_private(path: Path) -> None:
    """Take any access by others away from a file that is the journal's, keeping its owner's as it is (a journal
    made read-only stays so)."""
    _private(path, 0o600)


def _private(path: Path, most: int) -> None:
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        os.chmod(path, mode & most)


def writable(data_dir: Path, path: Path) -> bool:
    """Whether this user may write the journal: its file, and its folder (where SQLite keeps its log)."""
    return os.access(path, os.W_OK) and os.access(data_dir, os.W_OK)


@contextlib.contextmanager
def named_problems(data_dir: Path, path: Path) -> Iterator[None]:
    """Turn a problem with the journal's folder or file into a GuideError that names the path and what to do."""
    try:
        yield
    except OSError as error:
        raise path_problem(error, data_dir, path) from None


def path_problem(error: OSError, data_dir: Path, path: Path) -> GuideError:
    where = error.filename or path
    if error.errno == errno.ENOSPC:
        return disk_full(path)
    if isinstance(error, PermissionError):
        return UsageError(
            _(
                "cannot use {path}: permission denied. Give your user access to it, or set GUIDE_DATA_DIR to a "
                "folder of your own"
            ).format(path=where)
        )
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        in_the_way = next((p for p in (data_dir, *data_dir.parents) if p.exists() and not p.is_dir()), where)
        return UsageError(
            _("{path} is a file, where the data folder {folder} should be; {left}").format(
                path=in_the_way, folder=data_dir, left=_(_LEFT)
            )
        )
    return GuideError(_("cannot open the journal {path}: {problem}").format(path=path, problem=error.strerror or error))


def disk_full(path: Path) -> GuideError:
    return GuideError(
        _(
            "the disk that holds the journal {path} is full: nothing more could be written, and the journal is "
            "intact. Free some space, then try again"
        ).format(path=path)
    )
