"""Loading a script file into a validated `Script`, with every error placed at its file, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from guide import library, placeholders
from guide.errors import ScriptError, UsageError, Where
from guide.model import DEFAULT_RATE, Ambience, Bell, Duration, Pause, Say, Script, Section, Silence, Step, Voice
from guide.values import parse_decibels, parse_duration
from guide.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode, compose_file, mapping_items, quote_hint, where

MAX_PAUSE_MS = 3_600_000
ENGINES = ("auto", "pyttsx3", "piper")
RATE_RANGE = (60, 250)
AMBIENCE_BEDS = ("brown-noise", "pink-noise")
STEP_KINDS = ("say", "pause", "silence", "bell", "breathe", "affirm", "include", "sound")
NOT_YET = {
    "breathe": "breathing steps",
    "affirm": "affirmations",
    "include": "included files",
    "sound": "recorded sound clips",
}
_STEP_OPTIONS = {"say": ("voice",), "pause": (), "silence": (), "bell": ("volume",)}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_TOP_LEVEL = (
    "title",
    "author",
    "description",
    "language",
    "duration",
    "content_note",
    "voice",
    "voices",
    "gap",
    "variables",
    "ambience",
    "sections",
    "closing",
    "reflect",
)
_VOICE_KEYS = ("engine", "name", "rate", "pitch", "volume")

T = TypeVar("T")


def load_script(path: Path, variables: Mapping[str, str] | None = None) -> Script:
    """The script in a file, validated, with `variables` overriding the defaults it declares."""
    root = compose_file(path)
    if root is None:
        raise ScriptError(Where(path, 1, 1), "the file is empty; a script needs at least a title and sections")
    return _Reader(path).script(root, dict(variables or {}))


def with_overrides(script: Script, *, duration_ms: int | None = None, rate: int | None = None) -> Script:
    """The script with the command line's --duration and --rate in place of its own."""
    if rate is not None:
        script = replace(
            script,
            voice=replace(script.voice, rate=rate),
            sections=tuple(replace(section, steps=_with_rate(section.steps, rate)) for section in script.sections),
            closing=_with_rate(script.closing, rate),
        )
    if duration_ms is not None:
        script = replace(script, duration=Duration(duration_ms, None))
    return script


def _with_rate(steps: tuple[Step, ...], rate: int) -> tuple[Step, ...]:
    return tuple(replace(s, voice=replace(s.voice, rate=rate)) if isinstance(s, Say) else s for s in steps)


