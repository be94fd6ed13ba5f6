"""The journal: a real SQLite file kept private, entries written, listed, sealed and reported, and nothing lost."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import pytest
from measure import played, wav_samples
from terminal import Terminal, answered, checkin_answers

from guide.journal.care import care_note
from guide.journal.entries import NewEntry
from guide.journal.migrations import MIGRATIONS
from guide.journal.store import FILE_NAME, Journal
from guide.script.language_rules import rules_or_english
from guide.script.library import builtin_session
from guide.script.loader import load_script

PASSPHRASE = {"GUIDE_JOURNAL_PASSPHRASE": "a long walk by the river"}


def listed(guide, *args: str, **changes) -> list[dict]:
    result = guide("journal", "list", "--json", *args, **changes)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_entries_are_written_listed_shown_and_deleted(guide, data_env):
    assert guide("journal", "write", "--kind", "letter-to", "--text", "Dear one, I see you.").returncode == 0
    assert guide("journal", "write", stdin="Words from a pipe.\n").returncode == 0
    assert guide("journal", "trigger", "--text", "A raised voice. I felt seven.").returncode == 0
    entries = listed(guide)
    assert [(e["id"], e["kind"], e["text"]) for e in entries] == [
        (1, "letter-to", "Dear one, I see you."),
        (2, "note", "Words from a pipe."),
        (3, "trigger", "A raised voice. I felt seven."),
    ]
    assert set(entries[0]) == {"id", "kind", "created", "session", "before", "after", "text"}
    assert entries[0]["created"][10] == "T" and entries[0]["session"] is None and entries[0]["before"] is None
    assert [e["id"] for e in listed(guide, "--kind", "trigger")] == [3]
    assert listed(guide, "--since", "2999-01-01") == []
    assert "Dear one, I see you." in guide("journal", "show", "1").stdout
    assert guide("journal", "delete", "2").returncode == 0
    assert [e["id"] for e in listed(guide)] == [1, 3]
    missing = guide("journal", "show", "2")
    assert missing.returncode == 2 and "no entry 2" in missing.stderr


def test_the_listing_names_each_entry_and_its_session_in_the_persons_language(guide, data_env):
    session = ["--session", "sit-with-your-younger-self"]
    assert guide("journal", "write", "--kind", "letter-to", *session, "--text", "Querida criatura.").returncode == 0
    assert guide("journal", "trigger", "--text", "Una voz alta.").returncode == 0
    shown = guide("journal", "list", "--language", "es").stdout.splitlines()
    assert "Carta a mi yo más joven · Siéntate con tu yo más joven  Querida criatura." in shown[0]
    assert "Detonante  Una voz alta." in shown[1]
    assert "letter-to" not in shown[0] and "trigger" not in shown[1], "the kinds --kind takes stay out of sight"


def test_the_file_is_its_owners_alone_in_wal_mode_at_the_latest_version(guide, data_env):
    assert guide("journal", "write", "--text", "private").returncode == 0
    path = data_env / FILE_NAME
    assert stat.S_IMODE(os.stat(data_env).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_journal_of_the_first_version_is_brought_up_to_date_keeping_its_entries(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    with sqlite3.connect(folder / FILE_NAME) as db:
        db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
        db.execute("INSERT INTO entries (kind, created, text) VALUES ('note', '2026-01-02T03:04:05+00:00', 'old')")
    with Journal(folder) as journal:
        assert journal.version == len(MIGRATIONS)
        [entry] = journal.entries()
        assert (entry.text, entry.before, entry.stopped_at) == ("old", None, None)
        journal.add(NewEntry("checkin", "", "body-awareness", before=5, after=3))
        assert journal.distress() == [(2, 5, 3)]


def test_the_editor_writes_an_entry_on_a_terminal(tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Written in my editor.\\n" >> "$1"\n')
    editor.chmod(0o755)
    ran = answered(["journal", "write", "--kind", "reflection"], {"EDITOR": str(editor)}, tmp_path)
    assert ran.code == 0, ran.stderr
    with Journal(_data_dir()) as journal:
        assert [(e.kind, e.text) for e in journal.entries()] == [("reflection", "Written in my editor.")]


NO_EDITOR = {"VISUAL": "", "EDITOR": ""}


def test_with_no_editor_a_letter_is_typed_at_the_terminal_after_its_opening(tmp_path):
    ran = answered(
        ["journal", "write", "--kind", "letter-to"],
        NO_EDITOR,
        tmp_path,
        [("An empty line, or Ctrl+D, ends it.", ""), ("Dear younger me,", "I see you.\nYou were so brave.\n\n")],
    )
    assert ran.code == 0, ran.stderr
    ran = answered(["journal", "write"], NO_EDITOR, tmp_path, [("Ctrl+D, ends it.", "A small win today.\n\x04")])
    assert ran.code == 0, ran.stderr
    assert "Dear" not in ran.shown.decode(), "a note has no opening"
    with Journal(_data_dir()) as journal:
        assert [(e.kind, e.text) for e in journal.entries()] == [
            ("letter-to", "Dear younger me,\nI see you.\nYou were so brave."),
            ("note", "A small win today."),
        ]


PAGE_EDITOR = """\
#!/bin/sh
printf '%s\\n' "$1" > "{seen}"
stat -c '%a' "$1" "$(dirname "$1")" >> "{seen}"
cat "$1" >> "{seen}"
{then}
"""
"""An editor that tells where its page is (the path, its mode and its folder's), and what was on it, then
does `then`."""


def page_editor(tmp_path, then: str) -> tuple[dict[str, str], Path]:
    seen = tmp_path / "seen.txt"
    editor = tmp_path / "editor.sh"
    editor.write_text(PAGE_EDITOR.format(seen=seen, then=then))
    editor.chmod(0o755)
    return {"VISUAL": str(editor)}, seen


def test_the_editors_page_opens_on_a_note_and_an_opening_and_never_leaves_the_private_folder(tmp_path):
    env, seen = page_editor(tmp_path, then='printf "I am here for you now.\\n" >> "$1"')
    ran = answered(["journal", "write", "--kind", "letter-to"], env, tmp_path)
    assert ran.code == 0, ran.stderr
    page, page_mode, folder_mode, *started = seen.read_text().splitlines()
    assert Path(page).parent == _data_dir() / "writing" and (page_mode, folder_mode) == ("600", "700")
    assert started[0].startswith("<!-- Write to your younger self") and started[-1] == "Dear younger me,"
    assert not Path(page).exists(), "the page is removed once kept"
    with Journal(_data_dir()) as journal:
        [entry] = journal.entries()
    assert entry.text == "Dear younger me,\nI am here for you now.", "the note is not kept"


def test_a_page_left_by_a_writer_that_was_killed_is_removed_the_next_time(tmp_path):
    editor_pid = tmp_path / "editor.pid"
    env, seen = page_editor(
        tmp_path, then=f'printf "Words I had not kept.\\n" >> "$1"; echo $$ > {editor_pid}; exec sleep 60'
    )
    writing = Terminal(["journal", "write"], env, tmp_path)
    try:
        deadline = time.monotonic() + 30
        while not (seen.exists() and len(seen.read_text().splitlines()) > 3):
            assert time.monotonic() < deadline and writing.pump(), "the editor never opened"
        page = Path(seen.read_text().splitlines()[0])
        assert page.parent == _data_dir() / "writing", "the words wait in the private folder, not the shared one"
        listing = answered(["journal", "list"], {}, tmp_path)
        assert listing.code == 0 and page.exists(), "a page still being written is left alone"
        writing.process.kill()
        writing.process.wait()
    finally:
        writing.close()
        if editor_pid.exists():
            os.kill(int(editor_pid.read_text()), signal.SIGKILL)
    assert answered(["journal", "list"], {}, tmp_path).code == 0
    assert not page.exists() and list(page.parent.iterdir()) == []


def test_a_trigger_is_asked_question_by_question_on_a_terminal(tmp_path):
    ran = answered(
        ["journal", "trigger"],
        {},
        tmp_path,
        [
            ("What happened?", "A door slammed.\n"),
            ("What did you feel?", "Fear.\n"),
            ("Where in your body did you feel it?", "My chest.\n"),
            ("How old did you feel?", "\n"),
            ("What did you need?", "To be held.\n"),
        ],
    )
    assert ran.code == 0, ran.stderr
    with Journal(_data_dir()) as journal:
        [entry] = journal.entries()
    assert entry.text == (
        "What happened? A door slammed.\nWhat did you feel? Fear.\nWhere in your body did you feel it? My chest.\n"
        "What did you need? To be held."
    )


def test_locking_seals_the_words_at_rest_and_a_wrong_passphrase_changes_nothing(guide, data_env):
    assert guide("journal", "write", "--text", "The river at dusk.").returncode == 0
    assert guide("journal", "lock", journal_passphrase=PASSPHRASE["GUIDE_JOURNAL_PASSPHRASE"]).returncode == 0
    path = data_env / FILE_NAME
    assert b"river at dusk" not in path.read_bytes() + _wal(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text FROM entries").fetchone()[0].startswith("gAAAA"), "a Fernet token"
    before = path.read_bytes()
    for wrong in ("a short walk", None):
        refused = guide("journal", "list", journal_passphrase=wrong)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        refused_unlock = guide("journal", "unlock", journal_passphrase=wrong)
        assert refused_unlock.returncode == 2
    assert (
        "does not open the journal; nothing was changed"
        in guide("journal", "unlock", journal_passphrase="a short walk").stderr
    )
    assert path.read_bytes() == before
    right = PASSPHRASE["GUIDE_JOURNAL_PASSPHRASE"]
    assert guide("journal", "write", "--text", "A second, sealed.", journal_passphrase=right).returncode == 0
    assert [e["text"] for e in listed(guide, journal_passphrase=right)] == ["The river at dusk.", "A second, sealed."]
    assert guide("journal", "unlock", journal_passphrase=right).returncode == 0
    assert [e["text"] for e in listed(guide)] == ["The river at dusk.", "A second, sealed."]


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from guide.journal.entries import NewEntry
    from guide.journal.store import Journal
    name, count = sys.argv[2], int(sys.argv[3])
    with Journal(Path(sys.argv[1])) as journal:
        for n in range(count):
            print(journal.add(NewEntry("note", f"{name} {n}")), flush=True)
    """
)


