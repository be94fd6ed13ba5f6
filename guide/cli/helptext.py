"""Commands whose help, and their options' help, is shown in the person's language, looked up as it is shown."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

import click

from guide.translation import N_, _

USAGE_WORDS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."))
"""Click's own words in a usage line, which it does not mark for translation: translated here as the rest."""


@contextlib.contextmanager
def translated(command: click.Command | None, ctx: click.Context | None = None) -> Iterator[None]:
    """A command's help, metavars and usage in the person's language until the block ends (None: no command);
    with its context, its help option's too.

    Help is written once, in English, when the module loads; the language is known only when the command runs
    (--language, the locale), so each text is swapped for its translation while help or an error is written."""
    places = _places(command, ctx)
    texts = [(holder, name, text) for holder, name in places if isinstance(text := getattr(holder, name, None), str)]
    for holder, name, text in texts:
        setattr(holder, name, _(inspect.cleandoc(text)))
    try:
        yield
    finally:
        for holder, name, text in texts:
            setattr(holder, name, text)


def _places(command: click.Command | None, ctx: click.Context | None) -> list[tuple[Any, str]]:
    if command is None:
        return []
    own = [(command, name) for name in ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar")]
    params = command.get_params(ctx) if ctx is not None else command.params
    return own + [(param, name) for param in params for name in ("help", "metavar", "show_default")]


class Command(click.Command):
    """A command whose help is in the person's language."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated(self, ctx):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated(self):
            return super().get_short_help_str(limit)


class Group(Command, click.Group):
    """A group whose help, and whose commands' help, is in the person's language."""

    command_class = Command
    group_class = type  # a group's groups are of its own class
