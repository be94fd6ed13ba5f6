"""Measuring loudness as ITU-R BS.1770 does: K-weighting, 400 ms blocks, gating."""

from __future__ import annotations

import array
import math
from collections.abc import Iterable
from functools import cache

import numpy as np

from guide.sound.pcm import SAMPLE_RATE

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
SUB_BLOCK = SAMPLE_RATE // 10
"""100 ms: a 400 ms gating block is four of these, and blocks overlap by three."""
IMPULSE_LENGTH = 2048
"""Samples of the K-weighting filter's impulse response kept (93 ms): its slowest part, the 38 Hz high pass,
has decayed by more than 180 dB by then."""
TRANSFORM = 8192
"""Points in each transform of the filter: at this size NumPy's FFT does the most per sample."""
PIECE = TRANSFORM - IMPULSE_LENGTH + 1
"""Samples filtered by each transform."""
BATCH = 16
"""Transforms done in one call, for the few calls a long stream needs."""


def _biquad(b: tuple[float, float, float], a: tuple[float, float, float], signal: np.ndarray) -> np.ndarray:
    out = np.zeros_like(signal)
    x1 = x2 = y1 = y2 = 0.0
    for n, x in enumerate(signal):
        y = (b[0] * x + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2) / a[0]
        x2, x1, y2, y1 = x1, x, y1, y
        out[n] = y
    return out


@cache
def k_weighting() -> np.ndarray:
    """The impulse response of BS.1770's K-weighting at the session rate: a high shelf (+4 dB above about
    1.7 kHz, for the head) then a high pass at 38 Hz. The stages are placed by the bilinear transform from
    the analogue filters whose 48 kHz coefficients the standard gives, as reference meters do."""
    k = math.tan(math.pi * 1681.974450955533 / SAMPLE_RATE)
    q = 0.7071752369554196
    high = 10 ** (3.999843853973347 / 20)
    band = high**0.4996667741545416
    norm = 1 + k / q + k * k
    shelf_b = ((high + band * k / q + k * k) / norm, 2 * (k * k - high) / norm, (high - band * k / q + k * k) / norm)
    shelf_a = (1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm)
    k = math.tan(math.pi * 38.13547087602444 / SAMPLE_RATE)
    q = 0.5003270373238773
    norm = 1 + k / q + k * k
    pass_b = (1.0, -2.0, 1.0)
    pass_a = (1.0, 2 * (k * k - 1) / norm, (1 - k / q + k * k) / norm)
    impulse = np.zeros(IMPULSE_LENGTH)
    impulse[0] = 1.0
    return _biquad(pass_b, pass_a, _biquad(shelf_b, shelf_a, impulse))


@cache
def _k_weighting_spectrum() -> np.ndarray:
    return np.fft.rfft(k_weighting(), TRANSFORM).astype(np.complex64)


class LoudnessMeter:
    """Integrated loudness of a stream of float samples (full scale 1.0), fed in chunks of any size."""

    def __init__(self) -> None:
        self._gathered: list[np.ndarray] = []
        self._gathered_count = 0
        self._tail = np.zeros(IMPULSE_LENGTH - 1, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        """Weighted samples short of a whole sub-block."""
        self._sub_blocks = array.array("d")
        """The mean square of every whole sub-block so far. One growing block of memory: kept as many small
        arrays, between the large ones each batch makes and frees, they left the heap in pieces that grew
        with the session, 10 MB over three hours."""

    def feed(self, samples: np.ndarray) -> None:
        # Input is gathered until it fills a batch of transforms, whatever size the caller sends.
        self._gathered.append(np.asarray(samples, dtype=np.float32))
        self._gathered_count += len(samples)
        if self._gathered_count >= PIECE * BATCH:
            self._weigh(whole_pieces_only=True)

    def _weigh(self, whole_pieces_only: bool) -> None:
        gathered = np.concatenate(self._gathered) if self._gathered else np.zeros(0, dtype=np.float32)
        usable = len(gathered) // PIECE * PIECE if whole_pieces_only else len(gathered)
        weighted = np.concatenate([self._pending, self._convolve(gathered[:usable])])
        self._gathered = [gathered[usable:]]
        self._gathered_count = len(gathered) - usable
        whole = len(weighted) // SUB_BLOCK * SUB_BLOCK
        squares = np.square(weighted[:whole], dtype=np.float64)
        self._sub_blocks.extend(np.mean(squares.reshape(-1, SUB_BLOCK), axis=1))
        self._pending = weighted[whole:]

    def _convolve(self, samples: np.ndarray) -> np.ndarray:
        """Overlap-add, a batch of transforms at once: the filtered samples, carrying the filter's ring-out
        into the next call."""
        rows = -(-len(samples) // PIECE)
        tail = len(self._tail)
        padded = np.zeros(rows * PIECE, dtype=np.float32)
        padded[: len(samples)] = samples
        pieces = padded.reshape(rows, PIECE)
        # Most of a session is silence, whose transform is nothing: only the pieces with sound are transformed.
        sounding = np.flatnonzero(pieces.any(axis=1))
        filtered = np.zeros((rows, TRANSFORM), dtype=np.float32)
        if len(sounding):
            spectra = np.fft.rfft(pieces[sounding], TRANSFORM, axis=1) * _k_weighting_spectrum()
            filtered[sounding] = np.fft.irfft(spectra, TRANSFORM, axis=1)
        out = np.zeros((rows + 1) * PIECE, dtype=np.float32)
        out[: rows * PIECE] = filtered[:, :PIECE].ravel()
        out[PIECE:].reshape(rows, PIECE)[:, :tail] += filtered[:, PIECE:]
        out[:tail] += self._tail
        self._tail = out[len(samples) : len(samples) + tail].copy()
        return out[: len(samples)]

    def integrated(self) -> float:
        """The gated loudness in LUFS of everything fed so far; -inf for silence."""
        self._weigh(whole_pieces_only=False)
        energy = np.frombuffer(self._sub_blocks, dtype=np.float64)
        if len(energy) < 4:
            return float("-inf")
        blocks = (energy[:-3] + energy[1:-2] + energy[2:-1] + energy[3:]) / 4
        loudness = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
        above_absolute = blocks[loudness > ABSOLUTE_GATE_LUFS]
        if above_absolute.size == 0:
            return float("-inf")
        threshold = -0.691 + 10 * math.log10(float(np.mean(above_absolute))) + RELATIVE_GATE_LU
        gated = blocks[(loudness > ABSOLUTE_GATE_LUFS) & (loudness > threshold)]
        return -0.691 + 10 * math.log10(float(np.mean(gated)))


def integrated_loudness(chunks: Iterable[np.ndarray]) -> float:
    """The integrated loudness of a stream of float chunks, in LUFS."""
    meter = LoudnessMeter()
    for chunk in chunks:
        meter.feed(chunk)
    return meter.integrated()


def clip_loudness(samples: np.ndarray) -> float:
    """The loudness of one short sound in LUFS: gated like a programme when it lasts a block or more, else the
    plain K-weighted power of the whole."""
    meter = LoudnessMeter()
    meter.feed(np.concatenate([samples, np.zeros(SUB_BLOCK)]))
    loudness = meter.integrated()
    if math.isfinite(loudness):
        return loudness
    weighted = np.convolve(samples.astype(np.float64), k_weighting())[: len(samples)]
    power = float(np.mean(weighted**2)) if len(weighted) else 0.0
    return -0.691 + 10 * math.log10(power) if power > 0 else float("-inf")
