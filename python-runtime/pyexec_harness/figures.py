"""Collects matplotlib figures left open (or shown, which under Agg leaves them open)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import io
import sys
from binascii import b2a_base64  # not base64, which imports re: a worker's start does without it


def collect_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:  # only calls that imported pyplot pay for this
        return []
    figures = []
    try:
        for number in pyplot.get_fignums():
            buffer = io.BytesIO()
            pyplot.figure(number).savefig(buffer, format="png")
            figures.append({"mime": "image/png", "data": b2a_base64(buffer.getvalue(), newline=False).decode("ascii")})
    finally:
        pyplot.close("all")
    return figures
