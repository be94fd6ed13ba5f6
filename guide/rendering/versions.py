"""The versions of a script a length can ask for: its content with the optional parts left out, or brought in."""

from __future__ import annotations

from dataclasses import dataclass, replace

from guide.script.model import Keep, Script, Step

PREFERENCE = (Keep.SOMETIMES, Keep.USUALLY, Keep.ALWAYS, Keep.LONGER)
"""The versions in the order a length tries them: the script as written (everything but `longer` content),
then with `sometimes` and then `usually` content left out, then with `longer` content brought in."""


@dataclass(frozen=True)
class Version:
    """A script with the content kept up to one level, and the steps that left out."""

    keep: Keep
    script: Script
    left_out: tuple[Step, ...]


def versions(script: Script) -> list[Version]:
    """Each distinct version of the script, in the order of `PREFERENCE`: a script with no `keep:` has one."""
    made: list[Version] = []
    for keep in PREFERENCE:
        version = _kept_up_to(script, keep)
        if not any(v.left_out == version.left_out for v in made):
            made.append(version)
    return made


def _kept_up_to(script: Script, keep: Keep) -> Version:
    sections = tuple(replace(s, steps=tuple(step for step in s.steps if step.keep <= keep)) for s in script.sections)
    left_out = tuple(step for s in script.sections for step in s.steps if step.keep > keep)
    # A section left out whole is no chapter of this version.
    return Version(keep, replace(script, sections=tuple(s for s in sections if s.steps)), left_out)
