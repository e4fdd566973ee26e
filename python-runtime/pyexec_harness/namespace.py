"""The __main__ module a call's code runs in: a fresh one for every call, or one a session keeps
for all its calls (its globals, functions and imported names live on from call to call)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import builtins
import types

_ModuleType = types.ModuleType
_real_builtins = builtins  # user code gets the real builtins; only harness code uses the copy


class MainNamespaces:
    """Makes the __main__ of each call; with keep=True, the first one serves every later call."""

    def __init__(self, keep=False):
        self._keep = keep
        self._kept = None

    @property
    def kept(self):
        """Whether calls share one __main__ (a session)."""
        return self._keep

    def next(self):
        """The module the next call runs in."""
        if self._kept is not None:
            return self._kept
        module = _ModuleType("__main__")
        namespace = module.__dict__
        namespace["__builtins__"] = _real_builtins
        namespace["__annotations__"] = {}  # a script's module always has it (before 3.14)
        namespace["__cached__"] = None
        if self._keep:
            self._kept = module
        return module
