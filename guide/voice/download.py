"""Piper voices to download: the Piper voices repository's index (or a mirror's, or a folder's), and a voice
fetched from it, every file checked against the index and installed whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import BinaryIO

from guide.errors import GuideError, UsageError
from guide.script.format import primary_language
from guide.translation import _

DEFAULT_SOURCE = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0"
"""The Piper voices repository at its first release: the paths and digests of its index stay as they are."""
INDEX = "voices.json"
INDEX_FRESH_S = 7 * 24 * 3600
"""How long an index fetched is used before it is fetched again."""
RECOMMENDED = {
    "en": "en_US-lessac-medium",
    "es": "es_ES-davefx-medium",
    "de": "de_DE-thorsten-medium",
    "fr": "fr_FR-siwis-medium",
}
"""For each language the sessions are written in, a voice clear and calm enough to guide them."""
CHUNK = 1 << 16
TIMEOUT_S = 30


class DownloadDamaged(GuideError):
    """A voice that did not arrive whole, or not as its index says: nothing of it was installed."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    """Where the file is, under the source: FAMILY/CODE/NAME/QUALITY/KEY.onnx."""
    size: int
    md5: str


@dataclass(frozen=True)
class Downloadable:
    """A voice the index lists: its key (es_ES-davefx-medium), language, quality, and files."""

    key: str
    language: str
    """A tag such as es-ES."""
    quality: str
    files: tuple[FileEntry, ...]

    @property
    def model(self) -> FileEntry:
        return self._file(".onnx")

    @property
    def config(self) -> FileEntry:
        return self._file(".onnx.json")

    @property
    def size(self) -> int:
        return self.model.size + self.config.size

    @property
    def card(self) -> FileEntry | None:
        """The voice's model card, where the index lists one: who made it, from what, under which licence."""
        return next((f for f in self.files if f.path.endswith("/MODEL_CARD")), None)

    @property
    def recommended(self) -> bool:
        return RECOMMENDED.get(primary_language(self.language)) == self.key

    def _file(self, suffix: str) -> FileEntry:
        found = next((f for f in self.files if f.path.endswith(f"/{self.key}{suffix}")), None)
        if found is None:
            raise DownloadDamaged(_("the index lists no {file} for {key}").format(file=self.key + suffix, key=self.key))
        return found


