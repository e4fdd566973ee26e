"""Notices attribute changes on loaded modules without comparing their dictionaries every call.

Every tracked module gets a subclass of its own class whose __setattr__/__delattr__ record the
module as dirty, so ``json.dumps = ...``, ``setattr(mod, ...)``, ``mock.patch`` and friends are
seen. Reads are untouched. Writes straight into ``vars(module)`` are not seen: documented."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import types

_ModuleType = types.ModuleType
_module_setattr = _ModuleType.__setattr__
_module_delattr = _ModuleType.__delattr__


class ModuleTracker:
    def __init__(self):
        self.dirty = set()
        self._subclass_of = {}  # original module class -> its tracking subclass
        self._tracking_classes = set()

    def track(self, module):
        cls = type(module)
        if cls in self._tracking_classes:
            return
        tracked = self._subclass_of.get(cls)
        if tracked is None:
            tracked = self._subclass_of[cls] = self._tracking_subclass(cls)
            self._tracking_classes.add(tracked)
        try:
            module.__class__ = tracked
        except TypeError:
            pass  # an exotic module type that refuses a new class: left untracked

    def _tracking_subclass(self, cls):
        dirty = self.dirty
        base_setattr = cls.__setattr__
        base_delattr = cls.__delattr__

        def __setattr__(module, name, value):
            dirty.add(module)
            base_setattr(module, name, value)

        def __delattr__(module, name):
            dirty.add(module)
            base_delattr(module, name)

        return type(cls.__name__, (cls,), {"__setattr__": __setattr__, "__delattr__": __delattr__, "__slots__": ()})


def set_untracked(module, name, value):
    """Sets a module attribute without marking it dirty (the harness's own per-call setup)."""
    _module_setattr(module, name, value)
