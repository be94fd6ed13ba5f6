"""Work done in a forked copy of the process: its result, its error, and a child that dies."""

import os
import signal

import numpy as np
import pytest

from guide.errors import RenderError, ScriptError, Where
from guide.voice.forked import Forked


def test_the_result_comes_back_from_the_child():
    helper = Forked(lambda: (os.getpid(), np.arange(100_000, dtype=np.int16)))
    pid, samples = helper.result()
    assert pid != os.getpid()
    assert np.array_equal(samples, np.arange(100_000, dtype=np.int16))


def test_an_error_in_the_child_is_raised_in_the_parent():
    def fails():
        raise ScriptError(Where("s.yaml", 3, 5), "say: no sound")

    with pytest.raises(ScriptError) as raised:
        Forked(fails).result()
    assert raised.value.message == "s.yaml:3:5: say: no sound"


def test_a_child_that_dies_is_reported_and_reaped():
    helper = Forked(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(RenderError, match="ended before its work was done"):
        helper.result()
    helper.close()  # a second close does nothing: the child is gone and reaped
