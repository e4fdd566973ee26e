"""File-like objects installed as sys.stdout/sys.stderr/sys.stdin for user code.

Python-level writes go straight into the call's sink (no pipe round trip), after whatever
fd-level output is already waiting in the pipe (the capture's write_in_order), so the order
of a stream is the order it was written in; fileno() still names the redirected OS descriptor
so subprocesses and C code can be handed them."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import io


class CapturedBinary(io.RawIOBase):
    """The ``.buffer`` of a captured text stream: bytes are decoded into the same sink."""

    def __init__(self, sink, fd, write_in_order):
        self._sink = sink
        self._fd = fd
        self._write_in_order = write_in_order

    def writable(self):
        return True

    def write(self, data):
        data = bytes(data)
        self._write_in_order(self._sink.add_bytes, data)
        return len(data)

    def fileno(self):
        return self._fd


class CapturedText(io.TextIOBase):
    """A text stream whose writes land in a call's sink."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, sink, fd, name, flush_pending, write_in_order):
        self._sink = sink
        self._fd = fd
        self._name = name
        self._flush_pending = flush_pending
        self._write_in_order = write_in_order
        self.buffer = CapturedBinary(sink, fd, write_in_order)

    @property
    def name(self):
        return self._name

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        if text:
            self._write_in_order(self._sink.add_text, text)
        return len(text)

    def fileno(self):
        return self._fd

    def isatty(self):
        return False

    def flush(self):
        # An explicit flush sends at once: the call may next block in C code holding the GIL,
        # where the batching thread cannot run, and then be killed.
        self._flush_pending()


def devnull_stdin(fd):
    """A stdin that is always at end of file, so input() raises EOFError instead of hanging."""
    return io.TextIOWrapper(io.FileIO(fd, "r", closefd=False), encoding="utf-8")
