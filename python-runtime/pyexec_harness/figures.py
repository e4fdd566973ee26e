"""Collects matplotlib figures left open (or shown, which under Agg leaves them open)."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import base64
import io
import sys


def collect_figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:  # only calls that imported pyplot pay for this
        return []
    figures = []
    try:
        for number in pyplot.get_fignums():
            buffer = io.BytesIO()
            pyplot.figure(number).savefig(buffer, format="png")
            figures.append({"mime": "image/png", "data": base64.b64encode(buffer.getvalue()).decode("ascii")})
    finally:
        pyplot.close("all")
    return figures
