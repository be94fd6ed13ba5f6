"""Digests of what a piece of audio is made from (the model, its files), so that work done once is not done again."""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
from pathlib import Path
from typing import Any


def digest(material: Any) -> str:
    """A SHA-256 of any mix of model values, files, numbers and text."""
    return hashlib.sha256(json.dumps(canonical(material), sort_keys=True).encode()).hexdigest()


def canonical(value: Any) -> Any:
    """A value as JSON, files by their content; the places values were written (`where`) are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value) if f.compare}
    if isinstance(value, tuple | list):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, Path):
        status = value.stat()
        return {"file": str(value), "sha256": _file_digest(value, status.st_mtime_ns, status.st_size)}
    if isinstance(value, enum.Enum):
        return value.value
    return value


@functools.lru_cache(maxsize=256)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    """A file's digest, read once per process while the file stays as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
