"""Traces a call can leave: threads (the worker must be recycled) and processes (killed)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

from .. import compat
from ..descendants import own_children


class Leftovers:
    def __init__(self):
        self.adopt_current_threads()

    def adopt_current_threads(self):
        """Takes the threads alive now as the harness's own (at start, and in a new generation)."""
        self._threads = set(compat.thread_idents())
        # Processes the call left are killed before its result is sent (persistent.py), found
        # through the kernel's children lists. Without them nothing is found: recycle instead.
        self._kernel_lists_children = own_children() is not None

    def reason(self):
        """Why this worker cannot serve another call in isolation, or None."""
        if compat.thread_count() > len(self._threads):
            names = sorted(name for ident, name in compat.thread_idents().items() if ident not in self._threads)
            if names:
                return "threads still running: " + ", ".join(names)
        if not self._kernel_lists_children:
            return _running_children()
        return None


def _running_children():
    # Reaps finished children (zombies) and reports any that still run.
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid == 0:
            return "child processes still running"
