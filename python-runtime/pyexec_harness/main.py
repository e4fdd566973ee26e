"""Harness entry point: takes over stdio, then hands the process to its strategy's mode.

Started by the host as:
    python -c "import sys;w=sys.dont_write_bytecode;sys.dont_write_bytecode=False;
               sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main(w)" \
        RUNTIME_DIR CONFIG_JSON
(the whole -c text on one line; src/worker/harness-location.ts has it).
CONFIG_JSON holds the host's start options, all optional: {"mode": "optimized" | "isolated" |
"forked" | "baseline" (see modes/), "limits": {...}, "preload": [...], "learnedPreload": [...],
"resetHooks": [...], "workDir": path, "gcInterval": n, "maxRssMb": n, "generations": bool,
"callRoot": path, "busyPollUs": n}.
"""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import os
import sys

from . import codec, modes, stack_view
from .process_setup import restore_bytecode_setting, take_over_stdio


def main(dont_write_bytecode=None):
    """dont_write_bytecode: the user's setting, which the bootstrap lifted so that the harness's
    own modules are cached; put back before the first call (see process_setup.hello)."""
    stack_view.measure_script_reach()  # first, from the frame the bootstrap's code calls
    if dont_write_bytecode is not None:
        restore_bytecode_setting(dont_write_bytecode)
    config = codec.decode(sys.argv[2]) if len(sys.argv) > 2 else {}
    channel = take_over_stdio(config.get("busyPollUs") or 0)
    try:
        mode = modes.load(config.get("mode") or "optimized")
        mode.serve(config, channel)
    except BaseException as exc:  # a bad preload or reset hook, an unknown mode: say why instead of hello
        channel.send({"type": "fault", "message": "could not start: %s: %s" % (type(exc).__name__, exc)})
    os._exit(1)
