"""Keeping peaks under a ceiling: a limiter whose gain at each sample depends only on the samples near it,
so any stretch of a session can be limited on its own and come out the same."""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from guide.sound.pcm import ms_to_samples

HALF_WINDOW = ms_to_samples(2)
"""The gain follows peaks this far ahead and behind: quick enough to catch a plosive, slow enough not to
distort it."""
MARGIN = 2 * HALF_WINDOW
"""Samples either side of a stretch that its limiting depends on."""
GAIN_BLOCK = 512
"""The limiter works out its gain in blocks of this many samples, only in those near a peak."""
SAFE_BELOW = 10 ** (-0.5 / 20)


def running_min(values: np.ndarray, width: int) -> np.ndarray:
    """The minimum of every `width` consecutive values, in linear time (van Herk and Gil-Werman)."""
    count = len(values) - width + 1
    padded = np.concatenate([values, np.full(-len(values) % width, np.inf)])
    blocks = padded.reshape(-1, width)
    forward = np.minimum.accumulate(blocks, axis=1).ravel()
    backward = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(count)
    return np.minimum(backward[starts], forward[starts + width - 1])


def running_mean(values: np.ndarray, width: int) -> np.ndarray:
    totals = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    return (totals[width:] - totals[:-width]) / width


def limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """The samples with their true peaks kept under `ceiling` (full scale 1.0). The first and last MARGIN
    samples are context: the result is the stretch between them.

    Speech, bells and noise at this rate rise a few tenths of a decibel between samples, so holding the
    samples themselves half a decibel under the ceiling keeps the true peaks under it, without
    oversampling."""
    inner = samples[MARGIN : len(samples) - MARGIN]
    most = ceiling * SAFE_BELOW
    magnitude = np.abs(samples)
    if magnitude.max(initial=0.0) <= most or not len(inner):
        return inner
    limited = inner.copy()
    # Each sample's gain depends on the samples within MARGIN of it, and is 1 unless one of them is too loud.
    # Peaks are a sliver of any sound worth hearing, so the gain is worked out only in the blocks near them.
    loud = np.flatnonzero(magnitude > most)
    # Marked, not np.unique'd: np.unique loads numpy.ma the first time it runs, 15-40 ms before the first audio.
    near = np.zeros(len(inner) // GAIN_BLOCK + 1, dtype=bool)
    near[np.maximum(loud - 2 * MARGIN, 0) // GAIN_BLOCK] = True
    near[np.minimum(loud, len(inner) - 1) // GAIN_BLOCK] = True
    blocks = np.flatnonzero(near)
    gaps = np.diff(blocks) > 1
    runs = zip(blocks[np.concatenate([[True], gaps])], blocks[np.concatenate([gaps, [True]])], strict=True)
    for first, last in runs:
        begin, end = first * GAIN_BLOCK, min((last + 1) * GAIN_BLOCK, len(inner))
        limited[begin:end] = inner[begin:end] * _gain(samples[begin : end + 2 * MARGIN], most)
    return limited


def _gain(samples: np.ndarray, most: float) -> np.ndarray:
    """The limiter's gain for all but the first and last MARGIN of `samples`."""
    wanted = np.minimum(1.0, most / np.maximum(np.abs(samples), 1e-12))
    # The minimum over a window, then the mean over a window no wider: every sample's gain is an average
    # of values at or below the gain it needs, so no peak gets through, and the gain moves smoothly.
    width = 2 * HALF_WINDOW + 1
    return running_mean(running_min(wanted, width), width)


def limit_whole(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """A whole clip limited, with silence around it as context."""
    padding = np.zeros(MARGIN, dtype=samples.dtype)
    return limit(np.concatenate([padding, samples, padding]), ceiling)


class Limited:
    """A sound at a gain, its peaks limited under a ceiling as `limit_whole` would, but only as far as each
    stretch taken from it: the mix limits what it reaches, while it plays or encodes, and the whole never
    has to be held as float samples. The gain too is asked for only when the sound is first reached, so
    that working it out runs beside the encoder rather than before it."""

    def __init__(self, samples: np.ndarray, gain: Callable[[], float], ceiling: float, after: float = 1.0):
        """`samples` as they are stored (16-bit or float); `gain` gives the factor that brings them to full
        scale 1.0 and their level; `after` is applied past the limiter (a line's volume, a recording's own
        gain)."""
        self.samples = samples
        self._gain = gain
        self.ceiling = ceiling
        self.after = after

    @functools.cached_property
    def gain(self) -> np.float32:
        return np.float32(self._gain())

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, part: slice) -> np.ndarray:
        start, stop, _ = part.indices(len(self.samples))
        stop = max(start, stop)
        context = np.zeros(stop - start + 2 * MARGIN, dtype=np.float32)
        lo, hi = max(0, start - MARGIN), min(len(self.samples), stop + MARGIN)
        context[lo - (start - MARGIN) : hi - (start - MARGIN)] = self.samples[lo:hi] * self.gain
        limited = limit(context, self.ceiling)
        return limited * np.float32(self.after) if self.after != 1.0 else limited
