"""What a session request is rendered with, built once from the environment: the engines, the clip cache's folder,
and the locale's language, which picks a built-in session's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guide.environment import Environment
from guide.rendering.request import SessionRequest
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines


@dataclass(frozen=True)
class Services:
    """The environment's engines and folders, which change where work is kept, never the sound."""

    engines: Engines
    cache_dir: Path
    """Where spoken clips and measured levels are kept, for a request that keeps them."""
    locale_language: str | None = None
    """The locale's language: a built-in session is in it where it is written in it and none is asked."""

    @classmethod
    def of(cls, env: Environment) -> Services:
        return cls(Engines.of(env), env.cache_dir, env.locale_language)

    def cache(self, request: SessionRequest) -> ClipCache:
        return ClipCache(self.cache_dir if request.cache else None)
