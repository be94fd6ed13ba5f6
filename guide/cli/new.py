"""`guide new`: a starter script that already follows the care rules, or a copy of a built-in to adapt."""

from __future__ import annotations

from pathlib import Path

import click

from guide.environment import Environment
from guide.errors import ExitCode
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
@click.pass_obj
def new(env: Environment, name: str, builtin: str | None) -> ExitCode:
    """Write a new script, NAME.yaml, to start from.

    The starter is commented, key by key, and already follows the care rules:
    a content note, a way out offered early, more than one anchor, invitations
    rather than orders, and a grounding closing. It passes `guide check --strict`.
    An existing file is never overwritten.
    """
    path = write_starter(Path(name), library.find_script(builtin) if builtin else None)
    env.err(f"Wrote {path}. Check it with: guide check --strict {path}")
    return ExitCode.OK
