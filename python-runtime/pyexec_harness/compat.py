"""Every private CPython API the harness relies on, in one place, each with its fallback.

Checked against 3.9-3.13 by the version matrix in .ci/run; a new Python that changes one of these
needs a change here only."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import threading
import warnings

try:
    import _json as _json_accelerator
except ImportError:  # an interpreter without the accelerator: the codec falls back to json
    _json_accelerator = None

# {ident: Thread} of running threads, and of threads started but not yet running.
_RUNNING_THREADS = getattr(threading, "_active", None)
_STARTING_THREADS = getattr(threading, "_limbo", None)
# The bytes-level mapping behind os.environ (what child processes get).
_ENVIRON_DATA = getattr(os.environ, "_data", None)
# Invalidates warnings' cache of filters after they change (renamed in 3.14).
_FILTERS_MUTATED = getattr(warnings, "_filters_mutated", None) or getattr(warnings, "_filters_mutated_lock_held", None)


def thread_idents():
    """Idents of the threads running or starting, and a name for each: the fast table where it
    exists, threading.enumerate() otherwise."""
    if _RUNNING_THREADS is None or _STARTING_THREADS is None:
        return {thread.ident: thread.name for thread in threading.enumerate()}
    names = {ident: thread.name for ident, thread in list(_RUNNING_THREADS.items())}
    names.update((id(thread), thread.name) for thread in list(_STARTING_THREADS.values()))
    return names


def thread_count():
    """How many threads run or are starting: one C-level len() per table, for the per-call check."""
    if _RUNNING_THREADS is None or _STARTING_THREADS is None:
        return threading.active_count()
    return len(_RUNNING_THREADS) + len(_STARTING_THREADS)


def environ_data():
    """The live environment as child processes get it: a plain dict (compared at C speed after
    every isolated call) where os.environ keeps one, else os.environ itself."""
    return _ENVIRON_DATA if _ENVIRON_DATA is not None else os.environ


def warning_filters_changed():
    if _FILTERS_MUTATED is not None:
        _FILTERS_MUTATED()


def set_exception_text(summary, text):
    """Replaces the message a traceback.TracebackException shows on its last line (its `_str`);
    where that attribute is gone, the full message stays there (the traceback text is cut anyway)."""
    if hasattr(summary, "_str"):
        summary._str = text


def json_encoder(default):
    """The C encoder of compact ASCII JSON, or None where there is no accelerator."""
    if _json_accelerator is None:
        return None
    return _json_accelerator.make_encoder(None, default, _json_accelerator.encode_basestring_ascii, None, ":", ",", False, False, True)


def json_scanner(context):
    """The C scanner of JSON values, or None where there is no accelerator."""
    return None if _json_accelerator is None else _json_accelerator.make_scanner(context)


def json_string_escaper():
    """The C escaper of a str into a quoted ASCII JSON string, or None."""
    return None if _json_accelerator is None else _json_accelerator.encode_basestring_ascii
