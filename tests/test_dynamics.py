"""The limiter: peaks held under the ceiling, the gain as its definition gives it, however a sound is cut."""

import itertools

import numpy as np
import pytest

from guide.sound.dynamics import HALF_WINDOW, MARGIN, SAFE_BELOW, Limited, limit, limit_whole

CEILING = 0.8


def defined_limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    """The limiter straight from its definition: each sample's gain is the mean, over the windows around
    it, of the least gain any sample in the window needs."""
    width = 2 * HALF_WINDOW + 1
    wanted = np.minimum(1.0, ceiling * SAFE_BELOW / np.maximum(np.abs(samples), 1e-12))
    windows = np.lib.stride_tricks.sliding_window_view
    gain = windows(windows(wanted, width).min(axis=1), width).mean(axis=1)
    return (samples[MARGIN : len(samples) - MARGIN] * gain).astype(samples.dtype)


def speech_like(length: int, peaks: int, seed: int) -> np.ndarray:
    """Quiet noise with `peaks` loud clicks at random places, the first and last samples among them."""
    rng = np.random.default_rng(seed)
    samples = (rng.standard_normal(length) * 0.1).astype(np.float32)
    places = np.r_[0, length - 1, rng.integers(0, length, peaks)]
    samples[places] = rng.choice([-1.0, 1.0], len(places)) * rng.uniform(0.8, 1.5, len(places))
    return samples


@pytest.mark.parametrize(
    "samples",
    [
        speech_like(30_000, 40, seed=1),
        speech_like(30_000, 3_000, seed=2),
        speech_like(2 * MARGIN + 100, 5, seed=3),
        np.sin(np.arange(20_000) / 7).astype(np.float32) * 1.4,  # loud throughout
    ],
    ids=["sparse peaks", "dense peaks", "shorter than a block", "loud throughout"],
)
def test_the_limiter_gives_the_gain_its_definition_does_and_holds_every_peak_under_the_ceiling(samples):
    limited = limit(samples, CEILING)
    assert len(limited) == len(samples) - 2 * MARGIN
    np.testing.assert_allclose(limited, defined_limit(samples, CEILING), rtol=0, atol=1e-6)
    assert np.abs(limited).max() <= CEILING * SAFE_BELOW * (1 + 1e-6)  # float32's rounding, no more
    untouched = np.abs(samples[MARGIN:-MARGIN]) < 0.3 * CEILING
    assert np.abs(limited - samples[MARGIN:-MARGIN])[untouched].max() < 0.3 * CEILING


def test_a_sound_below_the_ceiling_passes_unchanged():
    samples = speech_like(10_000, 0, seed=4)[1:-1] * 0.5
    assert np.array_equal(limit(samples, CEILING), samples[MARGIN:-MARGIN])


def test_a_limited_sound_is_the_same_however_the_mix_cuts_it():
    samples = (speech_like(50_000, 200, seed=5) * 20_000).astype(np.int16)
    whole = limit_whole(samples * np.float32(1 / 16_000), CEILING)
    sound = Limited(samples, lambda: 1 / 16_000, CEILING)
    cuts = [0, 1, 511, 4_000, 4_001, 17_777, 50_000]
    pieces = np.concatenate([sound[a:b] for a, b in itertools.pairwise(cuts)])
    assert np.array_equal(pieces, whole), "to the last bit: a line must sound the same wherever a chunk begins"
