"""SIGINT interrupts the running call and nothing else: it never takes the harness down."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal

# The C module: signal.signal wraps every call in enum conversions that cost more than the call.
_set_handler = _signal.signal
_get_handler = _signal.getsignal
_SIGINT = _signal.SIGINT


class InterruptGuard:
    def __init__(self):
        self.armed = False
        self.fired = False  # the host interrupted the current (or last) call: a timeout or a stop
        self._starting = False  # a call's message is read, its code not yet running
        self._handler = self._on_sigint  # one bound method, so identity tells if it is installed

    def install(self):
        """At start: a stray SIGINT between calls is ignored instead of killing the harness."""
        _set_handler(_SIGINT, self._handler)

    def expect_call(self):
        """A call's message has arrived: an interrupt from now on is that call's, even one that
        comes before its code runs (the host may stop a call as soon as it has sent it)."""
        self.fired = False
        self._starting = True

    def arm(self):
        """The call's code runs next: raises KeyboardInterrupt if it was interrupted already."""
        # Checked every call because user code may have replaced or ignored the handler.
        if _get_handler(_SIGINT) is not self._handler:
            _set_handler(_SIGINT, self._handler)
        self._starting = False
        if self.fired:
            raise KeyboardInterrupt
        self.armed = True

    def disarm(self):
        self.armed = False
        self._starting = False

    def _on_sigint(self, signum, frame):
        if self.armed:
            self.fired = True
            raise KeyboardInterrupt
        if self._starting:
            self.fired = True  # raised when the code is about to run (arm)
