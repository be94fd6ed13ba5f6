"""The JSON Schema of the script format, made from its one declaration, for editors that complete and check
scripts as they are typed."""

from __future__ import annotations

from typing import Any

from guide.script import format
from guide.script.values import DURATION_PATTERN, LEVEL_PATTERN

SCHEMA_ID = "https://inner-guide.invalid/script-format/v1"

_TEXT = {"type": ["string", "number", "boolean"]}
_SCALARS: dict[str, dict[str, Any]] = {
    "text": _TEXT,
    "duration": {
        "anyOf": [{"type": "string", "pattern": DURATION_PATTERN}, {"type": "number", "exclusiveMinimum": 0}],
        "examples": ["5s", "1m30s", "500ms"],
    },
    "decibels": {"type": "string", "pattern": LEVEL_PATTERN, "examples": ["-24dB"]},
    "rate": {"type": "integer", "minimum": format.RATE_RANGE[0], "maximum": format.RATE_RANGE[1]},
    "pitch": {"type": "number", "minimum": format.PITCH_RANGE[0], "maximum": format.PITCH_RANGE[1]},
    "fraction": {"type": "number", "minimum": 0, "maximum": 1},
    "language": {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", "examples": ["en", "en-GB"]},
    "engine": {"enum": list(format.ENGINES)},
    "voice_name": {"type": ["string", "null"]},
    "seconds": {"type": "number", "minimum": 0, "maximum": 600},
    "count": {"type": "integer", "minimum": 1, "maximum": 1000},
    "cue": {"enum": list(format.CUES)},
    "keep": {"enum": list(format.KEEP)},
    "file": {"type": "string", "minLength": 1},
    "bell": {"anyOf": [{"enum": list(format.BELLS)}, {"type": "string", "minLength": 1}]},
    "bed": {"anyOf": [{"enum": list(format.BEDS)}, {"type": "string", "minLength": 1}]},
    "texts": {"type": "array", "minItems": 1, "items": _TEXT},
    "variables": {
        "type": "object",
        "additionalProperties": _TEXT,
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    },
    "voice": {"$ref": "#/$defs/voice"},
    "voices": {"type": "object", "additionalProperties": {"$ref": "#/$defs/voice"}},
    "voice_choice": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/voice"}]},
    "ambience": {"$ref": "#/$defs/ambience"},
    "breathing": {"$ref": "#/$defs/breathing"},
    "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/step"}},
    "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
}


def script_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a script that accepts what the loader accepts, key for key."""
    return _document("script", "Inner Guide meditation script")


def included_file_schema() -> dict[str, Any]:
    """The schema of a file that scripts include: a list of steps, or a mapping with steps."""
    return _document("included", "Inner Guide included steps")


def _document(root: str, title: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID}/{root}.json",
        "title": title,
        "$ref": f"#/$defs/{root}",
        "$defs": {
            "script": _object(format.TOP_LEVEL, "A meditation script for Inner Guide (format version 1)."),
            "voice": _object(format.VOICE, "How lines are spoken."),
            "ambience": _object(format.AMBIENCE, "A background bed under the whole session."),
            "breathing": _object(format.BREATHING, "Paced breathing, in seconds per phase."),
            "section": _object(format.SECTION, "A titled part of the session: a chapter."),
            "step": {"description": "One step: exactly one kind key, and that kind's options.", "oneOf": _steps()},
            "included": {
                "description": "Steps to include: a list of steps, or a mapping with steps.",
                "anyOf": [_SCALARS["steps"], _object(format.INCLUDED, "A mapping with the steps.")],
            },
        },
    }


def _object(fields: dict[str, format.Field], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {name: {**_SCALARS[f.kind], "description": f.doc} for name, f in fields.items()},
        "required": [name for name, f in fields.items() if f.required],
        "additionalProperties": False,
    }


def _steps() -> list[dict[str, Any]]:
    steps = []
    for kind, spec in format.STEPS.items():
        step = _object({kind: spec.value, **spec.options}, spec.value.doc)
        step["required"] = [kind]
        steps.append(step)
    return steps
