"""Turns a user exception into the protocol's {type, message, traceback}, without harness frames."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os

from . import compat
from .text_limits import cut_utf8, utf8_size

_HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))
# A runaway recursion leaves a million frames: formatting them all takes tens of seconds. Past
# this many, only the innermost are formatted (where the repetition is), as a note says.
_MAX_FRAMES = 200
_KEPT_FRAMES = 100


_loaded = {}  # the traceback module, as first imported (user code may replace sys.modules' entry)


def traceback_module():
    """traceback, imported on first use: with linecache, tokenize and re it is a sixth of a
    baseline worker's start, which most calls (no exception) do without. Persistent workers
    load it at start (process_setup), before any call can tamper with it."""
    module = _loaded.get("traceback")
    if module is None:
        import traceback as module

        _loaded["traceback"] = module
    return module


def _user_frames(tb, cell_filename):
    """The traceback from the first frame of the cell on; None when the cell never ran (SyntaxError)."""
    while tb is not None and tb.tb_frame.f_code.co_filename != cell_filename:
        tb = tb.tb_next
    return tb


def describe_exception(exc, cell_filename, limit):
    """{type, message, traceback}, the message and traceback each cut at `limit` (the call's
    maxOutputBytes, in UTF-8 bytes) with a note saying so; and whether anything was cut."""
    tb = _user_frames(exc.__traceback__, cell_filename)
    exc_type = type(exc)
    try:
        message = str(exc)
    except BaseException:
        message = "<exception str() failed>"
    message, cut_message = _bounded(message, limit)
    try:
        # Loaded here on a baseline worker's first error, which may be a call that used up every
        # descriptor: the import then fails, and the line below still says what happened.
        traceback = traceback_module()
        depth = _depth(tb)
        frames = -_KEPT_FRAMES if depth > _MAX_FRAMES else None
        summary = traceback.TracebackException(exc_type, exc, tb, limit=frames)
        _drop_harness_frames(summary)
        if cut_message:
            compat.set_exception_text(summary, message)  # the last line repeats it: cut there too
        text = "".join(summary.format())
        if frames is not None:
            text = "[pyexec: %d frames; the outermost %d are not shown]\n%s" % (depth, depth - _KEPT_FRAMES, text)
    except BaseException:  # user code may have broken the traceback module, or it cannot load; stay useful
        text = "%s: %s\n" % (exc_type.__name__, message)
    text, cut_text = _bounded(text, limit)
    error = {"type": exc_type.__name__, "message": message, "traceback": text}
    return error, cut_message or cut_text


def _depth(tb):
    depth = 0
    while tb is not None:
        depth += 1
        tb = tb.tb_next
    return depth


def _bounded(text, limit):
    size = utf8_size(text)
    if size <= limit:
        return text, False
    note = " [pyexec: cut at %d of %d bytes]" % (limit, size)
    return cut_utf8(text, limit - len(note)) + note, True


def _drop_harness_frames(summary, seen=None):
    """Removes frames of the harness itself (its SIGINT handler, say) from every chained exception."""
    seen = seen if seen is not None else set()
    while summary is not None and id(summary) not in seen:
        seen.add(id(summary))
        summary.stack[:] = [frame for frame in summary.stack if os.path.dirname(frame.filename) != _HARNESS_DIR]
        if summary.__context__ is not None:
            _drop_harness_frames(summary.__context__, seen)
        summary = summary.__cause__


def warm_up():
    """Formats one exception raised in a harness file, so the lazy imports of traceback formatting
    (linecache's tokenize; on 3.12+ the _tokenize C extension) happen now, before the isolated
    strategy's snapshot, rather than in the first call interrupted there (a harness frame is then
    on the stack), which would recycle the worker for a C extension it did not load itself."""
    traceback = traceback_module()
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as exc:
        traceback.TracebackException(type(exc), exc, exc.__traceback__).format()
