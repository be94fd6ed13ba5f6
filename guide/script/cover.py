"""Cover art: the image types players show, and the picture block that carries one in Ogg and Opus files."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

from guide.translation import _

MAX_COVER_BYTES = 4_000_000
"""Players show covers of a few hundred kilobytes; anything larger is almost always an unscaled photo."""
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
FRONT_COVER = 3
"""The picture type of a front cover, as ID3 and FLAC number them."""


def image_type(path: Path) -> str:
    """The MIME type of a cover image; ValueError, saying what to do, unless it is a PNG or JPEG of a usable
    size."""
    size = path.stat().st_size
    if size > MAX_COVER_BYTES:
        raise ValueError(
            _(
                "{name} is {value:.1f} MB, more than the {value2:g} MB a cover may be; scale it down (600 "
                "by 600 pixels is plenty)"
            ).format(name=path.name, value=size / 1e6, value2=MAX_COVER_BYTES / 1e6)
        )
    with path.open("rb") as image:
        start = image.read(8)
    for signature, mime in _SIGNATURES.items():
        if start.startswith(signature):
            return mime
    raise ValueError(_("{name} is not a PNG or JPEG image; save the cover as one of those").format(name=path.name))


def picture_block(path: Path) -> str:
    """The image as a FLAC picture block in base64: the METADATA_BLOCK_PICTURE comment of Ogg and Opus."""
    mime = image_type(path).encode()
    data = path.read_bytes()
    description = b"Cover"
    # Width, height, colour depth and palette size are left 0, "unknown", which the format allows.
    block = struct.pack(">II", FRONT_COVER, len(mime)) + mime + struct.pack(">I", len(description)) + description
    block += struct.pack(">IIIII", 0, 0, 0, 0, len(data)) + data
    return base64.b64encode(block).decode()
