"""The `guide` command group, whose commands are loaded only when one runs or `--help` lists them."""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from guide import __version__
from guide.cli.helptext import Group
from guide.translation import N_, _

COMMANDS = {
    "check": ("guide.cli.check:check", N_("Validate scripts, print their plan, and warn where care is missing.")),
    "export": (
        "guide.cli.export:export_command",
        N_("Render a session to an audio file: MP3, OGG/Opus, M4A, FLAC or WAV."),
    ),
    "journal": ("guide.cli.journal:journal", N_("Your private journal: check-ins, letters, reflections and triggers.")),
    "list": (
        "guide.cli.listing:list_command",
        N_("List the built-in sessions, with their length and what each is for."),
    ),
    "new": ("guide.cli.new:new", N_("Write a new script, NAME.yaml, to start from.")),
    "play": ("guide.cli.play:play", N_("Play a session through the audio output.")),
    "publish": (
        "guide.cli.publish:publish",
        N_("Publish a session to each client: a private podcast feed and a page of their own."),
    ),
    "schema": ("guide.cli.schema:schema", N_("Print the JSON Schema of the script format.")),
    "timer": (
        "guide.cli.timer:timer",
        N_("A silent sit with bells, from 1m to 4h: played, or written to a file."),
    ),
    "voices": (
        "guide.cli.voices:voices",
        N_("List every voice the speech engines have, or hear one; download a natural one."),
    ),
}
"""Each command: where it is defined, and the first line of its help (a test keeps the two the same)."""


class LazyGroup(Group):
    """A group that imports a command's module only when that command runs, as Click's documentation shows, and
    lists the commands from `COMMANDS` without importing any: `guide --help`, `schema` and `new` never load
    NumPy or a speech engine."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name][0].split(":")
        # A command loads most of the program: some 50,000 objects that live until it exits. With the collector
        # on, it walks them over and over as they load, and again on the way out (about 40 ms a command).
        gc.disable()
        try:
            command: Any = getattr(importlib.import_module(module), attribute)
        finally:
            gc.freeze()
            gc.enable()
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, _(COMMANDS[name][1])) for name in self.list_commands(ctx)])


def _show_version(ctx: click.Context, _param: click.Parameter, asked: bool) -> None:
    """`guide --version` in the program's language: Click's own version option words its message on import,
    before the catalog is bound."""
    if asked and not ctx.resilient_parsing:
        click.echo(_("%(prog)s, version %(version)s") % {"prog": "guide", "version": __version__})
        ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@click.option("--debug", is_flag=True, help=N_("Show the full traceback when something fails."))
def cli(debug: bool) -> None:
    """Inner Guide: voice-guided meditations for inner child work.

    Turns a meditation script (YAML) into a calm spoken session with real silences,
    and plays it or exports it. SCRIPT is a file path or a built-in session's name
    (see `guide list`).

    \b
    Examples:
      guide list
      guide play sit-with-your-younger-self
      guide export sit-with-your-younger-self -o session.mp3 --duration 15m
      guide check my-session.yaml
    """
    # main() reads --debug itself, before Click parses anything, so that any error can show its traceback; and
    # hands every command its Environment as the context's object.
