"""`guide schema`: the JSON Schema of the script format, for editors."""

from __future__ import annotations

import json

import click

from guide.cli.helptext import Command
from guide.environment import Environment
from guide.errors import ExitCode
from guide.script.schema import included_file_schema, script_schema
from guide.translation import N_


@click.command(cls=Command)
@click.option("--included", is_flag=True, help=N_("The schema of an included file (a list of steps) instead."))
@click.pass_obj
def schema(env: Environment, included: bool) -> ExitCode:
    """Print the JSON Schema of the script format.

    Point your editor at it to complete and check scripts as you type. With the
    YAML language server (VS Code's YAML extension, among others), save it and
    add this first line to a script:

    \b
      # yaml-language-server: $schema=inner-guide.schema.json
    """
    document = included_file_schema() if included else script_schema()
    env.out(json.dumps(document, indent=2))
    return ExitCode.OK
