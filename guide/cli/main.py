"""The `guide` command's one way out: each command's exit code returned, every error turned into a message and
an exit code."""

from __future__ import annotations

import logging
import sys
import traceback

import click

from guide.cli.group import cli
from guide.errors import ExitCode, GuideError, ScriptError
from guide.signals import Terminated, raise_on_sigterm


class _Notices(logging.Handler):
    """What the program says of work done once (measuring a new voice), as a line on standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(record.getMessage(), err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; the only place that turns errors into exits."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    notices = logging.getLogger("guide")
    if not any(isinstance(handler, _Notices) for handler in notices.handlers):
        notices.addHandler(_Notices())
        notices.setLevel(logging.INFO)
        notices.propagate = False
    raise_on_sigterm()
    try:
        returned = cli.main(args=argv, prog_name="guide", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return ExitCode.USAGE if isinstance(error, click.UsageError) else error.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("\nStopped.", err=True)
        return ExitCode.INTERRUPTED
    except Terminated:
        click.echo("\nStopped.", err=True)
        return ExitCode.TERMINATED
    except ScriptError as error:
        click.echo(error.message, err=True)
        return error.exit_code
    except GuideError as error:
        if debug:
            traceback.print_exc()
        click.echo(f"guide: {error.message}", err=True)
        return error.exit_code
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as error:  # the last guard: a bug is reported, never shown as a raw traceback
        if debug:
            traceback.print_exc()
        click.echo(f"guide: internal error: {error!r} (run with --debug for the traceback)", err=True)
        return ExitCode.FAILURE
    return ExitCode.OK if returned is None else int(returned)


def run() -> None:
    """The `guide` command: run the command line and exit with its code, the one place the program exits."""
    sys.exit(main())
