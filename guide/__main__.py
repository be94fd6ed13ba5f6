"""`python -m guide` runs the command line."""

from guide.cli import run

run()
