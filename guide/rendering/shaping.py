"""How the command line shapes a session: its variables, target length, voice settings, and the cache."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from guide.environment import Environment
from guide.errors import UsageError, Where
from guide.rendering.planning import plan_without_speaking
from guide.rendering.session import Session, prepare
from guide.rendering.targets import LOUDNESS_LUFS
from guide.rendering.timeline import Timeline
from guide.script import library
from guide.script.clients import Client
from guide.script.format import primary_language
from guide.script.loader import load_script
from guide.script.model import Duration, Script
from guide.script.overrides import with_overrides
from guide.script.readers import load_variables
from guide.voice.cache import ClipCache
from guide.voice.engines import Engines
from guide.voice.voicing import Progress


@dataclass(frozen=True)
class Shaping:
    """How the command line shapes a session: its variables, target length, pace, and the cache; and the
    engines and cache folder of the environment it runs in, which change where work is kept, never the sound."""

    engines: Engines = field(compare=False)
    cache_dir: Path = field(compare=False)
    """Where spoken clips and measured levels are kept, unless `no_cache`."""
    variables: tuple[tuple[str, str], ...] = ()
    vars_file: Path | None = None
    duration: Duration | None = None
    voice: tuple[tuple[str, Any], ...] = ()
    """`Voice` fields set on every line: --rate, or a client's voice."""
    no_cache: bool = False
    loudness: float = LOUDNESS_LUFS
    no_bells: bool = False
    no_ambience: bool = False
    variables_at: tuple[tuple[str, Where], ...] = ()
    """Where some of `variables` were given (a clients file); the others came from --var."""
    language: str | None = None
    """The language asked for (--language, or a client's): it picks a built-in session's, and a tag with a
    region (`es-419`) picks the voice; a script file must be in it."""
    locale_language: str | None = None
    """The locale's language, which picks a built-in session's where it is written in it and none is asked."""

    @classmethod
    def in_environment(cls, env: Environment, **asked: Any) -> Shaping:
        """What `asked` says of a session, rendered with the environment's engines and cache folder."""
        return cls(Engines.of(env), env.cache_dir, **{"locale_language": env.locale_language, **asked})

    def for_client(self, client: Client) -> Shaping:
        """This shaping with a client's variables, voice and duration over the command line's."""
        return replace(
            self,
            variables=(*self.variables, *client.variables.items()),
            variables_at=(*self.variables_at, *client.variables_at.items()),
            voice=(*self.voice, *client.voice.items()),
            duration=client.duration or self.duration,
            language=client.language or self.language,
        )

    def load(self, script_ref: str) -> tuple[Script, Script | None]:
        """The script a SCRIPT argument names with the variables and overrides applied, and, when variables
        were given, the same script with its own: the level of every personalized file is set from it."""
        path = self.script_path(script_ref)
        values, given_at = load_variables(self.vars_file) if self.vars_file else ({}, {})
        values |= dict(self.variables)
        for name, _ in self.variables:
            given_at.pop(name, None)
        given_at |= dict(self.variables_at)
        script = self._overridden(load_script(path, values, given_at))
        return script, self._overridden(load_script(path)) if values else None

    def script_path(self, script_ref: str) -> Path:
        """The file a SCRIPT argument names: a script file, or a built-in session in the language asked for; with
        none asked, in the locale's language where the session is written in it, else in English."""
        if Path(script_ref).is_file():
            return Path(script_ref)
        if self.language is not None:
            return library.find_script(script_ref, library.known_language(self.language))
        if self.locale_language is not None:
            found = library.builtin_session(script_ref, self.locale_language)
            if found is not None:
                return found
        return library.find_script(script_ref)

    def _overridden(self, script: Script) -> Script:
        if self.language is not None and primary_language(self.language) != primary_language(script.language):
            raise UsageError(
                f"{script.path}: the script is in {script.language} (its `language:`), not {self.language}; "
                "--language picks among the built-in sessions, and a script file must be in the language asked"
            )
        return with_overrides(
            script,
            language=self.language,
            duration=self.duration,
            voice=dict(self.voice),
            no_bells=self.no_bells,
            no_ambience=self.no_ambience,
        )

    def cache(self) -> ClipCache:
        return ClipCache(None if self.no_cache else self.cache_dir)

    def prepare(self, script: Script, level_from: Script | None, progress: Progress | None = None) -> Session:
        """The session of a script as `load` gave it, voiced and levelled; `progress` is told of each line voiced."""
        return prepare(script, self.cache(), self.engines, progress, self.loudness, level_from)

    def plan(self, script_ref: str, predicted_only: bool = False) -> tuple[Script, Timeline, int]:
        """The script a SCRIPT argument names, its timeline with nothing spoken (lines not in the cache, or with
        `predicted_only` every line, predicted), and how many lines were predicted."""
        script, _ = self.load(script_ref)
        return script, *plan_without_speaking(script, self.engines, None if predicted_only else self.cache())
