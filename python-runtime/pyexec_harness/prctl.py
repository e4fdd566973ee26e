"""prctl(2), through _ctypes directly: the ctypes package costs ~2.5 ms to import, a tenth of a
baseline call."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

_PR_SET_DUMPABLE = 4
_function = []  # [] until loaded, then [function] or [None] where there is no prctl


def prctl(option, value):
    """prctl(option, value, 0, 0, 0); True if it succeeded, False if it failed or cannot be called."""
    if not _function:
        _function.append(_load())
    function = _function[0]
    return function is not None and function(option, value, 0, 0, 0) == 0


def make_undumpable():
    """Other processes of this user can no longer read or write this one's memory (ptrace,
    /proc/<pid>/mem, /proc/<pid>/environ) unless they hold CAP_SYS_PTRACE, which the sandbox
    drops. For the processes that never run user code yet hold what later calls get (the forked
    template, the process that forks isolated generations): a call could otherwise read the next
    tenant's code there, or write its own into every later call. Inherited by fork, reset by exec."""
    return prctl(_PR_SET_DUMPABLE, 0)


def _load():
    try:
        import _ctypes

        class _Int(_ctypes._SimpleCData):
            _type_ = "i"

        class _Function(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = _Int

        return _Function(_ctypes.dlsym(_ctypes.dlopen(None), "prctl"))  # pyright: ignore[reportArgumentType]  (None: the program itself)
    except Exception:  # no ctypes, or no prctl (not Linux)
        return None
