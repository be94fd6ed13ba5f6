"""A session request's script, found, loaded with its variables and shaped as asked; then planned or voiced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from guide.errors import FieldError
from guide.rendering.cues import fitted_cues
from guide.rendering.planning import plan_without_speaking
from guide.rendering.request import SessionRequest
from guide.rendering.services import Services
from guide.rendering.session import Session, prepare
from guide.rendering.timeline import Timeline
from guide.script import library
from guide.script.format import primary_language
from guide.script.loader import load_script
from guide.script.model import Script
from guide.script.overrides import with_overrides
from guide.script.readers import load_variables
from guide.script.translations import translation_path
from guide.translation import _
from guide.voice.voicing import Progress


@dataclass(frozen=True)
class Loaded:
    """A request's script as it is to sound, and, where variables were given, the same script with its own:
    the level of every personalized file is set from that, so that a client's name changes one line only."""

    script: Script
    level_from: Script | None


def load(request: SessionRequest, services: Services) -> Loaded:
    """The script the request names, with its variables and what it asks applied."""
    path = script_path(request, services)
    values, given_at = load_variables(request.vars_file) if request.vars_file else ({}, {})
    values |= dict(request.variables)
    for name, _value in request.variables:
        given_at.pop(name, None)
    given_at |= dict(request.variables_at)
    script = _shaped(load_script(path, values, given_at, request.shared_variables), request, services)
    return Loaded(script, _shaped(load_script(path), request, services) if values else None)


def script_path(request: SessionRequest, services: Services) -> Path:
    """The file a request's script names: a script file (or its translation into the language asked for, beside
    it), or a built-in session in the language asked for; with none asked, in the locale's language where the
    session is written in it, else in English."""
    if Path(request.script).is_file():
        path = Path(request.script)
        if request.language is not None and (translated := translation_path(path, request.language)).is_file():
            return translated
        return path
    if request.language is not None:
        return library.find_script(request.script, library.known_language(request.language))
    if services.locale_language is not None:
        found = library.builtin_session(request.script, services.locale_language)
        if found is not None:
            return found
    return library.find_script(request.script)


def plan(request: SessionRequest, services: Services, predicted_only: bool = False) -> tuple[Script, Timeline, int]:
    """The request's script, its timeline with nothing spoken (lines not in the cache, or with `predicted_only`
    every line, predicted), and how many lines were predicted."""
    script = load(request, services).script
    cache = None if predicted_only else services.cache(request)
    return script, *plan_without_speaking(script, services.engines, cache)


def voiced(loaded: Loaded, request: SessionRequest, services: Services, progress: Progress | None = None) -> Session:
    """The loaded session voiced and levelled; `progress` is told of each line voiced."""
    cache = services.cache(request)
    return prepare(loaded.script, cache, services.engines, progress, request.loudness, loaded.level_from)


def _shaped(script: Script, request: SessionRequest, services: Services) -> Script:
    """The script with what the request asks of it, and then the breathing cues its voice has time for."""
    language = request.language
    if language is not None and primary_language(language) != primary_language(script.language):
        raise FieldError(
            "language",
            _(
                "{path} is in {language} (its `language:`); write its translation beside it, as {translation}, "
                "with the same variables"
            ).format(
                path=script.path, language=script.language, translation=translation_path(script.path, language).name
            ),
            language,
        )
    asked = with_overrides(
        script,
        language=language,
        duration=request.duration,
        voice=request.voice.settings(),
        no_bells=not request.bells,
        no_ambience=not request.ambience,
    )
    return fitted_cues(asked, services.engines)
