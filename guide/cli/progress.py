"""How a batch tells of each client as it finishes: a bar on a terminal, a line per client elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from guide.environment import Environment
from guide.output.batch import Outcome, Result
from guide.translation import N_, _

RESULT_WORDS = {Result.WRITTEN: N_("written"), Result.UP_TO_DATE: N_("up to date"), Result.FAILED: N_("failed")}


@contextmanager
def client_progress(env: Environment, clients: int) -> Iterator[Callable[[Outcome], None]]:
    """What to call as each client's file is finished. On a terminal, a bar moves a step per client and names the
    one just done, and what became of each is said after it; elsewhere (a log, a pipe), a line is written for
    each client as it finishes, so that a long batch is seen to move."""
    if not env.stderr_isatty:
        yield lambda outcome: env.err(said(outcome))
        return
    finished: list[Outcome] = []
    with click.progressbar(length=clients, label=_("Rendering for clients"), file=env.stderr) as bar:

        def told(outcome: Outcome) -> None:
            finished.append(outcome)
            bar.label = _("Rendering for clients ({client} {result})").format(
                client=outcome.client, result=_(RESULT_WORDS[outcome.result])
            )
            bar.update(1)

        yield told
    for outcome in finished:
        env.err(said(outcome))


def said(outcome: Outcome) -> str:
    """What became of a client's file, naming the client (a failure names them at their entry already)."""
    return outcome.message if outcome.result is Result.FAILED else f"{outcome.client}: {outcome.message}"
