"""A child forked from the template: set up before its call arrives, runs it, exits."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py

import _signal
import os

from .. import codec
from ..capture import OutputCapture
from ..runner import CallRunner

_DONE = b"."


def serve_one_call(channel, sock, work_dir, interrupts, limiter):
    """Runs in the forked child and never returns: set up, wait for the call, run it, exit."""
    code = 70
    try:
        # A group of its own: a timeout kills the child and all it started, never the template.
        os.setpgid(0, 0)
        call_dir = os.path.join(work_dir, "call-%d" % os.getpid())
        os.mkdir(call_dir, 0o700)
        os.chdir(call_dir)
        capture = OutputCapture(channel, pump="lazy")  # fresh pipes; threads do not survive fork
        runner = CallRunner(capture, interrupts, limiter, [], os.path.join(work_dir, "script-%d" % os.getpid()))
        _warm_up(runner)
        line = _read_line(sock)
        if line is None:
            code = 0  # the template is shutting down
        else:
            channel.send(runner.run(codec.decode(line.decode("utf-8"))))
            sock.sendall(_DONE)
            code = 0
    finally:
        _exit_with_group(code)


# A fresh fork pays a copy-on-write fault for every page a call first writes (refcounts
# included): ~0.7 ms for print(1+1) here. A throwaway call while waiting pays it in advance.
_WARM_UP = {"type": "run", "id": "", "code": "pass", "maxOutputBytes": 1}


def _warm_up(runner):
    codec.encode(runner.run(dict(_WARM_UP)))


def _read_line(sock):
    pending = b""
    while not pending.endswith(b"\n"):
        chunk = sock.recv(1 << 16)
        if not chunk:
            return None
        pending += chunk
    return pending[:-1]


def _exit_with_group(code):
    # Whatever the call left running in this process group goes too (setsid'd ones are killed by
    # the host on timeout or stop; after a clean call only this group is reachable cheaply).
    try:
        os.killpg(0, _signal.SIGKILL)
    finally:
        os._exit(code)
