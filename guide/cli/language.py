"""The --language option: a language tag, checked as it is given; light enough for every command to take."""

from __future__ import annotations

from typing import Any

import click

from guide.script.format import LANGUAGE_TAG


class LanguageType(click.ParamType):
    name = "LANGUAGE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        tag = str(value).strip().replace("_", "-")
        if not LANGUAGE_TAG.fullmatch(tag):
            self.fail(f"expected a language tag such as es or es-419, got {value!r}", param, ctx)
        return tag


language_option = click.option(
    "--language",
    type=LanguageType(),
    help=(
        "The built-in session in this language (de, en, es, fr), spoken by its voice; a region (es-419) picks "
        "that region's voice. Without it, the locale (LANG) picks one where the session is written in it."
    ),
)
