"""`guide journal play`: the person's own words read back in a held session, and kept nowhere but the journal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from measure import prepared, silences, wav_samples
from terminal import answered, checkin_answers

from guide.journal.entries import NewEntry
from guide.journal.store import Journal
from guide.script import library
from guide.script.language_rules import rules_or_english
from guide.script.loader import load_fragment, load_script
from guide.script.model import Say, Silence
from guide.script.readback import SILENCE_AFTER_MS, answers_to_needs, entry_script, needs_script

LETTER = "Dear younger me,\nI see you hiding under the stairs.\n\nYou did nothing wrong.\nI am here now."
PRIVATE = ("hiding under the stairs", "You did nothing wrong", "a blue blanket", "someone to stay")
"""Words of the person's that must never be written outside the journal, unless exported."""


def write_entries(data_dir: Path) -> int:
    with Journal(data_dir) as journal:
        letter = journal.add(NewEntry("letter-to", LETTER))
        journal.add(NewEntry("trigger", "What happened? A door slammed.\nWhat did you need? Someone to stay."))
        journal.add(
            NewEntry(
                "checkin",
                "Before: tense\n\nWhat did your younger self need most today?\nA blue blanket,\nand quiet.",
                session="sit-with-your-younger-self",
            )
        )
    return letter


def test_an_entry_is_read_a_paragraph_at_a_time_between_the_arrival_and_the_grounding_close():
    script = entry_script(LETTER, "en")
    arrival, words = script.sections
    assert arrival.steps == load_fragment(library.fragment("arriving.yaml"))
    assert script.closing == load_fragment(library.fragment("grounding-close.yaml"))
    said = [(type(step), getattr(step, "text", None)) for step in words.steps]
    assert said == [
        (Say, rules_or_english("en").readback["before_entry"]),
        (type(words.steps[1]), None),
        (Say, "Dear younger me, I see you hiding under the stairs."),
        (Silence, None),
        (Say, "You did nothing wrong. I am here now."),
        (Silence, None),
    ]
    assert script.content_note and script.title == "Your words, read back"
    spanish = entry_script(LETTER, "es")
    assert spanish.closing == load_fragment(library.fragment("grounding-close.yaml", "es"))
    assert spanish.sections[1].steps[0].text.startswith("Ahora, tus propias palabras")


def test_each_answer_of_what_was_needed_is_said_back_and_the_statements_fill_in_below_three():
    texts = [
        "What happened? A door slammed.\nWhat did you need? I needed someone to stay.",
        "What did your younger self need most today?\nA blue blanket,\nand quiet.\n\nWhat did you notice?\nWarmth.",
        "¿Qué necesitaba tu parte más joven en ese momento?\nQue alguien me escuchara.",
    ]
    needs = answers_to_needs(texts)
    assert needs == ["I needed someone to stay.", "A blue blanket, and quiet.", "Que alguien me escuchara."]
    script, own = needs_script(needs[:2], "en")
    lines = [step.text for step in script.sections[1].steps if isinstance(step, Say)][1:]
    assert own == 2
    assert lines == ["You needed someone to stay.", "You needed a blue blanket, and quiet.", "You are safe now."]
    _, own = needs_script(needs, "en")
    assert own == 3
    german, _ = needs_script(["Ich brauchte Ruhe."], "de")
    assert [step.text for step in german.sections[1].steps if isinstance(step, Say)][1] == "Du hast gebraucht: Ruhe."


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_the_statements_that_fill_in_are_the_built_in_sessions_own(language):
    session = load_script(library.find_script("reparenting-statements", language))
    spoken = {step.text for section in session.sections for step in section.steps if isinstance(step, Say)}
    assert set(rules_or_english(language).needs.fill_in) <= spoken


def test_a_read_back_exported_sounds_as_planned_with_a_silence_after_each_paragraph(run_guide, data_env, tmp_path):
    letter = write_entries(data_env)
    out = tmp_path / "letter.wav"
    result = run_guide("journal", "play", str(letter), "-o", str(out))
    assert result.returncode == 0, result.stderr
    samples = wav_samples(out)
    planned = prepared(entry_script(LETTER, "en")).timeline
    assert len(samples) / 22.05 == pytest.approx(planned.length_ms, abs=1000)
    long_quiet = [end - start for start, end in silences(samples, SILENCE_AFTER_MS - 500)]
    assert len(long_quiet) >= 2, "a silence after each paragraph"


