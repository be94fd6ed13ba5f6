"""Loading a script file into a validated `Script`, with every error placed at its file, line and column."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from guide import cover, format, library, placeholders
from guide.errors import ScriptError, UsageError, Where
from guide.model import (
    Ambience,
    Bell,
    BreathPhase,
    Duration,
    Pause,
    Recording,
    Say,
    Script,
    Section,
    Silence,
    Step,
    Voice,
)
from guide.values import parse_decibels, parse_duration
from guide.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode, compose_file, mapping_items, quote_hint, where

MAX_INCLUDE_DEPTH = 8
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_BREATH_PHASES = ("in", "hold", "out", "rest")
_MAPPING_EXAMPLES = {
    "the script": "title: and sections: keys",
    "a section": "{title: Arriving, steps: [...]}",
    "breathe": "{in: 4, out: 6}",
    "voice": "{rate: 110}",
    "ambience": "{sound: brown-noise}",
    "an included file": "steps: followed by a list of steps",
    "a client": "{client: ana, variables: {name: Ana}}",
}

T = TypeVar("T")


def load_script(
    path: Path, variables: Mapping[str, str] | None = None, given_at: Mapping[str, Where] | None = None
) -> Script:
    """The script in a file, validated, with `variables` overriding the defaults it declares.

    `given_at` says where a variable was given (a line of a --vars file); one without is from --var."""
    root = compose_file(path)
    if root is None:
        raise ScriptError(Where(path, 1, 1), "the file is empty; a script needs at least a title and sections")
    return _Reader(path, _Shared(stack=[path.resolve()])).script(root, dict(variables or {}), dict(given_at or {}))


def load_variables(path: Path) -> tuple[dict[str, str], dict[str, Where]]:
    """The variables in a `--vars` file (a mapping of names to text), and where each is given."""
    root = compose_file(path)
    if root is None:
        return {}, {}
    declared = values_reader(path).declared_variables(root)
    return {name: value for name, (value, _) in declared.items()}, {name: at for name, (_, at) in declared.items()}


def values_reader(path: Path) -> _Reader:
    """A reader for a file of values beside a script (variables, clients), whose errors point into it."""
    return _Reader(path, _Shared(stack=[]))


def with_overrides(
    script: Script,
    *,
    duration: Duration | None = None,
    voice: Mapping[str, Any] | None = None,
    no_bells: bool = False,
    no_ambience: bool = False,
) -> Script:
    """The script with a target duration, voice settings for every line (--rate, a client's voice),
    --no-bells and --no-ambience applied."""

    def each_step(change: Callable[[Step], Step]) -> Script:
        return replace(
            script,
            sections=tuple(replace(s, steps=tuple(map(change, s.steps))) for s in script.sections),
            closing=tuple(map(change, script.closing)),
        )

    if no_bells:
        # The bell's moment stays, so the session keeps its pacing.
        script = each_step(lambda s: Pause(format.BELL_STRIKE_MS, s.where) if isinstance(s, Bell) else s)
    if no_ambience:
        script = replace(script, ambience=None)
    if voice:
        script = each_step(
            lambda s: replace(s, voice=replace(s.voice, **voice)) if isinstance(s, Say | BreathPhase) else s
        )
        script = replace(script, voice=replace(script.voice, **voice))
    if duration is not None:
        script = replace(script, duration=duration)
    return script


@dataclass
class _Shared:
    """What every file of one script shares: its variables, voices, and the chain of includes."""

    stack: list[Path]
    steps: int = 0
    """Steps made so far, unfolded."""
    variables: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    voice: Voice = Voice()
    voices: dict[str, Voice] = field(default_factory=dict)


class _Reader:
    """Turns the node tree of one file into model values."""

    def __init__(self, path: Path, shared: _Shared):
        self.path = path
        self.base_dir = path.parent
        self.shared = shared

    def at(self, node: Node) -> Where:
        return where(self.path, node)

    def fail(self, node: Node, message: str) -> ScriptError:
        return ScriptError(self.at(node), message)

    # -- the whole file ------------------------------------------------------------------------

    def script(self, root: Node, overrides: dict[str, str], given_at: dict[str, Where]) -> Script:
        fields = self.mapping(root, "the script", format.TOP_LEVEL)
        declared = self.declared_variables(fields.get("variables"))
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            name = unknown[0]
            problem = f"{self.path} declares no such variable (it has: {', '.join(sorted(declared)) or 'none'})"
            if name in given_at:
                raise ScriptError(given_at[name], f"{name}: {problem}")
            raise UsageError(f"--var {name}: {problem}")
        self.shared.variables = {name: value for name, (value, _) in declared.items()} | overrides
        if "voice" in fields:
            self.shared.voice = self.voice_mapping(fields["voice"], Voice())
        if "voices" in fields:
            self.shared.voices = self.voice_profiles(fields["voices"])

        def optional(key: str, read: Callable[[Node], T]) -> T | None:
            return read(fields[key]) if key in fields else None

        script = Script(
            path=self.path,
            title=self.text(fields["title"], "title"),
            author=optional("author", lambda n: self.text(n, "author")),
            description=optional("description", lambda n: self.text(n, "description").strip()),
            language=optional("language", self.language) or "en",
            duration=optional("duration", lambda n: Duration(self.session_length(n), self.at(n))),
            content_note=optional("content_note", lambda n: self.text(n, "content_note").strip()),
            cover=optional("cover", self.cover),
            voice=self.shared.voice,
            gap_ms=optional("gap", lambda n: self.duration(n, "gap")) or format.DEFAULT_GAP_MS,
            variables=self.shared.variables,
            ambience=optional("ambience", self.ambience),
            sections=self.items(fields["sections"], "sections", self.section),
            closing=optional("closing", lambda n: self.steps(n, "closing")) or (),
            reflect=optional("reflect", lambda n: self.texts(n, "reflect")) or (),
        )
        unused = tuple((name, at) for name, (_, at) in declared.items() if name not in self.shared.used)
        return replace(script, unused_variables=unused)

    def declared_variables(self, node: Node | None) -> dict[str, tuple[str, Where]]:
        if node is None:
            return {}
        return self.named(
            node,
            "variables",
            "a mapping of names to text, such as name: Sam",
            lambda name, key_node, value: (self.raw_text(value, f"variables: {name}"), self.at(key_node)),
        )

    def named(self, node: Node, what: str, expected: str, read: Callable[[str, Node, Node], T]) -> dict[str, T]:
        """A mapping whose keys are names the author chose (variables, voice profiles), each value read."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what}: expected {expected}, got {describe(node)}")
        values = {}
        for name, key_node, value in mapping_items(node):
            if not _NAME.fullmatch(name):
                raise self.fail(key_node, f"{what}: {name!r} is not a usable name; use letters, digits and _")
            values[name] = read(name, key_node, value)
        return values

    # -- sections and steps --------------------------------------------------------------------

    def section(self, node: Node) -> Section:
        fields = self.mapping(node, "a section", format.SECTION)
        return Section(
            title=self.text(fields["title"], "title"),
            steps=self.steps(fields["steps"], "steps"),
            where=self.at(node),
        )

    def steps(self, node: Node, name: str) -> tuple[Step, ...]:
        return tuple(step for steps in self.items(node, name, self.step) for step in steps)

    def step(self, node: Node) -> list[Step]:
        """One step as written, unfolded into the steps the planner knows (an `affirm` into lines and pauses)."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"a step must be a mapping such as `say: Hello`, got {describe(node)}")
        keys = {key: (key_node, value) for key, key_node, value in mapping_items(node)}
        kinds = [key for key in keys if key in format.STEPS]
        if not kinds:
            first_key, (key_node, _) = next(iter(keys.items()), ("", (node, node)))
            raise self.fail(
                key_node,
                f"{first_key}: not a kind of step{suggest(first_key, tuple(format.STEPS))}; "
                f"a step is one of: {', '.join(format.STEPS)}",
            )
        # An option may share its name with a kind of step (affirm's `pause`): the kind is the one whose
        # options take in the others.
        owners = [k for k in kinds if all(other == k or other in format.STEPS[k].options for other in kinds)]
        if not owners:
            raise self.fail(
                keys[kinds[1]][0],
                f"{kinds[1]}: a step has exactly one kind, and this one already is `{kinds[0]}`; "
                "put each in a step of its own",
            )
        kind = owners[0]
        declared = format.STEPS[kind].options
        for key, (key_node, _) in keys.items():
            if key != kind and key not in declared:
                allowed = f"; `{kind}` takes: {', '.join(declared)}" if declared else f"; `{kind}` takes no options"
                raise self.fail(key_node, f"{key}: unknown option{suggest(key, tuple(declared))}{allowed}")
        value = keys[kind][1]
        options = {key: keys[key][1] for key in declared if key in keys}
        made: list[Step] = getattr(self, f"step_{kind}")(node, value, options)
        self.shared.steps += len(made)
        if self.shared.steps > format.MAX_STEPS:
            raise self.fail(
                node,
                f"{kind}: the script makes more than {format.MAX_STEPS:,} steps, the most a script may "
                "(affirm repeats and breathe cycles count each line and phase); split it into shorter sessions",
            )
        return made

    def step_say(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        return [Say(self.text(value, "say"), self.voice_choice(options.get("voice")), self.at(node))]

    def step_pause(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        return [Pause(self.pause_length(value, "pause"), self.at(node))]

    def step_silence(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        return [Silence(self.pause_length(value, "silence"), self.at(node))]

    def step_bell(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        return [Bell(self.bell_file(value), self.level(options, "volume"), self.at(node))]

    def step_sound(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        return [Recording(self.file(value, "sound"), self.level(options, "volume"), self.at(node))]

    def step_affirm(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        voice = self.voice_choice(options.get("voice"))
        pause = self.pause_length(options["pause"], "pause") if "pause" in options else format.DEFAULT_AFFIRM_PAUSE_MS
        repeat = self.count(options["repeat"], "repeat") if "repeat" in options else 1
        if not isinstance(value, SequenceNode):
            raise self.fail(
                value, f"affirm: expected a list of statements (lines starting with `- `), got {describe(value)}"
            )
        unfolded: list[Step] = []
        for statement in self.items(value, "affirm", lambda n: (n, self.text(n, "affirm"))):
            for _ in range(repeat):
                unfolded += [Say(statement[1], voice, self.at(statement[0])), Pause(pause, self.at(statement[0]))]
        return unfolded

    def step_breathe(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        fields = self.mapping(value, "breathe", format.BREATHING)
        cue = self.choice(options["cue"], "cue", format.CUES) if "cue" in options else "voice"
        seconds = {phase: self.seconds(fields[phase], phase) for phase in _BREATH_PHASES if phase in fields}
        for phase in ("in", "out"):
            if seconds[phase] == 0:
                raise self.fail(fields[phase], f"{phase}: a breath needs time to breathe {phase}, such as {phase}: 4")
        cycles = self.count(fields["cycles"], "cycles") if "cycles" in fields else 1
        one_breath = [
            BreathPhase(phase, round(seconds[phase] * 1000), cue, self.shared.voice, self.at(node))
            for phase in _BREATH_PHASES
            if seconds.get(phase)
        ]
        return one_breath * cycles

    def step_include(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        included = self.file(value, "include", library.scripts_dir())
        if included in self.shared.stack:
            chain = " -> ".join(p.name for p in [*self.shared.stack, included])
            raise self.fail(value, f"include: this makes a loop ({chain}); remove one of the includes")
        if len(self.shared.stack) > MAX_INCLUDE_DEPTH:
            raise self.fail(value, f"include: includes nest more than {MAX_INCLUDE_DEPTH} deep; flatten some of them")
        root = compose_file(included)
        if root is None:
            raise ScriptError(Where(included, 1, 1), "the file is empty; an included file holds a list of steps")
        self.shared.stack.append(included)
        try:
            reader = _Reader(included, self.shared)
            steps_node = (
                root
                if isinstance(root, SequenceNode)
                else reader.mapping(root, "an included file", format.INCLUDED)["steps"]
            )
            return list(reader.steps(steps_node, "steps"))
        finally:
            self.shared.stack.pop()

    # -- files -----------------------------------------------------------------------------------

    def bell_file(self, node: Node) -> Path:
        reference = self.raw_text(node, "bell")
        builtin = library.builtin_bell(reference)
        if builtin is not None:
            return builtin
        if "." not in Path(reference).name and not (self.base_dir / reference).exists():
            raise self.fail(
                node,
                f"bell: {reference!r} is neither a built-in bell ({', '.join(format.BELLS)}) "
                f"nor a file beside the script{suggest(reference, format.BELLS)}",
            )
        return self.file(node, "bell")

    def file(self, node: Node, name: str, library_folder: Path | None = None) -> Path:
        try:
            return library.resolve_asset(
                self.raw_text(node, name), self.base_dir, library_folder or library.audio_dir()
            )
        except ValueError as error:
            raise self.fail(node, f"{name}: {error}") from None

    def cover(self, node: Node) -> Path:
        path = self.file(node, "cover")
        try:
            cover.image_type(path)
        except ValueError as error:
            raise self.fail(node, f"cover: {error}") from None
        return path

    # -- mappings of settings ------------------------------------------------------------------

    def voice_mapping(self, node: Node, inherited: Voice) -> Voice:
        return replace(inherited, **self.voice_settings(node))

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
                    fields["rate"], f"rate: expected a whole number of words per minute, such as {format.DEFAULT_RATE}"
                )
            settings["rate"] = int(rate)
        if "pitch" in fields:
            settings["pitch"] = self.number(fields["pitch"], "pitch", format.PITCH_RANGE, "semitones", "+2")
        if "volume" in fields:
            settings["volume"] = self.number(fields["volume"], "volume", (0.0, 1.0), "a level", "0.8")
        return settings

    def voice_profiles(self, node: Node) -> dict[str, Voice]:
        return self.named(
            node,
            "voices",
            "named voice mappings, such as child: {rate: 100}",
            lambda name, key_node, value: self.voice_mapping(value, self.shared.voice),
        )

    def voice_choice(self, node: Node | None) -> Voice:
        """The voice a step asks for: the script's, a named profile, or a mapping over the script's."""
        if node is None:
            return self.shared.voice
        if isinstance(node, ScalarNode) and not is_null(node):
            profiles = tuple(self.shared.voices)
            if node.value not in self.shared.voices:
                known = (
                    f"the profiles are: {', '.join(profiles)}" if profiles else "the script declares none under voices:"
                )
                raise self.fail(
                    node, f"voice: no voice profile named {node.value!r}{suggest(node.value, profiles)}; {known}"
                )
            return self.shared.voices[node.value]
        return self.voice_mapping(node, self.shared.voice)

    def ambience(self, node: Node) -> Ambience:
        fields = self.mapping(node, "ambience", format.AMBIENCE)
        if "sound" not in fields:
            raise self.fail(node, f"ambience needs `sound:`, one of {', '.join(format.BEDS)}")
        sound_node = fields["sound"]
        name = self.raw_text(sound_node, "sound")
        sound: str | Path = name
        if name not in format.BEDS:
            if "." not in Path(name).name and not (self.base_dir / name).exists():
                raise self.fail(
                    sound_node,
                    f"sound: {name!r} is neither a built-in ambience ({', '.join(format.BEDS)}) nor a file "
                    f"beside the script{suggest(name, format.BEDS)}",
                )
            sound = self.file(sound_node, "sound")
        gain = self.decibels(fields["volume"], "volume") if "volume" in fields else -24.0
        fade = self.duration(fields["fade"], "fade") if "fade" in fields else 8000
        return Ambience(sound, gain, fade)

    def mapping(self, node: Node, what: str, declared: dict[str, format.Field]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            example = _MAPPING_EXAMPLES.get(what, "key: value lines")
            raise self.fail(node, f"{what}: expected a mapping, such as {example}, got {describe(node)}")
        fields: dict[str, Node] = {}
        for key, key_node, value in mapping_items(node):
            if key not in declared:
                raise self.fail(
                    key_node,
                    f"{key}: unknown key in {what}{suggest(key, tuple(declared))}; "
                    f"known keys are: {', '.join(declared)}",
                )
            fields[key] = value
        for key, spec in declared.items():
            if spec.required and key not in fields:
                raise self.fail(node, f"{what} needs `{key}:`")
        return fields

    # -- single values -------------------------------------------------------------------------

    def items(self, node: Node, name: str, read: Callable[[Node], T]) -> tuple[T, ...]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{name}: expected a list (lines starting with `- `), got {describe(node)}")
        if not node.value:
            raise self.fail(node, f"{name}: the list is empty; give at least one item, or leave {name} out")
        return tuple(read(item) for item in node.value)

    def texts(self, node: Node, name: str) -> tuple[str, ...]:
        return self.items(node, name, lambda item: self.text(item, name))

    def raw_text(self, node: Node, name: str) -> str:
        if isinstance(node, MappingNode) and node.flow_style:
            raise self.fail(node, f"{name}: {quote_hint()}")
        if not isinstance(node, ScalarNode) or is_null(node):
            raise self.fail(node, f"{name}: expected text, such as `{name}: A few words`, got {describe(node)}")
        if not node.value.strip():
            raise self.fail(node, f"{name}: expected text, such as `{name}: A few words`, got an empty string")
        self.check_length(node, name, node.value)
        return node.value

    def check_length(self, node: Node, name: str, text: str) -> None:
        if len(text) > format.MAX_TEXT_CHARS:
            raise self.fail(
                node,
                f"{name}: the text is {len(text):,} characters long, more than the {format.MAX_TEXT_CHARS:,} "
                "a text may be; split it into shorter lines",
            )

    def text(self, node: Node, name: str) -> str:
        raw = self.raw_text(node, name)
        self.shared.used |= placeholders.names_in(raw)
        try:
            filled = placeholders.fill(raw, self.shared.variables)
        except placeholders.PlaceholderError as error:
            single_plain_line = not node.style and "\n" not in raw and node.start_mark.line == node.end_mark.line
            offset = error.offset if single_plain_line else 0
            here = Where(self.path, node.start_mark.line + 1, node.start_mark.column + 1 + offset)
            raise ScriptError(here, f"{name}: {error}") from None
        self.check_length(node, name, filled)
        return filled

    def duration(self, node: Node, name: str) -> int:
        try:
            return parse_duration(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, f"{name}: {error}") from None

    def session_length(self, node: Node) -> int:
        ms = self.duration(node, "duration")
        if ms > format.MAX_SESSION_MS:
            raise self.fail(node, f"duration: {node.value} is longer than the longest session, 12h")
        return ms

    def pause_length(self, node: Node, name: str) -> int:
        ms = self.duration(node, name)
        if ms > format.MAX_PAUSE_MS:
            raise self.fail(
                node,
                f"{name}: {node.value} is longer than the longest single pause, 1h; "
                "split it, or use the script's duration",
            )
        return ms

    def decibels(self, node: Node, name: str) -> float:
        try:
            return parse_decibels(self.raw_text(node, name))
        except ValueError as error:
            raise self.fail(node, f"{name}: {error}") from None

    def level(self, options: dict[str, Node], name: str) -> float:
        return self.decibels(options[name], name) if name in options else 0.0

    def number(self, node: Node, name: str, bounds: tuple[float, float], unit: str, example: str) -> float:
        raw = self.raw_text(node, name)
        low, high = bounds
        if not _NUMBER.fullmatch(raw.strip()) or not low <= float(raw) <= high:
            raise self.fail(node, f"{name}: expected {unit} from {low:g} to {high:g}, such as {example}, got {raw!r}")
        return float(raw)

    def seconds(self, node: Node, name: str) -> float:
        return self.number(node, name, (0, 600), "seconds", "4")

    def count(self, node: Node, name: str) -> int:
        raw = self.raw_text(node, name)
        if not re.fullmatch(r"\d+", raw.strip()) or not 1 <= int(raw) <= 1000:
            raise self.fail(node, f"{name}: expected a whole number from 1 to 1000, such as 3, got {raw!r}")
        return int(raw)

    def choice(self, node: Node, name: str, choices: tuple[str, ...]) -> str:
        value = self.raw_text(node, name)
        if value not in choices:
            raise self.fail(
                node, f"{name}: expected one of {', '.join(choices)}{suggest(value, choices)}, got {value!r}"
            )
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
