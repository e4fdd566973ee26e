"""Process-wide state outside modules: environment, signals and their mask, umask, hooks, sys lists."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import gc
import os
import sys
import threading
import warnings

from .. import compat

_CATCHABLE = tuple(s for s in _signal.valid_signals() if s not in (_signal.SIGKILL, _signal.SIGSTOP))
_getsignal = _signal.getsignal
_setsignal = _signal.signal
_environ = os.environ
_environ_data = compat.environ_data()
_umask = os.umask
_sigmask = _signal.pthread_sigmask
_SIG_BLOCK = _signal.SIG_BLOCK
_SIG_SETMASK = _signal.SIG_SETMASK
_NO_SIGNALS = ()


class ProcessState:
    def __init__(self):
        self._environ = dict(_environ)
        self._environ_data = dict(_environ_data)
        self._handlers = list(map(_getsignal, _CATCHABLE))
        self._blocked = _sigmask(_SIG_BLOCK, _NO_SIGNALS)  # blocking none: reads the mask
        self._gc_callbacks = list(gc.callbacks)
        self._umask = _umask(0o022)
        _umask(self._umask)
        self._recursion_limit = sys.getrecursionlimit()
        self._switch_interval = sys.getswitchinterval()
        self._int_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self._lists = [(container, list(container)) for container in (sys.path, sys.meta_path, sys.path_hooks, sys.argv)]
        self._importer_cache = dict(sys.path_importer_cache)
        self._warning_filters = list(warnings.filters)
        self._gc_enabled = gc.isenabled()
        self._gc_thresholds = gc.get_threshold()

    def imports_changed(self):
        self._importer_cache = dict(sys.path_importer_cache)

    def restore(self):
        if _environ_data != self._environ_data:
            self._restore_environ()
        handlers = list(map(_getsignal, _CATCHABLE))
        if handlers != self._handlers:
            for signum, now, saved in zip(_CATCHABLE, handlers, self._handlers):
                if now is not saved and saved is not None:
                    _setsignal(signum, saved)
        # A blocked SIGINT would make every later call impossible to interrupt.
        if _sigmask(_SIG_BLOCK, _NO_SIGNALS) != self._blocked:
            _sigmask(_SIG_SETMASK, self._blocked)
        if gc.callbacks != self._gc_callbacks:  # they would see every later call's objects
            gc.callbacks[:] = self._gc_callbacks
        _umask(self._umask)
        for container, saved in self._lists:
            if container != saved:
                container[:] = saved  # pyright: ignore  (each list with its own saved copy)
        if sys.path_importer_cache != self._importer_cache:
            sys.path_importer_cache.clear()
            sys.path_importer_cache.update(self._importer_cache)
        if warnings.filters != self._warning_filters:
            warnings.filters[:] = self._warning_filters  # pyright: ignore[reportIndexIssue]  (a list at run time)
            compat.warning_filters_changed()
        self._restore_interpreter_settings()

    def _restore_environ(self):
        saved = self._environ
        for key in [key for key in _environ if key not in saved]:
            del _environ[key]
        for key, value in saved.items():
            if _environ.get(key) != value:
                _environ[key] = value

    def _restore_interpreter_settings(self):
        if sys.getrecursionlimit() != self._recursion_limit:
            sys.setrecursionlimit(self._recursion_limit)
        if sys.getswitchinterval() != self._switch_interval:
            sys.setswitchinterval(self._switch_interval)
        if self._int_digits is not None and sys.get_int_max_str_digits() != self._int_digits:
            sys.set_int_max_str_digits(self._int_digits)
        if sys.gettrace() is not None:
            sys.settrace(None)
        if sys.getprofile() is not None:
            sys.setprofile(None)
        if threading._trace_hook is not None or threading._profile_hook is not None:  # pyright: ignore[reportAttributeAccessIssue]
            threading.settrace(None)
            threading.setprofile(None)
        if gc.isenabled() != self._gc_enabled:
            (gc.enable if self._gc_enabled else gc.disable)()
        if gc.get_threshold() != self._gc_thresholds:
            gc.set_threshold(*self._gc_thresholds)
