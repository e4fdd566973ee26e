"""os._exit() in a call settles it as sys.exit() would, with its output, as `python3 script.py` does.

os._exit ends the process at once: no result would be sent, and the host could only report a
crash. The harness replaces os._exit with a function that first lets the process's call finish
(its output drained, its result sent, as for SystemExit(status)) and then exits. Processes the
call forks (multiprocessing's children end with os._exit) and the harness's own exits pass
straight through. The worker is replaced afterwards, since its process is gone."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

from .fork_guard import is_foreign

_real_exit = os._exit
_finisher = [None]  # status -> the exit code to use, once the call's result is sent


def install():
    os._exit = _exit_after_result


def on_exit_during_call(finisher):
    """finisher(status) settles the running call, if any, and returns the code to exit with."""
    _finisher[0] = finisher


def _exit_after_result(status):
    finisher = _finisher[0]
    code = status
    if finisher is not None and not is_foreign():
        try:
            code = finisher(status)
        except BaseException:
            pass  # exiting is what was asked: the host reports the call as it finds it
    _real_exit(code)
