"""Compiles the catalogs of the program's words (guide/locale/LANG/LC_MESSAGES/*.po) to the .mo files gettext
reads, as the package is built: setuptools' build_py, named in pyproject.toml, runs it into the wheel, and beside
the .po files for an editable install. Imported only by a build and by tests/catalogs.py."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools.command.build_py import build_py

LOCALE_DIR = Path(__file__).with_name("locale")


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> None:
    """Each catalog compiled to the .mo beside it, replaced whole."""
    for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po:
            catalog = read_po(po)
        mo_path = po_path.with_suffix(".mo")
        partial = mo_path.with_suffix(".mo.partial")
        with partial.open("wb") as mo:
            write_mo(mo, catalog)
        partial.replace(mo_path)


class BuildWithCatalogs(build_py):
    """setuptools' build_py, with the catalogs compiled first so that the .mo files are among what it copies."""

    def run(self) -> None:
        compile_catalogs()
        super().run()
