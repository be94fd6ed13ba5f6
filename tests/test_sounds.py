"""The built-in bells: made by code, the same every time, and shipped as the code makes them."""

from __future__ import annotations

import numpy as np
import pytest

from guide.script.library import audio_dir
from guide.sound.pcm import SAMPLE_RATE, read_wav
from guide.sound.sounds import BELLS, ambience_loop, bell


@pytest.mark.parametrize("name", sorted(BELLS))
def test_each_bell_is_the_same_every_time_and_matches_the_shipped_file(name):
    made = bell(BELLS[name])
    assert np.array_equal(made, bell(BELLS[name]))
    shipped, rate = read_wav(audio_dir() / f"{name}.wav")
    assert rate == SAMPLE_RATE
    # Another machine's maths library may round a last bit differently; the sound is the same.
    assert len(shipped) == len(made)
    assert np.max(np.abs(shipped.astype(np.int32) - made.astype(np.int32))) <= 1


@pytest.mark.parametrize(("name", "low", "high"), [("bowl", 6, 10), ("chime", 3, 4), ("soft", 3, 6)])
def test_bells_ring_for_their_designed_length_and_fade_to_nothing(name, low, high):
    made = bell(BELLS[name])
    assert low <= len(made) / SAMPLE_RATE <= high
    assert made[-1] == 0
    assert np.abs(made).max() < 32767 * 0.4, "a bell peaks well below full scale, under the voice"


@pytest.mark.parametrize("name", ["brown-noise", "pink-noise", "ocean-waves"])
def test_an_ambience_bed_loops_without_a_seam(name):
    loop = ambience_loop(name)
    seam = abs(float(loop[0]) - float(loop[-1]))
    typical_step = float(np.percentile(np.abs(np.diff(loop)), 99.9))
    assert seam <= typical_step
    assert np.sqrt(np.mean(loop.astype(np.float64) ** 2)) == pytest.approx(1.0, rel=1e-3)
