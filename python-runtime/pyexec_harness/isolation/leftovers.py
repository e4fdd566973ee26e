"""Traces a call can leave that cannot be undone in place: the worker must be recycled."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import os
import threading

_waitpid = os.waitpid
_WNOHANG = os.WNOHANG


class Leftovers:
    def __init__(self):
        self.adopt_current_threads()

    def adopt_current_threads(self):
        """Takes the threads alive now as the harness's own (at start, and in a new generation)."""
        self._threads = set(threading._active)

    def reason(self):
        """Why this worker cannot serve another call in isolation, or None."""
        if len(threading._active) + len(threading._limbo) > len(self._threads):
            names = sorted(t.name for ident, t in list(threading._active.items()) if ident not in self._threads)
            names += sorted(t.name for t in list(threading._limbo.values()))
            if names:
                return "threads still running: " + ", ".join(names)
        return _running_children()


def _running_children():
    # Reaps finished children (zombies) and reports any that still run.
    while True:
        try:
            pid, _status = _waitpid(-1, _WNOHANG)
        except ChildProcessError:
            return None
        if pid == 0:
            return "child processes still running"
