"""Rendering for clients: one file each, bad entries reported where they are, up-to-date files left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from measure import decode, probe

from guide.output.batch import MANIFEST
from guide.rendering.request import SessionRequest

SCRIPT = """\
title: For You
author: A Practitioner
content_note: You can stop at any time.
variables:
  name: friend
sections:
  - title: Hello
    steps:
      - say: Hello, {name}. This time is yours.
      - silence: 4s
closing:
  - say: Come back gently, {name}.
"""
CLIENTS = """\
- client: ana
  variables: {name: Ana}
- client: ben
  variables:
    nmae: Ben
- client: cy
  variables: {name: Cy}
  voice: {rate: 150}
  duration: 20s
"""


@pytest.fixture
def batch(write_script, tmp_path):
    script = write_script(SCRIPT)
    clients = tmp_path / "clients.yaml"
    clients.write_text(CLIENTS)
    return script, clients, tmp_path / "renders"


def _files(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_three_clients_one_invalid_gives_two_files_and_names_the_bad_entry(run_guide, batch):
    script, clients, folder = batch
    result = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder), "--captions", "vtt")
    assert result.returncode == 3
    assert f"{clients}:5:5: client ben: nmae: {script} declares no such variable (did you mean name?)" in result.stderr
    assert "2 written, 0 already up to date, 1 failed." in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "ana.mp3", "ana.vtt", "cy.mp3", "cy.vtt"]
    # Off a terminal, a line for each client as it finishes, before the tally.
    told = [line.split(":")[0] for line in result.stderr.splitlines() if ": wrote " in line]
    assert told == ["ana", "cy"] and result.stderr.index("cy: wrote") < result.stderr.index("2 written")

    assert probe(folder / "ana.mp3")["format"]["tags"]["title"] == "For You"
    assert "Hello, Ana." in (folder / "ana.vtt").read_text()
    assert "Hello, Cy." in (folder / "cy.vtt").read_text()
    # Cy's entry asks for 20 seconds and a faster voice.
    assert len(decode(folder / "cy.mp3")) / 22050 == pytest.approx(20, abs=0.5)
    assert len(decode(folder / "ana.mp3")) < len(decode(folder / "cy.mp3"))


BREATHE = """\
title: Just Breathe
sections:
  - title: Breathe
    steps:
      - say: Breathe, and rest.
      - silence: 8s
