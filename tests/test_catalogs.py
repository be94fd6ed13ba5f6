"""The program's words in Spanish, German and French: every message of the program and of Click translated in each
catalog with the same placeholders, compiled as built, and spoken from the locale or --language, `--help` and
errors included."""

from __future__ import annotations

import gettext
import inspect
import re
import string

import catalogs
import click
import pytest
from babel.messages.catalog import Message

from guide.cli.group import COMMANDS, cli
from guide.cli.play import KEYS_HINT
from guide.play.player import OFFER_CLOSING
from guide.script.language_rules import rules_for
from guide.translation import CATALOG_LANGUAGES, LOCALE_DIR, words_in

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


@pytest.fixture(scope="module")
def template():
    return catalogs.template()


def placeholders(text: str) -> list[str]:
    """The str.format fields of a message (name, conversion and format), and its %-style ones, sorted."""
    fields = [f"{name}!{conversion}:{spec}" for _text, name, spec, conversion in string.Formatter().parse(text) if name]
    return sorted(fields + _PLACEHOLDER.findall(text))


def forms(message: Message) -> list[tuple[str, str]]:
    """Each form of a translation, beside the English it translates (a plural's later forms, the plural)."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(ids[min(index, len(ids) - 1)], text) for index, text in enumerate(strings)]


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_message_of_the_program_and_of_click_is_translated(template, language):
    catalog = catalogs.read(language)
    untranslated = [
        message.id
        for message in template
        if message.id
        and (
            (found := catalog.get(message.id)) is None
            or found.fuzzy
            or not all(text for _english, text in forms(found))
        )
    ]
    assert untranslated == [], f"run `python tests/catalogs.py`, then translate these in the {language} catalog"
    assert len(catalog) > 400


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_a_translation_keeps_every_placeholder_of_its_english(language):
    wrong = [
        (english, text)
        for message in catalogs.read(language)
        if message.id
        for english, text in forms(message)
        if placeholders(english) != placeholders(text)
    ]
    assert wrong == []


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_compiled_catalog_is_the_catalog_as_written(language):
    # What gettext reads is the .mo a build (or `pip install -e .`) compiled from the .po in the repository.
    with (LOCALE_DIR / language / "LC_MESSAGES" / "inner-guide.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for message in catalogs.read(language):
        if message.id and not isinstance(message.id, tuple):
            assert compiled.gettext(message.id) == message.string, "stale: run `python tests/catalogs.py`"


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_trigger_question_of_needs_is_the_one_read_back(language):
    # `guide journal play --needs` finds the answers to this question by the language's word for needing.
    rules = rules_for(language)
    assert rules is not None
    asked = words_in(language).gettext("What did you need?")
    assert asked != "What did you need?" and rules.needs.question.search(asked)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_each_command_is_listed_with_the_first_words_of_its_own_help(language):
    words = words_in(language)
    ctx = click.Context(cli)
    for name, (_where, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None and command.help is not None
        assert words.gettext(inspect.cleandoc(command.help)).startswith(words.gettext(summary)), name


def test_an_error_under_a_german_locale_is_in_german(run_guide):
    env = {"LANG": "de_DE.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}
    missing = run_guide("play", "no-such-session", env=env)
    assert missing.returncode == 2
    assert "no-such-session: keine solche Skriptdatei und keine mitgelieferte Übung dieses Namens" in missing.stderr
    usage = run_guide("play", env=env)
    assert usage.returncode == 2
    assert "Aufruf: guide play [OPTIONEN] SKRIPT" in usage.stderr and "Fehlendes Argument 'SKRIPT'" in usage.stderr
    assert "Usage" not in usage.stderr and "Missing" not in usage.stderr
    assert run_guide("--version", env=env).stdout.startswith("guide, Version "), "Click words its own on import"


@pytest.mark.parametrize(
    ("language", "usage", "options", "keys"),
    [
        ("es", "Uso:", "Opciones:", "Teclas durante la reproducción"),
        ("de", "Aufruf:", "Optionen:", "Tasten beim Abspielen"),
        ("fr", "Utilisation :", "Options:", "Touches pendant l'écoute"),
    ],
)
def test_help_is_in_the_language_asked_for_before_it(guide, capsys, language, usage, options, keys):
    # Click writes help to the process's standard output.
    assert guide("play", "--language", language, "--help").returncode == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"{usage} guide play ") and options in shown and keys in shown
    assert "Show this message and exit." not in shown and "Usage:" not in shown and "LANGUAGE" not in shown


def test_the_locale_picks_the_words_and_an_in_process_run_leaves_the_next_in_english(guide, capsys):
    guide("list", "--help", locale_language="fr-FR")
    assert capsys.readouterr().out.startswith("Utilisation : guide list [OPTIONS]")
    guide("list", "--help")
    assert capsys.readouterr().out.startswith("Usage: guide list [OPTIONS]"), "one run's language is not the next's"


SPOKEN = {
    "es": ("Te doy la bienvenida.", "Estás aquí, hoy, a salvo."),
    "de": ("Willkommen.", "Du bist hier, heute, in Sicherheit."),
    "fr": ("Bienvenue.", "Vous êtes ici, aujourd'hui, en sécurité."),
}


def english_fragments(language: str) -> set[str]:
    """The program's English between its placeholders, where its translation in `language` says it otherwise."""
    found = set()
    for message in catalogs.read(language):
        for english, text in forms(message) if message.id else ():
            for fragment in re.split(r"\{[^}]*\}|%\([a-z_]+\)[sd]", english):
                fragment = fragment.strip(" .,:;()…")
                if len(fragment) >= 6 and fragment not in text:
                    found.add(fragment)
    return found


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_a_play_on_a_terminal_shows_none_of_the_programs_words_in_english(
    language, write_script, paced_audio, terminal_play
):
    first, closing = SPOKEN[language]
    script = write_script(
        f"title: T\nlanguage: {language}\nsections:\n  - title: Uno\n    steps:\n      - say: {first}\n"
        f"      - silence: 30s\nclosing:\n  - say: {closing}\n"
    )
    words = words_in(language)
    player = terminal_play(["play", str(script), "--language", language, "--no-checkin", "--verbose"], paced_audio)
    player.wait_for(words.gettext("(silence, {length})").split("{")[0])
    player.press(" ")
    player.wait_for(words.gettext("paused (space to go on)"))
    player.press(" ")
    player.press("q")
    player.wait_for(words.gettext(OFFER_CLOSING))
    player.press("q")
    code, stderr = player.finish()
    shown = player.shown.decode() + stderr
    assert code == 0 and words.gettext(KEYS_HINT) in shown, shown
    assert words.gettext("Stopped at {time}.").split("{")[0] in stderr
    assert sorted(fragment for fragment in english_fragments(language) if fragment in shown) == []


def test_a_script_error_is_in_the_practitioners_language_and_keeps_its_place(guide, write_script):
    script = write_script("title: T\nsections:\n  - title: A\n    stesp:\n      - say: Hola.\n")
    checked = guide("check", str(script), locale_language="es-ES")
    assert checked.returncode == 3
    assert f"{script}:4:5: stesp: clave desconocida en una sección (¿quizá querías decir steps?)" in checked.stderr


def test_a_care_warning_names_the_scripts_language_in_the_practitioners(guide, write_script):
    script = write_script(
        "title: T\nlanguage: fr\nsections:\n  - title: A\n    steps:\n"
        "      - say: Vous pouvez arrêter quand vous le souhaitez.\nclosing:\n  - say: Merci.\n"
    )
    checked = guide("check", str(script), locale_language="de-DE")
    assert "(Französisch: " in checked.stdout + checked.stderr, checked.stderr
