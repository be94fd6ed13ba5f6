"""Taking a session's long digital silences out before it is encoded, noting each cut, so that the encoded file
can have them back without their being encoded: see `mp3.restore_silences`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from guide.sound.pcm import ms_to_samples

KEEP_MS = 500
"""The silence left either side of a cut. An MP3 encoder's window and look-ahead reach a few frames (26 ms each
here) from a sound, so the frames where a cut goes back encode silence and nothing else."""
SHORTEST_CUT_MS = 1000
"""No cut is shorter: a shorter silence is encoded in about the time it takes to put a cut back. So only runs of
silence at least 2 seconds long are cut."""


@dataclass(frozen=True)
class Cut:
    """Silence taken out of a stream: `samples` of it, at sample `at` of the stream without it."""

    at: int
    samples: int


def condensed(chunks: Iterable[np.ndarray], cuts: list[Cut], multiple: int, chunk: int) -> Iterator[np.ndarray]:
    """The 16-bit `chunks` with each run of zero samples long enough for a cut (see SHORTEST_CUT_MS) cut down to
    KEEP_MS either side of the cut, and a little more after it: every cut is a whole number of `multiple`
    samples, appended to `cuts` as it is made. In chunks of `chunk` samples."""
    keep, shortest = ms_to_samples(KEEP_MS), ms_to_samples(SHORTEST_CUT_MS)
    out = _Regrouped(chunk)
    run = 0
    """Zero samples since the last sound; the first `keep` of them are already out."""

    def ended(length: int) -> Iterator[np.ndarray]:
        """The rest of a run of `length` zeros, now that its end is known."""
        taken = (length - 2 * keep) // multiple * multiple
        if taken < shortest:
            yield from out.zeros(length - min(length, keep))
            return
        cuts.append(Cut(out.position, taken))
        yield from out.zeros(length - keep - taken)

    for samples in chunks:
        if not samples.any():  # most of a meditation, and faster to ask than to find where sound is
            yield from out.zeros(min(run + len(samples), keep) - min(run, keep))
            run += len(samples)
            continue
        loud = np.flatnonzero(samples)
        yield from out.zeros(min(run + int(loud[0]), keep) - min(run, keep))
        yield from ended(run + int(loud[0]))
        yield from out.add(samples[loud[0] : loud[-1] + 1])
        run = len(samples) - 1 - int(loud[-1])
        yield from out.zeros(min(run, keep))
    yield from ended(run)
    yield from out.rest()


class _Regrouped:
    """Samples gathered into chunks of one length."""

    def __init__(self, chunk: int):
        self.chunk = chunk
        self.position = 0
        """Samples taken in so far."""
        self._pending: list[np.ndarray] = []
        self._count = 0

    def zeros(self, count: int) -> list[np.ndarray]:
        return self.add(np.zeros(count, dtype=np.int16)) if count > 0 else []

    def add(self, samples: np.ndarray) -> list[np.ndarray]:
        """The chunks these samples complete."""
        self.position += len(samples)
        self._pending.append(samples)
        self._count += len(samples)
        if self._count < self.chunk:
            return []
        gathered = np.concatenate(self._pending)
        whole = len(gathered) // self.chunk * self.chunk
        self._pending, self._count = [gathered[whole:]], len(gathered) - whole
        return [gathered[start : start + self.chunk] for start in range(0, whole, self.chunk)]

    def rest(self) -> list[np.ndarray]:
        return [np.concatenate(self._pending)] if self._count else []