"""


def test_one_clients_file_serves_every_script_each_going_without_what_it_does_not_declare(
    run_guide, batch, write_script
):
    script, clients, folder = batch
    clients.write_text(CLIENTS.replace("{name: Ana}", "{name: Ana, colour: blue}"))
    declaring = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder / "for-you"))
    assert declaring.returncode == 3
    assert "ben: nmae:" in declaring.stderr and "did you mean name?" in declaring.stderr, "a misspelling fails"
    left_out = [line for line in declaring.stderr.splitlines() if line.startswith("Left out")]
    assert left_out == [f"Left out, as {script.name} declares no such variable: colour (ana)"]

    breathe = write_script(BREATHE, "breathe.yaml")
    plain = run_guide("export", str(breathe), "--clients", str(clients), "-o", str(folder / "breathe"))
    assert plain.returncode == 0, plain.stderr
    assert "3 written, 0 already up to date, 0 failed." in plain.stderr
    left_out = [line for line in plain.stderr.splitlines() if line.startswith("Left out")]
    assert left_out == ["Left out, as breathe.yaml declares no such variable: colour (ana); name (ana, cy); nmae (ben)"]
    alone = run_guide("export", str(breathe), "--var", "name=Ana", "-o", str(folder / "one.mp3"))
    assert alone.returncode == 2 and "declares no such variable" in alone.stderr, "a variable given directly is meant"


def test_a_second_run_renders_nothing_and_force_renders_all(run_guide, batch):
    script, clients, folder = batch
    run_guide("export", str(script), "--clients", str(clients), "-o", str(folder))
    before = _files(folder)

    again = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder))
    assert again.returncode == 3, "the bad entry is still there"
    assert "0 written, 2 already up to date, 1 failed." in again.stderr
    assert f"{folder / 'ana.mp3'}: up to date" in again.stderr
    assert _files(folder) == before

    forced = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder), "--force")
    assert "2 written, 0 already up to date, 1 failed." in forced.stderr
    assert all(_files(folder)[name] != before[name] for name in ("ana.mp3", "cy.mp3"))


def test_what_changed_is_rendered_again_and_nothing_else(run_guide, batch):
    script, clients, folder = batch
    clients.write_text(CLIENTS.replace("nmae: Ben", "name: Ben"))
    first = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder))
    assert first.returncode == 0, first.stderr
    assert "3 written, 0 already up to date, 0 failed." in first.stderr
    before = _files(folder)

    clients.write_text(CLIENTS.replace("nmae: Ben", "name: Benjamin"))
    (folder / "cy.mp3").unlink()
    result = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder))
    assert result.returncode == 0, result.stderr
    assert "2 written, 1 already up to date, 0 failed." in result.stderr
    after = _files(folder)
    assert after["ana.mp3"] == before["ana.mp3"]
    assert after["ben.mp3"] != before["ben.mp3"]
    assert "cy.mp3" in after

    # A setting that changes the sound makes every file out of date.
    louder = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder), "--loudness", "-14")
    assert "3 written, 0 already up to date, 0 failed." in louder.stderr
    manifest = json.loads((folder / MANIFEST).read_text())
    assert sorted(manifest) == ["ana.mp3", "ben.mp3", "cy.mp3"]


@pytest.mark.parametrize(
    ("clients", "message"),
    [
        ("client: ana\n", "1:1: expected a list of clients, one entry each"),
        ("- client: ../ana\n", "1:11: client: '../ana' cannot name a file"),
        ("- client: ana\n- client: ana\n", "2:11: client: ana is already listed at line 1"),
        ("- client: ana\n  colour: blue\n", "2:3: colour: unknown key in a client"),
        ("- variables: {name: Ana}\n", "1:3: a client needs `client:`"),
        ("- client: ana\n  voice: {rate: 900}\n", "2:17: rate: expected words per minute from 60 to 250"),
    ],
)
def test_a_bad_clients_file_or_entry_is_reported_at_its_line(run_guide, batch, clients, message):
    script, clients_file, folder = batch
    clients_file.write_text(textwrap.dedent(clients))
    result = run_guide("export", str(script), "--clients", str(clients_file), "-o", str(folder))
    assert result.returncode == 3
    assert f"{clients_file}:{message}" in result.stderr


def test_a_clients_length_out_of_reach_is_a_usage_error_at_its_line_with_the_range(run_guide, batch):
    script, clients_file, folder = batch
    clients_file.write_text("- client: ana\n  duration: 1s\n")
    result = run_guide("export", str(script), "--clients", str(clients_file), "-o", str(folder))
    assert result.returncode == 2, "a length asked for, as --duration is"
    assert f"{clients_file}:2:13: client ana: duration: 1s is too short" in result.stderr
    assert "this script can last from " in result.stderr


def test_clients_need_a_folder_and_force_needs_clients(run_guide, batch, tmp_path):
    script, clients, _ = batch
    a_file = tmp_path / "taken"
    a_file.write_text("")
    result = run_guide("export", str(script), "--clients", str(clients), "-o", str(a_file))
    assert result.returncode == 2
    assert "with --clients, -o names a folder" in result.stderr
    result = run_guide("export", str(script), "-o", str(tmp_path / "one.mp3"), "--force")
    assert result.returncode == 2
    assert "--force goes with --clients" in result.stderr


@pytest.mark.parametrize(("stop", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_stopping_a_batch_leaves_only_whole_files_and_no_workers(batch, stop, exit_code):
    script, clients, folder = batch
    script.write_text(SCRIPT.replace("silence: 4s", "silence: 1h"))
    clients.write_text("".join(f"- client: c{n}\n" for n in range(4)))
    process = subprocess.Popen(
        [sys.executable, "-m", "guide", "export", str(script), "--clients", str(clients), "-o", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not (folder.is_dir() and any(p.name.endswith(".part") for p in folder.iterdir())):
        assert process.poll() is None and time.monotonic() < deadline, "the batch never started writing"
        time.sleep(0.01)
    # Ctrl+C reaches the whole process group, as at a terminal; SIGTERM only the command itself.
    if stop == signal.SIGINT:
        os.killpg(process.pid, stop)
    else:
        process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == exit_code
    assert "Traceback" not in stderr
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]
    assert _group_gone(process.pid, within_s=5), "the workers must not outlive the command"


def _group_gone(group: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_without_shared_memory_for_workers_a_batch_renders_one_at_a_time(batch, monkeypatch, services):
    import multiprocessing

    from guide.output.batch import Result, run_batch
    from guide.output.formats import ExportSettings
    from guide.script.clients import load_clients

    class NoSharedMemory:
        def Pool(self, *args, **kwargs):  # noqa: N802 (multiprocessing's name)
            raise PermissionError(13, "Permission denied", "/dev/shm")

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: NoSharedMemory())
    script, clients_file, folder = batch
    clients_file.write_text("- client: ana\n  variables: {name: Ana}\n- client: cy\n  variables: {name: Cy}\n")
    clients, invalid = load_clients(clients_file)
    folder.mkdir()
    outcomes = run_batch(SessionRequest(str(script)), clients, services, ExportSettings("wav"), folder, jobs=2)
    assert invalid == []
    assert [o.result for o in outcomes] == [Result.WRITTEN, Result.WRITTEN]
    assert sorted(p.name for p in folder.glob("*.wav")) == ["ana.wav", "cy.wav"]


SPANISH = """\
title: Para ti
language: es
content_note: Puedes parar en cualquier momento.
variables:
  name: amigo
