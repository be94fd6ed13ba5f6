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
from guide.translation import N_, _

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
        raise ScriptError(Where(path, 1, 1), _("the file is empty; a script needs at least a title and sections"))
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
        fields = self.mapping(root, N_("the script"), format.TOP_LEVEL)
        declared = self.declared_variables(fields.get("variables"))
        left_out: list[str] = []
        for name in sorted(set(overrides) - set(declared)):
            meant = misspelling_of(name, declared)
            if name in shared and meant is None:
                left_out.append(name)
                del overrides[name]
                continue
            if meant:
                hint = _("did you mean {name}?").format(name=meant)
            else:
                hint = _("it has: {names}").format(names=", ".join(sorted(declared)) or _("none"))
            problem = _("{path} declares no such variable ({hint})").format(path=self.path, hint=hint)
            if name in given_at:
                raise ScriptError(given_at[name], _("{name}: {problem}").format(name=name, problem=problem))
            raise FieldError("variables", problem, name)
        self.shared.variables = {name: value for name, (value, _where) in declared.items()} | overrides
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
                _(
                    "sections: every step is marked keep:, so at its shortest the session would hold no "
                    "practice; leave the heart of it without keep: (always)"
                ),
            )
        unused = tuple((name, at) for name, (_value, at) in declared.items() if name not in self.shared.used)
        return replace(script, unused_variables=unused, left_out_variables=tuple(left_out))

    def section(self, node: Node) -> Section:
        fields = self.mapping(node, N_("a section"), format.SECTION)
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
                _(
                    "keep: {value} in the closing: the grounding close plays at every length, and when the "
                    "listener leaves early; remove keep: here"
                ).format(value=optional.keep.name.lower()),
            )
        return steps

    def keep(self, node: Node) -> Keep:
        return Keep[self.choice(node, "keep", format.KEEP).upper()]

    def steps(self, node: Node, name: str) -> tuple[Step, ...]:
        return tuple(step for steps in self.items(node, name, self.step) for step in steps)

    def step(self, node: Node) -> list[Step]:
        """One step as written, unfolded into the steps the planner knows (an `affirm` into lines and pauses)."""
        if not isinstance(node, MappingNode):
            raise self.fail(
                node, _("a step must be a mapping such as `say: Hello`, got {describe}").format(describe=describe(node))
            )
        keys = {key: (key_node, value) for key, key_node, value in mapping_items(node)}
        kinds = [key for key in keys if key in format.STEPS]
        if not kinds:
            first_key, (key_node, _value) = next(iter(keys.items()), ("", (node, node)))
            raise self.fail(
                key_node,
                _("{first_key}: not a kind of step{suggest}; a step is one of: {items}").format(
                    first_key=first_key, suggest=suggest(first_key, tuple(format.STEPS)), items=", ".join(format.STEPS)
                ),
            )
        # An option may share its name with a kind of step (affirm's `pause`): the kind is the one whose
        # options take in the others.
        owners = [k for k in kinds if all(other == k or other in format.STEPS[k].options for other in kinds)]
        if not owners:
            raise self.fail(
                keys[kinds[1]][0],
                _(
                    "{value}: a step has exactly one kind, and this one already is `{value2}`; put each in "
                    "a step of its own"
                ).format(value=kinds[1], value2=kinds[0]),
            )
        kind = owners[0]
        declared = format.STEPS[kind].options
        for key, (key_node, _value) in keys.items():
            if key != kind and key not in declared:
                raise self.fail(
                    key_node,
                    _("{key}: unknown option{suggest}; `{kind}` takes: {items}").format(
                        key=key, suggest=suggest(key, tuple(declared)), kind=kind, items=", ".join(declared)
                    ),
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
                _(
                    "{kind}: the script makes more than {max_steps:,} steps, the most a script may (affirm "
                    "repeats and breathe cycles count each line and phase); split it into shorter sessions"
                ).format(kind=kind, max_steps=format.MAX_STEPS),
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
                value,
                _("affirm: expected a list of statements (lines starting with `- `), got {describe}").format(
                    describe=describe(value)
                ),
            )
        unfolded: list[Step] = []
        for statement in self.items(value, "affirm", lambda n: (n, self.text(n, "affirm"))):
            for _time in range(repeat):
                unfolded += [Say(statement[1], voice, self.at(statement[0])), Pause(pause, self.at(statement[0]))]
        return unfolded

    def step_breathe(self, node: Node, value: Node, options: dict[str, Node]) -> list[Step]:
        fields = self.mapping(value, "breathe", format.BREATHING)
        cue = self.choice(options["cue"], "cue", format.CUES) if "cue" in options else "voice"
        seconds = {phase: self.seconds(fields[phase], phase) for phase in _BREATH_PHASES if phase in fields}
        for phase in ("in", "out"):
            if seconds[phase] == 0:
                raise self.fail(
                    fields[phase],
                    _("{phase}: a breath needs time to breathe {phase}, such as {phase}: 4").format(phase=phase),
                )
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
            raise self.fail(
                value, _("include: this makes a loop ({chain}); remove one of the includes").format(chain=chain)
            )
        if len(self.shared.stack) > MAX_INCLUDE_DEPTH:
            raise self.fail(
                value,
                _("include: includes nest more than {MAX_INCLUDE_DEPTH} deep; flatten some of them").format(
                    MAX_INCLUDE_DEPTH=MAX_INCLUDE_DEPTH
                ),
            )
        return self.included_steps(included)

    def included_steps(self, included: Path) -> list[Step]:
        """The steps of a file that scripts include: a list of steps, or a mapping with `steps`."""
        root = compose_file(included)
        if root is None:
            raise ScriptError(Where(included, 1, 1), _("the file is empty; an included file holds a list of steps"))
        self.shared.stack.append(included)
        try:
            reader = ScriptReader(included, self.shared)
            steps_node = (
                root
                if isinstance(root, SequenceNode)
                else reader.mapping(root, N_("an included file"), format.INCLUDED)["steps"]
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
                _(
                    "bell: {reference!r} is neither a built-in bell ({items}) nor a file beside the script{suggest}"
                ).format(reference=reference, items=", ".join(format.BELLS), suggest=suggest(reference, format.BELLS)),
            )
        return self.file(node, "bell")

    def file(self, node: Node, name: str, library_folder: Path | None = None) -> Path:
        try:
            return library.resolve_asset(
                self.raw_text(node, name), self.base_dir, library_folder or library.audio_dir()
            )
        except ValueError as error:
            raise self.fail(node, _("{name}: {error}").format(name=name, error=error)) from None

    def cover(self, node: Node) -> Path:
        path = self.file(node, "cover")
        try:
            cover.image_type(path)
        except ValueError as error:
            raise self.fail(node, _("cover: {error}").format(error=error)) from None
        return path

    def voice_mapping(self, node: Node, inherited: Voice) -> Voice:
        return replace(inherited, **self.voice_settings(node))

    def voice_profiles(self, node: Node) -> dict[str, Voice]:
        return self.named(
            node,
            "voices",
            N_("named voice mappings, such as child: {rate: 100}"),
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
                    _("the profiles are: {names}").format(names=", ".join(profiles))
                    if profiles
                    else _("the script declares none under voices:")
                )
                raise self.fail(
                    node,
                    _("voice: no voice profile named {value!r}{suggest}; {known}").format(
                        value=node.value, suggest=suggest(node.value, profiles), known=known
                    ),
                )
            return self.shared.voices[node.value]
        return self.voice_mapping(node, self.shared.voice)

    def ambience(self, node: Node) -> Ambience:
        fields = self.mapping(node, "ambience", format.AMBIENCE)
        if "sound" not in fields:
            raise self.fail(node, _("ambience needs `sound:`, one of {items}").format(items=", ".join(format.BEDS)))
        sound_node = fields["sound"]
        name = self.raw_text(sound_node, "sound")
        sound: str | Path = name
        if name not in format.BEDS:
            if "." not in Path(name).name and not (self.base_dir / name).exists():
                raise self.fail(
                    sound_node,
                    _(
                        "sound: {name!r} is neither a built-in ambience ({items}) nor a file beside the script{suggest}"
                    ).format(name=name, items=", ".join(format.BEDS), suggest=suggest(name, format.BEDS)),
                )
            sound = self.file(sound_node, "sound")
        gain = self.decibels(fields["volume"], "volume") if "volume" in fields else -24.0
        fade = self.duration(fields["fade"], "fade") if "fade" in fields else 8000
        return Ambience(sound, gain, fade)


def _kept(steps: Iterable[Step], keep: Keep) -> tuple[Step, ...]:
    """Steps marked with `keep`, each keeping its own mark where it goes sooner (a `sometimes` line in a
    `usually` section goes with the other `sometimes` content)."""
    return tuple(replace(step, keep=max(step.keep, keep)) for step in steps)
