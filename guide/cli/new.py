"""`guide new`: a starter script that already follows the care rules, or a copy of a built-in to adapt."""

from __future__ import annotations

from pathlib import Path

import click

from guide.cli.language import LanguageType
from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.script import library
from guide.script.starter import write_starter


@click.command()
@click.argument("name")
@click.option(
    "--from",
    "builtin",
    metavar="SESSION",
    help="Start from a copy of a built-in session (see `guide list`) instead of the starter.",
)
@click.option(
    "--language",
    type=LanguageType(),
    help="With --from, the built-in session in this language (de, en, es, fr).",
)
@click.pass_obj
def new(env: Environment, name: str, builtin: str | None, language: str | None) -> ExitCode:
    """Write a new script, NAME.yaml, to start from.

    The starter is commented, key by key, and already follows the care rules:
    a content note, a way out offered early, more than one anchor, invitations
    rather than orders, and a grounding closing. It passes `guide check --strict`.
    An existing file is never overwritten. `--from mirror-words --language de`
    copies the German session; it keeps including the library's German pieces.
    """
    if language is not None and builtin is None:
        raise UsageError("--language picks the language of the session --from copies; give --from SESSION too")
    copied = library.find_script(builtin, library.chosen_language(language, None)) if builtin else None
    path = write_starter(Path(name), copied)
    env.err(f"Wrote {path}. Check it with: guide check --strict {path}")
    return ExitCode.OK
