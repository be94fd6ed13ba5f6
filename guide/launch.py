"""The `guide` command's entry point: loads the program out of the garbage collector's way, then runs it."""

import gc
import sys


def run() -> None:
    """Load the command line and run it, exiting with its code."""
    # Loading the program makes some 50,000 objects that live until it exits. With the collector on, it walks
    # them over and over as they load, and again on the way out: about 40 ms of every command, and of the
    # time a warm export adds to ffmpeg's own encoding, a seventh.
    gc.disable()
    from guide.cli.main import main

    gc.freeze()
    gc.enable()
    sys.exit(main())
