"""Filling `{name}` placeholders in a script's text; `{{` and `}}` stand for literal braces."""

from __future__ import annotations

import re
from collections.abc import Mapping

from guide.translation import _

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
            raise PlaceholderError(
                match.start(),
                _("a lone {token!r}: write {value} for a literal brace").format(token=token, value=token * 2),
            )
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise PlaceholderError(
                match.start(),
                _("{token!r} is not a placeholder: write {{{{ and }}}} for literal braces").format(token=token),
            )
        if name not in variables:
            known = (
                _("the variables are: {names}").format(names=", ".join(sorted(variables)))
                if variables
                else _("the script has none")
            )
            raise PlaceholderError(
                match.start(),
                _("unknown placeholder {{{name}}}; {known} (declare it under variables:)").format(
                    name=name, known=known
                ),
            )
        return variables[name]

    return _TOKEN.sub(replace, text)


def names_in(text: str) -> set[str]:
    """The variable names a text's placeholders use."""
    return {m.group(1).strip() for m in _TOKEN.finditer(text) if m.group(1) is not None}
