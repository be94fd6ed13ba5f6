"""Filling `{name}` placeholders in a script's text; `{{` and `}}` stand for literal braces."""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PlaceholderError(ValueError):
    """A placeholder that cannot be filled; `offset` is where it starts in the text."""

    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.offset = offset


def fill(text: str, variables: Mapping[str, str]) -> str:
    """The text with every placeholder replaced by its variable's value."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name is None:
            raise PlaceholderError(match.start(), f"a lone {token!r}: write {token * 2} for a literal brace")
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise PlaceholderError(
                match.start(), f"{token!r} is not a placeholder: write {{{{ and }}}} for literal braces"
            )
        if name not in variables:
            known = f"the variables are: {', '.join(sorted(variables))}" if variables else "the script has none"
            raise PlaceholderError(
                match.start(), f"unknown placeholder {{{name}}}; {known} (declare it under variables:)"
            )
        return variables[name]

    return _TOKEN.sub(replace, text)


def names_in(text: str) -> set[str]:
    """The variable names a text's placeholders use."""
    return {m.group(1).strip() for m in _TOKEN.finditer(text) if m.group(1) is not None}
