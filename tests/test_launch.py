"""The `guide` command's start: light commands stay light, and a command's modules load out of the collector's way."""

from __future__ import annotations

import gc
import subprocess
import sys
import types

import click
import pytest

from guide.cli.group import COMMANDS, cli
from guide.cli.main import main


def test_a_command_runs_with_the_collector_on_and_its_modules_frozen_out_of_its_way():
    seen = {}

    @click.command()
    def probe() -> None:
        seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()

    module = types.ModuleType("probe_command")
    module.probe = probe
    sys.modules["probe_command"] = module
    COMMANDS["probe"] = ("probe_command:probe", "A probe.")
    try:
        assert main(["probe"]) == 0
    finally:
        del COMMANDS["probe"], sys.modules["probe_command"]
        gc.unfreeze()
    assert seen["enabled"]
    assert seen["frozen"] > 0


def test_the_commands_listed_say_what_their_own_help_says():
    for name, (_, summary) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command.get_short_help_str(limit=200) == summary, name


@pytest.mark.parametrize("args", [["--help"], ["schema"], ["new", "light"], ["schema", "--help"]])
def test_light_commands_load_no_numpy_and_no_speech_engine(args, tmp_path):
    code = (
        "import sys; from guide.cli.main import main; code = main(sys.argv[1:]); "
        "heavy = [m for m in ('numpy', 'guide.voice.engines', 'pyttsx3', 'piper') if m in sys.modules]; "
        "sys.stderr.write(repr(heavy)); sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("[]"), result.stderr
