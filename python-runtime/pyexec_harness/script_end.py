"""What `python3 script.py` does when the script ends, done at the end of every call.

Interpreter shutdown joins the non-daemon threads, runs the atexit handlers (last registered
first) and then finalizes what the script left: module globals are cleared and garbage is
collected, so unclosed files are flushed and `__del__` methods run. A call does the same before
its result is made, with its interrupts still armed (a timeout or stop ends a join), so all of
it, output included, belongs to the call that caused it and never to a later one."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import atexit
import gc
import sys
import threading
import types

from . import compat
from .errors import traceback_module

_set_module_attribute = types.ModuleType.__setattr__  # not a change the isolated strategy undoes
_real_register = atexit.register
_real_unregister = atexit.unregister
_collect = gc.collect
_get_count = gc.get_count
_current_thread = threading.current_thread
_enumerate = threading.enumerate
_thread_count = compat.thread_count


class ScriptEnd:
    """Installed once, at worker start (so it is part of the isolated snapshot): atexit.register
    records into the running call's list, and goes to the interpreter's own between calls."""

    def __init__(self):
        self._handlers = None  # the running call's registrations; None between calls
        self._threads_at_start = 0
        self._gc_at_start = (0, 0, 0)
        _set_module_attribute(atexit, "register", self._register)
        _set_module_attribute(atexit, "unregister", self._unregister)

    def _register(self, func, *args, **kwargs):
        handlers = self._handlers
        if handlers is None:
            return _real_register(func, *args, **kwargs)
        handlers.append((func, args, kwargs))
        return func

    def _unregister(self, func):
        handlers = self._handlers
        if handlers is None:
            return _real_unregister(func)
        handlers[:] = [entry for entry in handlers if entry[0] != func]
        return None

    def begin(self):
        """The call starts: what it registers with atexit is its own, run at its end."""
        self._handlers = []
        self._threads_at_start = _thread_count()
        self._gc_at_start = _get_count()

    def finish(self, namespace):
        """The script's end: threads, atexit handlers, finalization (may raise KeyboardInterrupt)."""
        try:
            if _thread_count() != self._threads_at_start:
                self._join_threads()
            if self._handlers:
                self._run_handlers()
        finally:
            self._handlers = None
        # As interpreter finalization: the script's names go while its builtins stay (a __del__
        # that runs now still finds print; before 3.10 functions look builtins up in globals).
        kept = namespace.get("__builtins__")
        leftovers = namespace.copy()
        namespace.clear()
        namespace["__builtins__"] = kept
        del leftovers
        self._collect_garbage()

    def abandon(self):
        """The call ended before its script end (an interrupt in it): nothing more is its own."""
        self._handlers = None

    def _collect_garbage(self):
        # Objects leave the youngest generation only through a collection of it, and reach the
        # oldest only through one of the middle: collecting no older generation than the call's
        # objects can have reached finds all its garbage, without walking every object a
        # long-lived worker holds.
        start, now = self._gc_at_start, _get_count()
        if now[2] != start[2] or now[1] < start[1]:
            _collect(2)
        else:
            _collect(0 if now[1] == start[1] else 1)

    def _join_threads(self):
        current = _current_thread()
        for thread in _enumerate():
            if thread is not current and not thread.daemon:
                thread.join()

    def _run_handlers(self):
        handlers, self._handlers = self._handlers, []
        while handlers:
            func, args, kwargs = handlers.pop()
            try:
                func(*args, **kwargs)
            except SystemExit:
                pass
            except KeyboardInterrupt:
                raise
            except BaseException:
                # As the interpreter reports a failing handler, and goes on with the others.
                print("Exception ignored in atexit callback: %r" % (func,), file=sys.stderr)
                traceback_module().print_exc()


_instance = []


def script_end():
    """The process's one ScriptEnd, installed on first use: an isolated worker makes it before
    its snapshot, so the restore keeps it in place."""
    if not _instance:
        _instance.append(ScriptEnd())
    return _instance[0]
