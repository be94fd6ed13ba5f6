"""Splitting a line into its sentences, as captions show them and voices pause between them."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def sentences(text: str) -> list[str]:
    """A line's sentences: split after . ! ? or … (and any closing quote) where a space follows."""
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        parts.append(text[start : match.end()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [part for part in parts if part]
