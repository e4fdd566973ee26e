"""Harness entry point: takes over stdio, greets the host, then serves messages until told to stop.

Started by the host as:
    python -c "import sys;sys.path.insert(0,sys.argv[1]);import pyexec_harness.main as m;del sys.path[0];m.main()" \
        RUNTIME_DIR CONFIG_JSON
CONFIG_JSON holds the host's start options: {"limits": {...}}.
"""

import faulthandler
import os
import platform
import sys

from . import PROTOCOL_VERSION, codec
from .capture import OutputCapture
from .channel import Channel
from .interrupts import InterruptGuard
from .limits import ResourceLimiter
from .protocol import check_host_message
from .runner import CallRunner

_exit = os._exit


def _take_over_stdio():
    """Keeps private duplicates of the original stdio; fds 0-2 are handed to OutputCapture."""
    protocol_in = os.dup(0)
    protocol_out = os.dup(1)
    diagnostics = os.fdopen(os.dup(2), "w", buffering=1)
    # Crash reports (segfaults) go to the host's view of our stderr, not to the call's capture.
    faulthandler.enable(file=diagnostics)
    return Channel(protocol_in, protocol_out), diagnostics


class Harness:
    def __init__(self, config):
        os.environ.setdefault("MPLBACKEND", "Agg")
        self.channel, self.diagnostics = _take_over_stdio()
        self.capture = OutputCapture(self.channel)
        interrupts = InterruptGuard()
        interrupts.install()
        limiter = ResourceLimiter(config.get("limits") or {}, interrupts)
        self.runner = CallRunner(self.capture, interrupts, limiter)
        self.handlers = {"run": self._on_run, "shutdown": self._on_shutdown}
        sys.argv = [""]

    def hello(self):
        return {
            "type": "hello",
            "protocol": PROTOCOL_VERSION,
            "python": platform.python_version(),
            "pid": os.getpid(),
            "executable": sys.executable or "",
        }

    def serve(self):
        self.channel.send(self.hello())
        while True:
            try:
                message = self.channel.read_message()
            except KeyboardInterrupt:
                continue  # a late interrupt for a call that already ended
            except BaseException as exc:
                self.channel.send({"type": "fault", "message": "unreadable message: %r" % (exc,)})
                continue
            if message is None:
                _exit(0)
            self._dispatch(message)

    def _dispatch(self, message):
        try:
            problem = check_host_message(message)
            if problem is not None:
                self._send_fault(message, "%s: %.200r" % (problem, message))
                return
            self.handlers[message["type"]](message)
        except BaseException as exc:  # the loop never dies
            self._send_fault(message, "harness failure: %r" % (exc,))

    def _send_fault(self, message, text):
        fault = {"type": "fault", "message": text}
        # With the id, the host can settle the call the bad message was meant to start.
        if isinstance(message, dict) and isinstance(message.get("id"), str):
            fault["id"] = message["id"]
        self.channel.send(fault)

    def _on_run(self, message):
        self.channel.send(self.runner.run(message))

    def _on_shutdown(self, message):
        # os._exit: user atexit handlers and leftover non-daemon threads must not delay shutdown.
        _exit(0)


def main():
    config = codec.decode(sys.argv[2]) if len(sys.argv) > 2 else {}
    Harness(config).serve()
