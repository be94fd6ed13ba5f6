"""`python -m guide` runs the command line."""

from guide.cli.main import run

run()
