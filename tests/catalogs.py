"""The catalogs of the program's words: every message the program and Click mark, gathered with Babel; run as
`python tests/catalogs.py` to bring guide/locale's template and catalogs up to date, and compile them
(docs/translating.md)."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from guide.script import language_rules
from guide.translation import CATALOG_LANGUAGES, DOMAIN, LOCALE_DIR

GUIDE = LOCALE_DIR.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def template() -> Catalog:
    """Every message to translate: the program's, its commands' help (their docstrings), Click's own, and the
    languages' names."""
    catalog = Catalog(project="Inner Guide", domain=DOMAIN)
    for folder in (GUIDE, Path(click.__file__).parent):
        for filename, line, message, _comments, _context in extract_from_dir(
            str(folder), [("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
        ):
            where = f"{folder.name}/{filename}"
            catalog.add(message, locations=[(where, line)])
    for where, line, help_text in command_help():
        catalog.add(help_text, locations=[(where, line)])
    for language in language_rules.known_languages():
        # A language's name is kept once, with its rules, and said in the program's language.
        rules = language_rules.rules_for(language)
        assert rules is not None, language
        where = language_rules.FOLDER / f"{language}.json"
        catalog.add(rules.name, locations=[(str(where.relative_to(GUIDE.parent)), None)])
    return catalog


def command_help() -> Iterator[tuple[str, int, str]]:
    """Each command's help: the docstring of a function that a `command` or `group` decorator makes a command."""
    for path in sorted(GUIDE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(_makes_command(d) for d in node.decorator_list):
                docstring = ast.get_docstring(node, clean=False)
                if docstring:
                    yield str(path.relative_to(GUIDE.parent)), node.lineno, inspect.cleandoc(docstring)


def _makes_command(decorator: ast.expr) -> bool:
    called = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(called, ast.Attribute) and called.attr in ("command", "group")


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def update() -> None:
    """Write the template, and merge it into each language's catalog (new messages untranslated)."""
    made = template()
    LOCALE_DIR.mkdir(exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as pot:
        write_po(pot, made, width=120, omit_header=False)
    for language in CATALOG_LANGUAGES:
        path = catalog_path(language)
        if path.exists():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="Inner Guide")
        catalog.update(made, no_fuzzy_matching=True)
        with path.open("wb") as po:
            write_po(po, catalog, width=120, ignore_obsolete=True)
    compiled()


def compiled() -> None:
    """Compile the catalogs as a build does, so that a checkout speaks them at once."""
    from guide.catalog_build import compile_catalogs

    compile_catalogs()


if __name__ == "__main__":
    update()
