"""Writing an entry at the terminal: in the person's editor, on a page that never leaves the private data folder,
or line by line where no editor is set."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import click

from guide.environment import Environment
from guide.filelock import held
from guide.journal.opening import make_private_folder
from guide.translation import N_, _

OPENINGS = {"letter-to": N_("Dear younger me,"), "letter-from": N_("Dear grown-up me,")}
"""The first words of a letter, there already when the page opens."""
GUIDANCE = {
    "note": N_("Write whatever you would like to keep."),
    "letter-to": N_("Write to your younger self, as a caring adult would."),
    "letter-from": N_("Let your younger self write to you, in their own words."),
    "reflection": N_("Write what you noticed, and what you would like to remember."),
}
PAGES_FOLDER = "writing"
"""Inside the data folder, readable by its owner alone: where a page being written in an editor is kept."""
_NOTE = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)


def written(env: Environment, kind: str) -> str:
    """The words of an entry of `kind`: written in the person's editor ($VISUAL or $EDITOR) when one is set, or
    else typed here; "" when nothing was written."""
    return _typed(env, kind) if env.editor is None else _edited(env, kind, env.editor)


def _typed(env: Environment, kind: str) -> str:
    opening = _(OPENINGS[kind]) if kind in OPENINGS else None
    ending = _("An empty line, or Ctrl+D, ends it.")
    env.out(f"{_(GUIDANCE[kind])} {ending}\n")
    if opening:
        env.out(opening)
    lines: list[str] = []
    while (line := env.stdin.readline().rstrip("\n")).strip():
        lines.append(line)
    if not lines:
        return ""
    return "\n".join([opening, *lines] if opening else lines)


def _edited(env: Environment, kind: str, editor: str) -> str:
    """The page written in the editor, with the note on top taken away. The page lives in the private data folder,
    never the system's shared temporary one, and is removed once read; one left by a writer that was killed is
    removed the next time anyone writes."""
    folder = pages_folder(env.data_dir)
    name = secrets.token_hex(8)
    lock, page = folder / f"{name}.lock", folder / f"{name}.md"
    handle = held(lock)
    assert handle is not None, "a new lock file is no one else's"
    try:
        opening = _(OPENINGS[kind]) if kind in OPENINGS else ""
        keeping = _("This note is not kept. Save, then close the editor, to keep the entry.")
        note = f"<!-- {_(GUIDANCE[kind])} {keeping} -->"
        with os.fdopen(os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as start:
            start.write(f"{note}\n\n{opening}\n" if opening else f"{note}\n\n")
        click.edit(filename=str(page), editor=editor)
        text = _NOTE.sub("", page.read_text(encoding="utf-8")).strip()
    finally:
        page.unlink(missing_ok=True)
        os.close(handle)
        lock.unlink(missing_ok=True)
    return "" if text == opening else text


def pages_folder(data_dir: Path) -> Path:
    """The folder of pages being written, made private to its owner, with any left by a writer that was killed
    removed."""
    folder = data_dir / PAGES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    make_private_folder(data_dir)
    make_private_folder(folder)
    clear_left_pages(data_dir)
    return folder


def clear_left_pages(data_dir: Path) -> None:
    """Remove every page whose writer has gone (its lock is free): one killed with its editor open."""
    for lock in (data_dir / PAGES_FOLDER).glob("*.lock"):
        handle = held(lock)
        if handle is not None:
            lock.with_suffix(".md").unlink(missing_ok=True)
            os.close(handle)
            lock.unlink(missing_ok=True)
