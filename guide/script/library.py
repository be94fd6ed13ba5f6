"""The built-in sessions, in each language they are written in, and sounds; and the rule for which files a
script may name."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from importlib.resources import files
from pathlib import Path

from guide.errors import UsageError
from guide.script.format import BELLS, primary_language
from guide.translation import _

SCRIPT_SUFFIXES = (".yaml", ".yml")
LIBRARY_LANGUAGE = "en"
"""The language of the sessions at the top of the library; each other language's are in a folder of its tag."""
FRAGMENTS = "common"
"""The folder of the pieces sessions include, English at its top and each other language in a folder of its tag."""


def scripts_dir() -> Path:
    """The folder of built-in session scripts."""
    return Path(str(files("guide.scripts")))


def audio_dir() -> Path:
    """The folder of built-in sounds."""
    return Path(str(files("guide.audio")))


def library_languages() -> list[str]:
    """The languages the built-in sessions are written in, as their primary language subtags."""
    folders = (p.name for p in scripts_dir().iterdir() if p.is_dir() and p.name != FRAGMENTS)
    return sorted({LIBRARY_LANGUAGE, *(name for name in folders if _sessions_in(scripts_dir() / name))})


def builtin_sessions(language: str = LIBRARY_LANGUAGE) -> list[Path]:
    """Every built-in session script in a language (a tag: `es-MX` has the Spanish ones), by name; none for a
    language there are none in."""
    primary = primary_language(language)
    if primary == LIBRARY_LANGUAGE:
        return _sessions_in(scripts_dir())
    folder = scripts_dir() / primary
    return _sessions_in(folder) if primary != FRAGMENTS and folder.is_dir() else []


def _sessions_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SCRIPT_SUFFIXES and p.is_file())


def builtin_session(name: str, language: str = LIBRARY_LANGUAGE) -> Path | None:
    """The built-in session of a name in a language, or None: its file's name, with or without its suffix, or
    the name its title makes in that language (`title_name`)."""
    return next((p for p in builtin_sessions(language) if name in (p.stem, p.name, title_name(p))), None)


def title_name(path: Path) -> str:
    """The name a built-in session also answers to: its title in plain lowercase letters and hyphens, so that a
    Spanish listener can type "sientate-con-tu-yo-mas-joven" for "Siéntate con tu yo más joven"."""
    plain = unicodedata.normalize("NFKD", title(path)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@functools.cache
def title(path: Path) -> str:
    """A built-in session's title, read from its `title:` line without loading the whole script."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.removeprefix("title:").strip().strip("\"'")
    return path.stem


def _nearest_name(name: str) -> str | None:
    """The built-in session's name nearest one that names none: one it begins, else the closest spelling."""
    names = sorted(
        {n for language in library_languages() for p in builtin_sessions(language) for n in (p.stem, title_name(p))}
    )
    begun = [n for n in names if n.startswith(name)]
    if begun:
        return begun[0]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return close[0] if close else None


def find_script(name_or_path: str, language: str = LIBRARY_LANGUAGE) -> Path:
    """The script a command-line argument names: a file path, or a built-in session's name in a language."""
    given = Path(name_or_path)
    if given.is_file():
        return given
    found = builtin_session(name_or_path, language)
    if found is not None:
        return found
    if given.exists():
        raise UsageError(_("{path}: not a regular file").format(path=name_or_path))
    if primary_language(language) != LIBRARY_LANGUAGE and builtin_session(name_or_path) is not None:
        raise UsageError(
            _(
                "{name}: there is no built-in session of that name in {language} (`guide list --language "
                "{language}` shows those there are)"
            ).format(name=name_or_path, language=language)
        )
    # A title's name in another language names that language's session: "sientate-con-tu-yo-mas-joven".
    titled = next((p for other in library_languages() if (p := builtin_session(name_or_path, other))), None)
    if titled is not None:
        return titled
    nearest = _nearest_name(name_or_path)
    if nearest:
        problem = _(
            "{name}: no such script file, and no built-in session of that name; did you mean {nearest}? "
            "(`guide list` shows them)"
        )
    else:
        problem = _("{name}: no such script file, and no built-in session of that name (`guide list` shows them)")
    raise UsageError(problem.format(name=name_or_path, nearest=nearest))


def fragment(name: str, language: str = LIBRARY_LANGUAGE) -> Path:
    """A built-in piece sessions include (`arriving.yaml`), in a language the library is written in."""
    primary = primary_language(language)
    folder = scripts_dir() / FRAGMENTS
    return folder / name if primary == LIBRARY_LANGUAGE else folder / primary / name


def known_language(language: str) -> str:
    """A language the built-in sessions are written in, as asked; UsageError naming those there are for any other."""
    if primary_language(language) not in library_languages():
        raise UsageError(
            _("{language}: the built-in sessions are in {languages}, not this language").format(
                language=language, languages=", ".join(library_languages())
            )
        )
    return language


def chosen_language(asked: str | None, locale: str | None) -> str:
    """The language built-in sessions are taken in: the one asked for, else the locale's where there are sessions
    in it, else English."""
    if asked is not None:
        return known_language(asked)
    return locale if locale is not None and builtin_sessions(locale) else LIBRARY_LANGUAGE


def resolve_asset(reference: str, base_dir: Path, library_folder: Path) -> Path:
    """The file a script names: looked for beside the script, then in a folder of the built-in library.
    ValueError unless it is a regular file inside the script's folder or the built-in library."""
    if not reference.strip():
        raise ValueError(_("expected a file path, got nothing"))
    relative = Path(reference)
    if relative.is_absolute() or relative.drive:
        raise ValueError(
            _("{reference}: use a path relative to the script's folder, not an absolute path").format(
                reference=reference
            )
        )
    roots = (base_dir.resolve(), scripts_dir().resolve(), audio_dir().resolve())
    for folder in (base_dir, library_folder):
        resolved = (folder / relative).resolve()
        if not any(resolved.is_relative_to(root) for root in roots):
            raise ValueError(
                _("{reference}: the path leaves the script's folder; keep files beside the script").format(
                    reference=reference
                )
            )
        if resolved.exists():
            if not resolved.is_file():
                raise ValueError(_("{reference}: not a regular file").format(reference=reference))
            return resolved
    raise ValueError(
        _("{reference}: no such file beside the script or in the built-in library").format(reference=reference)
    )


def builtin_bell(name: str) -> Path | None:
    """The file of a built-in bell, or None if the name is not one."""
    return audio_dir() / f"{name}.wav" if name in BELLS else None
