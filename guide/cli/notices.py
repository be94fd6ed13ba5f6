"""What the commands say of a session's length: the optional content it leaves out, a length out of reach."""

from __future__ import annotations

from guide.rendering.timeline import Timeline
from guide.rendering.versions import PREFERENCE
from guide.script.model import Keep, Script
from guide.script.values import format_clock
from guide.translation import _


def unmet_notice(timeline: Timeline) -> str | None:
    """One line saying that the script's own length was out of reach at the voice settings asked for, and the
    length the session has instead; None when it was met."""
    if timeline.unmet_ms is None:
        return None
    return _(
        "At these voice settings the script's own {asked} is out of reach: the session lasts {length}, as near "
        "as it can come."
    ).format(asked=format_clock(timeline.unmet_ms), length=format_clock(timeline.length_ms))


def left_out_notice(script: Script, timeline: Timeline) -> str | None:
    """Which of the script's optional content is not in the session at its length, in the order it goes, by
    the lines it is written at (in the script, or in a file it includes)."""
    places: dict[Keep, dict[str, list[int]]] = {}
    for step in timeline.left_out:
        name = _("lines") if step.where.path == script.path else step.where.path.name
        lines = places.setdefault(step.keep, {}).setdefault(name, [])
        if step.where.line not in lines:
            lines.append(step.where.line)
    if not places:
        return None
    parts = [
        f"keep: {keep.name.lower()} ("
        + "; ".join(f"{name} {', '.join(map(str, lines))}" for name, lines in places[keep].items())
        + ")"
        for keep in PREFERENCE
        if keep in places
    ]
    return _("left out at this length: {parts}").format(parts=", ".join(parts))