class _Reader:
    """Turns the node tree of one file into model values."""

    def __init__(self, path: Path):
        self.path = path
        self.base_dir = path.parent
        self.variables: dict[str, str] = {}
        self.voice = Voice()

    def at(self, node: Node) -> Where:
        return where(self.path, node)

    def fail(self, node: Node, message: str) -> ScriptError:
        return ScriptError(self.at(node), message)

    # -- the whole file ------------------------------------------------------------------------

    def script(self, root: Node, overrides: dict[str, str]) -> Script:
        fields = self.mapping(root, "the script", _TOP_LEVEL, required=("title", "sections"))
        if "voices" in fields:
            raise self.fail(
                fields["voices"],
                "voices: named voice profiles are not supported yet; set the script's voice under voice:",
            )
        self.variables = self.declared_variables(fields.get("variables"), overrides)
        if "voice" in fields:
            self.voice = self.voice_mapping(fields["voice"], Voice())
        optional = self.optional
        sections = self.items(fields["sections"], "sections", self.section)
        return Script(
            path=self.path,
            title=self.text(fields["title"], "title"),
            sections=sections,
            closing=optional(fields, "closing", lambda n: self.steps(n, "closing")) or (),
            author=optional(fields, "author", lambda n: self.text(n, "author")),
            description=optional(fields, "description", lambda n: self.text(n, "description")),
            language=optional(fields, "language", self.language) or "en",
            duration=optional(fields, "duration", lambda n: Duration(self.duration(n, "duration"), self.at(n))),
            content_note=optional(fields, "content_note", lambda n: self.text(n, "content_note")),
            voice=self.voice,
            gap_ms=optional(fields, "gap", lambda n: self.duration(n, "gap")) or 1000,
            variables=self.variables,
            ambience=optional(fields, "ambience", self.ambience),
            reflect=optional(fields, "reflect", lambda n: self.items(n, "reflect", lambda i: self.text(i, "reflect")))
            or (),
        )

    def optional(self, fields: dict[str, Node], key: str, read: Callable[[Node], T]) -> T | None:
        return read(fields[key]) if key in fields else None

    def declared_variables(self, node: Node | None, overrides: dict[str, str]) -> dict[str, str]:
        declared: dict[str, str] = {}
        if node is not None:
            if not isinstance(node, MappingNode):
                raise self.fail(node, f"variables: expected a mapping of names to text, got {describe(node)}")
            for name, key_node, value in mapping_items(node):
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    raise self.fail(key_node, f"variables: {name!r} is not a usable name; use letters, digits and _")
                declared[name] = self.raw_text(value, f"variables: {name}")
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            known = ", ".join(sorted(declared)) or "none"
            raise UsageError(f"--var {unknown[0]}: {self.path} declares no such variable (it has: {known})")
        return declared | overrides

    # -- sections and steps --------------------------------------------------------------------

    def section(self, node: Node) -> Section:
        fields = self.mapping(node, "a section", ("title", "steps"), required=("title", "steps"))
        return Section(
            title=self.text(fields["title"], "title"),
            steps=self.steps(fields["steps"], "steps"),
            where=self.at(node),
        )

    def steps(self, node: Node, name: str) -> tuple[Step, ...]:
        return self.items(node, name, self.step)

    def step(self, node: Node) -> Step:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"a step must be a mapping such as `say: Hello`, got {describe(node)}")
        keys = {key: (key_node, value) for key, key_node, value in mapping_items(node)}
        kinds = [key for key in keys if key in STEP_KINDS]
        if not kinds:
            first_key, (key_node, _) = next(iter(keys.items()), ("", (node, node)))
            raise self.fail(
                key_node,
                f"{first_key}: not a kind of step{suggest(first_key, STEP_KINDS)}; "
                f"a step is one of: {', '.join(STEP_KINDS)}",
            )
        if len(kinds) > 1:
            raise self.fail(
                keys[kinds[1]][0],
                f"{kinds[1]}: a step has exactly one kind, and this one "
                f"already is `{kinds[0]}`; put each in a step of its own",
            )
        kind = kinds[0]
        kind_key, value = keys[kind]
        if kind in NOT_YET:
            raise self.fail(
                kind_key,
                f"{kind}: {NOT_YET[kind]} are not supported yet in this version; use say, pause, silence or bell",
            )
        options = _STEP_OPTIONS[kind]
        for key, (key_node, _) in keys.items():
            if key != kind and key not in options:
                allowed = f"; `{kind}` takes: {', '.join(options)}" if options else f"; `{kind}` takes no options"
                raise self.fail(key_node, f"{key}: unknown option{suggest(key, options)}{allowed}")
        option = {key: keys[key][1] for key in options if key in keys}
        if kind == "say":
            voice = self.voice_mapping(option["voice"], self.voice) if "voice" in option else self.voice
            return Say(self.text(value, "say"), voice, self.at(node))
        if kind == "bell":
            gain = self.decibels(option["volume"], "volume") if "volume" in option else 0.0
            return Bell(self.bell_file(value), gain, self.at(node))
        ms = self.duration(value, kind)
        if ms > MAX_PAUSE_MS:
            raise self.fail(
                value,
                f"{kind}: {value.value} is longer than the longest single pause, 1h; "
                "split it, or use the script's duration",
            )
        return Pause(ms, self.at(node)) if kind == "pause" else Silence(ms, self.at(node))

    def bell_file(self, node: Node) -> Path:
        reference = self.raw_text(node, "bell")
        builtin = library.builtin_bell(reference)
        if builtin is not None:
            return builtin
        if "." not in Path(reference).name and not (self.base_dir / reference).exists():
            raise self.fail(
                node,
                f"bell: {reference!r} is neither a built-in bell ({', '.join(library.BUILTIN_BELLS)}) "
                f"nor a file beside the script{suggest(reference, library.BUILTIN_BELLS)}",
            )
        try:
            return library.resolve_asset(reference, self.base_dir)
        except ValueError as error:
            raise self.fail(node, f"bell: {error}") from None

    # -- mappings of settings ------------------------------------------------------------------

    def voice_mapping(self, node: Node, inherited: Voice) -> Voice:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            raise self.fail(
                node,
                f"voice: named voice profiles are not supported yet; "
                f"give a mapping such as {{rate: 100}}, got {node.value!r}",
            )
        fields = self.mapping(node, "voice", _VOICE_KEYS)
        voice = inherited
        if "engine" in fields:
            engine = self.raw_text(fields["engine"], "engine")
            if engine not in ENGINES:
                raise self.fail(
                    fields["engine"],
                    f"engine: expected one of {', '.join(ENGINES)}{suggest(engine, ENGINES)}, got {engine!r}",
                )
            voice = replace(voice, engine=engine)
        if "name" in fields:
            name_node = fields["name"]
            voice = replace(voice, name=None if is_null(name_node) else self.raw_text(name_node, "name"))
        if "rate" in fields:
            voice = replace(
                voice, rate=self.whole_number(fields["rate"], "rate", RATE_RANGE, "words per minute", DEFAULT_RATE)
            )
        if "pitch" in fields:
            raise self.fail(
                fields["pitch"], "pitch: changing the pitch is not supported yet in this version; remove it"
            )
        if "volume" in fields:
            voice = replace(voice, volume=self.fraction(fields["volume"], "volume"))
        return voice

    def ambience(self, node: Node) -> Ambience:
        fields = self.mapping(node, "ambience", ("sound", "volume", "fade"), required=("sound",))
        sound = self.raw_text(fields["sound"], "sound")
        if sound not in AMBIENCE_BEDS:
            raise self.fail(
                fields["sound"],
                f"sound: {sound!r} is not a built-in ambience"
                f"{suggest(sound, AMBIENCE_BEDS)}; this version has {', '.join(AMBIENCE_BEDS)} "
                "(other beds and your own files are not supported yet)",
            )
        gain = self.decibels(fields["volume"], "volume") if "volume" in fields else -24.0
        fade = self.duration(fields["fade"], "fade") if "fade" in fields else 8000
        return Ambience(sound, gain, fade)

    def mapping(
        self, node: Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what}: expected a mapping of keys to values, got {describe(node)}")
        fields: dict[str, Node] = {}
        for key, key_node, value in mapping_items(node):
            if key not in allowed:
                raise self.fail(
                    key_node,
                    f"{key}: unknown key in {what}{suggest(key, allowed)}; known keys are: {', '.join(allowed)}",
                )
            fields[key] = value
        for key in required:
            if key not in fields:
                raise self.fail(node, f"{what} needs a `{key}:`")
        return fields

    # -- single values -------------------------------------------------------------------------

    def items(self, node: Node, name: str, read: Callable[[Node], T]) -> tuple[T, ...]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{name}: expected a list (lines starting with `- `), got {describe(node)}")
        if not node.value:
            raise self.fail(node, f"{name}: the list is empty; give at least one item, or leave {name} out")
        return tuple(read(item) for item in node.value)

    def raw_text(self, node: Node, name: str) -> str:
        if isinstance(node, MappingNode) and node.flow_style:
            raise self.fail(node, f"{name}: {quote_hint()}")
        if not isinstance(node, ScalarNode) or is_null(node):
            raise self.fail(node, f"{name}: expected text, got {describe(node)}")
        if not node.value.strip():
            raise self.fail(node, f"{name}: expected text, got an empty string")
        return node.value

    def text(self, node: Node, name: str) -> str:
        raw = self.raw_text(node, name)
        try:
            return placeholders.fill(raw, self.variables)
        except placeholders.PlaceholderError as error:
            single_plain_line = node.style is None and "\n" not in raw and node.start_mark.line == node.end_mark.line
            offset = error.offset if single_plain_line else 0
            here = Where(self.path, node.start_mark.line + 1, node.start_mark.column + 1 + offset)
            raise ScriptError(here, f"{name}: {error}") from None

    def duration(self, node: Node, name: str) -> int:
        try:
            return parse_duration(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, f"{name}: {error}") from None

    def decibels(self, node: Node, name: str) -> float:
        try:
            return parse_decibels(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, f"{name}: {error}") from None

    def whole_number(self, node: Node, name: str, bounds: tuple[int, int], unit: str, example: int) -> int:
        raw = self.raw_text(node, name)
        low, high = bounds
        if not re.fullmatch(r"\d+", raw.strip()) or not low <= int(raw) <= high:
            raise self.fail(node, f"{name}: expected {unit} from {low} to {high}, such as {example}, got {raw!r}")
        return int(raw)

    def fraction(self, node: Node, name: str) -> float:
        raw = self.raw_text(node, name)
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:
            raise self.fail(node, f"{name}: expected a number from 0 to 1, such as 0.8, got {raw!r}")
        return value

    def language(self, node: Node) -> str:
        tag = self.raw_text(node, "language")
        if not _LANGUAGE.fullmatch(tag):
            raise self.fail(node, f"language: expected a language tag such as en or en-GB, got {tag!r}")
        return tag


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def describe(node: Node) -> str:
    """How an unexpected value reads in an error: `a list`, `a mapping`, `nothing`, or the text."""
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    if is_null(node):
        return "nothing"
    return repr(node.value)


def suggest(word: str, choices: tuple[str, ...]) -> str:
    """A ` (did you mean X?)` hint when a close match exists."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
