"""The `guide` command's one way out: each command's exit code returned, every error turned into a message and
an exit code."""

from __future__ import annotations

import logging
import sys
import traceback

import click

from guide.cli.flags import in_flags
from guide.cli.group import cli
from guide.cli.helptext import translated
from guide.environment import Environment
from guide.errors import ExitCode, FieldError, GuideError, ScriptError
from guide.signals import Terminated, stop_by_exception
from guide.translation import _, speaking


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
    with speaking(env.locale_language):
        return _run(argv, env, debug)


def _run(argv: list[str], env: Environment, debug: bool) -> int:
    try:
        returned = cli.main(args=argv, prog_name="guide", standalone_mode=False, obj=env)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        # A usage error names the command's metavars and usage line: in the person's language, as its help.
        context = error.ctx if isinstance(error, click.UsageError) else None
        with translated(context.command if context else None, context):
            error.show(file=env.stderr)
        return ExitCode.USAGE if isinstance(error, click.UsageError) else error.exit_code
    except (KeyboardInterrupt, click.exceptions.Abort):
        env.err("\n" + _("Stopped."))
        return ExitCode.INTERRUPTED
    except Terminated:
        env.err("\n" + _("Stopped."))
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
        env.err("guide: " + _("internal error: {error} (run with --debug for the traceback)").format(error=repr(error)))
        return ExitCode.FAILURE
    return ExitCode.OK if returned is None else int(returned)


def run() -> None:
    """The `guide` command: run the command line and exit with its code, the one place the program exits."""
    sys.exit(main())
