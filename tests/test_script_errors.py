"""Bad scripts: each gives one `file:line:col: message` line, exit code 3, no traceback, and no output."""

from __future__ import annotations

import pytest

from guide.script.readers import misspelling_of

MINIMAL_HEAD = "title: T\nsections:\n  - title: One\n    steps:\n"

BAD_SCRIPTS = [
    (
        "broken YAML",
        "title: T\nsections:\n  - title: One\n    steps:\n      - say: Hello\n     - pause: 2s\n",
        "6:6: YAML syntax: expected the end of the indented block, but found a list item (in the mapping that "
        "starts at line 3); check the indentation and quoting here",
    ),
    (
        "unknown top-level key",
        "title: T\ndurration: 5m\nsections:\n  - title: One\n    steps:\n      - pause: 1s\n",
        "2:1: durration: unknown key in the script (did you mean duration?); known keys are: title, author, "
        "description, language, duration, content_note, cover, voice, voices, gap, variables, ambience, sections, "
        "closing, reflect",
    ),
    (
        "unknown step",
        MINIMAL_HEAD + "      - sya: Hello\n",
        "5:9: sya: not a kind of step (did you mean say?); a step is one of: say, pause, silence, bell, breathe, "
        "affirm, include, sound",
    ),
    (
        "negative duration",
        MINIMAL_HEAD + "      - pause: -2s\n",
        '5:16: pause: expected a duration such as 5s or 1m30s, got "-2s"',
    ),
    (
        "malformed duration",
        MINIMAL_HEAD + "      - silence: two minutes\n",
        '5:18: silence: expected a duration such as 5s or 1m30s, got "two minutes"',
    ),
    (
        "zero duration",
        MINIMAL_HEAD + "      - pause: 0s\n",
        '5:16: pause: a duration must be longer than zero, got "0s"',
    ),
    (
        "a pause over an hour",
        MINIMAL_HEAD + "      - pause: 2h\n",
        "5:16: pause: 2h is longer than the longest single pause, 1h; split it, or use the script's duration",
    ),
    (
        "unknown variable",
        "title: T\nvariables:\n  name: Sam\nsections:\n  - title: One\n    steps:\n      - say: Hello {nmae}.\n",
        "7:20: say: unknown placeholder {nmae}; the variables are: name (declare it under variables:)",
    ),
    (
        "empty sections",
        "title: T\nsections: []\n",
        "2:11: sections: the list is empty; give at least one item, or leave sections out",
    ),
    ("no sections", "title: T\n", "1:1: the script needs `sections:`"),
    (
        "a brace starting an unquoted line",
        MINIMAL_HEAD + "      - say: {name} sits beside you\n",
        '5:14: text that starts with { or [ must be in quotes, for example: say: "{name} sits beside you"',
    ),
    (
        "a lone placeholder as the whole line",
        "title: T\nvariables:\n  name: Sam\n" + MINIMAL_HEAD[9:] + "      - say: {name}\n",
        '7:14: say: text that starts with { or [ must be in quotes, for example: say: "{name} ..."',
    ),
    (
        "duplicate key",
        "title: T\ntitle: U\nsections:\n  - title: One\n    steps:\n      - pause: 1s\n",
        "2:1: title: given twice in one mapping (first at line 1)",
    ),
    (
        "object tag",
        "title: !!python/object/apply:os.system [echo hi]\nsections: []\n",
        "1:8: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it",
    ),
    (
        "alias bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        "5:4: aliases here expand to more than 100,000 values; write the values out instead",
    ),
    (
        "a breath that is not a mapping",
        MINIMAL_HEAD + "      - breathe: 4\n",
        "5:18: breathe: expected a mapping, such as {in: 4, out: 6}, got '4'",
    ),
    (
        "a say with nothing to say",
        MINIMAL_HEAD + "      - say:\n",
        "5:13: say: expected text, such as `say: A few words`, got nothing",
    ),
    (
        "a script that is a list",
        "- title: T\n",
        "1:1: the script: expected a mapping, such as title: and sections: keys, got a list",
    ),
    (
        "breathing with no out",
        MINIMAL_HEAD + "      - breathe: {in: 4}\n",
        "5:18: breathe needs `out:`",
    ),
    (
        "a misspelt breathing phase",
        MINIMAL_HEAD + "      - breathe: {in: 4, hld: 2, out: 6}\n",
        "5:26: hld: unknown key in breathe (did you mean hold?); known keys are: in, hold, out, rest, cycles",
    ),
    (
        "an unknown breathing cue",
        MINIMAL_HEAD + "      - breathe: {in: 4, out: 6}\n        cue: whistle\n",
        "6:14: cue: expected one of voice, tone, none, got 'whistle'",
    ),
    (
        "a breath of no time",
        MINIMAL_HEAD + "      - breathe: {in: 0, out: 6}\n",
        "5:23: in: a breath needs time to breathe in, such as in: 4",
    ),
    (
        "affirmations that are not a list",
        MINIMAL_HEAD + "      - affirm: You are safe.\n",
        "5:17: affirm: expected a list of statements (lines starting with `- `), got 'You are safe.'",
    ),
    (
        "affirmations repeated no times",
        MINIMAL_HEAD + "      - affirm: [You are safe.]\n        repeat: 0\n",
        "6:17: repeat: expected a whole number from 1 to 1000, such as 3, got '0'",
    ),
    (
        "an unknown voice profile",
        "title: T\nvoices:\n  child: {rate: 100}\n" + MINIMAL_HEAD[9:] + "      - say: Hi.\n        voice: chld\n",
        "8:16: voice: no voice profile named 'chld' (did you mean child?); the profiles are: child",
    ),
    (
        "a pitch out of range",
        "title: T\nvoice:\n  pitch: +20\n" + MINIMAL_HEAD[9:] + "      - pause: 1s\n",
        "3:10: pitch: expected semitones from -12 to 12, such as +2, got '+20'",
    ),
    (
        "a pitch the voice cannot reach",
        "title: T\nvoice:\n  pitch: -8\n" + MINIMAL_HEAD[9:] + "      - say: Hello.\n",
        "7:9: voice: espeak-ng can shift its pitch from -3.8 to +9.7 semitones, not -8",
    ),
    (
        "an include that is not there",
        MINIMAL_HEAD + "      - include: opening.yaml\n",
        "5:18: include: opening.yaml: no such file beside the script or in the built-in library",
    ),
    (
        "an include that leaves the folder",
        MINIMAL_HEAD + "      - include: ../../../etc/steps.yaml\n",
        "5:18: include: ../../../etc/steps.yaml: the path leaves the script's folder; keep files beside the script",
    ),
    (
        "a sound that is not there",
        MINIMAL_HEAD + "      - sound: my-voice.mp3\n",
        "5:16: sound: my-voice.mp3: no such file beside the script or in the built-in library",
    ),
    (
        "two kinds in one step",
        MINIMAL_HEAD + "      - say: Hello\n        pause: 2s\n",
        "6:9: pause: a step has exactly one kind, and this one already is `say`; put each in a step of its own",
    ),
    (
        "an option a step does not take",
        MINIMAL_HEAD + "      - pause: 2s\n        volume: -3dB\n",
        "6:9: volume: unknown option; `pause` takes: keep",
    ),
    (
        "a bell file that leaves the folder",
        MINIMAL_HEAD + "      - bell: ../../elsewhere/gong.wav\n",
        "5:15: bell: ../../elsewhere/gong.wav: the path leaves the script's folder; keep files beside the script",
    ),
    (
        "an absolute bell path",
        MINIMAL_HEAD + "      - bell: /etc/passwd\n",
        "5:15: bell: /etc/passwd: use a path relative to the script's folder, not an absolute path",
    ),
    (
        "an unknown bell",
        MINIMAL_HEAD + "      - bell: bowel\n",
        "5:15: bell: 'bowel' is neither a built-in bell (bowl, chime, soft) nor a file beside the script "
        "(did you mean bowl?)",
    ),
    (
        "a rate out of range",
        "title: T\nvoice:\n  rate: 400\n" + MINIMAL_HEAD[9:] + "      - pause: 1s\n",
        "3:9: rate: expected words per minute from 60 to 250, such as 110, got '400'",
    ),
    (
        "an unknown engine",
        "title: T\nvoice:\n  engine: espeak\n" + MINIMAL_HEAD[9:] + "      - pause: 1s\n",
        "3:11: engine: expected one of auto, pyttsx3, piper, got 'espeak'",
    ),
    ("a section without steps", "title: T\nsections:\n  - title: One\n", "3:5: a section needs `steps:`"),
    (
        "a list where text belongs",
        "title: [a, b]\nsections:\n  - title: One\n    steps:\n      - pause: 1s\n",
        "1:8: title: expected text, such as `title: A few words`, got a list",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in BAD_SCRIPTS], ids=[c[0] for c in BAD_SCRIPTS])
