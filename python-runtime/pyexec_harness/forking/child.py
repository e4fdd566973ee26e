"""A child forked from the template: set up before its call arrives, runs it, exits."""

from .._pristine import BUILTINS as __builtins__  # private builtins: see _pristine.py  # noqa: F401

import _signal
import os

from .. import codec, os_exit
from . import spawn_watch
from ..capture import OutputCapture
from ..channel import Channel
from ..host_requests import requests
from ..descendants import become_subreaper, has_children, kill_descendants
from ..private_paths import make_fresh_directory
from ..process_setup import use_private_matplotlib_dir
from ..runner import CallRunner

_DONE = b"."


def call_directories(root, name):
    """A call's working and script directories (see private_paths.py), by its unguessable name."""
    return os.path.join(root, "call-" + name), os.path.join(root, "script-" + name)


def serve_one_call(channel, sock, directories, interrupts, limiter, config):
    """Runs in the forked child and never returns: set up, wait for the call, run it, exit."""
    code = 70
    try:
        # A group of its own: a timeout kills the child and all it started, never the template.
        os.setpgid(0, 0)
        become_subreaper()  # what the call starts stays below this child, to be killed with it
        has_children()  # opens this child's children list now, off the call's path
        _close_host_input(channel)
        capture = OutputCapture(channel, pump="lazy")  # fresh pipes; threads do not survive fork
        spawn_watch.watch(capture)
        runner = CallRunner(capture, interrupts, limiter, [], None)
        # Replies to the call's requests come on the socket: the template passes them on.
        requests.attach(capture, Channel(sock.fileno(), -1))
        # Inline, not in a function: the warm-up must run the call's code from the depth the
        # call will (stack_view measures the recursion limit's offset on the first call).
        codec.encode(runner.run(dict(_WARM_UP)))
        line = _read_line(sock)
        if line is None:
            code = 0  # the template is shutting down
        else:
            working, script = directories
            os.chdir(make_fresh_directory(working))
            runner.use_script_dir(script)
            use_private_matplotlib_dir(config, script)
            os_exit.on_exit_during_call(lambda status: _exit_during_call(runner, channel, sock, status))
            _answer(runner.run(codec.decode(line.decode("utf-8"))), channel, sock)
            code = 0
    finally:
        _exit_with_group(code)


# A fresh fork pays a copy-on-write fault for every page a call first writes (refcounts
# included): ~0.7 ms for print(1+1) here. A throwaway call while waiting pays it in advance.
_WARM_UP = {"type": "run", "id": "", "code": "pass", "maxOutputBytes": 1}


def _answer(result, channel, sock):
    if has_children():
        kill_descendants()  # before the result: when the call ends, what it started is gone
    channel.send(result)
    sock.sendall(_DONE)


def _exit_during_call(runner, channel, sock, status):
    # os._exit in the call (see os_exit.py): answered as at a call's normal end, then it exits.
    result = runner.finish_on_exit(status)
    if result is None:
        return status
    _answer(result, channel, sock)
    return 0


def _read_line(sock):
    pending = b""
    while not pending.endswith(b"\n"):
        chunk = sock.recv(1 << 16)
        if not chunk:
            return None
        pending += chunk
    return pending[:-1]


def _close_host_input(channel):
    # Only the template reads the host's messages: a child (or anything user code makes of it)
    # reading them would take calls meant for the next child.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, channel.read_fd, inheritable=False)
    os.close(null)


def _exit_with_group(code):
    # Whatever the call left running goes too: its process group, and every descendant (even
    # those that called setsid, re-parented to this subreaper).
    try:
        kill_descendants()
        os.killpg(0, _signal.SIGKILL)
    finally:
        os._exit(code)
