"""A call's standard input (the host's `stdin` option): its data, then end of file.

The data is in an unnamed file of the worker's (O_TMPFILE, or a file unlinked at once), on fd 0
for the call only: sys.stdin reads it, and so does every process the call starts. No other call
can open it. Afterwards fd 0 reads /dev/null again, as between all calls."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import sys
import types

from .private_paths import write_all
from .streams import devnull_stdin

_set_module_attribute = types.ModuleType.__setattr__  # plain: isolated must not count it as user code's
_sys_dict = sys.__dict__


class CallStdin:
    def __init__(self):
        self._given = None  # (the call's sys.stdin, the one before it) while a call has stdin
        self._on_fd = False  # fd 0 reads the call's data (not /dev/null)

    def give(self, data):
        """The running call reads `data` on fd 0 and sys.stdin, then end of file."""
        fd = _unnamed_file_with(data)
        os.dup2(fd, 0)
        os.close(fd)
        self._on_fd = True
        self.use(devnull_stdin(0))  # a fresh reader: nothing buffered from an earlier end of file

    def use(self, reader):
        """The running call's sys.stdin is `reader` (host_input.HostStdin: lines the host answers)."""
        self._given = (reader, _sys_dict.get("stdin"))
        _set_module_attribute(sys, "stdin", reader)

    def end(self):
        """At the call's end: fd 0 reads /dev/null again, sys.stdin is what it was before."""
        if self._given is None:
            return
        reader, before = self._given
        self._given = None
        if self._on_fd:
            self._on_fd = False
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
        if _sys_dict.get("stdin") is reader:
            _set_module_attribute(sys, "stdin", before)


def _unnamed_file_with(data):
    import tempfile  # only for calls given stdin

    try:
        fd = os.open(tempfile.gettempdir(), os.O_TMPFILE | os.O_RDWR, 0o600)
    except (AttributeError, OSError):  # no O_TMPFILE here: a named file, unlinked at once
        handle = tempfile.TemporaryFile()
        fd = os.dup(handle.fileno())
        handle.close()
    write_all(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
