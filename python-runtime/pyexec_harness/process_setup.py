"""What every harness process does before it serves, whatever its mode."""

from ._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import faulthandler
import os
import sys

from . import PROTOCOL_VERSION, import_hooks, os_exit, stack_view
from .channel import Channel
from .descendants import become_subreaper
from .errors import traceback_module
from .fork_guard import guard_channel
from .interrupts import InterruptGuard
from .limits import ResourceLimiter


def take_over_stdio(busy_poll_us):
    """Keeps private duplicates of the original stdio; fds 0-2 are handed to OutputCapture."""
    _close_inherited_descriptors()
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    diagnostics = os.fdopen(os.dup(2), "w", buffering=1)
    # Crash reports (segfaults) go to the host's view of our stderr, not to the call's capture.
    faulthandler.enable(file=diagnostics)
    guard_channel((protocol_in, protocol_out, diagnostics.fileno()))
    return Channel(protocol_in, protocol_out, busy_poll_us)


def _close_inherited_descriptors():
    # Descriptors the host's own parent left open (and Node passed on) reach processes that are
    # none of the worker's business: user code must not write to them. Python opens its own
    # non-inheritable (PEP 446), so an inheritable one above 2 came from outside.
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd > 2:
            try:
                if os.get_inheritable(fd):
                    os.close(fd)
            except OSError:
                pass  # the directory listing's own descriptor, closed meanwhile


def prepare_process(config):
    """Signals, limits, working directory and preloads; returns (interrupts, limiter)."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import_hooks.install()  # before preloads: a preloaded pyplot gets its show() too
    become_subreaper()
    if config.get("mode") != "baseline":
        # Persistent workers load traceback now, before any call can tamper with it (and isolated
        # would count it as a call's import); a baseline worker's first error loads it.
        traceback_module()
    stack_view.install()
    interrupts = InterruptGuard()
    interrupts.install()
    os_exit.install()
    limiter = ResourceLimiter(config.get("limits") or {}, interrupts)
    sys.argv = [""]
    # Through a launcher (docker exec…) the host's directory may not exist here: make one.
    work_dir = config.get("workDir")
    if not (work_dir and os.path.isdir(work_dir)):
        import tempfile  # only through a launcher: a start-up cost the common case skips

        work_dir = config["workDir"] = tempfile.mkdtemp(prefix="pyexec-worker-")
    os.chdir(work_dir)
    for module in config.get("preload") or ():
        __import__(module)
    _import_best_effort(config.get("learnedPreload") or ())
    return interrupts, limiter


def use_private_matplotlib_dir(config, script_dir):
    """Points matplotlib's config and cache directory (where it reads a matplotlibrc, which may
    name a backend module to import) into the script directory of a call or worker, where no
    other call's files are: unless the user chose MPLCONFIGDIR themselves."""
    shared = config.get("matplotlibDir")
    if shared is not None and os.environ.get("MPLCONFIGDIR") == shared:
        os.environ["MPLCONFIGDIR"] = os.path.join(script_dir, ".matplotlib")


def call_root(config):
    """Where per-call working directories go: the host's fast scratch (tmpfs) if it exists here."""
    root = config.get("callRoot")
    return root if root and os.path.isdir(root) else config["workDir"]


_bytecode_setting = []  # the user's sys.dont_write_bytecode, until hello() puts it back


def restore_bytecode_setting(dont_write_bytecode):
    """The user's setting goes back once the harness has imported what it needs (hello())."""
    _bytecode_setting.append(dont_write_bytecode)


def hello():
    """The first message, made when the worker is ready and before any call's code runs."""
    if _bytecode_setting:
        sys.dont_write_bytecode = _bytecode_setting.pop()
    return {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "pid": os.getpid(),
        "executable": sys.executable or "",
    }


def _import_best_effort(modules):
    # Packages a previous worker saw calls load (C extensions): a failure here only costs speed.
    for module in modules:
        try:
            __import__(module)
        except BaseException:
            pass