def index(source: str, cache_dir: Path | None) -> dict[str, Downloadable]:
    """The voices a source has, by key: its index as fetched within INDEX_FRESH_S (kept in `cache_dir`), or else
    fetched now."""
    text = _fetched_text(source, INDEX, _kept(source, INDEX, cache_dir))
    try:
        return _parsed(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise GuideError(
            _("the voice index at {source} cannot be read ({error})").format(source=source, error=error)
        ) from None


def licence(voice: Downloadable, source: str, cache_dir: Path | None) -> str | None:
    """The licence a voice's model card names (the `License:` of its dataset), or None where it has no card or
    the card cannot be read: a listing goes on without it."""
    card = voice.card
    if card is None:
        return None
    try:
        text = _fetched_text(source, card.path, _kept(source, card.path, cache_dir))
    except (GuideError, OSError, HTTPException):
        return None
    found = re.search(r"^\W*License:\s*(.+?)\s*$", text, re.MULTILINE | re.IGNORECASE)
    return found.group(1) if found else None


def _fetched_text(source: str, path: str, kept: Path | None) -> str:
    """A text file of a source, as fetched within INDEX_FRESH_S and kept at `kept`, or else fetched now."""
    if kept is not None and kept.is_file() and time.time() - kept.stat().st_mtime < INDEX_FRESH_S:
        with contextlib.suppress(OSError):
            return kept.read_text(encoding="utf-8")
    with _opened(source, path) as stream:
        text = stream.read().decode("utf-8", "replace")
    if kept is not None:
        with contextlib.suppress(OSError):
            kept.parent.mkdir(parents=True, exist_ok=True)
            _write_whole(kept, text.encode("utf-8"))
    return text


def _parsed(data: dict) -> dict[str, Downloadable]:
    voices = {}
    for key, entry in data.items():
        files = tuple(
            FileEntry(path, int(info["size_bytes"]), str(info["md5_digest"])) for path, info in entry["files"].items()
        )
        code = str(entry["language"]["code"]).replace("_", "-")
        voices[key] = Downloadable(key, code, str(entry.get("quality", "")), files)
    return voices


def install(voice: Downloadable, source: str, voices_dir: Path, progress: Callable[[int], None] | None = None) -> Path:
    """Fetch a voice's model and configuration into `voices_dir`, each checked for its size and MD5 against the
    index as it arrives, `progress` told of every chunk; the model's path. The files appear only once both are
    whole: a cut connection or a wrong digest leaves nothing behind, and DownloadDamaged says so."""
    voices_dir.mkdir(parents=True, exist_ok=True)
    fetched: list[tuple[Path, Path]] = []
    try:
        for entry, name in ((voice.config, f"{voice.key}.onnx.json"), (voice.model, f"{voice.key}.onnx")):
            temporary = voices_dir / f".{name}.{secrets.token_hex(4)}.part"
            fetched.append((temporary, voices_dir / name))
            _fetch(source, entry, temporary, voice.key, progress)
        # The configuration first: a voice is found by its model, which comes last.
        for temporary, target in fetched:
            os.replace(temporary, target)
    finally:
        for temporary, _ in fetched:
            temporary.unlink(missing_ok=True)
    return voices_dir / f"{voice.key}.onnx"


def _fetch(source: str, entry: FileEntry, target: Path, key: str, progress: Callable[[int], None] | None) -> None:
    digest, size = hashlib.md5(usedforsecurity=False), 0
    try:
        with _opened(source, entry.path) as stream, open(target, "wb") as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                if progress:
                    progress(len(chunk))
    except (OSError, HTTPException) as error:
        stopped = _("{file} stopped at {got:,} of {size:,} bytes ({error})")
        raise _damaged(
            key, stopped.format(file=Path(entry.path).name, got=size, size=entry.size, error=error)
        ) from None
    if size != entry.size:
        wrong = _("{file} came to {got:,} bytes, not the {size:,} its index says")
        raise _damaged(key, wrong.format(file=Path(entry.path).name, got=size, size=entry.size))
    if digest.hexdigest() != entry.md5:
        unlike = _("{file} does not match its index's MD5 ({digest})")
        raise _damaged(key, unlike.format(file=Path(entry.path).name, digest=digest.hexdigest()))


def _damaged(key: str, what: str) -> DownloadDamaged:
    return DownloadDamaged(
        _(
            "the download of {key} was damaged: {problem}; nothing was installed. Try again, or give a mirror with "
            "--from"
        ).format(key=key, problem=what)
    )


@contextlib.contextmanager
def _opened(source: str, path: str) -> Iterator[BinaryIO]:
    """A file of a source: under a web address (http or https), or a folder on this machine."""
    if source.startswith(("http://", "https://")):
        url = f"{source.rstrip('/')}/{urllib.parse.quote(path)}"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 (http and https only)
                yield response
        except urllib.error.HTTPError as error:
            said = _("{url}: the server said {code} {reason}")
            raise UsageError(said.format(url=url, code=error.code, reason=error.reason)) from None
        except urllib.error.URLError as error:
            unreached = _("cannot reach {source} ({reason}); check the connection, or give --from")
            raise GuideError(unreached.format(source=source, reason=error.reason)) from None
        return
    folder = Path(source.removeprefix("file://"))
    if not folder.is_dir():
        raise UsageError(
            _("--from {source}: neither a web address (http:// or https://) nor a folder").format(source=source)
        )
    with open(folder / path, "rb") as stream:
        yield stream


def _kept(source: str, path: str, cache_dir: Path | None) -> Path | None:
    if cache_dir is None:
        return None
    return cache_dir / "voice-index" / f"{hashlib.sha256(f'{source} {path}'.encode()).hexdigest()[:16]}.txt"


def _write_whole(target: Path, data: bytes) -> None:
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
