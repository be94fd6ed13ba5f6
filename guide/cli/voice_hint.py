"""The one time a play in a language with no natural voice says how to get one."""

from __future__ import annotations

import contextlib
import json

from guide.atomic import write_text
from guide.environment import Environment
from guide.errors import GuideError
from guide.rendering.services import Services
from guide.script.format import primary_language
from guide.script.language_rules import rules_for
from guide.script.model import Script
from guide.translation import _
from guide.voice.download import RECOMMENDED
from guide.voice.engines import piper

TOLD_FILE = "natural-voice-told.json"
"""In the data folder: the languages the person was told of once."""


def natural_voice_hint(env: Environment, script: Script, services: Services) -> None:
    """Say, the first time a session in a language is spoken by espeak-ng because no natural voice of it is
    installed, how to get one; never again for that language, and never when an engine was chosen."""
    language = primary_language(script.language)
    engines = services.engines
    if script.voice.engine != "auto" or engines.auto is not None or language not in RECOMMENDED:
        return
    if engines.name_for(script.voice, script.language) == "piper":
        return
    told_path = env.data_dir / TOLD_FILE
    told: list[str] = []
    with contextlib.suppress(OSError, ValueError):
        told = list(json.loads(told_path.read_text(encoding="utf-8")))
    if language in told:
        return
    download = f"guide voices download {RECOMMENDED[language]}"
    if not piper.available():
        download = _("{install}; then {download}").format(install=_(piper.INSTALL_HINT), download=download)
    env.err(
        _(
            "This session speaks {language} in the light, synthetic voice. A natural voice is one download away: "
            "{download} (guide voices --language {tag} lists others)."
        ).format(
            language=_(rules.name) if (rules := rules_for(language)) else language, download=download, tag=language
        )
    )
    with contextlib.suppress(OSError, GuideError):  # a hint that cannot be remembered is said again next time
        env.data_dir.mkdir(parents=True, exist_ok=True)
        write_text(told_path, json.dumps([*told, language]), mode=0o600)
