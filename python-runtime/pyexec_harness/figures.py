"""Matplotlib figures as displays: at plt.show() (shown, then closed, as IPython's inline
backend does) and at the call's end (the figures still open). Each is a MIME bundle in the
call's figure formats (png, svg, pdf) and its text/plain repr."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import io
import sys
from binascii import b2a_base64  # not base64, which imports re: a worker's start does without it

from .display.publisher import displays

FORMAT_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
_PYPLOT = "matplotlib.pyplot"


def collect_figures():
    """The bundles of the figures still open (closed now)."""
    pyplot = sys.modules.get(_PYPLOT)
    if pyplot is None:  # only calls that imported pyplot pay for this
        return []
    try:
        return [_bundle(pyplot.figure(number)) for number in pyplot.get_fignums()]
    finally:
        pyplot.close("all")


def show_figures(*args, **kwargs):
    """pyplot.show() in a call: each open figure becomes a display where the call shows it."""
    try:
        bundles = collect_figures()
    except Exception as exc:
        displays.note("could not render matplotlib figures at plt.show(): %r" % (exc,))
        return
    for data in bundles:
        displays.publish(data, {}, figure=True)


def patch_pyplot(pyplot):
    """Called once pyplot is imported (see import_hooks.py): its show() displays the figures.
    Agg, the harness's backend, cannot show them anyway (matplotlib only warns)."""
    pyplot.show = show_figures


def _bundle(figure):
    data = {}
    for name in displays.figure_formats:
        buffer = io.BytesIO()
        figure.savefig(buffer, format=name)
        raw = buffer.getvalue()
        data[FORMAT_TYPES[name]] = raw.decode("utf-8") if name == "svg" else b2a_base64(raw, newline=False).decode("ascii")
    data["text/plain"] = repr(figure)
    return data
