"""Reading a script file into YAML nodes that keep their line and column; the only module that imports YAML."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guide.errors import ScriptError, Where
from guide.translation import N_, _

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 100
"""How deep lists and mappings may nest: a script needs a handful of levels."""
MAX_NODES = 100_000
"""How many values a file may hold once its aliases are expanded: refuses alias bombs before they grow."""

_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_TOKEN_WORDS = {
    "<block end>": N_("the end of the indented block"),
    "'<block sequence start>'": N_("a list item"),
    "'<block mapping start>'": N_("a new key"),
    "'<block end>'": N_("the end of the indented block"),
    "'<scalar>'": N_("more text"),
    "'-'": N_("a list item"),
}
_FLOW_MARKS = re.compile(r"[\[\]{}\"'#\n]")
_STARTS_WITH_BRACKET = re.compile(r"^\s*(?:-\s+)*(?:[^\s:#][^:#]*:\s+)?(?:-\s+)*[{\[]")

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "compose_file", "mapping_items", "quote_hint", "where"]


def where(path: Path, node: Node) -> Where:
    """The place a node starts, 1-based."""
    return Where(path, node.start_mark.line + 1, node.start_mark.column + 1)


def quote_hint(value: str = "{name} ...") -> str:
    """The advice for text that YAML read as a structure because it starts with a bracket."""
    return _('text that starts with {{ or [ must be in quotes, for example: say: "{value}"').format(value=value)


def compose_file(path: Path) -> Node | None:
    """The file's YAML as a node tree, checked for encoding, size, tags, duplicate keys and alias bombs."""
    text = _read_text(path)
    _check_flow_depth(path, text)
    try:
        root = _composed(text)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(path, text, error) from None
    except yaml.reader.ReaderError as error:
        before = text[: error.position]
        here = Where(path, before.count("\n") + 1, error.position - (before.rfind("\n") + 1) + 1)
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        raise ScriptError(
            here,
            _("the file holds a control character ({character}) YAML does not allow; remove it").format(
                character=character
            ),
        ) from None
    except yaml.YAMLError as error:
        raise ScriptError(
            Where(path, 1, 1), _("not valid YAML: {problem}").format(problem=" ".join(str(error).split()))
        ) from None
    except RecursionError:
        raise ScriptError(Where(path, 1, 1), _("values are nested too deeply to read")) from None
    if root is not None:
        _check_tree(path, root)
    return root


def _composed(text: str) -> Node | None:
    """The text's node tree, from libyaml when PyYAML was built with it: ten times faster, which is most of the
    time a short script takes to load. Its node for plain text has style '' where PyYAML's own has None. At
    any fault, PyYAML's own parser reads the text again, so that every error reads as its messages do."""
    if yaml.__with_libyaml__:
        yaml.reader.Reader(text)  # the characters YAML allows, as PyYAML's reader checks them
        with contextlib.suppress(yaml.YAMLError):
            return yaml.compose(text, Loader=yaml.CSafeLoader)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def mapping_items(node: MappingNode) -> Iterator[tuple[str, ScalarNode, Node]]:
    """A mapping's (key, key node, value node) triples; keys are plain text, as the tree check ensured."""
    for key_node, value_node in node.value:
        yield key_node.value, key_node, value_node


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScriptError(
                Where(path, 1, 1),
                _("the file is {size:,} bytes; a script may be at most {MAX_FILE_BYTES:,} bytes").format(
                    size=size, MAX_FILE_BYTES=MAX_FILE_BYTES
                ),
            )
        data = path.read_bytes()
    except OSError as error:
        raise ScriptError(
            Where(path, 1, 1), _("cannot read the file: {strerror}").format(strerror=error.strerror)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise ScriptError(
            Where(path, line, column),
            _("the file is not UTF-8 text (byte 0x{value:02x}); save it with UTF-8 encoding").format(
                value=data[error.start]
            ),
        ) from None


def _check_flow_depth(path: Path, text: str) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before YAML reads them: its reader would take seconds
    over tens of thousands of them only to run out of recursion."""
    depth = 0
    quote = ""
    for match in _FLOW_MARKS.finditer(text):
        mark = match.group()
        if quote:
            quote = "" if mark == quote or mark == "\n" and quote == "#" else quote
        elif mark in "\"'#":
            quote = mark
        elif mark in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                before = text[: match.start()]
                where_ = Where(path, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1)
                raise ScriptError(
                    where_, _("values are nested more than {MAX_DEPTH} deep; flatten them").format(MAX_DEPTH=MAX_DEPTH)
                )
        elif mark in "]}":
            depth = max(0, depth - 1)


def _syntax_error(path: Path, text: str, error: yaml.MarkedYAMLError) -> ScriptError:
    mark = error.problem_mark or error.context_mark or yaml.Mark(str(path), 0, 0, 0, text, 0)
    lines = text.splitlines()
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    bracket = _STARTS_WITH_BRACKET.match(line_text)
    if bracket:
        value = line_text[bracket.end() - 1 :].strip()
        return ScriptError(Where(path, mark.line + 1, bracket.end()), quote_hint(value))
    here = Where(path, mark.line + 1, mark.column + 1)
    problem = error.problem or _("this is not valid YAML")
    for token, words in _TOKEN_WORDS.items():
        problem = problem.replace(token, _(words))
    context = ""
    if error.context and error.context_mark and error.context_mark.line != mark.line:
        what = error.context.replace("while parsing a ", "in the ").replace("block ", "").replace("flow ", "")
        context = _(" ({what} that starts at line {line})").format(what=what, line=error.context_mark.line + 1)
    return ScriptError(
        here,
        _("YAML syntax: {problem}{context}; check the indentation and quoting here").format(
            problem=problem, context=context
        ),
    )


def _check_tree(path: Path, root: Node) -> None:
    """Walk every node once, refusing object tags, non-text keys, duplicate keys, cycles and alias bombs."""
    expanded: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in _children(node))
            if expanded[key] > MAX_NODES:
                raise ScriptError(
                    where(path, node),
                    _("aliases here expand to more than {MAX_NODES:,} values; write the values out instead").format(
                        MAX_NODES=MAX_NODES
                    ),
                )
            continue
        if key in expanded:
            continue
        if key in in_progress:
            raise ScriptError(where(path, node), _("an alias refers to a value that contains it"))
        if node.tag not in _PLAIN_TAGS:
            raise ScriptError(
                where(path, node), _("the YAML tag {tag!r} is not allowed; remove it").format(tag=node.tag)
            )
        if isinstance(node, MappingNode):
            _check_keys(path, node)
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _check_keys(path: Path, node: MappingNode) -> None:
    seen: dict[str, Node] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
            raise ScriptError(where(path, key_node), _("a key must be plain text"))
        if key_node.value in seen:
            first = seen[key_node.value].start_mark.line + 1
            raise ScriptError(
                where(path, key_node),
                _("{value}: given twice in one mapping (first at line {first})").format(
                    value=key_node.value, first=first
                ),
            )
        seen[key_node.value] = key_node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []
