"""Reading YAML nodes into typed values (texts, durations, levels, numbers, choices, names, voice settings),
each error placed at its file, line and column: the loader of scripts and the reader of clients files share them."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from guide.errors import ScriptError, Where
from guide.script import format, placeholders
from guide.script.model import Voice
from guide.script.values import parse_decibels, parse_duration
from guide.script.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    compose_file,
    mapping_items,
    quote_hint,
    where,
)
from guide.translation import N_, _

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_MAPPING_EXAMPLES = {
    "the script": N_("title: and sections: keys"),
    "a section": "{title: Arriving, steps: [...]}",
    "breathe": "{in: 4, out: 6}",
    "voice": "{rate: 110}",
    "ambience": "{sound: brown-noise}",
    "an included file": N_("steps: followed by a list of steps"),
    "a client": "{client: ana, variables: {name: Ana}}",
}

T = TypeVar("T")


@dataclass
class Shared:
    """What every file of one script shares: its variables, voices, and the chain of includes."""

    stack: list[Path]
    steps: int = 0
    """Steps made so far, unfolded."""
    variables: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    voice: Voice = Voice()
    voices: dict[str, Voice] = field(default_factory=dict)
    language: str = "en"


class ValueReader:
    """Turns the nodes of one file into typed values, with the variables its texts may use."""

    def __init__(self, path: Path, shared: Shared):
        self.path = path
        self.base_dir = path.parent
        self.shared = shared

    def at(self, node: Node) -> Where:
        return where(self.path, node)

    def fail(self, node: Node, message: str) -> ScriptError:
        return ScriptError(self.at(node), message)

    def declared_variables(self, node: Node | None) -> dict[str, tuple[str, Where]]:
        if node is None:
            return {}
        return self.named(
            node,
            "variables",
            N_("a mapping of names to text, such as name: Sam"),
            lambda name, key_node, value: (self.raw_text(value, f"variables: {name}"), self.at(key_node)),
        )

    def named(self, node: Node, what: str, expected: str, read: Callable[[str, Node, Node], T]) -> dict[str, T]:
        """A mapping whose keys are names the author chose (variables, voice profiles), each value read."""
        if not isinstance(node, MappingNode):
            raise self.fail(
                node,
                _("{what}: expected {expected}, got {describe}").format(
                    what=_(what), expected=_(expected), describe=describe(node)
                ),
            )
        values = {}
        for name, key_node, value in mapping_items(node):
            if not _NAME.fullmatch(name):
                raise self.fail(
                    key_node,
                    _("{what}: {name!r} is not a usable name; use letters, digits and _").format(
                        what=_(what), name=name
                    ),
                )
            values[name] = read(name, key_node, value)
        return values

    def voice_settings(self, node: Node) -> dict[str, Any]:
        """The settings a voice mapping gives, by the name of the `Voice` field each sets."""
        fields = self.mapping(node, "voice", format.VOICE)
        settings: dict[str, Any] = {}
        if "engine" in fields:
            settings["engine"] = self.choice(fields["engine"], "engine", format.ENGINES)
        if "name" in fields:
            name_node = fields["name"]
            settings["name"] = None if is_null(name_node) else self.raw_text(name_node, "name")
        if "rate" in fields:
            rate = self.number(fields["rate"], "rate", format.RATE_RANGE, "words per minute", str(format.DEFAULT_RATE))
            if not rate.is_integer():
                raise self.fail(
                    fields["rate"],
                    _("rate: expected a whole number of words per minute, such as {default_rate}").format(
                        default_rate=format.DEFAULT_RATE
                    ),
                )
            settings["rate"] = int(rate)
        if "pitch" in fields:
            settings["pitch"] = self.number(fields["pitch"], "pitch", format.PITCH_RANGE, "semitones", "+2")
        if "volume" in fields:
            settings["volume"] = self.number(fields["volume"], "volume", (0.0, 1.0), "a level", "0.8")
        return settings

    def mapping(self, node: Node, what: str, declared: dict[str, format.Field]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            example = _(_MAPPING_EXAMPLES.get(what, N_("key: value lines")))
            raise self.fail(
                node,
                _("{what}: expected a mapping, such as {example}, got {describe}").format(
                    what=_(what), example=example, describe=describe(node)
                ),
            )
        fields: dict[str, Node] = {}
        for key, key_node, value in mapping_items(node):
            if key not in declared:
                raise self.fail(
                    key_node,
                    _("{key}: unknown key in {what}{suggest}; known keys are: {items}").format(
                        key=key, what=_(what), suggest=suggest(key, tuple(declared)), items=", ".join(declared)
                    ),
                )
            fields[key] = value
        for key, spec in declared.items():
            if spec.required and key not in fields:
                raise self.fail(node, _("{what} needs `{key}:`").format(what=_(what), key=key))
        return fields

    def items(self, node: Node, name: str, read: Callable[[Node], T]) -> tuple[T, ...]:
        if not isinstance(node, SequenceNode):
            raise self.fail(
                node,
                _("{name}: expected a list (lines starting with `- `), got {describe}").format(
                    name=name, describe=describe(node)
                ),
            )
        if not node.value:
            raise self.fail(
                node, _("{name}: the list is empty; give at least one item, or leave {name} out").format(name=name)
            )
        return tuple(read(item) for item in node.value)

    def texts(self, node: Node, name: str) -> tuple[str, ...]:
        return self.items(node, name, lambda item: self.text(item, name))

    def raw_text(self, node: Node, name: str) -> str:
        if isinstance(node, MappingNode) and node.flow_style:
            raise self.fail(node, _("{name}: {quote_hint}").format(name=name, quote_hint=quote_hint()))
        if not isinstance(node, ScalarNode) or is_null(node):
            raise self.fail(
                node,
                _("{name}: expected text, such as `{name}: A few words`, got {describe}").format(
                    name=name, describe=describe(node)
                ),
            )
        if not node.value.strip():
            raise self.fail(
                node, _("{name}: expected text, such as `{name}: A few words`, got an empty string").format(name=name)
            )
        self.check_length(node, name, node.value)
        return node.value

    def check_length(self, node: Node, name: str, text: str) -> None:
        if len(text) > format.MAX_TEXT_CHARS:
            raise self.fail(
                node,
                _(
                    "{name}: the text is {len:,} characters long, more than the {max_text_chars:,} a text "
                    "may be; split it into shorter lines"
                ).format(name=name, len=len(text), max_text_chars=format.MAX_TEXT_CHARS),
            )

    def text(self, node: Node, name: str) -> str:
        raw = self.raw_text(node, name)
        self.shared.used |= placeholders.names_in(raw)
        try:
            filled = placeholders.fill(raw, self.shared.variables)
        except placeholders.PlaceholderError as error:
            single_plain_line = (
                isinstance(node, ScalarNode)
                and not node.style
                and "\n" not in raw
                and node.start_mark.line == node.end_mark.line
            )
            offset = error.offset if single_plain_line else 0
            here = Where(self.path, node.start_mark.line + 1, node.start_mark.column + 1 + offset)
            raise ScriptError(here, _("{name}: {error}").format(name=name, error=error)) from None
        self.check_length(node, name, filled)
        return filled

    def duration(self, node: Node, name: str) -> int:
        try:
            return parse_duration(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, _("{name}: {error}").format(name=name, error=error)) from None

    def session_length(self, node: Node) -> int:
        ms = self.duration(node, "duration")
        if ms > format.MAX_SESSION_MS:
            raise self.fail(
                node, _("duration: {value} is longer than the longest session, 12h").format(value=node.value)
            )
        return ms

    def pause_length(self, node: Node, name: str) -> int:
        ms = self.duration(node, name)
        if ms > format.MAX_PAUSE_MS:
            raise self.fail(
                node,
                _(
                    "{name}: {value} is longer than the longest single pause, 1h; split it, or use the "
                    "script's duration"
                ).format(name=name, value=node.value),
            )
        return ms

    def decibels(self, node: Node, name: str) -> float:
        try:
            return parse_decibels(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, _("{name}: {error}").format(name=name, error=error)) from None

    def level(self, options: dict[str, Node], name: str) -> float:
        return self.decibels(options[name], name) if name in options else 0.0

    def number(self, node: Node, name: str, bounds: tuple[float, float], unit: str, example: str) -> float:
        raw = self.raw_text(node, name)
        low, high = bounds
        if not _NUMBER.fullmatch(raw.strip()) or not low <= float(raw) <= high:
            raise self.fail(
                node,
                _("{name}: expected {unit} from {low:g} to {high:g}, such as {example}, got {raw!r}").format(
                    name=name, unit=unit, low=low, high=high, example=example, raw=raw
                ),
            )
        return float(raw)

    def seconds(self, node: Node, name: str) -> float:
        return self.number(node, name, (0, 600), "seconds", "4")

    def count(self, node: Node, name: str) -> int:
        raw = self.raw_text(node, name)
        if not re.fullmatch(r"\d+", raw.strip()) or not 1 <= int(raw) <= 1000:
            raise self.fail(
                node,
                _("{name}: expected a whole number from 1 to 1000, such as 3, got {raw!r}").format(name=name, raw=raw),
            )
        return int(raw)

    def choice(self, node: Node, name: str, choices: tuple[str, ...]) -> str:
        value = self.raw_text(node, name)
        if value not in choices:
            raise self.fail(
                node,
                _("{name}: expected one of {items}{suggest}, got {value!r}").format(
                    name=name, items=", ".join(choices), suggest=suggest(value, choices), value=value
                ),
            )
        return value

    def language(self, node: Node) -> str:
        tag = self.raw_text(node, "language")
        if not format.LANGUAGE_TAG.fullmatch(tag):
            raise self.fail(
                node, _("language: expected a language tag such as en or en-GB, got {tag!r}").format(tag=tag)
            )
        return tag


def load_variables(path: Path) -> tuple[dict[str, str], dict[str, Where]]:
    """The variables in a `--vars` file (a mapping of names to text), and where each is given."""
    root = compose_file(path)
    if root is None:
        return {}, {}
    declared = values_reader(path).declared_variables(root)
    return {name: value for name, (value, _) in declared.items()}, {name: at for name, (_, at) in declared.items()}


def values_reader(path: Path) -> ValueReader:
    """A reader for a file of values beside a script (variables, clients), whose errors point into it."""
    return ValueReader(path, Shared(stack=[]))


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def describe(node: Node) -> str:
    """How an unexpected value reads in an error: `a list`, `a mapping`, `nothing`, or the text."""
    if isinstance(node, SequenceNode):
        return _("a list")
    if isinstance(node, MappingNode):
        return _("a mapping")
    if is_null(node):
        return _("nothing")
    return repr(node.value)


def misspelling_of(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` is one slip of a key away from (a letter added, dropped or changed, or two swapped), or
    None: `nmae` is a misspelling of `name`, `pet_name` is not."""
    return next((choice for choice in choices if choice != word and _one_slip_apart(word, choice)), None)


def _one_slip_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 2:
        return False
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    rest_a, rest_b = a[start:], b[start:]
    return (
        rest_a[1:] == rest_b[1:]  # changed
        or rest_a[1:] == rest_b  # added
        or rest_a == rest_b[1:]  # dropped
        or (rest_a[:2] == rest_b[1::-1] and rest_a[2:] == rest_b[2:])  # swapped
    )


def suggest(word: str, choices: tuple[str, ...]) -> str:
    """A ` (did you mean X?)` hint when a close match exists."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return _(" (did you mean {name}?)").format(name=close[0]) if close else ""
