"""The care checks: what `guide check` warns about in a valid script, each with where and why."""

from __future__ import annotations

import re
from dataclasses import dataclass

from guide.errors import Where
from guide.rendering.timeline import CueKind, Timeline
from guide.script.language_rules import LanguageRules, known_languages, rules_for
from guide.script.model import Say, Script
from guide.script.values import format_span
from guide.translation import _

WAY_OUT_WITHIN_MS = 60_000
LONG_LINE_WORDS = 40
LONG_SESSION_MS = 20 * 60_000


@dataclass(frozen=True)
class CareWarning:
    """Something in a valid script that a practitioner would want to change."""

    where: Where
    message: str

    def __str__(self) -> str:
        return _("{where}: warning: {problem}").format(where=self.where, problem=self.message)


def care_warnings(script: Script, timeline: Timeline) -> list[CareWarning]:
    """Every warning for a script, in the order of the file."""
    top = Where(script.path, 1, 1)
    found: list[CareWarning] = []
    if script.content_note is None:
        found.append(
            CareWarning(
                top,
                _(
                    "no content_note: say before the session what it may bring up, and that the listener can stop at "
                    "any time"
                ),
            )
        )
    if not script.closing:
        found.append(
            CareWarning(
                top,
                _(
                    "no closing: add a grounding close that brings the listener back to the room and the present; it "
                    "also plays when they leave early"
                ),
            )
        )
    spoken = [cue for cue in timeline.cues if cue.kind is CueKind.SAY and isinstance(cue.step, Say)]
    rules = rules_for(script.language)
    if rules is None:
        found.append(
            CareWarning(
                top,
                _(
                    "the care checks know the words of {languages}, not of {language!r}: read the script yourself for "
                    "invitations, an early way out and a grounding close"
                ).format(languages=", ".join(known_languages()), language=script.language),
            )
        )
    else:
        found += _word_warnings(script, spoken, rules)
    for line in dict.fromkeys(cue.step for cue in spoken):
        assert isinstance(line, Say)
        found += _line_warnings(line, rules)
    silent = any(cue.kind is CueKind.SILENCE for cue in timeline.cues)
    if timeline.length_ms > LONG_SESSION_MS and not silent:
        found.append(
            CareWarning(
                top,
                _(
                    "the session lasts {length} with no silence step: give the listener open practice time, such as "
                    "silence: 1m"
                ).format(length=format_span(timeline.length_ms)),
            )
        )
    found += [
        CareWarning(
            at,
            _("the variable {name!r} is declared but no text uses it; use it as {braced}, or remove it").format(
                name=name, braced="{" + name + "}"
            ),
        )
        for name, at in script.unused_variables
    ]
    return sorted(found, key=lambda w: (str(w.where.path), w.where.line, w.where.column))


def _word_warnings(script: Script, spoken: list, rules: LanguageRules) -> list[CareWarning]:
    """What the language's care words show: a way out said early, and a close that grounds."""
    found = []
    early = [cue.step.text for cue in spoken if cue.start_ms < WAY_OUT_WITHIN_MS]
    if not any(rules.way_out.search(text) for text in early):
        found.append(
            CareWarning(
                script.sections[0].where,
                _(
                    "no way out offered in the first minute: say early that the listener can open their eyes, pause "
                    "or stop at any time"
                ),
            )
        )
    closing = [step for step in script.closing if isinstance(step, Say)]
    words = " ".join(step.text for step in closing).casefold()
    if closing and not any(re.search(rf"\b{re.escape(word.casefold())}\b", words) for word in rules.grounding):
        found.append(
            CareWarning(
                closing[0].where,
                _(
                    "the closing does not bring the listener back to the present: name the room, the day, or being "
                    "here now ({language}: {words})"
                ).format(language=_(rules.name), words=", ".join(rules.grounding)),
            )
        )
    return found


def _line_warnings(line: Say, rules: LanguageRules | None) -> list[CareWarning]:
    found = []
    for pattern, advice in rules.orders if rules is not None else ():
        match = pattern.search(line.text)
        if match:
            said = _('"{words}" orders rather than invites: {advice}').format(words=match.group(0), advice=advice)
            found.append(CareWarning(line.where, said))
    words = len(line.text.split())
    if words > LONG_LINE_WORDS:
        found.append(
            CareWarning(
                line.where,
                _(
                    "this line runs {words} words without a pause; split it into shorter lines (at most {most}) so "
                    "the listener can follow"
                ).format(words=words, most=LONG_LINE_WORDS),
            )
        )
    return found
