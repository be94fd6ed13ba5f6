"""What each language's sessions are checked and captioned by, as data (`languages/LANG.json`): the way-out
phrases, the orders that should be invitations, the words that ground a close, and common abbreviations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from guide.script.format import primary_language

FOLDER = Path(__file__).parent / "languages"


@dataclass(frozen=True)
class LanguageRules:
    """One language's care words and abbreviations."""

    name: str
    iso639_2: str
    """The three-letter code tags carry (ID3's TLAN, Matroska's): ISO 639-2, its bibliographic form."""
    therapy_note: str
    """What `guide list` says of therapy, in the language."""
    abbreviations: tuple[str, ...]
    way_out: re.Pattern[str]
    orders: tuple[tuple[re.Pattern[str], str], ...]
    """Each phrasing that orders rather than invites, and what to try instead."""
    grounding: tuple[str, ...]
    """Words of which a grounding close says at least one: the room, the day, the present."""
    breath_cues: dict[str, tuple[str, ...]]
    """What the voice says at each phase of paced breathing (`in`, `hold`, `out`, `rest`): the clearest cue
    first, each after it shorter, for phases with less time; the last is the one every phase has time for."""
    closing_title: str
    """The chapter the closing is, in the language: `Closing`."""
    reflect_heading: str
    """What introduces a session's questions to reflect on, when it has played to the end."""
    transcript: dict[str, str]
    """The words of a transcript around the script's own: its byline, its length, its marks, its questions."""
    timer: dict[str, str]
    """The words of `guide timer`'s sit: its title, its sections, its description and content note."""
    checkin: dict[str, str]
    """The words of the check-in around a play, and the care note after a hard session."""
    client_page: dict[str, str]
    """The words of a client's page and feed (`guide publish`), by what each is for."""
    readback: dict[str, str]
    """The words around a journal entry read back (`guide journal play`), by what each is for."""
    report: dict[str, str]
    """The words of the journal's report (`guide journal export`): its headings, summary, dates and kinds."""
    needs: Needs
    """How the person's answers to "what did you need?" are found and said back."""


@dataclass(frozen=True)
class Needs:
    """How answers to "what did you need?" are found in a journal and said back, in one language."""

    question: re.Pattern[str]
    """What a question asking what was needed says."""
    prefixes: tuple[str, ...]
    """The openings an answer may have ("I needed "), left out when it is said back."""
    fill_in: tuple[str, ...]
    """Reparenting statements, from the built-in session, said where there are too few answers."""
    lowercase_first: bool
    """Whether an answer's first word is lowercased after "You needed" (not in German, whose nouns are capitals)."""


def known_languages() -> list[str]:
    return sorted(path.stem for path in FOLDER.glob("*.json"))


def rules_for(language: str) -> LanguageRules | None:
    """The rules of a language tag's language (`es-MX` has Spanish's), or None for one with none."""
    return _rules(primary_language(language))


def rules_or_english(language: str) -> LanguageRules:
    """The rules of a language tag's language, or English's for a language with none."""
    found = rules_for(language) or rules_for("en")
    assert found is not None, "English's rules ship with the program"
    return found


def language_code(language: str) -> str | None:
    """The ISO 639-2 code of a language tag's language, for the languages there are rules for; else None."""
    rules = rules_for(language)
    return rules.iso639_2 if rules is not None else None


@cache
def _rules(primary: str) -> LanguageRules | None:
    path = FOLDER / f"{primary}.json"
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LanguageRules(
        name=data["name"],
        iso639_2=data["iso639_2"],
        therapy_note=data["therapy_note"],
        abbreviations=tuple(data["abbreviations"]),
        way_out=re.compile(data["way_out"], re.IGNORECASE),
        orders=tuple((re.compile(order["pattern"], re.IGNORECASE), order["advice"]) for order in data["orders"]),
        grounding=tuple(data["grounding"]),
        breath_cues={
            phase: (cues,) if isinstance(cues, str) else tuple(cues) for phase, cues in data["breath_cues"].items()
        },
        closing_title=data["closing_title"],
        reflect_heading=data["reflect_heading"],
        transcript=dict(data["transcript"]),
        timer=dict(data["timer"]),
        checkin=dict(data["checkin"]),
        client_page=dict(data["client_page"]),
        readback=dict(data["readback"]),
        report=dict(data["report"]),
        needs=Needs(
            question=re.compile(data["needs"]["question"], re.IGNORECASE),
            prefixes=tuple(data["needs"]["prefixes"]),
            fill_in=tuple(data["needs"]["fill_in"]),
            lowercase_first=bool(data["needs"]["lowercase_first"]),
        ),
    )
