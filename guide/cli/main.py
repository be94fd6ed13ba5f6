"""The `guide` command's one way out: each command's exit code returned, every error turned into a message and
an exit code."""

from __future__ import annotations

import logging
import sys
import traceback

import click

from guide.cli.flags import in_flags
from guide.cli.group import cli
from guide.environment import Environment
from guide.errors import ExitCode, FieldError, GuideError, ScriptError
from guide.signals import Terminated, stop_by_exception


class _Notices(logging.Handler):
    """What the program says of work done once (measuring a new voice), as a line on standard error."""

    def __init__(self, env: Environment):
        super().__init__()
        self.env = env

    def emit(self, record: logging.LogRecord) -> None:
        self.env.err(record.getMessage())


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Run the command line in an environment (this process's, unless given) and return its exit code; the only
    place that turns errors into exits."""
    argv = sys.argv[1:] if argv is None else argv
    env = Environment.from_process() if env is None else env
    debug = "--debug" in argv
    notices = logging.getLogger("guide")
    for handler in [h for h in notices.handlers if isinstance(h, _Notices)]:
        notices.removeHandler(handler)
    notices.addHandler(_Notices(env))
    notices.setLevel(logging.INFO)
    notices.propagate = False
    stop_by_exception()
    try:
        returned = cli.main(args=argv, prog_name="guide", standalone_mode=False, obj=env)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show(file=env.stderr)
        return ExitCode.USAGE if isinstance(error, click.UsageError) else error.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        env.err("\nStopped.")
        return ExitCode.INTERRUPTED
    except Terminated:
        env.err("\nStopped.")
        return ExitCode.TERMINATED
    except ScriptError as error:
        env.err(error.message)
        return error.exit_code
    except FieldError as error:
        env.err(f"guide: {in_flags(error)}")
        return error.exit_code
    except GuideError as error:
        if debug:
            traceback.print_exc(file=env.stderr)
        env.err(f"guide: {error.message}")
        return error.exit_code
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as error:  # the last guard: a bug is reported, never shown as a raw traceback
        if debug:
            traceback.print_exc(file=env.stderr)
        env.err(f"guide: internal error: {error!r} (run with --debug for the traceback)")
        return ExitCode.FAILURE
    return ExitCode.OK if returned is None else int(returned)


def run() -> None:
    """The `guide` command: run the command line and exit with its code, the one place the program exits."""
    sys.exit(main())
