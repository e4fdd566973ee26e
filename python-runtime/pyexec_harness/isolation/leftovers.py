"""Traces a call can leave: threads (the worker must be recycled) and processes (killed)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import os

from .. import compat
from ..descendants import kill_descendants

_pread = os.pread


class Leftovers:
    def __init__(self):
        self._children = None
        self.adopt_current_threads()

    def adopt_current_threads(self):
        """Takes the threads alive now as the harness's own (at start, and in a new generation)."""
        self._threads = set(compat.thread_idents())
        if self._children is not None:
            os.close(self._children)  # the list of the process this generation was forked from
        self._children = _open_children_list()

    def reason(self):
        """Why this worker cannot serve another call in isolation, or None. Kills every process the
        call left running, as a script's end would if its children were in its own cgroup."""
        if compat.thread_count() > len(self._threads):
            names = sorted(name for ident, name in compat.thread_idents().items() if ident not in self._threads)
            if names:
                return "threads still running: " + ", ".join(names)
        if self._children is None:
            return _running_children()  # no /proc lists to find descendants by: recycle
        try:
            if not _pread(self._children, 1, 0):
                return None
        except OSError:
            pass  # user code closed it: the walk below still tells
        kill_descendants()
        return None


def _open_children_list():
    # The kernel's list of this process's children (zombies included): empty means none, in one
    # read that raises nothing. waitpid raises ChildProcessError for "no children": 2.3 µs against
    # 0.6 in a hot loop, and alternating harnesses the read saved 7 µs of an isolated call.
    try:
        return os.open("/proc/self/task/%d/children" % os.getpid(), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None  # no /proc, or a kernel built without CONFIG_PROC_CHILDREN: waitpid alone


def _running_children():
    # Reaps finished children (zombies) and reports any that still run.
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid == 0:
            return "child processes still running"
