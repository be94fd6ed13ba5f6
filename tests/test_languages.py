"""Each language's care words and punctuation, as data: sentences split as its readers would, and the care
checks see its invitations, its way out and its grounding close."""

from __future__ import annotations

from pathlib import Path

import pytest

from guide.rendering.checker import care_warnings
from guide.rendering.planning import plan_session
from guide.script.language_rules import known_languages, rules_for
from guide.script.loader import load_script
from guide.script.sentences import sentences

HELD_OUT = Path(__file__).parent / "data" / "sentences"
"""A file of lines per language, written apart from the sessions: a block a line, a line of the block a sentence."""


def held_out(language: str) -> list[list[str]]:
    blocks = (HELD_OUT / f"{language}.txt").read_text(encoding="utf-8").split("\n\n")
    lines = ([line for line in block.splitlines() if line and not line.startswith("#")] for block in blocks)
    return [sentences_of for sentences_of in lines if sentences_of]


@pytest.mark.parametrize("language", known_languages())
def test_sentences_split_as_each_languages_readers_would(language):
    cases = held_out(language)
    assert len(cases) >= 8
    for expected in cases:
        assert sentences(" ".join(expected), language) == expected


def test_the_four_languages_have_their_rules_and_a_regional_tag_takes_its_languages():
    assert known_languages() == ["de", "en", "es", "fr"]
    assert rules_for("es-MX") is rules_for("es") and rules_for("tlh") is None


SCRIPT = """\
title: T
language: {language}
content_note: x
sections:
  - title: One
    steps:
      - say: "{way_out}"
      - say: "{order}"
      - pause: 2s
closing:
  - say: "{close}"
"""
LINES = {
    "es": ("Puedes abrir los ojos o parar cuando quieras.", "Tienes que relajarte.", "Estás aquí, hoy, a salvo."),
    "de": ("Du kannst die Augen öffnen oder jederzeit aufhören.", "Du musst dich entspannen.", "Du bist hier, heute."),
    "fr": ("Tu peux ouvrir les yeux ou t'arrêter quand tu veux.", "Tu dois te détendre.", "Tu es ici, aujourd'hui."),
}


@pytest.mark.parametrize("language", sorted(LINES))
def test_a_script_in_each_language_is_checked_as_an_english_one_is(language, write_script):
    way_out, order, close = LINES[language]
    careful = load_script(write_script(SCRIPT.format(language=language, way_out=way_out, order=way_out, close=close)))
    assert _warnings(careful) == []
    careless = load_script(
        write_script(SCRIPT.format(language=language, way_out="Bienvenue. Willkommen.", order=order, close="…")),
    )
    found = _warnings(careless)
    assert any("orders rather than invites" in w for w in found), found
    assert any("no way out offered in the first minute" in w for w in found), found
    assert any("does not bring the listener back to the present" in w for w in found), found


def test_a_language_with_no_rules_says_what_the_checks_cannot_see(write_script):
    script = load_script(write_script(SCRIPT.format(language="nl", way_out="Welkom.", order="Rust.", close="Klaar.")))
    assert any("not of 'nl'" in w for w in _warnings(script))


HARMFUL = {
    "en": (
        ("Close your eyes now.", "Remember the worst thing your father did to you."),
        ("You might close your eyes, or rest your gaze on the floor.", "If a memory comes, you might notice it."),
    ),
    "es": (
        ("Cierra los ojos ahora.", "Recuerda lo peor que te hizo tu padre."),
        ("Puedes cerrar los ojos, o dejar la mirada en el suelo.", "Si llega un recuerdo, puedes notarlo."),
    ),
    "de": (
        ("Schließe die Augen jetzt.", "Geh zurück in jene Nacht."),
        (
            "Du kannst die Augen schließen, oder den Blick senken.",
            "Wenn eine Erinnerung kommt, darfst du sie bemerken.",
        ),
    ),
    "fr": (
        ("Fermez les yeux maintenant.", "Retourne dans cette nuit."),
        ("Tu peux fermer les yeux, ou baisser le regard.", "Si un souvenir vient, tu peux le remarquer."),
    ),
}
"""In each language: closing the eyes told with no alternative, and a harm to recall or relive, then the same
offered as a choice, and a memory let come."""


@pytest.mark.parametrize("language", sorted(HARMFUL))
def test_closed_eyes_with_no_choice_and_a_harm_to_relive_are_flagged_in_each_language(language, write_script):
    (eyes, harm), (eyes_offered, memory_let_come) = HARMFUL[language]
    close = LINES.get(language, ("", "", "You are here, today."))[2]
    for line, flagged in ((eyes, True), (harm, True), (eyes_offered, False), (memory_let_come, False)):
        way_out = LINES.get(language, ("You can open your eyes or stop at any time.",))[0]
        script = load_script(
            write_script(SCRIPT.format(language=language, way_out=way_out, order=line, close=close), f"{language}.yaml")
        )
        found = [w for w in _warnings(script) if "orders rather than invites" in w]
        assert bool(found) is flagged, (line, found)


def _warnings(script) -> list[str]:
    timeline = plan_session(script, lambda step: 22050)
    return [warning.message for warning in care_warnings(script, timeline)]
