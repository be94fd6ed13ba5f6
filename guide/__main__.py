"""`python -m guide` runs the command line."""

from guide.launch import run

run()
