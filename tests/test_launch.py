"""The `guide` command's entry point leaves the garbage collector on for the command it runs."""

from __future__ import annotations

import gc

import pytest

from guide import launch


def test_the_command_runs_with_the_collector_on_and_the_program_frozen_out_of_its_way(monkeypatch):
    seen = {}

    def command() -> int:
        seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()
        return 0

    monkeypatch.setattr("guide.cli.main.main", command)
    try:
        with pytest.raises(SystemExit) as exited:
            launch.run()
    finally:
        gc.unfreeze()
    assert exited.value.code == 0
    assert seen["enabled"]
    assert seen["frozen"] > 0
