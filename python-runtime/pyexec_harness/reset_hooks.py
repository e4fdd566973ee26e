"""User reset hooks: Python code or ``module:function`` references run after every call."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import importlib

from .unrestorable import Unrestorable


def _is_reference(hook):
    """`package.module:function.attr`: dotted identifiers on both sides of one colon."""
    module, colon, path = hook.partition(":")
    parts = module.split(".") + path.split(".")
    return bool(colon) and all(part.isidentifier() for part in parts)


class ResetHookError(Exception):
    pass


def _resolve(reference):
    module_name, _, path = reference.partition(":")
    target = importlib.import_module(module_name)
    for part in path.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise ResetHookError("reset hook %r is not callable" % reference)
    return target


def _prepare(hook):
    """A callable for one hook; raises at worker start for a hook that can never run."""
    if _is_reference(hook):
        _resolve(hook)  # fail fast on typos; resolved again per run, after any restore
        return lambda: _resolve(hook)()
    code = compile(hook, "<reset-hook>", "exec")
    return lambda: exec(code, {"__name__": "__pyexec_reset_hook__"})


class ResetHooks:
    def __init__(self, hooks):
        self.configure(hooks)

    def configure(self, hooks):
        self._hooks = [(hook, _prepare(hook)) for hook in hooks]

    def after_call(self):
        for hook, run in self._hooks:
            try:
                run()
            except BaseException as exc:
                raise Unrestorable("reset hook %r failed: %s: %s" % (hook[:80], type(exc).__name__, exc)) from None
