"""Inner Guide: voice-guided meditations for inner child work, from YAML scripts to calm audio.

In Python: `guide.load(script, ...)` validates a script, `guide.render(script, ...)` returns the session as a
pydub `AudioSegment`, and `guide.export(script, path, ...)` writes it as the `guide export` command does (see
`guide.api`). They load when first used, so that the command line starts light."""

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "export", "load", "render"]


def __getattr__(name: str) -> Any:
    if name in ("load", "render", "export"):
        from guide import api

        return getattr(api, name)
    raise AttributeError(f"module 'guide' has no attribute {name!r}")