def test_a_length_and_a_language_are_asked_as_for_play(run_guide, data_env, tmp_path):
    letter = write_entries(data_env)
    out = tmp_path / "carta.wav"
    result = run_guide("journal", "play", str(letter), "--language", "es", "--duration", "3m30s", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(wav_samples(out)) / 22_050 == pytest.approx(210, abs=8)
    beyond = run_guide("journal", "play", str(letter), "--duration", "30m", "-o", str(out))
    assert beyond.returncode == 2 and "this script can last from" in beyond.stderr
    assert run_guide("journal", "play", "-o", str(out)).returncode == 2, "an ID or --needs"
    missing = run_guide("journal", "play", "99", "-o", str(out))
    assert missing.returncode == 2 and "no entry 99" in missing.stderr


def test_the_needs_are_said_back_and_it_says_when_the_statements_fill_in(run_guide, data_env, tmp_path):
    write_entries(data_env)
    result = run_guide("journal", "play", "--needs", "-o", str(tmp_path / "needs.wav"))
    assert result.returncode == 0, result.stderr
    assert 'Only 2 of your answers to "what did you need?" were found' in result.stderr
    assert '"Reparenting Statements" fill in the rest' in result.stderr


def every_file_under(*folders: Path) -> list[Path]:
    return [Path(root) / name for folder in folders for root, _, names in os.walk(folder) for name in names]


def test_the_words_are_written_nowhere_but_the_journal_and_the_file_asked_for(
    run_guide, data_env, clip_cache, alsa_capture, tmp_path
):
    letter = write_entries(data_env)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env, capture = alsa_capture
    env = {**env, "TMPDIR": str(temporary)}
    exported = tmp_path / "exported" / "needs.wav"
    exported.parent.mkdir()
    assert run_guide("journal", "play", str(letter), env=env).returncode == 0
    assert capture.stat().st_size > 22_050 * 2 * 60, "it played"
    history = run_guide("journal", "list", "--sessions", "--language", "de").stdout
    assert f"Tagebucheintrag {letter}, vorgelesen" in history, "the history names the read-back in its words"
    assert run_guide("journal", "play", "--needs", "-o", str(exported), env=env).returncode == 0
    written = [
        path
        for path in every_file_under(data_env, clip_cache, temporary, Path.home() / ".cache" / "inner-guide")
        if not path.name.startswith("journal.sqlite3")
    ]
    for path in written:
        content = path.read_bytes()
        assert not any(words.encode() in content for words in PRIVATE), path
    assert not any(path.suffix == ".wav" for path in every_file_under(clip_cache)), "no clip kept in the cache"


def test_a_locked_journal_asks_its_passphrase_first_and_the_check_in_goes_around_the_play(
    guide, data_env, alsa_capture, tmp_path
):
    letter = write_entries(data_env)
    assert guide("journal", "lock", journal_passphrase="quiet harbour").returncode == 0
    env, capture = alsa_capture
    ran = answered(
        ["journal", "play", str(letter), "--duration", "3m"],
        env,
        tmp_path,
        [
            ("The journal's passphrase:", "quiet harbour\n"),
            *checkin_answers("4", "", "2", "held"),
        ],
    )
    assert ran.code == 0, ran.stderr
    shown = ran.shown.decode()
    assert shown.index("The journal's passphrase:") < shown.index("How much distress"), "the passphrase first"
    assert shown.count("The journal's passphrase") == 1, "asked once for the play and its check-in"
    assert capture.stat().st_size > 22_050 * 2 * 150, "the whole of it played"
    with Journal(data_env) as journal:
        from guide.journal.sealing import opened

        seal = opened(journal.lock(), "quiet harbour")
        checkin = journal.entries(seal, "checkin")[-1]
    assert (checkin.session, checkin.before, checkin.after) == (f"journal entry {letter}", 4, 2)
