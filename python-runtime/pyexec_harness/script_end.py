"""What `python3 script.py` does when the script ends, done at the end of every call.

Interpreter shutdown joins the non-daemon threads, runs the atexit handlers (last registered
first) and then finalizes what the script left: module globals are cleared and garbage is
collected, so unclosed files are flushed and `__del__` methods run. A call does the same before
its result is made, with its interrupts still armed (a timeout or stop ends a join), so all of
it, output included, belongs to the call that caused it and never to a later one."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import atexit
import gc
import sys
import threading
import traceback
import types

from . import compat

_set_module_attribute = types.ModuleType.__setattr__  # not a change the isolated strategy undoes
_real_register = atexit.register
_real_unregister = atexit.unregister
_collect = gc.collect
_current_thread = threading.current_thread
_enumerate = threading.enumerate


class ScriptEnd:
    def __init__(self):
        self._handlers = []
        self._threads_at_start = 0

    def begin(self):
        """The call starts: its atexit registrations are its own, run at its end."""
        self._handlers = handlers = []
        self._threads_at_start = compat.thread_count()

        def register(func, *args, **kwargs):
            handlers.append((func, args, kwargs))
            return func

        def unregister(func):
            handlers[:] = [entry for entry in handlers if entry[0] != func]

        register.__doc__ = _real_register.__doc__
        unregister.__doc__ = _real_unregister.__doc__
        _set_module_attribute(atexit, "register", register)
        _set_module_attribute(atexit, "unregister", unregister)

    def finish(self, namespace):
        """The script's end: threads, atexit handlers, finalization (may raise KeyboardInterrupt)."""
        try:
            if compat.thread_count() != self._threads_at_start:
                self._join_threads()
            self._run_handlers()
        finally:
            self.release()
        # As interpreter finalization: the script's names go, its builtins last (a __del__ that
        # runs now still finds print; before 3.10 functions look builtins up in their globals).
        for name in [name for name in namespace if name != "__builtins__"]:
            namespace.pop(name, None)
        _collect()

    def release(self):
        """Puts atexit back as it was (also when the call was interrupted)."""
        _set_module_attribute(atexit, "register", _real_register)
        _set_module_attribute(atexit, "unregister", _real_unregister)

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
                traceback.print_exc()
