"""SIGINT interrupts the running call and nothing else: it never takes the harness down."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import signal

_signal = signal.signal
_SIGINT = signal.SIGINT


class InterruptGuard:
    def __init__(self):
        self.armed = False

    def install(self):
        """At start: a stray SIGINT between calls is ignored instead of killing the harness."""
        _signal(_SIGINT, self._on_sigint)

    def arm(self):
        # Reinstalled every call because user code may have replaced or ignored the handler.
        _signal(_SIGINT, self._on_sigint)
        self.armed = True

    def disarm(self):
        self.armed = False

    def _on_sigint(self, signum, frame):
        if self.armed:
            raise KeyboardInterrupt
