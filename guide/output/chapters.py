"""A session's chapters as Podcasting 2.0 JSON chapters (`application/json+chapters`), for podcast apps."""

from __future__ import annotations

import json

from guide.rendering.session import Session

CHAPTERS_VERSION = "1.2.0"


def json_chapters(session: Session) -> str:
    """One chapter per section (and the closing): its title and start, in seconds."""
    chapters = [
        {"startTime": chapter.start_ms / 1000, "endTime": chapter.end_ms / 1000, "title": chapter.title}
        for chapter in session.timeline.chapters
    ]
    return json.dumps({"version": CHAPTERS_VERSION, "chapters": chapters}, indent=1, ensure_ascii=False) + "\n"
