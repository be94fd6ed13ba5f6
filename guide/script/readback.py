"""The person's own words as a held session: the shared arrival, their words with a silence after each part, and
the grounding close; a journal entry read back, or what they said they needed, said back to them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from guide.errors import UsageError, Where
from guide.script import library
from guide.script.language_rules import LanguageRules, known_languages, rules_for, rules_or_english
from guide.script.loader import load_fragment
from guide.script.model import Pause, Say, Script, Section, Silence, Step, Voice
from guide.translation import _

OPENING = "arriving.yaml"
CLOSE = "grounding-close.yaml"
SILENCE_AFTER_MS = 10_000
"""The quiet after each part of the words: time for them to land. A --duration stretches or shrinks it."""
PAUSE_BEFORE_MS = 3_000
FEWEST_NEEDS = 3
"""With fewer answers of what was needed, the reparenting statements fill in."""
READBACK_PATH = "journal"
"""The name a session read back goes by, in the library's folder: no file of the person's words is ever made."""


def entry_script(text: str, language: str) -> Script:
    """A journal entry read back, paragraph by paragraph."""
    words = rules_or_english(language).readback
    parts = paragraphs(text)
    if not parts:
        raise UsageError(_("the entry has no words to read back"))
    return _held(language, words["title_entry"], words["section"], words["before_entry"], parts)


def needs_script(needs: list[str], language: str) -> tuple[Script, int]:
    """What the person said they needed, each said back with care; with fewer than FEWEST_NEEDS, reparenting
    statements fill in. The script, and how many of its lines are the person's."""
    rules = rules_or_english(language)
    said = [rules.readback["needed"].format(need=_need(need, rules)) for need in dict.fromkeys(needs)]
    lines = said + list(rules.needs.fill_in[: max(0, FEWEST_NEEDS - len(said))])
    words = rules.readback
    return _held(language, words["title_needs"], words["section_needs"], words["before_needs"], lines), len(said)


def answers_to_needs(texts: Iterable[str]) -> list[str]:
    """The answers to "what did you need?" in journal entries: a trigger's line after that question, and a
    check-in's answer under a reflection that asks what was needed, in any language there are sessions in."""
    asking = [rules.needs.question for language in known_languages() if (rules := rules_for(language)) is not None]
    found = []
    for text in texts:
        lines = text.splitlines()
        for number, line in enumerate(lines):
            asked, mark, answer = line.partition("?")
            if not mark or not any(question.search(asked) for question in asking):
                continue
            answer = answer.strip()
            if not answer:  # a reflection: the answer is the lines under the question, up to a blank one
                following = []
                for next_line in lines[number + 1 :]:
                    if not next_line.strip():
                        break
                    following.append(next_line.strip())
                answer = " ".join(following)
            if answer:
                found.append(answer)
    return found


def paragraphs(text: str) -> list[str]:
    """The parts of a text, split at blank lines, each on one line."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text) if part.strip()]


def _need(answer: str, rules: LanguageRules) -> str:
    """An answer as it is said back: its own opening ("I needed") and closing stop left out."""
    need = " ".join(answer.split()).rstrip(".!")
    for prefix in rules.needs.prefixes:
        if need.lower().startswith(prefix):
            need = need[len(prefix) :]
            break
    first = need.split(" ", 1)[0]
    # "A blanket" follows "You needed" as "a blanket"; "I", an acronym ("NHS") and German's nouns stay as written.
    if not rules.needs.lowercase_first or first == "I" or (len(first) > 1 and first.isupper()):
        return need
    return need[:1].lower() + need[1:]


def _held(language: str, title: str, section: str, before: str, parts: list[str]) -> Script:
    here = Where(library.scripts_dir() / READBACK_PATH, 1, 1)
    voice = Voice()
    words: list[Step] = [Say(before, voice, here), Pause(PAUSE_BEFORE_MS, here)]
    for part in parts:
        words += [Say(part, voice, here), Silence(SILENCE_AFTER_MS, here)]
    rules = rules_or_english(language)
    return Script(
        path=here.path,
        title=title,
        language=language,
        sections=(
            Section(rules.timer["arriving"], load_fragment(library.fragment(OPENING, language)), here),
            Section(section, tuple(words), here),
        ),
        closing=load_fragment(library.fragment(CLOSE, language)),
        content_note=rules.readback["content_note"],
    )
