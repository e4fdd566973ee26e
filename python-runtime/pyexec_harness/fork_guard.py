"""Processes user code forks never speak or listen on the protocol channel.

A child of os.fork() (or multiprocessing's fork start method) holds copies of the channel's
file descriptors. If it wrote on them, or ran on past the user code back into the harness loop
and read the host's next message, it would act as a second worker on the same channel. After
every fork the harness did not ask for, the child's copies are pointed at /dev/null and the
process is marked foreign, so the harness code it returns into ends it instead of serving."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

_state = {"owner": os.getpid(), "fds": (), "harness_forking": False}
_in_foreign_children = []  # more to do in a child user code forked (see also_in_foreign_children)


def guard_channel(fds):
    """Call once, with the fds that reach the host (channel and diagnostics)."""
    _state["fds"] = tuple(fds)
    _state["owner"] = os.getpid()
    os.register_at_fork(after_in_child=_after_fork_in_child)


def also_in_foreign_children(callback):
    """Runs `callback()` in every child user code forks from this process from now on."""
    _in_foreign_children.append(callback)


def harness_fork():
    """os.fork() for the harness's own processes (generations, forked children), which keep the channel."""
    _state["harness_forking"] = True
    try:
        pid = os.fork()
    finally:
        _state["harness_forking"] = False
    if pid == 0:
        _state["owner"] = os.getpid()
    return pid


def silence_diagnostics():
    """In a copy of a session's process (session_fork.py): the diagnostics descriptor is the
    original's stderr pipe to its host, which no other process may hold open (the host waits
    for it to close when the original exits). Crash reports of the copy go nowhere."""
    if len(_state["fds"]) < 3:
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, _state["fds"][2], inheritable=False)
    finally:
        os.close(null)


def is_foreign():
    """True in a process user code forked: it must exit, never serve, when it returns to us."""
    return os.getpid() != _state["owner"]


def _after_fork_in_child():
    if _state["harness_forking"]:
        return
    try:
        null = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    for fd in _state["fds"]:
        try:
            os.dup2(null, fd, inheritable=False)
        except OSError:
            pass
    os.close(null)
    for callback in _in_foreign_children:
        try:
            callback()
        except Exception:
            pass  # the child must still start: this only concerns where its output goes


def end_foreign_process(result):
    """Ends a process user code forked that ran on to the end of the call (no os._exit), as
    python3 ends a script: its error's traceback on stderr, exit status 1 (or SystemExit's)."""
    import sys

    error = result.get("error")
    code = 0
    if error is not None:
        code = _exit_status(error)
        if error.get("type") != "SystemExit":
            sys.stderr.write(error.get("traceback") or "%s: %s\n" % (error.get("type"), error.get("message")))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def _exit_status(error):
    if error.get("type") == "SystemExit":
        try:
            return int(error.get("message"))
        except (TypeError, ValueError):
            return 1
    return 1
