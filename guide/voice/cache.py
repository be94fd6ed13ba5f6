"""A content-addressed store of synthesized clips, keyed by everything that changes their sound."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from guide.sound.pcm import SAMPLE_RATE, read_wav, write_wav

CLIP_FORMAT = 2
"""Raise when the way clips are made or stored changes (trimming, sample format), so old clips are not served."""


Identity = dict[str, str | int | float | list[int]]
"""Everything about an engine and a voice that changes the sound of a line (see `Engine.identity`)."""


def clip_key(identity: Identity, text: str) -> str:
    """The key of one line spoken by one engine and voice."""
    material = {"format": CLIP_FORMAT, "sample_rate": SAMPLE_RATE, "text": text, **identity}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ClipCache:
    """Clips as WAV files named by their key (`folder=None` keeps nothing on disk), and in memory for the
    life of the process; and beside them, the levels measured for whole sessions."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._memory: dict[str, np.ndarray] = {}
        self._measures: dict[str, object] = {}

    def get_measure(self, key: str) -> float | None:
        """A number measured before (a session's trim or a line's gain in dB), or None."""
        value = self.get_record(key)
        return value if isinstance(value, float) else None

    def put_measure(self, key: str, value: float) -> None:
        self.put_record(key, value)

    def keep_measure(self, key: str, value: float) -> float:
        """Store a measure unless one is stored under its key already, and return the one the cache keeps: two
        renders that measure the same thing at once, each a little differently (a line levelled whole, or by its
        first sentence while the rest is spoken), must both use the one stored first to sound the same."""
        if key not in self._measures:
            self._store_record(key, value, keep_existing=True)
        kept = self.get_measure(key)
        if kept is None:  # nothing could be stored, or the entry there is damaged: this one takes its place
            self.put_measure(key, value)
            kept = value
        return kept

    def get_record(self, key: str) -> object:
        """Anything measured before and kept as JSON (a number, a voice's length model), or None."""
        if key in self._measures or self.folder is None:
            return self._measures.get(key)
        try:
            value = json.loads((self.folder / "measures" / f"{key}.json").read_text())["value"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self._measures[key] = value
        return value

    def put_record(self, key: str, value: object) -> None:
        self._measures[key] = value
        self._store_record(key, value)

    def _store_record(self, key: str, value: object, keep_existing: bool = False) -> None:
        if self.folder is not None:
            self._store(
                self.folder / "measures" / f"{key}.json",
                lambda path: path.write_text(json.dumps({"value": value})),
                keep_existing,
            )

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.wav"

    def get(self, key: str) -> np.ndarray | None:
        if key in self._memory or self.folder is None:
            return self._memory.get(key)
        try:
            samples, rate = read_wav(self._path(key))
        except (OSError, ValueError):
            return None
        if rate != SAMPLE_RATE:
            return None
        self._memory[key] = samples
        return samples

    def put(self, key: str, samples: np.ndarray) -> np.ndarray:
        """Store a clip unless one is stored under its key already, and return the clip the cache keeps: espeak-ng
        is not sample-exact from one call to the next, so renders that speak the same line at once must all use
        the one stored first to sound the same."""
        kept = None
        if self.folder is not None:
            self._store(self._path(key), lambda path: write_wav(path, samples), keep_existing=True)
            self._memory.pop(key, None)
            kept = self.get(key)
            if kept is None:  # the entry there is damaged: this one takes its place
                self._store(self._path(key), lambda path: write_wav(path, samples))
        if kept is None:
            kept = self._memory[key] = samples
        return kept

    @staticmethod
    def _store(path: Path, write: Callable[[Path], object], keep_existing: bool = False) -> None:
        """Write an entry under a temporary name and then give it its own, so a reader never sees half a file;
        with `keep_existing`, an entry already there stays. The cache only saves work: where it cannot be
        written (a full disk, a read-only folder), the entry lives in memory alone, and the render goes on."""
        temporary: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem[:8]}-", suffix=".part")
            os.close(handle)
            temporary = Path(name)
            write(temporary)
            if keep_existing:
                _link_unless_there(temporary, path)
            else:
                os.replace(temporary, path)
        except OSError:
            pass
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)


def _link_unless_there(temporary: Path, path: Path) -> None:
    """Give a written entry its name unless an entry has it: a hard link, which (unlike a rename) never replaces
    one; on a file system without hard links, a rename."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:
        os.replace(temporary, path)
