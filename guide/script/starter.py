"""Writing a new script for a practitioner to start from: the commented starter, or a built-in's copy."""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

from guide.atomic import new_file_mode
from guide.errors import RenderError, UsageError
from guide.script.library import SCRIPT_SUFFIXES
from guide.translation import _

TEMPLATE = "new-session.yaml"
STARTER_LANGUAGES = ("en", "es")
"""The languages the starter is written in (the built-in sessions, to copy with --from, are in more)."""


def starter_text(title: str, language: str = "en") -> str:
    """The commented starter script in `language` (one of `STARTER_LANGUAGES`), titled."""
    name = TEMPLATE if language == "en" else TEMPLATE.replace(".yaml", f".{language}.yaml")
    return (files("guide.script") / "templates" / name).read_text(encoding="utf-8").replace("__TITLE__", title)


def write_starter(name: Path, source: Path | None = None, language: str = "en") -> Path:
    """Write NAME.yaml: a copy of `source`, or the starter in `language`; never over an existing file."""
    path = name if name.suffix in SCRIPT_SUFFIXES else name.with_name(name.name + ".yaml")
    title = path.stem.replace("-", " ").replace("_", " ").strip().title() or "My Session"
    text = source.read_text(encoding="utf-8") if source else starter_text(title, language)
    folder = path.parent
    if not folder.is_dir():
        raise RenderError(_("cannot write {path}: the folder {folder} does not exist").format(path=path, folder=folder))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        # mkstemp makes the file private to its owner; a script is as readable as any file the user makes.
        os.chmod(temporary, new_file_mode())
        # A hard link appears whole, and fails rather than replace a file that is already there.
        os.link(temporary, path)
    except FileExistsError:
        raise UsageError(
            _("{path} already exists; choose another name, or move that file first").format(path=path)
        ) from None
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path
