"""Harness entry point: takes over stdio, then hands the process to its strategy's mode.

Started by the host as:
    python -c "import sys;sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main()" \
        RUNTIME_DIR CONFIG_JSON
CONFIG_JSON holds the host's start options, all optional: {"mode": "optimized" | "isolated" |
"forked" | "baseline" (see modes/), "limits": {...}, "preload": [...], "learnedPreload": [...],
"resetHooks": [...], "workDir": path, "gcInterval": n, "maxRssMb": n, "generations": bool,
"callRoot": path, "busyPollUs": n}.
"""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import os
import sys

from . import codec, modes, stack_view
from .process_setup import take_over_stdio


def main():
    stack_view.measure_script_reach()  # first, from the frame the bootstrap's code calls
    config = codec.decode(sys.argv[2]) if len(sys.argv) > 2 else {}
    channel = take_over_stdio(config.get("busyPollUs") or 0)
    try:
        mode = modes.load(config.get("mode") or "optimized")
        mode.serve(config, channel)
    except BaseException as exc:  # a bad preload or reset hook, an unknown mode: say why instead of hello
        channel.send({"type": "fault", "message": "could not start: %s: %s" % (type(exc).__name__, exc)})
    os._exit(1)
