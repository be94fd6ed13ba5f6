"""Shared fixtures: an isolated clip cache, the program's environment, the real CLI in-process and in a
subprocess, and an ALSA sink that captures."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from isolation import program_settings
from pulse import null_sink_server

from guide.cli.main import main
from guide.environment import Environment
from guide.rendering.services import Services
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines

if TYPE_CHECKING:
    from terminal import Terminal

ASOUND_CAPTURE = """\
pcm.!default {{ type file slave.pcm "null" file "{capture}" format "raw" }}
pcm.null {{ type null }}
"""
ASOUND_NO_DEVICE = "pcm.!default { type hw card 99 }\n"
NO_PULSE = {"PULSE_SERVER": "unix:/nonexistent/pulse"}
"""The sound library tries a PulseAudio server before ALSA: none answers here, so the ALSA device set up is played
to (and no server is started on the user's behalf)."""


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_heard() -> None:
    """Ctrl+C as a terminal gives it to the programs the tests start. A shell without job control starts a job
    in the background with Ctrl+C ignored, and an ignored signal stays ignored in every program started from
    it: the tests that press Ctrl+C would find it had no effect."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def clip_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test's own clip cache: no test hears what another spoke or measured, whatever ran before it. A file
    marked `shared_clips` shares one on purpose among its tests."""
    if request.node.get_closest_marker("shared_clips"):
        return request.getfixturevalue("file_clip_cache")
    return tmp_path_factory.mktemp("clip-cache")


@pytest.fixture(scope="module")
def file_clip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clip cache a `shared_clips` file's tests share."""
    return tmp_path_factory.mktemp("file-clip-cache")


@pytest.fixture(autouse=True)
def cache_env(clip_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for setting, value in program_settings(clip_cache).items():
        if value is None:
            monkeypatch.delenv(setting, raising=False)
        else:
            monkeypatch.setenv(setting, value)
    return clip_cache


@pytest.fixture
def env(clip_cache: Path, data_env: Path) -> Environment:
    """The program's environment for an in-process test, as the autouse fixtures set the process's: the test's
    clip cache and data folder, and espeak-ng for `auto`; its streams keep what is written."""
    settings = {"GUIDE_CACHE_DIR": str(clip_cache), "GUIDE_DATA_DIR": str(data_env), "GUIDE_ENGINE": "pyttsx3"}
    return Environment.from_process(settings, stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def engines(env: Environment) -> Engines:
    return Engines.of(env)


@pytest.fixture
def cache(clip_cache: Path) -> ClipCache:
    return ClipCache(clip_cache)


@pytest.fixture
def services(env: Environment) -> Services:
    """What a session is rendered with in the test's environment: its engines and clip cache."""
    return Services.of(env)


@dataclasses.dataclass(frozen=True)
class Ran:
    """A command run in-process: its exit code and what it wrote, named as a finished process's are."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def guide(env: Environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """Run `guide ARGS...` in this process, in the test's environment (with any of its fields changed) and
    scratch folder, with `stdin` as its input (not a terminal); returns its exit code and output."""

    def run(*args: str, stdin: str = "", cwd: Path | None = None, **changes: object) -> Ran:
        monkeypatch.chdir(cwd or tmp_path)
        streams = {"stdin": io.StringIO(stdin), "stdout": io.StringIO(), "stderr": io.StringIO()}
        code = main(list(args), dataclasses.replace(env, **changes, **streams))
        return Ran(code, streams["stdout"].getvalue(), streams["stderr"].getvalue())

    return run


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_guide(tmp_path: Path) -> Run:
    """Run `guide ARGS...` as a real process in a scratch folder; returns the finished process."""

    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300):
        return subprocess.run(
            [sys.executable, "-m", "guide", *args],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def alsa_capture(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose default ALSA device writes everything played to a file, and that file."""
    capture = tmp_path / "CAPTURE.raw"
    config = tmp_path / "asound-capture.conf"
    config.write_text(ASOUND_CAPTURE.format(capture=capture))
    return {"ALSA_CONFIG_PATH": str(config), **NO_PULSE}, capture


@pytest.fixture
def no_audio_device(tmp_path: Path) -> dict[str, str]:
    """An environment in which the default ALSA device cannot be opened, as on a machine with no card."""
    config = tmp_path / "asound-none.conf"
    config.write_text(ASOUND_NO_DEVICE)
    return {"ALSA_CONFIG_PATH": str(config), **NO_PULSE}


@pytest.fixture
def write_script(tmp_path: Path) -> Callable[..., Path]:
    """Write a script's YAML (dedented) to a file in the scratch folder."""

    def write(text: str, name: str = "session.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def paced_audio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An environment whose default ALSA device plays in real time into a silent PulseAudio sink."""
    if shutil.which("pulseaudio") is None:
        pytest.fail("real-time playback tests need PulseAudio: apt-get install pulseaudio libasound2-plugins")
    try:
        with null_sink_server(tmp_path_factory.mktemp("pulse")) as env:
            yield env
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def paced_capture(paced_audio: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose default ALSA device plays in real time (into the silent PulseAudio sink) and
    also writes everything played to a file, and that file."""
    capture = tmp_path / "CAPTURE.raw"
    config = tmp_path / "asound-paced.conf"
    server = paced_audio["PULSE_SERVER"]
    config.write_text(
        f'pcm.!default {{ type file slave.pcm "paced" file "{capture}" format "raw" }}\n'
        f'pcm.paced {{ type pulse server "{server}" }}\n'
    )
    return {**paced_audio, "ALSA_CONFIG_PATH": str(config), **NO_PULSE}, capture


@pytest.fixture(autouse=True)
def data_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder of the test's own, so that --resume places never leak between tests or to the user."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("GUIDE_DATA_DIR", str(folder))
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that plays in real time, so that `-m "not realtime"` is a fast loop."""
    for item in items:
        if "paced_audio" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.realtime)


@pytest.fixture
def terminal_play(tmp_path: Path) -> Iterator[Callable[[list[str], dict[str, str]], Terminal]]:
    """Start `guide ARGS...` on pseudo-terminals in the scratch folder; each is killed and closed afterwards."""
    from terminal import Terminal  # pseudo-terminals are POSIX's: imported only where a test asks for one

    started: list[Terminal] = []

    def start(args: list[str], env: dict[str, str]) -> Terminal:
        terminal = Terminal(args, env, tmp_path)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        if terminal.process.poll() is None:
            terminal.process.kill()
        terminal.close()
