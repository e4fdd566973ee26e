"""Turns a user exception into the protocol's {type, message, traceback}, without harness frames."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import os
import traceback

_HARNESS_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frames(tb, cell_filename):
    """The traceback from the first frame of the cell on; None when the cell never ran (SyntaxError)."""
    while tb is not None and tb.tb_frame.f_code.co_filename != cell_filename:
        tb = tb.tb_next
    return tb


def describe_exception(exc, cell_filename):
    tb = _user_frames(exc.__traceback__, cell_filename)
    exc_type = type(exc)
    try:
        message = str(exc)
    except BaseException:
        message = "<exception str() failed>"
    try:
        summary = traceback.TracebackException(exc_type, exc, tb)
        _drop_harness_frames(summary)
        text = "".join(summary.format())
    except BaseException:  # user code may have broken the traceback module; stay useful
        text = "%s: %s\n" % (exc_type.__name__, message)
    return {"type": exc_type.__name__, "message": message, "traceback": text}


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
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as exc:
        traceback.TracebackException(type(exc), exc, exc.__traceback__).format()
