"""Loading a script file into a validated `Script`, with every error placed at its file, line and column."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from guide.errors import FieldError, ScriptError, Where
from guide.script import cover, format, library
from guide.script.language_rules import rules_or_english
from guide.script.model import (
    Ambience,
    Bell,
    BreathPhase,
    Duration,
    Keep,
    Pause,
    Recording,
    Say,
    Script,
    Section,
    Silence,
    Step,
    Voice,
)
from guide.script.readers import Shared, ValueReader, describe, is_null, misspelling_of, suggest
from guide.script.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    compose_file,
    mapping_items,
)

MAX_INCLUDE_DEPTH = 8
_BREATH_PHASES = ("in", "hold", "out", "rest")
T = TypeVar("T")


def load_script(
    path: Path,
    variables: Mapping[str, str] | None = None,
    given_at: Mapping[str, Where] | None = None,
    shared: Collection[str] = (),
) -> Script:
    """The script in a file, validated, with `variables` overriding the defaults it declares.

    `given_at` says where a variable was given (a line of a --vars file); one without is from --var. The
    `shared` ones were given for many scripts at once (a practice's clients file): one the script does not
    declare is left out (see `Script.left_out_variables`), unless it is a misspelling of one it does."""
    root = compose_file(path)
    if root is None:
        raise ScriptError(Where(path, 1, 1), "the file is empty; a script needs at least a title and sections")
    reader = ScriptReader(path, Shared(stack=[path.resolve()]))
    return reader.script(root, dict(variables or {}), dict(given_at or {}), frozenset(shared))


def load_fragment(path: Path) -> tuple[Step, ...]:
    """The steps of a file scripts include (a built-in fragment), validated as an `include` reads them."""
    return tuple(ScriptReader(path, Shared(stack=[])).included_steps(path.resolve()))


class ScriptReader(ValueReader):
    """Turns the node tree of a script file, or of a file it includes, into the model."""

    def script(
        self, root: Node, overrides: dict[str, str], given_at: dict[str, Where], shared: frozenset[str]
    ) -> Script:
        fields = self.mapping(root, "the script", format.TOP_LEVEL)
        declared = self.declared_variables(fields.get("variables"))
        left_out: list[str] = []
        for name in sorted(set(overrides) - set(declared)):
            meant = misspelling_of(name, declared)
            if name in shared and meant is None:
                left_out.append(name)
                del overrides[name]
                continue
            has = f"it has: {', '.join(sorted(declared)) or 'none'}"
            problem = f"{self.path} declares no such variable ({f'did you mean {meant}?' if meant else has})"
            if name in given_at:
                raise ScriptError(given_at[name], f"{name}: {problem}")
            raise FieldError("variables", problem, name)
        self.shared.variables = {name: value for name, (value, _) in declared.items()} | overrides
        if "voice" in fields:
            self.shared.voice = self.voice_mapping(fields["voice"], Voice())
        if "voices" in fields:
            self.shared.voices = self.voice_profiles(fields["voices"])

        def optional(key: str, read: Callable[[Node], T]) -> T | None:
            return read(fields[key]) if key in fields else None

        self.shared.language = optional("language", self.language) or "en"

        script = Script(
            path=self.path,
            title=self.text(fields["title"], "title"),
            author=optional("author", lambda n: self.text(n, "author")),
            description=optional("description", lambda n: self.text(n, "description").strip()),
            language=self.shared.language,
            duration=optional("duration", lambda n: Duration(self.session_length(n), self.at(n))),
            content_note=optional("content_note", lambda n: self.text(n, "content_note").strip()),
            cover=optional("cover", self.cover),
            voice=self.shared.voice,
            gap_ms=optional("gap", lambda n: self.duration(n, "gap")) or format.DEFAULT_GAP_MS,
            variables=self.shared.variables,
            ambience=optional("ambience", self.ambience),
            sections=self.items(fields["sections"], "sections", self.section),
            closing=optional("closing", self.closing) or (),
            reflect=optional("reflect", lambda n: self.texts(n, "reflect")) or (),
        )
        if all(step.keep is not Keep.ALWAYS for section in script.sections for step in section.steps):
            raise self.fail(
                fields["sections"],
                "sections: every step is marked keep:, so at its shortest the session would hold no practice; "
                "leave the heart of it without keep: (always)",
            )
        unused = tuple((name, at) for name, (_, at) in declared.items() if name not in self.shared.used)
        return replace(script, unused_variables=unused, left_out_variables=tuple(left_out))

    def section(self, node: Node) -> Section:
        fields = self.mapping(node, "a section", format.SECTION)
        steps = self.steps(fields["steps"], "steps")
        return Section(
            title=self.text(fields["title"], "title"),
            steps=_kept(steps, self.keep(fields["keep"])) if "keep" in fields else steps,
            where=self.at(node),
        )

    def closing(self, node: Node) -> tuple[Step, ...]:
        steps = self.steps(node, "closing")
        optional = next((step for step in steps if step.keep is not Keep.ALWAYS), None)
        if optional is not None:
            raise ScriptError(
                optional.where,
                f"keep: {optional.keep.name.lower()} in the closing: the grounding close plays at every length, "
                "and when the listener leaves early; remove keep: here",
            )
        return steps

    def keep(self, node: Node) -> Keep:
        return Keep[self.choice(node, "keep", format.KEEP).upper()]

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
                raise self.fail(
                    key_node,
                    f"{key}: unknown option{suggest(key, tuple(declared))}; `{kind}` takes: {', '.join(declared)}",
                )
        value = keys[kind][1]
        options = {key: keys[key][1] for key in declared if key in keys}
        made: list[Step] = getattr(self, f"step_{kind}")(node, value, options)
        if "keep" in options:
            made = list(_kept(made, self.keep(options["keep"])))
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
        words = rules_or_english(self.shared.language).breath_cues
        one_breath: list[Step] = [
            BreathPhase(
                phase,
                round(seconds[phase] * 1000),
                cue,
                self.shared.voice,
                self.at(node),
                words[phase][-1],
                clearer=words[phase][:-1],
            )
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
        return self.included_steps(included)

    def included_steps(self, included: Path) -> list[Step]:
        """The steps of a file that scripts include: a list of steps, or a mapping with `steps`."""
        root = compose_file(included)
        if root is None:
            raise ScriptError(Where(included, 1, 1), "the file is empty; an included file holds a list of steps")
        self.shared.stack.append(included)
        try:
            reader = ScriptReader(included, self.shared)
            steps_node = (
                root
                if isinstance(root, SequenceNode)
                else reader.mapping(root, "an included file", format.INCLUDED)["steps"]
            )
            return list(reader.steps(steps_node, "steps"))
        finally:
            self.shared.stack.pop()

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

    def voice_mapping(self, node: Node, inherited: Voice) -> Voice:
        return replace(inherited, **self.voice_settings(node))

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


def _kept(steps: Iterable[Step], keep: Keep) -> tuple[Step, ...]:
    """Steps marked with `keep`, each keeping its own mark where it goes sooner (a `sometimes` line in a
    `usually` section goes with the other `sometimes` content)."""
    return tuple(replace(step, keep=max(step.keep, keep)) for step in steps)
