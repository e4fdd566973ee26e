"""Two meta path finders installed before any call runs:

- one, first in sys.meta_path, that gives `pyexec_host` (no module a call leaves on a path can
  stand in for it), and watches imports of a few modules (matplotlib.pyplot; getpass; IPython's
  display functions when IPython is installed) and adjusts each once it is loaded, so that
  plt.show(), getpass() and IPython's display() go through the harness;
- one, last in sys.meta_path, that gives `IPython`, `IPython.display` and `IPython.core.display`
  from the harness's shim when no real IPython is found before it."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import builtins
import sys
from importlib.machinery import ModuleSpec

from . import host_functions, host_input
from .display import classes, publisher

_DISPLAY_NAMES = ("DisplayObject", "TextDisplayObject", "HTML", "Markdown", "SVG", "Image", "JSON", "Latex", "Javascript")
_FUNCTION_NAMES = ("display", "update_display", "DisplayHandle")


def _patch_pyplot(module):
    from .figures import patch_pyplot

    patch_pyplot(module)


def _patch_ipython_display(module):
    # A real IPython's display() prints when no IPython shell runs (ours never does): ours is
    # put in its place, and the classes stay IPython's own.
    for name in _FUNCTION_NAMES:
        if hasattr(module, name):
            setattr(module, name, getattr(publisher, name))


_AFTER_IMPORT = {
    "matplotlib.pyplot": _patch_pyplot,
    "getpass": host_input.patch_getpass,
    "IPython.core.display_functions": _patch_ipython_display,
    "IPython.core.display": _patch_ipython_display,
    "IPython.display": _patch_ipython_display,
}


class _PatchingLoader:
    """The loader a module was found with, then its patch: every other attribute is the loader's."""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def __getattr__(self, name):
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)


class AfterImport:
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "pyexec_host":
            return ModuleSpec(fullname, self)  # pyright: ignore[reportArgumentType]  (a loader by protocol)
        patch = _AFTER_IMPORT.get(fullname)
        if patch is None:
            return None
        spec = _find_elsewhere(self, fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec

    def create_module(self, spec):
        return None

    def exec_module(self, module):  # pyexec_host's
        host_functions.fill_module(module)


def _find_elsewhere(own, fullname, path, target):
    for finder in sys.meta_path:
        if finder is own or isinstance(finder, IPythonShim):
            continue
        find = getattr(finder, "find_spec", None)
        if find is None:
            continue
        spec = find(fullname, path, target)
        if spec is not None:
            return spec
    return None


def _fill_display_module(module):
    for name in _DISPLAY_NAMES:
        setattr(module, name, getattr(classes, name))
    for name in _FUNCTION_NAMES:
        setattr(module, name, getattr(publisher, name))


def _fill_ipython(module):
    module.__doc__ = "pyexec's stand-in for IPython (not installed here): IPython.display only."
    module.get_ipython = lambda: None  # no IPython shell runs: what libraries that look for one expect


_SHIM = {
    "IPython": _fill_ipython,
    "IPython.display": _fill_display_module,
    "IPython.core": lambda module: None,
    "IPython.core.display": _fill_display_module,
    "IPython.core.display_functions": _fill_display_module,
}
_SHIM_PACKAGES = ("IPython", "IPython.core")


class IPythonShim:
    """Serves the IPython names only when nothing before it found a real IPython."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _SHIM:
            return None
        if fullname != "IPython":
            # A submodule of a real IPython that lacks it (an old one) is not ours to complete.
            top_spec = getattr(sys.modules.get("IPython"), "__spec__", None)
            if top_spec is None or not isinstance(top_spec.loader, IPythonShim):
                return None
        # A loader by protocol (create_module, exec_module): importlib.abc costs imports at start.
        return ModuleSpec(fullname, self, is_package=fullname in _SHIM_PACKAGES)  # pyright: ignore[reportArgumentType]

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        _SHIM[module.__name__](module)


def install():
    """Before any call (and before the isolated strategy's snapshot): display() as a builtin,
    as in IPython, input() that can ask the host, and the two finders."""
    builtins.display = publisher.display  # pyright: ignore[reportAttributeAccessIssue]
    host_input.install()
    sys.meta_path.insert(0, AfterImport())
    sys.meta_path.append(IPythonShim())
