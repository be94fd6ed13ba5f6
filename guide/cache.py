"""A content-addressed store of synthesized clips, keyed by everything that changes their sound."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from guide.pcm import SAMPLE_RATE, read_wav, write_wav

CLIP_FORMAT = 2
"""Raise when the way clips are made or stored changes (trimming, sample format), so old clips are not served."""


def default_folder() -> Path:
    """`GUIDE_CACHE_DIR`, or the user's cache folder."""
    if os.environ.get("GUIDE_CACHE_DIR"):
        return Path(os.environ["GUIDE_CACHE_DIR"])
    import platformdirs

    return platformdirs.user_cache_path("inner-guide") / "clips"


def clip_key(identity: dict[str, str | int | float], text: str) -> str:
    """The key of one line spoken by one engine and voice."""
    material = {"format": CLIP_FORMAT, "sample_rate": SAMPLE_RATE, "text": text, **identity}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ClipCache:
    """Clips as WAV files named by their key (`folder=None` keeps nothing on disk), and in memory for the
    life of the process."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._memory: dict[str, np.ndarray] = {}

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

    def put(self, key: str, samples: np.ndarray) -> None:
        """Store a clip; written under a temporary name and renamed, so a reader never sees half a file."""
        self._memory[key] = samples
        if self.folder is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".part")
        os.close(handle)
        try:
            write_wav(Path(temporary), samples)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
