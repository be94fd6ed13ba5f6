"""Splitting a line into its sentences, as captions show them and voices pause between them, in the line's
language: its closing quotes and guillemets, and its common abbreviations, which end no sentence."""

from __future__ import annotations

import re

from guide.script.language_rules import rules_for

_SENTENCE_END = re.compile(r"[.!?…]+(?:[\s\u00a0\u202f]*[\"'”’“»)\]])*\s+")
"""A sentence's end: its stops, any closing quote or guillemet (French sets a space before »), then a space."""


def sentences(text: str, language: str = "en") -> list[str]:
    """A line's sentences: split after . ! ? or … (and any closing quote) where a space follows, but not after
    one of the language's abbreviations, nor where the words go on in lower case (`Wait... and then`, `3 p.m.
    today`). A sentence may open with ¿ ¡ or «."""
    rules = rules_for(language)
    inside = _abbreviated(text, rules.abbreviations if rules is not None else ())
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() in inside or text[match.end() : match.end() + 1].islower():
            continue
        parts.append(text[start : match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def _abbreviated(text: str, abbreviations: tuple[str, ...]) -> set[int]:
    """Where in the text a stop is part of an abbreviation (`z. B.` has two), so ends no sentence."""
    inside: set[int] = set()
    for short in abbreviations:
        for found in re.finditer(rf"(?<!\w){re.escape(short)}", text):
            inside.update(range(found.start(), found.end()))
    return inside
