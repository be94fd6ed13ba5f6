"""`guide new` writes a starter that already follows the care rules; `guide schema` agrees with the loader."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml
from test_authoring import PERSONAL
from test_checker import CAREFUL, CARELESS
from test_cli import SCRIPT as HELLO
from test_export import TIMING_SCRIPT
from test_play import SHORT_SCRIPT
from test_script_errors import BAD_SCRIPTS

from guide.script.library import builtin_sessions, scripts_dir
from guide.script.loader import load_script
from guide.script.schema import included_file_schema, script_schema


def test_new_writes_a_starter_that_checks_clean_when_strict(guide, tmp_path):
    result = guide("new", "evening-calm")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "evening-calm.yaml"
    assert yaml.safe_load(path.read_text())["title"] == "Evening Calm"
    check = guide("check", "--strict", str(path))
    assert check.returncode == 0, check.stderr
    assert check.stderr == ""
    assert "# " in path.read_text(), "the starter explains itself in comments"


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_new_gives_the_script_the_mode_any_new_file_gets(tmp_path, umask):
    code = f"import os, sys; os.umask({umask}); from guide.cli.main import main; sys.exit(main(['new', 'mine']))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mine.yaml").stat().st_mode & 0o777 == 0o666 & ~umask


def test_new_never_overwrites_a_file(guide, tmp_path):
    existing = tmp_path / "mine.yaml"
    existing.write_text("my careful work\n")
    result = guide("new", "mine.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "guide: mine.yaml already exists; choose another name, or move that file first"
    assert existing.read_text() == "my careful work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"], "no temporary file is left behind"


def test_new_from_a_built_in_copies_it_and_its_includes_still_resolve(guide, tmp_path):
    result = guide("new", "my-version", "--from", "sit-with-your-younger-self")
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "my-version.yaml"
    assert copy.read_text() == (scripts_dir() / "sit-with-your-younger-self.yaml").read_text()
    assert guide("check", "--strict", str(copy)).returncode == 0


def test_the_schema_is_a_valid_json_schema(guide):
    result = guide("schema")
    assert result.returncode == 0
    printed = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed == script_schema()
    assert json.loads(guide("schema", "--included").stdout) == included_file_schema()


VALID_SCRIPTS = [TIMING_SCRIPT, SHORT_SCRIPT, PERSONAL, CAREFUL, CARELESS, HELLO]


def _validator(schema):
    return jsonschema.Draft202012Validator(schema)


def test_every_built_in_and_test_script_passes_both_the_loader_and_the_schema(write_script, tmp_path):
    scripts = list(builtin_sessions())
    for number, text in enumerate(VALID_SCRIPTS):
        scripts.append(write_script(text, f"valid-{number}.yaml"))
    starter = tmp_path / "starter.yaml"
    from guide.script.starter import starter_text

    starter.write_text(starter_text("Starter"))
    scripts.append(starter)
    for path in scripts:
        load_script(path)
        errors = list(_validator(script_schema()).iter_errors(yaml.safe_load(path.read_text())))
        assert errors == [], f"{path}: {errors[0].message if errors else ''}"
    for fragment in sorted((scripts_dir() / "common").glob("*.yaml")):
        assert list(_validator(included_file_schema()).iter_errors(yaml.safe_load(fragment.read_text()))) == []


STRUCTURAL = {
    "unknown top-level key",
    "unknown step",
    "negative duration",
    "malformed duration",
    "empty sections",
    "no sections",
    "two kinds in one step",
    "an option a step does not take",
    "a rate out of range",
    "an unknown engine",
    "a section without steps",
    "a list where text belongs",
    "breathing with no out",
    "a misspelt breathing phase",
    "an unknown breathing cue",
    "affirmations that are not a list",
    "affirmations repeated no times",
    "a pitch out of range",
}


@pytest.mark.parametrize("case", [c for c in BAD_SCRIPTS if c[0] in STRUCTURAL], ids=lambda c: c[0])
def test_what_the_loader_refuses_for_its_shape_the_schema_refuses_too(case):
    document = yaml.safe_load(case[1])
    assert not _validator(script_schema()).is_valid(document)


def test_the_structural_cases_are_all_in_the_table():
    assert {case[0] for case in BAD_SCRIPTS} >= STRUCTURAL