def test_two_processes_writing_at_once_both_keep_every_entry(tmp_path):
    folder = tmp_path / "data"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), name, "150"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr
    with Journal(folder) as journal:
        texts = sorted(e.text for e in journal.entries())
    assert texts == sorted(f"{name} {n}" for name in ("first", "second") for n in range(150))


def test_a_writer_killed_mid_write_loses_only_what_was_not_yet_saved(tmp_path):
    folder = tmp_path / "data"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), "kept", "100000"], stdout=subprocess.PIPE)
    saved = [int(writer.stdout.readline()) for _ in range(200)]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    with Journal(folder) as journal:
        kept = {e.id for e in journal.entries()}
    assert set(saved) <= kept, "every entry it said it saved is there"
    with sqlite3.connect(folder / FILE_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_file_is_named_left_as_it_is_and_exit_non_zero(guide, data_env, damage):
    assert guide("journal", "write", "--text", "something to keep").returncode == 0
    path = data_env / FILE_NAME
    for n in range(30):
        assert guide("journal", "write", "--text", f"more words {n} " * 40).returncode == 0
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    whole = path.read_bytes()
    path.write_bytes(b"not a database at all " * 300 if damage == "garbage" else whole[: len(whole) // 2])
    damaged = path.read_bytes()
    path.chmod(0o644)
    for args in (["list"], ["write", "--text", "new"], ["export", "-o", str(data_env.parent / "r.md")]):
        result = guide("journal", *args)
        assert result.returncode == 1, args
        assert f"guide: the journal {path} cannot be read" in result.stderr
        assert "left exactly as it is" in result.stderr and "Traceback" not in result.stderr
        assert path.read_bytes() == damaged, "never overwritten, never repaired"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, "its mode too is left as it was"
    assert not (data_env.parent / "r.md").exists()


def test_another_programs_database_or_a_link_to_one_is_refused_and_never_changed(guide, data_env):
    other = data_env / "photos.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, caption TEXT)")
        db.execute("INSERT INTO photos (caption) VALUES ('the lake')")
    db.close()
    other.chmod(0o644)
    kept = other.read_bytes()
    journal_file = data_env / FILE_NAME
    for how in ("in its place", "linked"):
        if how == "linked":
            journal_file.unlink()
            journal_file.symlink_to(other)
        else:
            journal_file.write_bytes(kept)
            journal_file.chmod(0o644)
        for args in (["list"], ["write", "--text", "new"], ["lock"]):
            result = guide("journal", *args, journal_passphrase="quiet harbour")
            assert result.returncode == 2, (how, args, result.stderr)
            said = "is a link, where the journal's own file" if how == "linked" else "is another program's database"
            assert f"{journal_file} {said}" in result.stderr and "left as it is" in result.stderr, result.stderr
            assert journal_file.read_bytes() == kept and other.read_bytes() == kept, "never changed"
            assert stat.S_IMODE(os.lstat(other).st_mode) == 0o644, "its mode included"
            assert not (data_env / f"{FILE_NAME}-wal").exists()


def test_a_folder_or_a_file_in_the_wrong_place_is_a_clear_error_naming_it(guide, data_env, tmp_path):
    (data_env / FILE_NAME).mkdir()
    result = guide("journal", "list")
    assert result.returncode == 2 and f"{data_env / FILE_NAME} is a folder, where the journal's file" in result.stderr
    (data_env / FILE_NAME).rmdir()
    in_the_way = tmp_path / "data-file"
    in_the_way.write_text("a note")
    for data_dir in (in_the_way, in_the_way / "inside"):
        result = guide("journal", "list", data_dir=data_dir)
        assert result.returncode == 2, result.stderr
        assert f"{in_the_way} is a file, where the data folder {data_dir} should be" in result.stderr
        assert "internal error" not in result.stderr and in_the_way.read_text() == "a note"


@pytest.mark.skipif(os.geteuid() == 0, reason="no permission is denied to root")
def test_a_permission_problem_is_a_clear_error_naming_the_path(guide, data_env):
    assert guide("journal", "write", "--text", "Held close.").returncode == 0
    (data_env / FILE_NAME).chmod(0o000)
    result = guide("journal", "list")
    assert result.returncode == 2 and f"cannot use {data_env / FILE_NAME}: permission denied" in result.stderr
    assert "internal error" not in result.stderr


def test_a_full_disk_is_told_as_a_full_disk_and_the_journal_is_intact(data_env):
    from guide.errors import GuideError

    with Journal(data_env) as journal:
        journal.add(NewEntry("note", "Held close."))
        # SQLite's own limit on the file's size: its writes then fail as on a full disk.
        pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
        journal._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(GuideError) as refused:
            journal.add(NewEntry("note", "a long letter " * 20_000))
    assert str(refused.value).startswith(f"the disk that holds the journal {data_env / FILE_NAME} is full")
    assert "the journal is intact" in str(refused.value) and "Move it aside" not in str(refused.value)
    with Journal(data_env) as journal:
        assert [e.text for e in journal.entries()] == ["Held close."]


def test_a_read_only_journal_is_listed_and_says_so_when_written_to(guide, data_env, monkeypatch):
    from guide.journal import store

    assert guide("journal", "write", "--text", "Held close.").returncode == 0
    before = (data_env / FILE_NAME).read_bytes()
    monkeypatch.setattr(store, "writable", lambda data_dir, path: False)  # as for a journal on a read-only disk
    assert [e["text"] for e in listed(guide)] == ["Held close."]
    refused = guide("journal", "write", "--text", "More.")
    assert refused.returncode == 2 and f"the journal {data_env / FILE_NAME} is read-only" in refused.stderr
    assert (data_env / FILE_NAME).read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anything")
def test_a_journal_this_user_may_only_read_is_listed_as_it_lies(guide, data_env):
    assert guide("journal", "write", "--text", "Held close.").returncode == 0
    (data_env / FILE_NAME).chmod(0o400)
    data_env.chmod(0o500)
    try:
        assert [e["text"] for e in listed(guide)] == ["Held close."]
        refused = guide("journal", "write", "--text", "More.")
        assert refused.returncode == 2 and "is read-only" in refused.stderr
    finally:
        data_env.chmod(0o700)


READER = textwrap.dedent(
    """
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN")
    db.execute("SELECT count(*) FROM entries").fetchone()
    print("reading", flush=True)
    time.sleep(float(sys.argv[2]))
    db.execute("COMMIT")
    time.sleep(60)
    """
)
"""Another process with the journal open: reading it for a while, then idle with it open."""


def test_locking_seals_every_word_and_session_and_leaves_no_plain_copy_while_another_has_it_open(guide, data_env):
    for n in range(40):
        written = guide("journal", "write", "--text", f"The river at dusk, {n}.", "--session", "mirror-words")
        assert written.returncode == 0
    path = data_env / FILE_NAME
    reader = subprocess.Popen([sys.executable, "-c", READER, str(path), "2"], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "reading\n"
        locked = guide("journal", "lock", journal_passphrase="quiet harbour")
        assert locked.returncode == 0, locked.stderr
        files = path.read_bytes() + _wal(path)
        assert b"river at dusk" not in files and b"mirror-words" not in files, "no plain page left anywhere"
    finally:
        reader.kill()
        reader.wait()
    entries = listed(guide, journal_passphrase="quiet harbour")
    assert {e["session"] for e in entries} == {"mirror-words"} and len(entries) == 40


def test_forget_deletes_everything_and_says_so(guide, data_env):
    assert guide("journal", "write", "--text", "one").returncode == 0
    assert guide("journal", "write", "--text", "two").returncode == 0
    refused = guide("journal", "forget")
    assert refused.returncode == 2 and (data_env / FILE_NAME).exists()
    forgot = guide("journal", "forget", "--yes")
    assert forgot.returncode == 0 and "2 entries deleted" in forgot.stderr
    assert not any(data_env.iterdir())


def test_the_report_holds_every_entry_and_draws_each_check_in(guide, data_env, tmp_path):
    with Journal(data_env) as journal:
        for before, after in [(7, 4), (6, None), (5, 2), (None, 3)]:
            journal.add(NewEntry("checkin", "Before: tight", "body-awareness", before, after))
        journal.add(NewEntry("letter-from", "Dear me, <thank you> & more."))
    page = tmp_path / "report.html"
    assert guide("journal", "export", "-o", str(page)).returncode == 0
    assert stat.S_IMODE(os.stat(page).st_mode) == 0o600
    text = page.read_text()
    assert "Dear me, &lt;thank you&gt; &amp; more." in text and "Letter from my younger self" in text
    svg = ElementTree.fromstring(text[text.index("<svg") : text.index("</svg>") + 6])
    points = {}
    for series in ("before", "after"):
        group = next(g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == series)
        points[series] = [float(u.get("y")) for u in group.iter("{http://www.w3.org/2000/svg}use")]
    assert len(points["before"]) == 3 and len(points["after"]) == 3, "a point for each rating given"
    # Higher distress is drawn higher (a smaller y in SVG): 7 > 6 > 5 before, 2 < 3 < 4 after.
    assert points["before"][0] < points["before"][1] < points["before"][2]
    assert points["after"][1] > points["after"][2] > points["after"][0]
    notes = tmp_path / "report.md"
    assert guide("journal", "export", "-o", str(notes)).returncode == 0
    markdown = notes.read_text()
    assert "| " in markdown and "Dear me, <thank you> & more." in markdown and markdown.count("· Check-in") == 4
    refused = guide("journal", "export", "-o", str(tmp_path / "no-such-folder" / "r.html"))
    assert refused.returncode == 1 and not (tmp_path / "no-such-folder").exists()


def test_a_gentle_word_when_sessions_leave_someone_worse_said_once(tmp_path):
    with Journal(tmp_path / "data") as journal:
        said = []
        for before, after in [(3, 2), (4, 5), (4, 6), (5, 7), (2, 1), (3, 8), (2, 1), (6, 9), (8, 8)]:
            journal.add(NewEntry("checkin", "", "body-awareness", before, after))
            said.append(care_note(journal))
    # Worse twice running (the third), then still worse (the fourth: not said again); 8 or more every time, with
    # where urgent help is.
    assert [note is not None for note in said] == [False, False, True, False, False, True, False, True, True]
    assert all("findahelpline.com" in said[i] for i in (5, 7, 8)) and "findahelpline.com" not in said[2]
    note = rules_or_english("en").checkin["care_note"]
    assert "therapist" in note and "when-you-are-triggered" in note


def _wal(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def _data_dir():
    from pathlib import Path

    return Path(os.environ["GUIDE_DATA_DIR"])


CHECKED_SCRIPT = """\
title: A Short Sit
content_note: You can open your eyes or stop at any time.
sections:
  - title: Arriving
    steps:
      - say: Welcome. Let the ground hold you.
      - silence: 3s
closing:
  - say: You are here, today, and safe.
reflect:
  - What did you notice?
  - What would you like to remember?
"""


def test_a_play_on_a_terminal_checks_in_before_and_after_and_keeps_it(run_guide, write_script, alsa_capture, tmp_path):
    env, capture = alsa_capture
    script = write_script(CHECKED_SCRIPT)
    exported = tmp_path / "whole.wav"
    assert run_guide("export", str(script), "-o", str(exported)).returncode == 0
    ran = answered(
        ["play", str(script)],
        env,
        tmp_path,
        [
            ("How much distress do you feel right now, from 0 to 10? (Enter skips)", "eleven\n"),
            ("A whole number from 0 to 10, or Enter to skip.", "6\n"),
            ("A few words for how you feel, if you like:", "tense, tired\n"),
            ("A moment to check in again", ""),
            ("from 0 to 10? (Enter skips)", "3\n"),
            ("how you feel now, if you like:", "calmer\n"),
            ("What did you notice?", "My breath slowed.\nAnd my shoulders.\n\n"),
            ("What would you like to remember?", "\n"),
        ],
    )
    assert ran.code == 0, ran.stderr
    assert ran.restored, "the terminal is as it was, keys and all"
    assert b"Kept in your journal" in ran.shown
    rendered = wav_samples(exported)
    assert np.array_equal(played(capture, len(rendered)), rendered), "the session played whole, as it exports"
    with Journal(_data_dir()) as journal:
        [entry] = journal.entries()
    assert (entry.kind, entry.session, entry.before, entry.after, entry.stopped_at) == (
        "checkin",
        str(script),
        6,
        3,
        None,
    )
    assert (
        entry.text
        == "Before: tense, tired\nAfter: calmer\n\nWhat did you notice?\nMy breath slowed.\nAnd my shoulders."
    )
    assert entry.heard_ms == pytest.approx(len(rendered) / 22.05, abs=5)


def test_a_locked_journal_asks_its_passphrase_before_the_check_in_and_never_loses_one(
    guide, write_script, alsa_capture, tmp_path
):
    env, capture = alsa_capture
    assert guide("journal", "lock", journal_passphrase="quiet harbour").returncode == 0
    script = str(write_script(CHECKED_SCRIPT))
    ran = answered(
        ["play", script],
        env,
        tmp_path,
        [
            ("The journal's passphrase:", "quiet harbor\n"),
            ("That passphrase does not open the journal.", ""),
            ("The journal's passphrase (try 2 of 3):", "quiet harbour\n"),
            *checkin_answers("6", "tense", "3", "calmer"),
            ("What did you notice?", "\n"),
            ("What would you like to remember?", "\n"),
        ],
    )
    assert ran.code == 0, ran.stderr
    shown = ran.shown.decode()
    assert shown.index("(try 2 of 3)") < shown.index("How much distress"), "the passphrase comes first"
    assert "Kept in your journal" in shown and "quiet harbour" not in shown
    [entry] = listed(guide, journal_passphrase="quiet harbour")
    assert (entry["before"], entry["after"], entry["text"]) == (6, 3, "Before: tense\nAfter: calmer")
    assert b"calmer" not in (_data_dir() / FILE_NAME).read_bytes(), "sealed like every entry of a locked journal"

    capture.unlink()
    tries = [(f"The journal's passphrase{again}:", "wrong words\n") for again in ("", " (try 2 of 3)", " (try 3 of 3)")]
    ran = answered(["play", script], env, tmp_path, tries)
    assert ran.code == 0, ran.stderr
    assert "there is no check-in this time: nothing is asked that could not be kept" in " ".join(ran.stderr.split())
    assert "How much distress" not in ran.shown.decode(), "no question is asked whose answer would be lost"
    assert capture.stat().st_size > 0, "the session played all the same"
    assert len(listed(guide, journal_passphrase="quiet harbour")) == 1


@pytest.mark.parametrize("how", ["--no-checkin", "checkins off", "not a terminal"])
def test_no_check_in_when_asked_for_none_or_off_a_terminal(how, run_guide, write_script, alsa_capture, tmp_path):
    env, _ = alsa_capture
    script = write_script(CHECKED_SCRIPT)
    if how == "not a terminal":
        assert run_guide("play", str(script), env=env).returncode == 0
    else:
        if how == "checkins off":
            assert run_guide("journal", "checkins", "off").returncode == 0
        options = ["--no-checkin"] if how == "--no-checkin" else []
        ran = answered(["play", str(script), *options], env, tmp_path)
        assert ran.code == 0, ran.stderr
        assert b"distress" not in ran.shown and b"What did you notice?" in ran.shown
    with Journal(_data_dir()) as journal:
        assert journal.entries() == []


def test_the_passphrase_is_asked_unseen_on_a_terminal_twice_to_lock_once_to_read(guide, tmp_path):
    assert guide("journal", "write", "--text", "Held close.").returncode == 0

    def on_terminal(args: list[str], answers: list[tuple[str, str]]) -> bytes:
        ran = answered(args, {}, tmp_path, [(question, answer + "\n") for question, answer in answers])
        assert ran.code == 0, ran.stderr
        return ran.shown

    shown = on_terminal(
        ["journal", "lock"], [("A passphrase for the journal:", "quiet harbour"), ("The same again:", "quiet harbour")]
    )
    assert b"quiet harbour" not in shown, "a passphrase is never shown"
    assert guide("journal", "list").returncode == 2, "off a terminal, with no passphrase, it is refused"
    shown = on_terminal(["journal", "list"], [("The journal's passphrase:", "quiet harbour")])
    assert b"Held close." in shown and b"quiet harbour" not in shown


def test_a_journal_that_cannot_be_opened_never_stands_between_a_person_and_a_session(
    write_script, alsa_capture, tmp_path
):
    env, capture = alsa_capture
    journal_file = _data_dir() / FILE_NAME
    _data_dir().mkdir(parents=True, exist_ok=True)
    journal_file.write_bytes(b"not a database " * 100)
    ran = answered(["play", str(write_script(CHECKED_SCRIPT))], env, tmp_path)
    assert ran.code == 0, ran.stderr
    assert f"no check-in this time: the journal {journal_file} cannot be read" in ran.stderr
    assert capture.stat().st_size > 0, "the session played"
    assert journal_file.read_bytes() == b"not a database " * 100


def test_the_check_in_asks_in_the_sessions_language_and_its_care_note_is_in_it_too(alsa_capture, tmp_path):
    env, _ = alsa_capture
    reflect = load_script(builtin_session("when-you-are-triggered", "es")).reflect
    ran = answered(
        ["play", "when-you-are-triggered", "--language", "es", "--duration", "3m"],
        env,
        tmp_path,
        [
            ("¿Cuánto malestar sientes ahora mismo, de 0 a 10? (Enter para saltar)", "once\n"),
            ("Un número entero de 0 a 10, o Enter para saltar.", "4\n"),
            ("Unas palabras sobre cómo te sientes, si te apetece:", "con prisa\n"),
            ("Un momento para ver de nuevo cómo estás.", ""),
            ("de 0 a 10? (Enter para saltar)", "9\n"),
            ("cómo te sientes ahora, si te apetece:", "cansada\n"),
            (f"{reflect[0]} (una línea vacía termina; Enter para saltar)", "Un correo.\n\n"),
            (reflect[1], "\n"),
            (reflect[2], "\n"),
        ],
    )
    assert ran.code == 0, ran.stderr
    shown = ran.shown.decode()
    assert "Guardado en tu diario (guide journal list)." in shown
    assert "Si ahora todo pesa" in " ".join(shown.split()), "9 after a session: the gentle word, in Spanish"
    with Journal(_data_dir()) as journal:
        [entry] = journal.entries()
    assert (entry.before, entry.after) == (4, 9)
    assert entry.text == f"Antes: con prisa\nDespués: cansada\n\n{reflect[0]}\nUn correo."


def test_keys_typed_as_a_session_ends_are_not_taken_for_the_first_answer_after_it(env, write_script):
    import dataclasses
    import pty
    import threading
    import time

    from guide.cli.checkin import Before, Keeping, after_session
    from guide.play.player import Ending, Outcome

    controller, terminal = pty.openpty()
    with open(terminal, encoding="utf-8", closefd=False) as typed:
        at_terminal = dataclasses.replace(env, stdin=typed, stdin_isatty=True)
        os.write(controller, b"g")  # pressed for the player as it ended, read by no one before the questions

        def answer() -> None:
            time.sleep(1.0)  # once the questions begin: what the person types to them
            os.write(controller, b"3\ncalmer\n\n\n")

        script = load_script(write_script("title: T\nsections:\n  - title: One\n    steps:\n      - say: Hello.\n"))
        answering = threading.Thread(target=answer)
        answering.start()
        after_session(at_terminal, script, "t", Before(None, ""), Outcome(Ending.FINISHED, 1000), Keeping(None))
        answering.join()
    os.close(controller)
    os.close(terminal)
    with Journal(at_terminal.data_dir) as journal:
        [entry] = journal.entries()
    assert entry.after == 3 and "calmer" in entry.text
    assert "A whole number" not in at_terminal.stdout.getvalue(), "the first answer was taken as it was typed"


def test_locking_warns_first_and_asks_again_for_a_short_passphrase_or_a_typo(guide, tmp_path):
    assert guide("journal", "write", "--text", "Held close.").returncode == 0
    ran = answered(
        ["journal", "lock"],
        {},
        tmp_path,
        [
            ("A passphrase for the journal:", "abc\n"),
            ("A passphrase for the journal (try 2 of 3):", "quiet harbour\n"),
            ("The same again (try 2 of 3):", "quiet harbor\n"),
            ("A passphrase for the journal (try 3 of 3):", "quiet harbour\n"),
            ("The same again (try 3 of 3):", "quiet harbour\n"),
        ],
    )
    assert ran.code == 0, ran.stderr
    shown = ran.shown.decode()
    assert shown.index("cannot be recovered") < shown.index("A passphrase for the journal:"), "warned before"
    assert "That one is too short to keep the journal safe" in shown and "The two differ." in shown
    assert "Locked" in ran.stderr
    assert guide("journal", "list", journal_passphrase="quiet harbour").returncode == 0


def test_a_passphrase_off_a_terminal_or_not_text_is_a_clear_error(guide, run_guide):
    assert guide("journal", "write", "--text", "Held close.").returncode == 0
    off = guide("journal", "lock")
    assert off.returncode == 2 and "or set GUIDE_JOURNAL_PASSPHRASE" in off.stderr
    for weak in ("abc", "   ", "ab cd"):
        refused = guide("journal", "lock", journal_passphrase=weak)
        assert refused.returncode == 2 and "too short to keep the journal safe" in refused.stderr, weak
    not_text = run_guide("journal", "lock", env={"GUIDE_JOURNAL_PASSPHRASE": "long enough \udcff words"})
    assert not_text.returncode == 2 and "not valid text (UTF-8)" in not_text.stderr
    assert "Traceback" not in not_text.stderr and "internal error" not in not_text.stderr


@pytest.mark.parametrize(
    ("ending", "heard_ms", "asked_all"),
    [("QUIT", 10_000, False), ("LOST", 60_000, False), ("QUIT", 240_000, True), ("FINISHED", 60_000, True)],
)
def test_a_session_left_in_its_first_minutes_asks_one_gentle_question_not_the_reflections(
    env, write_script, ending, heard_ms, asked_all
):
    import dataclasses
    import io

    from guide.cli.checkin import Before, Keeping, after_session
    from guide.play.player import Ending, Outcome

    script = load_script(
        write_script("title: T\nsections:\n  - title: One\n    steps:\n      - say: Hello.\nreflect:\n  - What came?\n")
    )
    answers = dataclasses.replace(env, stdin=io.StringIO("shaken\n\n\n\n"))
    after_session(answers, script, "t", Before(None, ""), Outcome(Ending[ending], heard_ms), Keeping(None))
    asked = answers.stdout.getvalue()
    assert ("distress" in asked) is asked_all and ("What came?" in asked) is asked_all
    assert "A few words for how you feel now" in asked


@pytest.mark.parametrize("choice", ["g", "q"])
def test_at_great_distress_before_a_session_it_pauses_offers_grounding_and_says_where_help_is(
    write_script, alsa_capture, tmp_path, choice
):
    env, capture = alsa_capture
    script = write_script(CHECKED_SCRIPT)
    grounding = load_script(builtin_session("when-you-are-triggered", "en"))
    # Once the questions after it begin: what was typed before them is dropped as they start.
    after = [("A moment to check in again", ""), ("how you feel now, if you like:", "\n")]
    if choice == "g":
        after.insert(1, ("from 0 to 10? (Enter skips)", "\n"))
        after += [(prompt, "\n") for prompt in grounding.reflect]
    ran = answered(
        ["play", str(script)],
        env,
        tmp_path,
        [
            ("How much distress do you feel right now, from 0 to 10? (Enter skips)", "10\n"),
            ("A few words for how you feel, if you like:", "too much\n"),
            ("g plays a short grounding practice instead; q stops here:", f"{choice}\n"),
            *after,
        ],
    )
    assert ran.code == 0, ran.stderr
    shown = ran.shown.decode()
    assert "This may not be the moment for this practice" in shown and "findahelpline.com" in shown
    with Journal(_data_dir()) as journal:
        [entry] = journal.entries()
    assert entry.before == 10
    if choice == "g":
        assert entry.session == "when-you-are-triggered" and grounding.title in shown
        assert capture.stat().st_size > 0, "the grounding practice played"
    else:
        assert entry.session == str(script) and entry.heard_ms == 0
        assert not capture.exists() or capture.stat().st_size == 0, "nothing played"


def dated(data_env, table: str, when: str) -> None:
    """Give the last row of a table the time `when`, as if it had been kept then."""
    with sqlite3.connect(data_env / FILE_NAME) as db:
        db.execute(f"UPDATE {table} SET created = ? WHERE id = (SELECT max(id) FROM {table})", (when,))
    db.close()


def test_the_report_shares_what_is_chosen_with_its_period_a_summary_and_titles(guide, data_env, tmp_path):
    kept = {}
    with Journal(data_env) as journal:
        journal.add_sitting("body-awareness", 15 * 60_000, True)
    dated(data_env, "sittings", "2026-11-02T09:40:00+00:00")
    with Journal(data_env) as journal:
        journal.add_sitting("timer", 10 * 60_000, False)
    dated(data_env, "sittings", "2026-11-02T17:50:00+00:00")
    for kind, text, when, before, after in [
        ("checkin", "Before: tight", "2026-11-02T10:00:00+00:00", 7, 4),
        ("checkin", "Before: tired", "2026-11-02T18:00:00+00:00", 5, 2),
        ("letter-to", "Dear younger me, I see you.", "2026-11-10T08:00:00+00:00", None, None),
        ("trigger", "What happened? A door slammed.", "2026-11-12T08:00:00+00:00", None, None),
        ("note", "A small win.", "2026-12-01T08:00:00+00:00", None, None),
    ]:
        with Journal(data_env) as journal:
            session = "body-awareness" if kind == "checkin" else None
            kept[text] = journal.add(NewEntry(kind, text, session, before, after))
        dated(data_env, "entries", when)
    notes = tmp_path / "report.md"
    chosen = ["--since", "2026-11-01", "--until", "2026-11-15", "--kind", "checkin", "--kind", "letter-to"]
    assert guide("journal", "export", "-o", str(notes), *chosen).returncode == 0
    markdown = notes.read_text()
    assert markdown.startswith("# Journal, Sunday 1 November 2026 to Sunday 15 November 2026\n")
    assert "Sessions heard: 2. Time practised: 25 min." in markdown
    assert "Check-ins: 2. Distress on average: 6.0 before a session, 3.0 after." in markdown
    assert "Check-in · Body Awareness" in markdown and "body-awareness" not in markdown, "titles, not names"
    assert "Dear younger me" in markdown and "door slammed" not in markdown and "small win" not in markdown
    one = tmp_path / "one.md"
    assert guide("journal", "export", "-o", str(one), "--id", str(kept["A small win."])).returncode == 0
    assert "A small win." in one.read_text() and "Dear younger me" not in one.read_text()
    missing = guide("journal", "export", "-o", str(one), "--id", "99")
    assert missing.returncode == 2 and "no entry 99" in missing.stderr
    backwards = guide("journal", "export", "-o", str(one), "--since", "2026-12-01", "--until", "2026-11-01")
    assert backwards.returncode == 2 and "the period is empty" in backwards.stderr

    page = tmp_path / "informe.html"
    assert guide("journal", "export", "-o", str(page), "--language", "es", "--kind", "checkin").returncode == 0
    text = page.read_text()
    assert '<html lang="es">' in text and "Diario, del lunes, 2 de noviembre de 2026" in text
    assert "Chequeo · Conciencia del cuerpo" in text
    svg = ElementTree.fromstring(text[text.index("<svg") : text.index("</svg>") + 6])
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.text and ":" in t.text]
    assert labels == ["2 nov 10:00", "2 nov 18:00"], "two check-ins on one day, told apart"


def test_the_history_keeps_each_session_heard_and_each_timer_sat_with_or_without_a_check_in(
    run_guide, write_script, alsa_capture
):
    env, _ = alsa_capture
    script = str(write_script(CHECKED_SCRIPT))
    assert run_guide("play", script, "--no-checkin", "--quiet", env=env).returncode == 0
    assert run_guide("timer", "1m", "--quiet", env=env).returncode == 0
    listed_sessions = run_guide("journal", "list", "--sessions", "--json")
    sittings = json.loads(listed_sessions.stdout)
    assert [(s["session"], s["finished"]) for s in sittings] == [(script, True), ("timer", True)]
    assert sittings[1]["heard_ms"] >= 60_000
    shown = run_guide("journal", "list", "--sessions").stdout
    assert "Sessions heard: 2." in shown and "streak" not in shown.lower()
    in_french = run_guide("journal", "list", "--sessions", "--language", "fr").stdout.splitlines()
    assert in_french[0].endswith(load_script(Path(script)).title) and in_french[1].endswith("Minuteur")
    assert run_guide("journal", "checkins", "off").returncode == 0
    assert run_guide("play", script, "--quiet", env=env).returncode == 0
    assert len(json.loads(run_guide("journal", "list", "--sessions", "--json").stdout)) == 2, "not kept when off"
