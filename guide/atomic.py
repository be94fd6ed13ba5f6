"""Writing files so that they appear whole or not at all: a failure or Ctrl+C leaves nothing half-written."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from guide.errors import RenderError
from guide.translation import _


@contextlib.contextmanager
def replacing(*targets: Path, mode: int | None = None) -> Iterator[list[Path]]:
    """Temporary files beside each target, to write in the block; when it completes they are renamed over
    the targets together, and otherwise removed, so an existing file is replaced only by a complete one.
    They get `mode`, or else the mode any new file would."""
    temporaries: list[Path] = []
    try:
        for target in targets:
            _add_temporary_beside(target, temporaries)
        yield temporaries
        mode = new_file_mode() if mode is None else mode
        for temporary, target in zip(temporaries, targets, strict=True):
            # A temporary file is private to its owner; the result gets the mode asked for.
            temporary.chmod(mode)
            os.replace(temporary, target)
    except OSError as error:
        named = dict(zip(map(str, temporaries), targets, strict=False)).get(str(error.filename), targets[0])
        raise RenderError(
            _("cannot write {path}: {problem}").format(path=named, problem=error.strerror or error)
        ) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def write_text_if_changed(target: Path, text: str, mode: int | None = None) -> None:
    """Write a text file whole, unless it holds this text already: a file that stays the same is not touched."""
    write_bytes_if_changed(target, text.encode("utf-8"), mode)


def write_bytes_if_changed(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write a file whole, unless it holds these bytes already: a file that stays the same is not touched."""
    try:
        if target.read_bytes() == data:
            return
    except OSError:
        pass
    write_bytes(target, data, mode)


def write_text(target: Path, text: str, mode: int | None = None) -> None:
    """Write a text file (UTF-8) whole or not at all, with `mode` or the mode any new file would get."""
    write_bytes(target, text.encode("utf-8"), mode)


def write_bytes(target: Path, data: bytes, mode: int | None = None) -> None:
    """Write a file whole or not at all, with `mode` or the mode any new file would get."""
    with replacing(target, mode=mode) as (temporary,):
        temporary.write_bytes(data)


def _add_temporary_beside(target: Path, temporaries: list[Path]) -> None:
    """Create an empty private file beside the target, named in `temporaries` before it exists: a Ctrl+C at any
    moment leaves it where the caller removes it."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise RenderError(
            _("cannot write {path}: the folder {folder} does not exist").format(path=target, folder=folder)
        )
    temporary = folder / f".{target.name}.{secrets.token_hex(8)}.part"
    temporaries.append(temporary)
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another file by that name, which is not ours to remove
        temporaries.remove(temporary)
        raise RenderError(
            _("cannot write in {folder}: {file} is in the way").format(folder=folder, file=temporary.name)
        ) from None
    except OSError as error:
        raise RenderError(
            _("cannot write in {folder}: {problem}").format(folder=folder, problem=error.strerror)
        ) from None


def new_file_mode() -> int:
    """The mode any new file gets under the process's umask (0644 under the usual 022)."""
    current = os.umask(0)
    os.umask(current)
    return 0o666 & ~current
