"""File descriptors a call left open are closed after it: the next call (another tenant's) could
otherwise read or write through them (a socket to somewhere, a file it was given), and a call
that opened thousands would leave the next none."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import fcntl
import os

_fcntl = fcntl.fcntl
_F_GETFD = fcntl.F_GETFD
_F_DUPFD_CLOEXEC = fcntl.F_DUPFD_CLOEXEC
_close = os.close


class Descriptors:
    def __init__(self):
        self.adopt()

    def adopt(self):
        """The descriptors open now are the harness's own (at start, and in each new generation)."""
        self._own = _open_descriptors()
        self._source = max(self._own)  # one of ours to duplicate (never closed by a call's end)
        self._lowest_free = self._first_free()

    def _first_free(self):
        # A call's first descriptors take the lowest free numbers: if the lowest free one is still
        # where it was, nearly every leak is ruled out in two syscalls (~0.4 us) without listing
        # /proc/self/fd (~7 us) after every call.
        try:
            fd = _fcntl(self._source, _F_DUPFD_CLOEXEC, 0)
        except OSError:
            return -1
        _close(fd)
        return fd

    def restore(self):
        """Closes what the call opened and left open."""
        if self._first_free() == self._lowest_free:
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
