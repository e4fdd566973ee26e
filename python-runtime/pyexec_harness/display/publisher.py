"""display(), update_display() and display handles: what user code calls to show rich output.

Each display goes to the host as a `display` message at once, after the call's output so far
(OutputCapture.send_in_order), so a front end sees text and displays in the order they were
made. Displays count against limits.maxOutputBytes, each and together: one past it is left out,
said on stderr, and the result is marked truncated."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import sys

from ..fork_guard import is_foreign
from .bundles import bundle_size, format_bundle, plain_metadata, raw_bundle

_DEFAULT_FORMATS = ("png",)


class Displays:
    """The process's publisher: which capture it sends through, and the running call's budget."""

    def __init__(self):
        self._capture = None
        self._remaining = 0
        self._limit = 0
        self.dropped = False
        self.figure_formats = _DEFAULT_FORMATS

    def attach(self, capture):
        """Sends through `capture` from now on (each process that runs calls has its own)."""
        self._capture = capture

    def begin_call(self, limit, figure_formats):
        # (On every call: a few attribute writes, no more.)
        self._remaining = self._limit = limit
        if figure_formats:
            self.figure_formats = tuple(figure_formats)
        elif self.figure_formats is not _DEFAULT_FORMATS:
            self.figure_formats = _DEFAULT_FORMATS

    def end_call(self):
        """Whether a display of the call was left out (the result is then marked truncated)."""
        if not self.dropped:
            return False
        self.dropped = False
        return True

    def note(self, text):
        """A line on the running call's stderr saying what a display left out."""
        capture = self._capture
        if capture is not None:
            capture.note_on_stderr("pyexec: %s\n" % (text,))

    def fits(self, data, what):
        """Takes `data`'s size from the call's budget; False (with a note) when it is past it."""
        size = bundle_size(data)
        if size <= self._remaining:
            self._remaining -= size
            return True
        self.dropped = True
        self.note(
            "%s of %d bytes left out: past limits.maxOutputBytes (%d bytes of displays a call)" % (what, size, self._limit)
        )
        return False

    def publish(self, data, metadata, display_id=None, update=False, figure=False):
        """Sends one display (or an update of one) for the running call."""
        if not data or not self.fits(data, "an update" if update else "a display"):
            return
        message = {"type": "display", "data": data, "metadata": metadata}
        if display_id is not None:
            message["displayId"] = display_id
        if update:
            message["update"] = True
        if figure:
            message["figure"] = True
        capture = self._capture
        if capture is not None:
            capture.send_in_order(message)


displays = Displays()


def _foreign_fallback(data):
    # A process user code forked has no channel: its displays are text on its stdout, as a
    # script's print would be.
    sys.stdout.write(data.get("text/plain", "") + "\n")


class DisplayHandle:
    """A display that can be shown again or replaced in place (IPython's DisplayHandle)."""

    def __init__(self, display_id=None):
        self.display_id = display_id if display_id is not None else os.urandom(16).hex()

    def __repr__(self):
        return "<%s display_id=%s>" % (type(self).__name__, self.display_id)

    def display(self, obj, **kwargs):
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj, **kwargs):
        update_display(obj, display_id=self.display_id, **kwargs)


def display(*objs, include=None, exclude=None, metadata=None, transient=None, display_id=None, raw=False, clear=False, **kwargs):
    """Shows each object as the richest representations it has (IPython's display()). With a
    display_id (True for a new one), returns a DisplayHandle whose update() replaces it."""
    if display_id is True:
        display_id = os.urandom(16).hex()
    elif display_id is not None and type(display_id) is not str:
        raise TypeError("display_id must be a str or True, not %s" % type(display_id).__name__)
    update = bool(kwargs.pop("update", False))
    if kwargs:
        raise TypeError("display() got an unexpected keyword argument %r" % (next(iter(kwargs)),))
    if update and display_id is None:
        raise TypeError("display(update=True) needs a display_id")
    for obj in objs:
        _show(obj, include, exclude, metadata, display_id, raw, update)
    if display_id is not None and not update:
        return DisplayHandle(display_id)
    return None


def update_display(obj, display_id, **kwargs):
    """Replaces what display_id shows with `obj` (IPython's update_display())."""
    kwargs["update"] = True
    display(obj, display_id=display_id, **kwargs)


def _show(obj, include, exclude, metadata, display_id, raw, update):
    if raw:
        data, own_metadata = raw_bundle(obj, displays.note), {}
    else:
        data, own_metadata = format_bundle(obj, displays.note, include, exclude)
    if isinstance(metadata, dict):
        own_metadata = dict(own_metadata, **{k: v for k, v in metadata.items() if type(k) is str})
    if is_foreign():
        _foreign_fallback(data)
        return
    displays.publish(data, plain_metadata(own_metadata), display_id, update)