def test_a_bad_script_is_one_placed_line_and_exit_3_with_nothing_written(guide, write_script, tmp_path, text, expected):
    script = write_script(text)
    out = tmp_path / "out.mp3"
    result = guide("export", str(script), "-o", str(out))
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()], "one line only"
    assert result.stderr.strip().startswith(f"{script}:")
    assert result.stderr.strip().endswith(expected)
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.yaml"]


def test_a_file_that_is_not_utf8_is_refused_at_the_bad_byte(guide, tmp_path):
    script = tmp_path / "latin1.yaml"
    script.write_bytes("title: Café\nsections: []\n".encode("latin-1"))
    result = guide("check", str(script))
    assert result.returncode == 3
    assert result.stderr.strip() == (
        f"{script}:1:11: the file is not UTF-8 text (byte 0xe9); save it with UTF-8 encoding"
    )


def test_a_byte_order_mark_is_allowed(guide, write_script, tmp_path):
    script = tmp_path / "bom.yaml"
    script.write_bytes(b"\xef\xbb\xbf" + (MINIMAL_HEAD + "      - pause: 1s\n").encode())
    result = guide("check", str(script))
    assert result.returncode == 0, result.stderr
    assert "total 0:01" in result.stdout


def test_check_reports_every_bad_script_and_still_plans_the_good_ones(guide, write_script):
    good = write_script(MINIMAL_HEAD + "      - pause: 2s\n", "good.yaml")
    bad = write_script(MINIMAL_HEAD + "      - pause: soon\n", "bad.yaml")
    result = guide("check", str(bad), str(good))
    assert result.returncode == 3
    assert result.stderr.startswith(f"{bad}:5:16: pause:")
    assert f"{good}: T" in result.stdout


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("nmae", "name"),  # two letters swapped
        ("nme", "name"),  # one dropped
        ("naame", "name"),  # one added
        ("nane", "name"),  # one changed
        ("safe_plcae", "safe_place"),
        ("pet_name", None),  # another variable, not a slip
        ("colour", None),
        ("name", None),  # the variable itself
    ],
)
def test_a_misspelt_variable_is_told_from_another_one(given, meant):
    assert misspelling_of(given, ["name", "safe_place"]) == meant
