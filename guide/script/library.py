"""The built-in sessions and sounds, and the rule for which files a script may name."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from guide.errors import UsageError
from guide.script.format import BELLS

SCRIPT_SUFFIXES = (".yaml", ".yml")


def scripts_dir() -> Path:
    """The folder of built-in session scripts."""
    return Path(str(files("guide.scripts")))


def audio_dir() -> Path:
    """The folder of built-in sounds."""
    return Path(str(files("guide.audio")))


def builtin_sessions() -> list[Path]:
    """Every built-in session script, by name."""
    return sorted(p for p in scripts_dir().iterdir() if p.suffix in SCRIPT_SUFFIXES and p.is_file())


def find_script(name_or_path: str) -> Path:
    """The script a command-line argument names: a file path, or a built-in session's name."""
    given = Path(name_or_path)
    if given.is_file():
        return given
    for session in builtin_sessions():
        if name_or_path in (session.stem, session.name):
            return session
    if given.exists():
        raise UsageError(f"{name_or_path}: not a regular file")
    raise UsageError(
        f"{name_or_path}: no such script file, and no built-in session of that name (`guide list` shows them)"
    )


def resolve_asset(reference: str, base_dir: Path, library_folder: Path) -> Path:
    """The file a script names: looked for beside the script, then in a folder of the built-in library.
    ValueError unless it is a regular file inside the script's folder or the built-in library."""
    if not reference.strip():
        raise ValueError("expected a file path, got nothing")
    relative = Path(reference)
    if relative.is_absolute() or relative.drive:
        raise ValueError(f"{reference}: use a path relative to the script's folder, not an absolute path")
    roots = (base_dir.resolve(), scripts_dir().resolve(), audio_dir().resolve())
    for folder in (base_dir, library_folder):
        resolved = (folder / relative).resolve()
        if not any(resolved.is_relative_to(root) for root in roots):
            raise ValueError(f"{reference}: the path leaves the script's folder; keep files beside the script")
        if resolved.exists():
            if not resolved.is_file():
                raise ValueError(f"{reference}: not a regular file")
            return resolved
    raise ValueError(f"{reference}: no such file beside the script or in the built-in library")


def builtin_bell(name: str) -> Path | None:
    """The file of a built-in bell, or None if the name is not one."""
    return audio_dir() / f"{name}.wav" if name in BELLS else None
