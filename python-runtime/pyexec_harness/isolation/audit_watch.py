"""Watches, through an audit hook of the harness's own, for what a call does to the process
that the per-call restore would not see: a new audit hook, and changed resource limits."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import resource
import sys

from ..unrestorable import Unrestorable

_ADD_HOOK = "sys.addaudithook"
_LIMIT_EVENTS = frozenset(("resource.setrlimit", "resource.prlimit"))
_WATCHED = _LIMIT_EVENTS | {_ADD_HOOK}
# Every limit the resource module knows, but the CPU one (the limiter re-arms it every call).
_LIMITS = tuple(
    getattr(resource, name) for name in sorted(dir(resource)) if name.startswith("RLIMIT_") and name != "RLIMIT_CPU"
)
_getrlimit = resource.getrlimit
_setrlimit = resource.setrlimit


class AuditWatch:
    """Install it once the harness is ready: it watches every later call."""

    def __init__(self):
        self._hook_added = False
        self._limits_changed = False
        self._limits = [(limit, _getrlimit(limit)) for limit in _LIMITS]
        # Audit hooks cannot be removed: one a call adds would see every later call's code and
        # data (another tenant's). Ours sees it being added (also through C, PySys_AddAuditHook).
        sys.addaudithook(self._on_event)

    def _on_event(self, event, args):
        # Called for every audited event (compile, exec, open, sys._getframe…): one set lookup
        # for all of them, ~0.1 us.
        if event in _WATCHED:
            if event == _ADD_HOOK:
                self._hook_added = True
            else:
                self._limits_changed = True

    def after_call(self):
        """Puts back limits the call changed; raises Unrestorable for what cannot be undone."""
        if self._hook_added:
            raise Unrestorable("the call added an audit hook, which would see every later call")
        if self._limits_changed:
            self._limits_changed = False
            self._restore_limits()

    def _restore_limits(self):
        for limit, saved in self._limits:
            if _getrlimit(limit) != saved:
                try:
                    _setrlimit(limit, saved)
                except (ValueError, OSError):  # a lowered hard limit cannot be raised again
                    raise Unrestorable("the call lowered a hard resource limit (%d)" % limit)
