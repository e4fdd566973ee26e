"""The one way per-call upkeep says a worker cannot serve another call."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401


class Unrestorable(Exception):
    """Raised after a call when this worker must be replaced; `preload` names packages worth
    importing at the replacement's start (C extensions the call loaded)."""

    def __init__(self, reason, preload=()):
        Exception.__init__(self, reason)
        self.reason = reason
        self.preload = list(preload)
