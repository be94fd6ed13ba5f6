"""Hostile and broken input: every outcome is a plan or one clean, placed error; never a traceback."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guide.errors import ScriptError, UsageError
from guide.rendering.planning import plan_session
from guide.script import format
from guide.script.library import builtin_sessions
from guide.script.loader import load_script

HEAD = "title: T\nsections:\n  - title: One\n    steps:\n"
MINIMAL = HEAD + "      - pause: 1s\n"
HOSTILE = [
    (
        "binary data",
        bytes(range(256)) * 4,
        "2:118: the file is not UTF-8 text (byte 0x80); save it with UTF-8 encoding",
    ),
    ("UTF-16 text", "title: T\n".encode("utf-16"), "1:1: the file is not UTF-8 text (byte 0xff)"),
    ("Latin-1 text", "title: Café\n".encode("latin-1"), "1:11: the file is not UTF-8 text (byte 0xe9)"),
    ("a NUL byte", b"title: T\x00\nsections: []\n", "1:9: the file holds a control character (U+0000)"),
    ("10 MB of text", b"title: " + b"a" * 10_000_000, "1:1: the file is 10,000,007 bytes; a script may be at most"),
    (
        "a YAML bomb",
        b"a: &a [x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode() for i in range(8)
        ),
        "aliases here expand to more than 100,000 values; write the values out instead",
    ),
    (
        "deeply nested lists",
        b"title: T\nsections: " + b"[" * 5000 + b"]" * 5000,
        "values are nested more than 100 deep; flatten them",
    ),
    (
        "deeply nested mappings",
        b"title: " + b"{a: " * 5000 + b"1" + b"}" * 5000,
        "values are nested more than 100 deep; flatten them",
    ),
    ("only a comment", b"# nothing\n", "1:1: the file is empty; a script needs at least a title and sections"),
    ("a bare word", b"hello\n", "1:1: the script: expected a mapping, such as title: and sections: keys, got 'hello'"),
    ("a tab for indentation", b"title: T\nsections:\n\t- title: One\n", "3:1: YAML syntax: found character '\\t'"),
    ("an object tag", b"title: !!python/object/apply:os.system [ls]\n", "1:8: the YAML tag"),
    (
        "a line too long",
        (HEAD + "      - say: " + "word " * 500 + "\n").encode(),
        "5:14: say: the text is 2,499 characters long, more than the 2,000 a text may be; split it into shorter",
    ),
    (
        "too many steps",
        (HEAD + "      - affirm: [a, b, c]\n        repeat: 1000\n" * 4).encode(),
        "the script makes more than 20,000 steps, the most a script may",
    ),
    (
        "a session over 12 hours",
        (HEAD + "      - silence: 1h\n" * 13).encode(),
        "1:1: the session would last 13h, longer than the 12h a session may",
    ),
    ("a duration over 12 hours", ("title: T\nduration: 13h\n" + MINIMAL[9:]).encode(), "2:11: duration: 13h is longer"),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_files_end_in_one_placed_line_and_exit_3(guide, tmp_path, data, expected):
    script = tmp_path / "hostile.yaml"
    script.write_bytes(data)
    result = guide("check", str(script))
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert re.match(rf"{re.escape(str(script))}:\d+:\d+: ", line)
    assert expected in line


WRONG_VALUES = ["{a: {b: 1}}", "[1, [2]]", "null", "1e309", "-5", '"   "', "[]", "{}", "yes", "0"]
"""Values of every kind of wrong: nested mappings and lists, nothing, huge and negative numbers, blanks."""


def _fields_with_wrong_values() -> list[tuple[str, str]]:
    """A script for every key and option of the format with each wrong value in it."""
    cases = []
    for key in format.TOP_LEVEL:
        for value in WRONG_VALUES:
            body = MINIMAL if key not in ("title", "sections") else MINIMAL.replace(f"{key}:", f"{key}: {value} #", 1)
            cases.append((f"{key}={value}", body if key in ("title", "sections") else f"{key}: {value}\n{body}"))
    for group, mapping in (("voice", format.VOICE), ("ambience", format.AMBIENCE)):
        for key in mapping:
            for value in WRONG_VALUES:
                cases.append((f"{group}.{key}={value}", f"{group}:\n  {key}: {value}\n{MINIMAL}"))
    for kind, spec in format.STEPS.items():
        for value in WRONG_VALUES:
            cases.append((f"{kind}={value}", HEAD + f"      - {kind}: {value}\n"))
        for option in spec.options:
            for value in WRONG_VALUES:
                step = f"      - {kind}: {_good_value(kind)}\n        {option}: {value}\n"
                cases.append((f"{kind}.{option}={value}", HEAD + step))
    return cases


def _good_value(kind: str) -> str:
    return {
        "say": "Hello.",
        "pause": "1s",
        "silence": "1s",
        "bell": "bowl",
        "breathe": "{in: 4, out: 4}",
        "affirm": "[You are safe.]",
        "include": "common/arriving.yaml",
        "sound": "bowl.wav",
    }[kind]


@pytest.mark.parametrize(
    ("text"), [c[1] for c in _fields_with_wrong_values()], ids=[c[0] for c in _fields_with_wrong_values()]
)
def test_every_wrong_type_in_every_field_is_a_plan_or_a_placed_error(tmp_path, text):
    _plans_or_fails_cleanly(tmp_path / "wrong.yaml", text)


def _plans_or_fails_cleanly(path: Path, text: str) -> None:
    """Load and plan a script (each sound a second long): it must plan, or fail with one placed line."""
    path.write_text(text, encoding="utf-8")
    try:
        script = load_script(path)
        plan_session(script, lambda step: 22050)
    except ScriptError as error:
        assert error.where.path == path or error.where.path.name.endswith(".yaml")
        assert error.where.line >= 1 and error.where.column >= 1
        assert "\n" not in error.message, error.message
    except UsageError as error:  # a duration out of reach of the script's own silences
        assert "\n" not in error.message


@st.composite
def mutated_scripts(draw: st.DrawFn) -> str:
    """A built-in session with characters deleted, repeated, or replaced at random places."""
    sessions = builtin_sessions()
    text = draw(st.sampled_from(sessions)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        change = draw(st.sampled_from(["delete", "repeat", "replace"]))
        span = draw(st.integers(1, 12))
        if change == "delete":
            text = text[:at] + text[at + span :]
        elif change == "repeat":
            text = text[:at] + text[at : at + span] * 2 + text[at + span :]
        else:
            text = text[:at] + draw(st.text(alphabet=":-[]{}&*!|>#'\"\n\t 0123456789abc{}%", max_size=span)) + text[at:]
    return text


YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=30)
)
KEYS = st.sampled_from(sorted({*format.TOP_LEVEL, *format.STEPS, *format.VOICE, *format.SECTION, "in", "out"}))


def _yaml(value: object, indent: int = 0) -> str:
    """A generated value as flow-style YAML."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml(v, indent)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v, indent) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "null" if value is None else str(value).lower()


generated_scripts = st.recursive(
    YAML_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=25,
).map(
    lambda tree: (
        "title: T\n"
        + "\n".join(f"{k}: {_yaml(v)}" for k, v in (tree.items() if isinstance(tree, dict) else [("sections", tree)]))
        + "\n"
    )
)


@pytest.fixture(scope="module")
def library_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built-in sessions' folder, so that a mutated session's includes resolve as the
    original's do."""
    folder = tmp_path_factory.mktemp("library") / "scripts"
    shutil.copytree(builtin_sessions()[0].parent, folder)
    return folder


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(mutated_scripts(), generated_scripts))
def test_fuzzed_scripts_plan_or_fail_with_a_placed_error(library_copy, text):
    _plans_or_fails_cleanly(library_copy / "fuzzed.yaml", text)