sections:
  - title: Hola
    steps:
      - say: Hola, {name}. Este tiempo es tuyo.
      - silence: 4s
closing:
  - say: Vuelve con calma, {name}.
"""


def test_each_client_hears_the_translation_in_their_language_and_one_without_fails_alone(
    run_guide, batch, write_script
):
    script, clients, folder = batch
    write_script(SPANISH, "session.es.yaml")
    clients.write_text(
        "- client: ana\n  variables: {name: Ana}\n"
        "- client: lucia\n  language: es\n  variables: {name: Lucía}\n"
        "- client: marc\n  language: de\n  variables: {name: Marc}\n"
    )
    result = run_guide("export", str(script), "--clients", str(clients), "-o", str(folder), "--captions", "vtt")
    assert result.returncode == 3, result.stderr
    assert "client marc: " in result.stderr and "write its translation beside it, as session.de.yaml" in result.stderr
    assert "Hola, Lucía.\n\n2\n" in (folder / "lucia.vtt").read_text()
    assert probe(folder / "lucia.mp3")["format"]["tags"]["title"] == "Para ti"
    assert "Hello, Ana." in (folder / "ana.vtt").read_text()
    assert not (folder / "marc.mp3").exists()


def test_check_checks_a_scripts_translations_and_their_variables(guide, batch, write_script):
    script, _, _ = batch
    translation = write_script(SPANISH, "session.es.yaml")
    checked = guide("check", str(script))
    assert checked.returncode == 0, checked.stderr
    assert f"{script}: For You" in checked.stdout and f"{translation}: Para ti" in checked.stdout
    translation.write_text(SPANISH.replace("name: amigo", "nombre: amigo").replace("{name}", "{nombre}"))
    checked = guide("check", str(script))
    assert checked.returncode == 3
    assert (
        f"{translation}:1:1: variables: a translation declares the variables of session.yaml (name)" in checked.stderr
    )
