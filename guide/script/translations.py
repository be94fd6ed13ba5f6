"""A script's translations: files beside it named NAME.LANG.yaml (safe-harbor.es.yaml), one for each language its
clients listen in, with the same variables."""

from __future__ import annotations

import re
from pathlib import Path

from guide.script.format import primary_language

_LANGUAGE_PART = re.compile(r"[a-z]{2,3}")


def translation_path(script: Path, language: str) -> Path:
    """Where the translation of `script` into `language` is kept (es for es-MX): beside it."""
    return script.with_name(f"{script.stem}.{primary_language(language)}{script.suffix}")


def translations(script: Path) -> list[Path]:
    """The translations beside `script`, in the order of their languages."""
    found = []
    for path in script.parent.glob(f"{script.stem}.*{script.suffix}"):
        name, _, language = path.stem.rpartition(".")
        if name == script.stem and _LANGUAGE_PART.fullmatch(language):
            found.append(path)
    return sorted(found)
