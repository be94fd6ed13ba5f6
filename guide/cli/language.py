"""The --language option: a language tag, checked as it is given, that the program's own words follow at once;
light enough for every command to take."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from guide.script.format import LANGUAGE_TAG
from guide.translation import N_, _, speak

F = TypeVar("F", bound=Callable[..., Any])


class LanguageType(click.ParamType):
    name = "LANGUAGE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        tag = str(value).strip().replace("_", "-")
        if not LANGUAGE_TAG.fullmatch(tag):
            self.fail(_("expected a language tag such as es or es-419, got {value!r}").format(value=value), param, ctx)
        return tag


def _spoken(ctx: click.Context, param: click.Parameter, language: str | None) -> str | None:
    if language is not None:
        speak(language)
    return language


def language_flag(help_text: str, expose_value: bool = True) -> Callable[[F], F]:
    """--language with its help: eager, so that `--language es --help` is already in Spanish; with
    `expose_value` False, it sets the program's words and nothing else."""
    return click.option(
        "--language",
        type=LanguageType(),
        metavar=N_("LANGUAGE"),
        callback=_spoken,
        is_eager=True,
        expose_value=expose_value,
        help=help_text,
    )


language_option = language_flag(
    N_(
        "The built-in session in this language (de, en, es, fr), spoken by its voice; a region (es-419) picks "
        "that region's voice, and the program's words follow it. Without it, the locale (LANG) picks one where "
        "the session is written in it."
    )
)
