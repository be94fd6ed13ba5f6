"""A feed's artwork where its script has no cover: a calm square image with the feed's title, as podcast apps
ask (1400 to 3000 pixels a side, JPEG, RGB)."""

from __future__ import annotations

import functools
import io
import textwrap

ARTWORK_PIXELS = 1400
"""The smallest side Apple Podcasts takes, and plenty for every app: the file stays about 40 KB."""
_INCHES, _DPI = 14, ARTWORK_PIXELS // 14
_SKY, _DUSK, _INK = "#dfe9e4", "#9fb8b0", "#27403b"


@functools.cache
def artwork_jpeg(title: str) -> bytes:
    """The artwork for a feed titled `title`: the title in the middle of a soft vertical wash of sage, drawn the
    same, byte for byte, each time, so that publishing again changes nothing."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure

    figure = Figure(figsize=(_INCHES, _INCHES), dpi=_DPI)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    wash = LinearSegmentedColormap.from_list("wash", [_SKY, _DUSK])
    axes.imshow([[value / 255] for value in range(256)], cmap=wash, aspect="auto", extent=(0, 1, 0, 1))
    axes.text(0.5, 0.5, textwrap.fill(title, 18), ha="center", va="center", fontsize=96, color=_INK)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    out = io.BytesIO()
    figure.savefig(out, format="jpg", dpi=_DPI, pil_kwargs={"quality": 90, "optimize": True})
    return out.getvalue()
