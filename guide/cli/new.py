"""`guide new`: a starter script that already follows the care rules, or a copy of a built-in to adapt."""

from __future__ import annotations

from pathlib import Path

import click

from guide.cli.helptext import Command
from guide.cli.language import language_flag
from guide.environment import Environment
from guide.errors import ExitCode, UsageError
from guide.script import library
from guide.script.format import primary_language
from guide.script.starter import STARTER_LANGUAGES, write_starter
from guide.translation import N_, _


@click.command(cls=Command)
@click.argument("name")
@click.option(
    "--from",
    "builtin",
    metavar=N_("SESSION"),
    help=N_("Start from a copy of a built-in session (see `guide list`) instead of the starter."),
)
@language_flag(N_("The starter in this language (en, es), or with --from the built-in session in it (de, en, es, fr)."))
@click.pass_obj
def new(env: Environment, name: str, builtin: str | None, language: str | None) -> ExitCode:
    """Write a new script, NAME.yaml, to start from.

    The starter is commented, key by key, and already follows the care rules:
    a content note, a way out offered early, more than one anchor, invitations
    rather than orders, and a grounding closing. It passes `guide check --strict`.
    An existing file is never overwritten. `--language es` writes the starter in
    Spanish; `--from mirror-words --language de` copies the German session, and it
    keeps including the library's German pieces.
    """
    starter = primary_language(language) if language is not None else "en"
    if builtin is None and starter not in STARTER_LANGUAGES:
        raise UsageError(
            _(
                "--language {language}: the starter is written in {languages}; --from SESSION --language {language} "
                "copies a built-in session in it"
            ).format(language=language, languages=", ".join(STARTER_LANGUAGES))
        )
    copied = library.find_script(builtin, library.chosen_language(language, None)) if builtin else None
    path = write_starter(Path(name), copied, starter)
    env.err(_("Wrote {path}. Check it with: guide check --strict {path}").format(path=path))
    return ExitCode.OK
