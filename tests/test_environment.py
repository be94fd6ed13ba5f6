"""The environment: read from the process once, by one module, and handed to every command."""

from __future__ import annotations

import ast
import io
import os
import pty
from pathlib import Path

import platformdirs

from guide import environment
from guide.environment import Environment


def test_the_settings_come_from_the_variables_given_and_else_the_users_folders():
    given = Environment.from_process(
        {
            "GUIDE_CACHE_DIR": "/c",
            "GUIDE_DATA_DIR": "/d",
            "GUIDE_VOICES_DIR": "/v",
            "GUIDE_ENGINE": "piper",
            "GUIDE_VOICES_SOURCE": "https://mirror.example/piper-voices",
        }
    )
    assert (given.cache_dir, given.data_dir, given.voices_dir, given.engine, given.voices_source) == (
        Path("/c"),
        Path("/d"),
        Path("/v"),
        "piper",
        "https://mirror.example/piper-voices",
    )
    unset = Environment.from_process({"GUIDE_CACHE_DIR": "", "GUIDE_ENGINE": ""})
    assert unset.cache_dir == platformdirs.user_cache_path("inner-guide") / "clips"
    assert unset.data_dir == platformdirs.user_data_path("inner-guide")
    assert unset.voices_dir == unset.data_dir / "voices", "where downloaded voices go"
    assert (unset.engine, unset.voices_source) == (None, None)


def test_a_terminal_is_told_apart_from_a_pipe_and_a_closed_stream():
    main_end, terminal_end = pty.openpty()
    try:
        with open(terminal_end, "w", closefd=False) as terminal:
            closed = io.StringIO()
            closed.close()
            env = Environment.from_process({}, stdin=terminal, stdout=io.StringIO(), stderr=closed)
            assert (env.stdin_isatty, env.stdout_isatty, env.stderr_isatty) == (True, False, False)
    finally:
        os.close(main_end)
        os.close(terminal_end)


def test_a_command_writes_to_the_streams_of_its_environment(guide, capsys):
    listed = guide("list")
    checked = guide("check", "no-such-session")
    assert "sit-with-your-younger-self" in listed.stdout
    assert checked.returncode == 2 and "no-such-session: no such script file" in checked.stderr
    assert capsys.readouterr() == ("", ""), "nothing went to the process's own streams"


def test_no_module_but_the_environment_reads_the_process_environment():
    package = Path(environment.__file__).parent
    readers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
                readers.append(str(path.relative_to(package)))
    # translation.py sets LANGUAGE for the length of a run, for gettext and Click to read, and puts it back.
    assert set(readers) == {"environment.py", "translation.py"}
