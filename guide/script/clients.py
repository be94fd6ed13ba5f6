"""Reading a clients file: one entry per client, each checked on its own so a bad one does not stop the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guide.errors import ScriptError, Where
from guide.script import format
from guide.script.model import Duration
from guide.script.readers import describe, values_reader
from guide.script.yamlnodes import SequenceNode, compose_file, where
from guide.translation import N_, _

_CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
EXAMPLE = "- client: ana\n  variables: {name: Ana}"


@dataclass(frozen=True)
class Client:
    """One client's entry: who, and how their session differs from the script's own."""

    id: str
    where: Where
    variables: dict[str, str] = field(default_factory=dict)
    variables_at: dict[str, Where] = field(default_factory=dict)
    """Where each variable is given, so a variable the script does not declare is reported there."""
    voice: dict[str, Any] = field(default_factory=dict)
    """`Voice` fields to set on every line."""
    duration: Duration | None = None
    language: str | None = None


def load_clients(path: Path) -> tuple[list[Client], list[ScriptError]]:
    """The valid entries of a clients file, and an error for each entry that is not.

    A file that is not a list of entries at all is one ScriptError, raised."""
    root = compose_file(path)
    if not isinstance(root, SequenceNode) or not root.value:
        at = where(path, root) if root is not None else Where(path, 1, 1)
        got = describe(root) if root is not None else _("an empty file")
        raise ScriptError(
            at,
            _("expected a list of clients, one entry each, such as\n{EXAMPLE}\ngot {got}").format(
                EXAMPLE=EXAMPLE, got=got
            ),
        )
    reader = values_reader(path)
    clients: list[Client] = []
    errors: list[ScriptError] = []
    seen: dict[str, Where] = {}
    for node in root.value:
        try:
            fields = reader.mapping(node, N_("a client"), format.CLIENT)
            client_id = reader.raw_text(fields["client"], "client").strip()
            if not _CLIENT_ID.fullmatch(client_id):
                raise reader.fail(
                    fields["client"],
                    _(
                        "client: {client_id!r} cannot name a file; use up to 100 letters, digits, -, _ and "
                        "., starting with a letter or digit"
                    ).format(client_id=client_id),
                )
            if client_id in seen:
                first = seen[client_id].line
                raise reader.fail(
                    fields["client"],
                    _("client: {client_id} is already listed at line {first}").format(client_id=client_id, first=first),
                )
            seen[client_id] = reader.at(node)
            declared = reader.declared_variables(fields.get("variables"))
            clients.append(
                Client(
                    id=client_id,
                    where=reader.at(node),
                    variables={name: value for name, (value, _) in declared.items()},
                    variables_at={name: at for name, (_, at) in declared.items()},
                    voice=reader.voice_settings(fields["voice"]) if "voice" in fields else {},
                    duration=(
                        Duration(reader.duration(fields["duration"], "duration"), reader.at(fields["duration"]))
                        if "duration" in fields
                        else None
                    ),
                    language=reader.language(fields["language"]) if "language" in fields else None,
                )
            )
        except ScriptError as error:
            errors.append(error)
    return clients, errors
