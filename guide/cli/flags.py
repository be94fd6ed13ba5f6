"""The command line's names for the fields of the program's values: light, as main.py reports with it."""

from __future__ import annotations

from guide.errors import FieldError

FLAGS = {"variables": "--var"}
"""The flag of each field whose flag is not its own name."""


def flag_of(field: str) -> str:
    """The command line's flag for a field of the program's values: `base_url` is --base-url."""
    return FLAGS.get(field, "--" + field.replace("_", "-"))


def in_flags(error: FieldError) -> str:
    """A field's error as the command line says it, by the field's flag."""
    subject = f" {error.subject}" if error.subject is not None else ""
    return f"{flag_of(error.field)}{subject}: {error.problem}"
