"""File-like objects installed as sys.stdout/sys.stderr/sys.stdin for user code.

Python-level writes go straight into the call's sink (no pipe round trip), after whatever
fd-level output is already waiting in the pipe (the capture's write_in_order), so the order
of a stream is the order it was written in; fileno() still names the redirected OS descriptor
so subprocesses and C code can be handed them."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import codecs
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
    """A text stream whose writes land in a call's sink, with the io.TextIOWrapper API scripts
    use (reconfigure, encoding, errors, line_buffering, buffer, detach). Its error handlers are
    python3's under a UTF-8 locale: surrogateescape for stdout, backslashreplace for stderr."""

    def __init__(self, sink, fd, name, flush_pending, write_in_order):
        self._sink = sink
        self._fd = fd
        self._name = name
        self._flush_pending = flush_pending
        self._write_in_order = write_in_order
        self._detached = False
        self.buffer = CapturedBinary(sink, fd, write_in_order)
        self.reset()

    def reset(self):
        """Back to how a call finds it (a call that reconfigured it must not change the next)."""
        self._encoding = "utf-8"
        self._errors = "backslashreplace" if self._fd == 2 else "surrogateescape"
        self._line_buffering = False
        self._write_through = True

    @property
    def name(self):
        return self._name

    @property
    def encoding(self):  # pyright: ignore[reportIncompatibleVariableOverride]  (read-only, as TextIOWrapper's)
        return self._encoding

    @property
    def errors(self):  # pyright: ignore[reportIncompatibleVariableOverride]  (read-only, as TextIOWrapper's)
        return self._errors

    @property
    def line_buffering(self):
        return self._line_buffering

    @property
    def write_through(self):
        return self._write_through

    @property
    def newlines(self):  # pyright: ignore[reportIncompatibleVariableOverride]  (read-only, as TextIOWrapper's)
        return None

    @property
    def mode(self):
        return "w"

    @property
    def closed(self):
        # Detached counts as closed: the harness then installs a fresh stream for the next call.
        return self._detached or super().closed

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        if self._detached:
            raise ValueError("underlying buffer has been detached")
        if not text:
            return 0
        if text.isascii() and self._encoding == "utf-8":
            self._write_in_order(self._sink.add_text, text)
        else:
            # Encoded as python3 would write it to the pipe (raising under errors="strict").
            self._write_in_order(self._sink.add_bytes, text.encode(self._encoding, self._errors))
        return len(text)

    def reconfigure(self, *, encoding=None, errors=None, newline=None, line_buffering=None, write_through=None):
        """As io.TextIOWrapper.reconfigure: the encoding must exist (LookupError otherwise)."""
        if encoding is not None:
            self._encoding = codecs.lookup(encoding).name
            if errors is None:
                errors = "strict"
        if errors is not None:
            codecs.lookup_error(errors)
            self._errors = errors
        if line_buffering is not None:
            self._line_buffering = bool(line_buffering)
        if write_through is not None:
            self._write_through = bool(write_through)

    def detach(self):  # pyright: ignore[reportIncompatibleMethodOverride]  (a raw binary stream, as sys.stdout's)
        """Hands out the binary buffer (`io.TextIOWrapper(sys.stdout.detach(), …)`); this stream is
        unusable afterwards, as a detached TextIOWrapper is."""
        self._detached = True
        return self.buffer

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


def fd_text_stream(fd, errors):
    """An unbuffered text stream on `fd`, as python3 -u gives a script (processes user code forks)."""
    return io.TextIOWrapper(io.FileIO(fd, "w", closefd=False), encoding="utf-8", errors=errors, write_through=True)
