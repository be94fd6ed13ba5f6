"""What the program finds in a test's environment, kept apart from the user's settings and from other tests'."""

from __future__ import annotations

from pathlib import Path


def program_settings(cache: Path) -> dict[str, str | None]:
    """The settings every test runs the program with (None: not set): its own clip cache; espeak-ng for `auto`,
    hundreds of times faster than real time (the Piper tests ask for Piper); and no locale's language, since a
    built-in session is in the locale's language where it exists (the tests ask for one when they mean it)."""
    return {
        "GUIDE_CACHE_DIR": str(cache),
        "GUIDE_ENGINE": "pyttsx3",
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "LANG": "C.UTF-8",
    }
