"""The format reference agrees with the format: every key and step is documented, and its example works."""

from __future__ import annotations

import re
from pathlib import Path

from measure import prepared, render

from guide.rendering.checker import care_warnings
from guide.script import format

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "script-format.md"


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_every_key_step_and_option_of_the_format_is_documented():
    text = REFERENCE.read_text()
    keys = {*format.TOP_LEVEL, *format.VOICE, *format.AMBIENCE, *format.BREATHING}
    for spec in format.STEPS.values():
        keys |= set(spec.options)
    undocumented = sorted(key for key in keys if f"`{key}`" not in text)
    assert undocumented == []
    for kind in format.STEPS:
        assert f"### `{kind}`" in text, f"no section for {kind}"
        assert any(re.search(rf"^\s*- {kind}:", block, re.MULTILINE) for block in _yaml_blocks(text)), kind


def test_the_whole_example_renders(tmp_path):
    example = _yaml_blocks(REFERENCE.read_text())[0]
    script = tmp_path / "example.yaml"
    script.write_text(example)
    timeline, samples = render(script)
    assert abs(len(samples) / 22.05 - 5 * 60_000) < 500, "it declares duration: 5m"
    assert [chapter.title for chapter in timeline.chapters][-1] == "Closing"


def test_the_readme_example_checks_clean(tmp_path):
    readme = REFERENCE.parent.parent / "README.md"
    example = next(block for block in _yaml_blocks(readme.read_text()) if block.startswith("title:"))
    script = tmp_path / "short.yaml"
    script.write_text(example)
    from guide.script.loader import load_script

    session = prepared(load_script(script))
    assert care_warnings(session.script, session.timeline) == []
