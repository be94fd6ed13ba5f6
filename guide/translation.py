"""The program's own words in the person's language: its gettext catalog, which Click's words are in too."""

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator
from pathlib import Path

DOMAIN = "inner-guide"
LOCALE_DIR = Path(__file__).with_name("locale")
"""The catalogs: LANG/LC_MESSAGES/inner-guide.po in the repository, compiled to .mo when the package is built."""
CATALOG_LANGUAGES = ("de", "es", "fr")
"""The languages with a catalog; the program's words are written in English."""

gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
_spoken: str | None = None


def _(message: str) -> str:
    """A message in the language the program speaks now."""
    return gettext.dgettext(DOMAIN, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """A message whose form follows a count, in the language the program speaks now."""
    return gettext.dngettext(DOMAIN, singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is written; it is translated where it is shown."""
    return message


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak a language (a tag such as es-419; None: English) until the block ends, Click's words included.

    Click marks its messages with the standard library's global `gettext`, which reads the language from the
    environment on every call: so the catalog is made the global domain, and the language `LANGUAGE`, for the
    block only, which keeps a command run in-process from changing another's words."""
    global _spoken
    saved_language, saved_domain, saved_spoken = os.environ.get("LANGUAGE"), gettext.textdomain(), _spoken
    gettext.textdomain(DOMAIN)
    try:
        speak(language)
        yield
    finally:
        gettext.textdomain(saved_domain)
        _spoken = saved_spoken
        if saved_language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = saved_language


def speak(language: str | None) -> None:
    """From now on, speak this language (inside `speaking`, which puts back what was before)."""
    global _spoken
    _spoken = language
    # "C" ends gettext's search: with no language, or English, every message stays as written.
    os.environ["LANGUAGE"] = ":".join(_gettext_names(language)) if language else "C"


def spoken() -> str | None:
    """The language the program speaks now (a tag), or None for English as written."""
    return _spoken


def words_in(language: str) -> gettext.NullTranslations:
    """The catalog of one language, for words that belong to a session's language rather than the person's
    (a session's captions)."""
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=_gettext_names(language), fallback=True)


def _gettext_names(language: str) -> list[str]:
    # es-419 is looked up as es_419, then es.
    primary, _sep, region = language.partition("-")
    return [f"{primary}_{region}", primary] if region else [primary]
