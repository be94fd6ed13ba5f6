"""Installed from a wheel, away from the checkout, the built-in sessions, fragments, sounds and starter still load,
and the `guide` command runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW_FOLDERS = "print(library.scripts_dir()); print(library.audio_dir())"


def test_an_installed_copy_plays_a_built_in_session_from_its_own_files(tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The installed copy comes first; the test environment supplies only the dependencies.
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from guide.script import library; print(library.scripts_dir()); print(library.audio_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert all(Path(folder).is_relative_to(target) for folder in where.stdout.split())
    export = subprocess.run(
        [sys.executable, "-m", "guide", "export", "sit-with-your-younger-self", "-o", "session.wav"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
    )
    assert export.returncode == 0, export.stderr
    assert (elsewhere / "session.wav").stat().st_size > 12 * 60 * 22050 * 2 * 0.9
    starter = subprocess.run(
        [target / "bin" / "guide", "new", "starter"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert starter.returncode == 0, starter.stderr
    assert (elsewhere / "starter.yaml").read_text().startswith("# yaml-language-server")
    listed = subprocess.run([target / "bin" / "guide", "list"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Measuring" not in listed.stderr, "the bundled voice's length model ships with the program"
    for language in ("es", "de", "fr"):
        # Each language's sessions, pieces, words and voice's measurements ship too.
        checked = subprocess.run(
            [target / "bin" / "guide", "check", "--strict", "sit-with-your-younger-self", "--language", language],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            env=env,
        )
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith(str(target)) and "Measuring" not in checked.stderr
    # The compiled catalogs of the program's words ship in the package: the German listing speaks German.
    german = subprocess.run(
        [target / "bin" / "guide", "list", "--language", "de"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert german.returncode == 0, german.stderr
    assert "mit --duration)" in german.stdout and "with --duration" not in german.stdout
    assert list(target.glob("guide/locale/*/LC_MESSAGES/inner-guide.mo")), "the .mo files are in the package"
