"""sys.modules, builtins and the attributes of loaded modules, restored after every call."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import builtins
import os
import sys

from .module_tracking import ModuleTracker

_EXTENSION_SUFFIXES = (".so", ".pyd")


class ModuleState:
    """What every loaded module looked like at worker start, and the means to put it back.

    Modules a call adds are removed. CPython cannot load many C extensions twice (numpy
    refuses), so a call that added one leaves the worker unrestorable: imports_to_preload()
    names their top-level packages, which the host preloads into the replacement worker."""

    def __init__(self):
        self.tracker = ModuleTracker()
        self._libraries = LibraryLocations()  # before the snapshot: it imports sysconfig
        self._modules = dict(sys.modules)
        self._attributes = {}
        for module in self._modules.values():
            namespace = getattr(module, "__dict__", None)
            if namespace is not None:
                self._attributes[module] = dict(namespace)
                self.tracker.track(module)
        # `__builtins__[name] = ...` writes the dict directly, unseen by tracking: compared whole.
        self._builtins = dict(builtins.__dict__)
        self._modules_changed = False
        self._library_imports = {}

    def imports_to_preload(self):
        """None, or (reason, top-level packages) when the call's imports call for a new worker.

        C extensions cannot be unloaded, so loading one always does. Library modules (standard
        library, site-packages) are removed like any other, but one that calls import a second
        time is worth preloading: re-importing it every call would cost more than one restart."""
        modules = sys.modules
        # Every call installs its own __main__; putting the original back keeps the fast path.
        modules["__main__"] = self._modules["__main__"]
        self._modules_changed = modules != self._modules
        if not self._modules_changed:
            return None
        saved = self._modules
        added = [module for name, module in list(modules.items()) if name not in saved]
        extensions = _top_level_names(module for module in added if _is_extension(module))
        libraries = _top_level_names(module for module in added if self._libraries.contains(module))
        if extensions:
            # The replacement preloads the call's library imports too (csv along with _csv):
            # otherwise importing them again would soon cost a second recycle.
            preload = sorted(set(extensions) | set(libraries))
            return "the call loaded C extensions that cannot be unloaded: " + ", ".join(extensions), preload
        repeated = []
        for name in libraries:
            self._library_imports[name] = self._library_imports.get(name, 0) + 1
            if self._library_imports[name] >= 2:
                repeated.append(name)
        if repeated:
            return "calls keep importing " + ", ".join(repeated) + "; preloading it from now on", repeated
        return None

    def restore(self):
        """Call after imports_to_preload(), whose comparison of sys.modules it reuses."""
        if self._modules_changed:
            self._restore_sys_modules(sys.modules)
        dirty = self.tracker.dirty
        while dirty:
            module = dirty.pop()
            saved = self._attributes.get(module)
            if saved is not None:
                _restore_namespace(module.__dict__, saved)
        if builtins.__dict__ != self._builtins:
            _restore_namespace(builtins.__dict__, self._builtins)

    def _restore_sys_modules(self, modules):
        saved = self._modules
        for name in [name for name in modules if name not in saved]:
            del modules[name]
        for name, module in saved.items():
            if modules.get(name) is not module:
                modules[name] = module


def _top_level_names(modules):
    names = {getattr(module, "__name__", None) for module in modules}
    return sorted({name.partition(".")[0] for name in names if isinstance(name, str)})


class LibraryLocations:
    """Where installed libraries live (standard library, site-packages), as opposed to user files."""

    def __init__(self):
        import sysconfig

        paths = sysconfig.get_paths()
        roots = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if paths.get(key)}
        roots.update(path for path in sys.path if path.endswith(("site-packages", "dist-packages")))
        self._roots = tuple(os.path.join(os.path.realpath(root), "") for root in roots)

    def contains(self, module):
        path = getattr(module, "__file__", None)
        return isinstance(path, str) and os.path.realpath(path).startswith(self._roots)


def _is_extension(module):
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None) or getattr(module, "__file__", None)
    return origin == "built-in" or (isinstance(origin, str) and origin.endswith(_EXTENSION_SUFFIXES))


def _restore_namespace(namespace, saved):
    for name in [name for name in namespace if name not in saved]:
        del namespace[name]
    for name, value in saved.items():
        if namespace.get(name, _MISSING) is not value:
            namespace[name] = value


_MISSING = object()
