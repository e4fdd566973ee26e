"""File descriptors a call left open are closed after it: the next call (another tenant's) could
otherwise read or write through them (a socket to somewhere, a file it was given), and a call
that opened thousands would leave the next none."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import fcntl
import os

_fcntl = fcntl.fcntl
_F_GETFD = fcntl.F_GETFD
# A call's first descriptors take the lowest free numbers: checking the first two free ones
# (~0.5 us each) finds nearly every leak without listing /proc/self/fd (~7 us) after every call.
_PROBES = 2


class Descriptors:
    def __init__(self):
        self.adopt()

    def adopt(self):
        """The descriptors open now are the harness's own (at start, and in each new generation)."""
        self._own = _open_descriptors()
        free = []
        fd = 0
        while len(free) < _PROBES:
            if fd not in self._own:
                free.append(fd)
            fd += 1
        self._probes = tuple(free)

    def restore(self):
        """Closes what the call opened and left open."""
        for fd in self._probes:
            if _is_open(fd):
                break
        else:
            return
        for fd in _open_descriptors() - self._own:
            try:
                os.close(fd)
            except OSError:
                pass


def _is_open(fd):
    try:
        _fcntl(fd, _F_GETFD)
        return True
    except OSError:
        return False


def _open_descriptors():
    # The listing's own descriptor is gone once it returns: keep only what is open still.
    return {fd for fd in map(int, os.listdir("/proc/self/fd")) if _is_open(fd)}
