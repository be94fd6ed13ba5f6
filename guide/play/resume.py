"""Where the last interrupted play of each script stopped, kept in the user's data folder for --resume."""

from __future__ import annotations

import json
import time
from pathlib import Path

from guide.atomic import write_text
from guide.errors import RenderError


class ResumePlaces:
    """Where the last interrupted play of each script stopped, in `resume.json` in a data folder."""

    def __init__(self, data_dir: Path):
        self.file = data_dir / "resume.json"

    def stopped_at(self, script: Path) -> int | None:
        """Where the last interrupted play of the script stopped, in ms, if it was interrupted."""
        place = self._places().get(str(script.resolve()))
        ms = place.get("ms") if isinstance(place, dict) else None
        # JSON's true is an int to Python: a file edited by hand is read as having no place, not 1 ms.
        return ms if isinstance(ms, int) and not isinstance(ms, bool) else None

    def remember(self, script: Path, ms: int | None) -> None:
        """Keep where a play of the script stopped, or forget it (None: it was played to the end). Failing to
        keep it is never worth failing the play for, so an unwritable data folder is passed over."""
        places = self._places()
        key = str(script.resolve())
        if ms is None and key not in places:
            return
        if ms is None:
            del places[key]
        else:
            places[key] = {"ms": ms, "when": round(time.time())}
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            write_text(self.file, json.dumps(places, indent=1, sort_keys=True) + "\n")
        except (OSError, RenderError):
            pass

    def _places(self) -> dict[str, dict[str, float]]:
        try:
            places = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return places if isinstance(places, dict) else {}
