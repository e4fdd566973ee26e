"""How a child process ended, as the `exited` message the host reads."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os


def exit_report(pid, status):
    """The `exited` message for child `pid`, from its waitpid status."""
    report = {"type": "exited", "pid": pid}
    if os.WIFSIGNALED(status):
        report["signal"] = _signal_name(os.WTERMSIG(status))
    else:
        report["code"] = os.WEXITSTATUS(status)
    return report


def _signal_name(number):
    import signal  # only when a child was killed: the enum-based names are worth their import then

    try:
        return signal.Signals(number).name
    except ValueError:
        return "signal %d" % number
