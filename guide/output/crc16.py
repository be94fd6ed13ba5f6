"""CRC-16/ARC, the checksum of an MP3's LAME tag: over megabytes at once, and over a frame repeated many times,
without a byte at a time in Python."""

from __future__ import annotations

import functools

import numpy as np

POLYNOMIAL = 0xA001
"""x^16 + x^15 + x^2 + 1, bit-reversed: the register starts at 0 and is not inverted at the end, so the CRC is
linear, which is what lets pieces be checksummed apart and joined."""
SHORT = 8192
"""Data this short is checksummed a byte at a time; longer, as blocks side by side, a byte of each at a time."""


def _table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint16)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ POLYNOMIAL, table >> 1).astype(np.uint16)
    return table


TABLE = _table()
_TABLE = TABLE.tolist()


def crc16(data: bytes | memoryview) -> int:
    """The CRC of `data`."""
    if len(data) < SHORT:
        return _bytewise(0, data)
    # Blocks of 2**power bytes, about as many as the bytes in each: the steps over a block's bytes cost about
    # what joining the blocks' checksums does.
    power = (len(data).bit_length() - 1) // 2
    block = 1 << power
    count = len(data) >> power
    blocks = np.frombuffer(data, dtype=np.uint8, count=count * block).reshape(count, block)
    registers = np.zeros(count, dtype=np.uint16)
    for column in np.ascontiguousarray(blocks.T):
        registers = (registers >> 8) ^ TABLE[(registers ^ column) & 0xFF]
    crc, shift = 0, _zero_bytes(power)
    for register in registers.tolist():
        crc = _apply(shift, crc) ^ register
    rest = data[count * block :]
    return joined(crc, _bytewise(0, rest), len(rest))


def joined(first: int, second: int, second_length: int) -> int:
    """The CRC of two pieces one after the other, from the CRC of each and the second's length in bytes."""
    return _after_zeros(first, second_length) ^ second


def repeated(piece: int, length: int, times: int) -> int:
    """The CRC of a piece of `length` bytes whose CRC is `piece`, repeated `times` times."""
    crc, run, run_length = 0, piece, length
    while times:
        if times & 1:
            crc = joined(crc, run, run_length)
        run, run_length, times = joined(run, run, run_length), 2 * run_length, times >> 1
    return crc


def _bytewise(crc: int, data: bytes | memoryview) -> int:
    for byte in bytes(data):
        crc = (crc >> 8) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc


def _after_zeros(crc: int, count: int) -> int:
    """The register after `count` zero bytes more: a linear map of it, applied by squaring."""
    power = 0
    while count:
        if count & 1:
            crc = _apply(_zero_bytes(power), crc)
        count, power = count >> 1, power + 1
    return crc


@functools.cache
def _zero_bytes(power: int) -> tuple[int, ...]:
    """What 2**power zero bytes do to each bit of the register, as the images of its 16 bits."""
    if power == 0:
        return tuple(_bytewise(1 << bit, b"\0") for bit in range(16))
    half = _zero_bytes(power - 1)
    return tuple(_apply(half, column) for column in half)


def _apply(images: tuple[int, ...], crc: int) -> int:
    result = 0
    for bit in range(16):
        if crc >> bit & 1:
            result ^= images[bit]
    return result
