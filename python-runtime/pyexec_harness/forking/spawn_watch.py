"""Starts a forked child's output thread as soon as its call starts another process.

A forked child starts that thread lazily, from a SIGALRM a moment into the call (see capture.py),
because a thread costs more than most calls. A call that starts a process which writes more than
a pipe holds must not wait for the alarm: its SIGALRM may be the call's own, and then the child
would block on the full pipe until its timeout. An audit hook, installed once in the template and
inherited by every child, sees each process start (~0.1 us an audited event otherwise)."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import sys

_SPAWNS = frozenset(("subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "os.exec"))
_watching = [None]  # the capture of the call running in this process


def install():
    """In the template, before it forks: every child inherits the hook."""
    sys.addaudithook(_on_event)


def watch(capture):
    """In a child: the capture whose output thread a process start must start."""
    _watching[0] = capture


def _on_event(event, args):
    if event in _SPAWNS and _watching[0] is not None:
        capture, _watching[0] = _watching[0], None
        capture.start_lazy_pump_now()
